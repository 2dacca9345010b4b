// The suitability job's map over the ranks (mpi_suitability.hpp, banded_map_rows): each rank
// computes its band of rows; its tiles are written by the ranks (--map-tiles, mpi_map_tiles.cpp)
// or the bands go to rank 0, which places them into the whole map; or, when no rank needs the
// whole map, the ranks exchange only the whole map's checks.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "core/error.hpp"
#include "engine/mpi_suitability.hpp"
#include "engine/mpi_wire.hpp"
#include "engine/suitability.hpp"  // CellState

namespace siteplan::engine {

namespace {
constexpr std::uint32_t kMagicBand = 0x53504231;  // "SPB1"
constexpr int kTagBand = 202;

// When and how long a rank computed its band (and wrote its tiles), as it reports to rank 0.
struct BandClock {
  double seconds = 0, cpu = 0;  // the band's wall seconds; the process's CPU at its end
  std::int64_t end_ns = 0;      // its end on the monotonic clock
  double tile_seconds = 0;
  void put(wire::Writer& w) const {
    w.put(seconds);
    w.put(cpu);
    w.put(end_ns);
    w.put(tile_seconds);
  }
  static BandClock get(wire::Reader& r) {
    BandClock c;
    c.seconds = r.get<double>();
    c.cpu = r.get<double>();
    c.end_ns = r.get<std::int64_t>();
    c.tile_seconds = r.get<double>();
    return c;
  }
  std::chrono::steady_clock::time_point end() const {
    return std::chrono::steady_clock::time_point{
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::nanoseconds(end_ns))};
  }
  // Into rank 0's times, in rank order. Ranks on one machine share the monotonic clock; else
  // the band counts as done when its report is in.
  void record(MapBandTimes& t, bool one_machine) const {
    const auto done = one_machine ? end() : std::chrono::steady_clock::now();
    t.last_band_end = t.band_seconds.empty() ? done : std::max(t.last_band_end, done);
    t.band_seconds.push_back(seconds);
    t.band_cpu.push_back(cpu);
    t.tile_seconds.push_back(tile_seconds);
    if (one_machine) t.band_end.push_back(done);
  }
};

// A band of the job's map: the stack, the map, and the raw and score rows of the factors whose
// grids the candidates read (`grids`: their indices).
std::string encode_band(const MapRows& band, const std::vector<Factor*>& factors,
                        const std::vector<std::size_t>& grids, const BandClock& clock,
                        const std::string& hashed) {
  wire::Writer w;
  w.put(kMagicBand);
  w.put<std::int32_t>(band.stack.r0);
  w.put<std::int32_t>(band.stack.r1);
  clock.put(w);
  w.put<std::uint64_t>(band.dem_cells);
  w.vec(band.has_value);
  w.vec(band.stack.state);
  w.vec(band.map);
  w.put<std::uint64_t>(band.stack.scores.size());
  for (const auto& q : band.stack.scores) w.vec(q);
  const std::size_t n = band.stack.cells();
  w.put<std::uint64_t>(grids.size());
  for (std::size_t k : grids) {
    const Raster &raw = factors[k]->raw_grid(), &score = factors[k]->score_grid();
    // The factor's kept grid, which holds this band only (banded_map_rows).
    if (raw.size() != n || score.size() != n)
      throw RuntimeError("banded map: a factor's kept rows are not its band's size");
    w.vec(raw);
    w.vec(score);
  }
  w.str(hashed);
  return std::move(w.bytes());
}

// Tiles written and no candidates: rank 0 needs only the whole map's checks (a value of every
// factor, DEM cells) and the ranks' times; every rank gets the checks.
MapRows map_checks(const MpiWorld& world, const MapRows& mine, const std::vector<int>& bands,
                   std::chrono::steady_clock::time_point t0, const BandClock& clock,
                   MapBandTimes* times, SharedInputHashes* hashes) {
  wire::Writer w;
  clock.put(w);
  w.put<std::uint64_t>(mine.dem_cells);
  w.vec(mine.has_value);
  w.str(hashes ? hashes->mine() : std::string());
  MapRows all;
  all.stack.grid = mine.stack.grid;
  all.stack.ids = mine.stack.ids;
  all.has_value.assign(mine.has_value.size(), 0);
  MapBandTimes t;
  t.start = t0;
  t.bands = bands;
  t.tiled_only = true;
  const bool one_machine = world.local_size() == world.size();
  int from = 0;
  for (const auto& bytes : world.all_gather(w.bytes())) {
    wire::Reader r(bytes);
    BandClock::get(r).record(t, one_machine);
    all.dem_cells += r.get<std::uint64_t>();
    const auto has = r.vec<char>();
    const std::string hashed = r.str();
    if (hashes && world.root()) hashes->take(hashed);
    if (has.size() != all.has_value.size() || !r.done())
      throw RuntimeError(fmt::format("MPI: rank {}'s map checks are inconsistent", from));
    for (std::size_t k = 0; k < has.size(); ++k) all.has_value[k] |= has[k];
    t.bytes += bytes.size();
    ++from;
  }
  t.gathered = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (times) *times = std::move(t);
  return all;
}
}  // namespace

