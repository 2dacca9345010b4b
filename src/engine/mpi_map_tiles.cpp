// The ranks write the map's tiles themselves (mpi_suitability.hpp, BandTiles): a tile belongs to
// the rank whose band holds its first row; the rows of it that later ranks computed come to it
// point to point. Bands are the equal-row bands of split_rows, tiles a fixed grid of rows, so the
// tiles are the same files for any number of ranks.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "core/log.hpp"
#include "engine/mpi_suitability.hpp"
#include "engine/mpi_wire.hpp"

namespace siteplan::engine {

namespace {
constexpr std::uint32_t kMagicTileRows = 0x53505431;  // "SPT1"
constexpr int kTagTileRows = 203;

// Rows [a, b) of a band (stack rows [r0, r1)).
std::string encode_rows(const MapRows& band, int a, int b) {
  const auto nx = static_cast<std::size_t>(band.stack.grid.nx);
  const std::size_t at = static_cast<std::size_t>(a - band.stack.r0) * nx;
  const std::size_t n = static_cast<std::size_t>(b - a) * nx;
  wire::Writer w;
  w.put(kMagicTileRows);
  w.put<std::int32_t>(a);
  w.put<std::int32_t>(b);
  w.items(band.stack.state.data() + at, n);
  w.items(band.map.data() + at, n);
  w.put<std::uint64_t>(band.stack.scores.size());
  for (const auto& q : band.stack.scores) w.items(q.data() + at, n);
  return std::move(w.bytes());
}

// Copies rows [a, b) of `from` (stack rows [f0, …)) into the tile.
void place_rows(MapRows& tile, int a, int b, int f0, const std::uint8_t* state, const float* map,
                const std::vector<const std::uint16_t*>& scores) {
  const auto nx = static_cast<std::size_t>(tile.stack.grid.nx);
  const std::size_t from = static_cast<std::size_t>(a - f0) * nx;
  const std::size_t to = static_cast<std::size_t>(a - tile.stack.r0) * nx;
  const std::size_t n = static_cast<std::size_t>(b - a) * nx;
  std::copy_n(state + from, n, tile.stack.state.begin() + static_cast<std::ptrdiff_t>(to));
  std::copy_n(map + from, n, tile.map.begin() + static_cast<std::ptrdiff_t>(to));
  for (std::size_t k = 0; k < scores.size(); ++k)
    std::copy_n(scores[k] + from, n,
                tile.stack.scores[k].begin() + static_cast<std::ptrdiff_t>(to));
}
}  // namespace

std::vector<int> tile_starts(int ny, int rows) {
  if (rows <= 0) throw RuntimeError(fmt::format("map tiles of {} rows", rows));
  std::vector<int> out;
  for (int r0 = 0; r0 < ny; r0 += rows) out.push_back(r0);
  return out;
}

double write_band_tiles(const MpiWorld& world, const std::vector<int>& bands, const MapRows& mine,
                        const BandTiles& tiles, int ny) {
  const auto t0 = std::chrono::steady_clock::now();
  const int me = world.rank();
  const int b0 = bands[static_cast<std::size_t>(me)], b1 = bands[static_cast<std::size_t>(me) + 1];
  if (mine.stack.r0 != b0 || mine.stack.r1 != b1)
    throw RuntimeError(fmt::format("map tiles: this rank holds rows [{}, {}), its band is [{}, {})",
                                   mine.stack.r0, mine.stack.r1, b0, b1));
  // The rank whose band holds `row` (empty bands hold none).
  auto owner = [&bands](int row) {
    return static_cast<int>(std::upper_bound(bands.begin(), bands.end(), row) - bands.begin()) - 1;
  };
  const std::vector<int> starts = tile_starts(ny, tiles.rows);
  auto tile_end = [&](int r0) { return std::min(ny, r0 + tiles.rows); };
  // First what this rank computed of a lower rank's tile (only the first tile meeting this band
  // can start before it), then this rank's own tiles.
  for (int r0 : starts) {
    const int r1 = tile_end(r0), o = owner(r0);
    const int a = std::max(r0, b0), b = std::min(r1, b1);
    if (o != me && a < b) world.send(o, kTagTileRows, encode_rows(mine, a, b));
  }
  const std::size_t nf = mine.stack.scores.size();
  const auto nx = static_cast<std::size_t>(mine.stack.grid.nx);
  // This rank's tiles that straddle the next bands, filled with its own rows and every row the
  // next ranks send before any tile is written: a rank sending rows waits until they are received
  // (large messages), so receiving first lets every rank go on to its own tiles at once. A tile
  // inside the band is written from the band itself.
  std::vector<MapRows> joined;
  for (int r0 : starts) {
    if (owner(r0) != me || tile_end(r0) <= b1) continue;
    const int r1 = tile_end(r0);
    const std::size_t n = static_cast<std::size_t>(r1 - r0) * nx;
    MapRows& tile = joined.emplace_back();
    tile.stack.grid = mine.stack.grid;
    tile.stack.r0 = r0;
    tile.stack.r1 = r1;
    tile.stack.ids = mine.stack.ids;
    tile.stack.scores.assign(nf, std::vector<std::uint16_t>(n));
    tile.stack.state.resize(n);
    tile.map.resize(n);
    std::vector<const std::uint16_t*> own;
    for (const auto& q : mine.stack.scores) own.push_back(q.data());
    place_rows(tile, r0, b1, b0, mine.stack.state.data(), mine.map.data(), own);
    for (int k = me + 1; k < world.size() && bands[static_cast<std::size_t>(k)] < r1; ++k) {
      const int k0 = bands[static_cast<std::size_t>(k)];
      const int k1 = std::min(r1, bands[static_cast<std::size_t>(k) + 1]);
      if (k0 >= k1) continue;  // an empty band
      const std::string bytes = world.recv(k, kTagTileRows);
      wire::Reader r(bytes);
      if (r.get<std::uint32_t>() != kMagicTileRows)
        throw RuntimeError(fmt::format("MPI: rank {} sent something that is not map rows", k));
      const int a = r.get<std::int32_t>(), b = r.get<std::int32_t>();
      if (a != k0 || b != k1)
        throw RuntimeError(
            fmt::format("MPI: rank {} sent rows [{}, {}) for [{}, {})", k, a, b, k0, k1));
      const std::size_t m = static_cast<std::size_t>(b - a) * nx;
      const auto state = r.vec<std::uint8_t>();
      const auto map = r.vec<float>();
      std::vector<std::vector<std::uint16_t>> scores(r.count(8));
      for (auto& q : scores) q = r.vec<std::uint16_t>();
      bool ok = state.size() == m && map.size() == m && scores.size() == nf && r.done();
      for (const auto& q : scores) ok = ok && q.size() == m;
      if (!ok) throw RuntimeError(fmt::format("MPI: rank {}'s map rows are inconsistent", k));
      std::vector<const std::uint16_t*> theirs;
      for (const auto& q : scores) theirs.push_back(q.data());
      place_rows(tile, a, b, a, state.data(), map.data(), theirs);
    }
  }
  log::debug("rank {}: map tiles' rows in after {:.2f} s", me,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  std::size_t j = 0;
  for (int r0 : starts) {
    if (owner(r0) != me) continue;
    const int r1 = tile_end(r0);
    if (r1 <= b1) {
      tiles.write(view_rows(mine.stack, &mine.map, r0, r1));
    } else {
      MapRows& tile = joined.at(j++);
      tiles.write(view_rows(tile.stack, &tile.map, r0, r1));
      tile = MapRows{};
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace siteplan::engine