MapRows banded_map_rows(const MpiWorld& world, MapPlan& plan, int ny, MapBandTimes* times,
                        const BandTiles* tiles, SharedInputHashes* hashes) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<int> bands = split_rows(ny, world.size());
  const auto me = static_cast<std::size_t>(world.rank());
  const int r0 = bands[me], r1 = bands[me + 1];
  const Grid& grid = plan.fc.grid;
  const auto nx = static_cast<std::size_t>(grid.nx);
  std::vector<std::size_t> grids;  // factors whose kept grids the candidates read
  if (plan.keep_grids)
    for (std::size_t k = 0; k < plan.factors.size(); ++k)
      if (plan.factors[k]->evaluates_on_grid()) grids.push_back(k);
  // Rank 0's factors already keep the whole grid (the job sized them, unless the candidates are
  // distributed); another rank's its band.
  if (!world.root() || (tiles && tiles->keep_bands))
    for (std::size_t k : grids)
      plan.factors[k]->keep_grids(static_cast<std::size_t>(r1 - r0) * nx,
                                  static_cast<std::size_t>(r0) * nx);
  MapRows mine = compute_rows(plan, r0, r1);
  const auto band_end = std::chrono::steady_clock::now();
  BandClock clock;
  clock.seconds = std::chrono::duration<double>(band_end - t0).count();
  clock.cpu = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
  clock.end_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(band_end.time_since_epoch()).count();
  clock.tile_seconds = tiles ? write_band_tiles(world, bands, mine, *tiles, ny) : 0.0;
  if (tiles && (!plan.keep_grids || tiles->keep_bands)) {
    MapRows checks = map_checks(world, mine, bands, t0, clock, times, hashes);
    if (!tiles->keep_bands) return checks;
    mine.has_value = std::move(checks.has_value);
    mine.dem_cells = checks.dem_cells;
    return mine;
  }
  if (!world.root()) {
    world.send(
        0, kTagBand,
        encode_band(mine, plan.factors, grids, clock, hashes ? hashes->mine() : std::string()));
    return mine;
  }
  // Rank 0: the whole map, its own band first, then every other rank's in rank order.
  const std::size_t n = grid.size(), nf = plan.factors.size();
  MapRows all;
  all.stack.grid = grid;
  all.stack.r0 = 0;
  all.stack.r1 = ny;
  all.stack.ids = mine.stack.ids;
  all.stack.scores.assign(nf, std::vector<std::uint16_t>(n, kScoreNoData));
  all.stack.state.assign(n, kOutside);
  all.map.assign(n, kNoData);
  all.has_value = mine.has_value;
  all.dem_cells = mine.dem_cells;
  auto place = [&](int b0, const std::vector<std::uint8_t>& state, const Raster& map,
                   const std::vector<std::vector<std::uint16_t>>& scores) {
    const auto at = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(b0) * nx);
    std::copy(state.begin(), state.end(), all.stack.state.begin() + at);
    std::copy(map.begin(), map.end(), all.map.begin() + at);
    for (std::size_t k = 0; k < nf; ++k)
      std::copy(scores[k].begin(), scores[k].end(), all.stack.scores[k].begin() + at);
  };
  place(r0, mine.stack.state, mine.map, mine.stack.scores);
  if (hashes) hashes->take(hashes->mine());
  mine = MapRows{};
  MapBandTimes t;
  t.start = t0;
  t.bands = bands;
  const bool one_machine = world.local_size() == world.size();
  clock.record(t, one_machine);
  for (int from = 1; from < world.size(); ++from) {
    const std::string bytes = world.recv(from, kTagBand);
    t.bytes += bytes.size();
    wire::Reader r(bytes);
    if (r.get<std::uint32_t>() != kMagicBand)
      throw RuntimeError(fmt::format("MPI: rank {} sent something that is not a map band", from));
    const int b0 = r.get<std::int32_t>(), b1 = r.get<std::int32_t>();
    const auto fb = static_cast<std::size_t>(from);
    if (b0 != bands[fb] || b1 != bands[fb + 1])
      throw RuntimeError(fmt::format("MPI: rank {} sent rows [{}, {}) for [{}, {})", from, b0, b1,
                                     bands[fb], bands[fb + 1]));
    const std::size_t m = static_cast<std::size_t>(b1 - b0) * nx;
    BandClock::get(r).record(t, one_machine);
    all.dem_cells += r.get<std::uint64_t>();
    const auto has = r.vec<char>();
    const auto state = r.vec<std::uint8_t>();
    const auto map = r.vec<float>();
    std::vector<std::vector<std::uint16_t>> scores(r.count(8));
    for (auto& q : scores) q = r.vec<std::uint16_t>();
    bool ok = has.size() == nf && state.size() == m && map.size() == m && scores.size() == nf;
    for (const auto& q : scores) ok = ok && q.size() == m;
    if (!ok) throw RuntimeError(fmt::format("MPI: rank {}'s map band is inconsistent", from));
    for (std::size_t k = 0; k < nf; ++k) all.has_value[k] |= has[k];
    place(b0, state, map, scores);
    if (r.get<std::uint64_t>() != grids.size())
      throw RuntimeError(fmt::format("MPI: rank {} kept other factor grids", from));
    for (std::size_t k : grids) {
      const auto raw = r.vec<float>(), score = r.vec<float>();
      if (raw.size() != m || score.size() != m)
        throw RuntimeError(fmt::format("MPI: rank {}'s factor rows are inconsistent", from));
      plan.factors[k]->store_rows(grid, b0, b1, raw.data(), score.data());
    }
    const std::string hashed = r.str();
    if (hashes) hashes->take(hashed);
    if (!r.done()) throw RuntimeError(fmt::format("MPI: rank {}'s map band is too long", from));
  }
  t.gathered = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (times) *times = std::move(t);
  return all;
}

}  // namespace siteplan::engine
