#include "engine/mpi_suitability.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <numeric>

#include "core/error.hpp"
#include "engine/mpi_wire.hpp"
#include "engine/suitability.hpp"  // CellState

namespace siteplan::engine {

namespace {
constexpr std::uint32_t kMagicRows = 0x53505231;  // "SPR1"
constexpr std::uint32_t kMagicSeam = 0x53505331;  // "SPS1"
constexpr int kTagRows = 201;

// Union-find with path halving; the root of a set is its smallest first cell's node.
struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};
}  // namespace

std::vector<int> split_rows(int ny, int parts, const std::vector<double>& row_cost) {
  if (parts < 1) throw RuntimeError("split_rows: no parts");
  std::vector<int> b(static_cast<std::size_t>(parts) + 1, ny);
  b[0] = 0;
  double total = 0;
  const bool costed = static_cast<int>(row_cost.size()) == ny;
  if (costed)
    for (double c : row_cost) total += std::max(0.0, c);
  if (!costed || total <= 0) {
    for (int k = 1; k < parts; ++k)
      b[static_cast<std::size_t>(k)] = static_cast<int>(static_cast<long long>(ny) * k / parts);
    return b;
  }
  // Cut where the running cost passes k/parts of the total, keeping a row per band when possible.
  double run = 0;
  int k = 1;
  for (int r = 0; r < ny && k < parts; ++r) {
    run += std::max(0.0, row_cost[static_cast<std::size_t>(r)]);
    while (k < parts && run >= total * k / parts) b[static_cast<std::size_t>(k++)] = r + 1;
  }
  for (int j = 1; j < parts; ++j) {  // at least one row each, when there are rows enough
    const auto i = static_cast<std::size_t>(j);
    b[i] = std::clamp(b[i], std::min(b[i - 1] + 1, ny), std::max(0, ny - (parts - j)));
  }
  return b;
}

std::string encode_map_rows(const MapBand& rows) {
  wire::Writer w;
  w.put(kMagicRows);
  w.put<std::int32_t>(rows.r0);
  w.put<std::int32_t>(rows.r1);
  w.put<std::int32_t>(rows.nx);
  w.vec(rows.map);
  w.vec(rows.state);
  return std::move(w.bytes());
}

MapBand decode_map_rows(std::string_view bytes) {
  wire::Reader r(bytes);
  if (r.get<std::uint32_t>() != kMagicRows)
    throw RuntimeError("MPI: a rank sent something that is not map rows");
  MapBand m;
  m.r0 = r.get<std::int32_t>();
  m.r1 = r.get<std::int32_t>();
  m.nx = r.get<std::int32_t>();
  m.map = r.vec<float>();
  m.state = r.vec<std::uint8_t>();
  const auto cells = static_cast<std::size_t>(std::max(0, m.r1 - m.r0)) *
                     static_cast<std::size_t>(std::max(0, m.nx));
  if (!r.done() || m.r0 > m.r1 || m.map.size() != cells || m.state.size() != cells)
    throw RuntimeError("MPI: a rank's map rows are inconsistent");
  return m;
}

MapBand gather_map_rows(const MpiWorld& world, const MapBand& mine, int ny) {
  if (!world.root()) {
    world.send(0, kTagRows, encode_map_rows(mine));
    return {};
  }
  MapBand all;
  all.r0 = 0;
  all.r1 = ny;
  all.nx = mine.nx;
  const std::size_t nx = static_cast<std::size_t>(mine.nx);
  all.map.assign(static_cast<std::size_t>(ny) * nx, kNoData);
  all.state.assign(static_cast<std::size_t>(ny) * nx, 0);
  int next = 0;
  auto place = [&](const MapBand& part, int from) {
    if (part.r0 != next || part.r1 > ny || part.nx != mine.nx)
      throw RuntimeError(
          fmt::format("MPI: rank {} sent rows [{}, {}) of width {}; expected rows "
                      "from {} of width {}",
                      from, part.r0, part.r1, part.nx, next, mine.nx));
    std::copy(
        part.map.begin(), part.map.end(),
        all.map.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(part.r0) * nx));
    std::copy(
        part.state.begin(), part.state.end(),
        all.state.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(part.r0) * nx));
    next = part.r1;
  };
  place(mine, 0);
  for (int r = 1; r < world.size(); ++r) place(decode_map_rows(world.recv(r, kTagRows)), r);
  if (next != ny) throw RuntimeError(fmt::format("MPI: the ranks' rows end at {} of {}", next, ny));
  return all;
}

BandComponents label_band(const std::vector<std::uint8_t>& open, int nx, int r0, int r1) {
  BandComponents b;
  b.r0 = r0;
  b.r1 = r1;
  b.nx = nx;
  const std::size_t w = static_cast<std::size_t>(nx);
  const std::size_t n = static_cast<std::size_t>(std::max(0, r1 - r0)) * w;
  if (open.size() != n) throw RuntimeError("label_band: the mask is not the band's size");
  // Two passes: provisional labels joined through a union-find, then compact labels in order of
  // first cell (so labels follow reading order).
  std::vector<std::int64_t> prov(n, -1);
  UnionFind uf(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!open[i]) continue;
    prov[i] = static_cast<std::int64_t>(i);
    const std::size_t col = i % w;
    if (col > 0 && open[i - 1]) uf.join(i, i - 1);
    if (i >= w && open[i - w]) uf.join(i, i - w);
  }
  b.label.assign(n, -1);
  std::vector<std::int32_t> compact(n, -1);
  const std::uint64_t base = static_cast<std::uint64_t>(r0) * w;
  for (std::size_t i = 0; i < n; ++i) {
    if (prov[i] < 0) continue;
    const std::size_t root = uf.find(i);  // the smallest index of the set: its first cell
    if (compact[root] < 0) {
      compact[root] = static_cast<std::int32_t>(b.first.size());
      b.first.push_back(base + root);
      b.cells.push_back(0);
    }
    b.label[i] = compact[root];
    b.cells[static_cast<std::size_t>(compact[root])]++;
  }
  return b;
}

BandSeam seam_of(const BandComponents& band) {
  BandSeam s;
  s.r0 = band.r0;
  s.r1 = band.r1;
  s.nx = band.nx;
  const auto w = static_cast<std::ptrdiff_t>(band.nx);
  if (band.r1 > band.r0) {
    s.top.assign(band.label.begin(), band.label.begin() + w);
    s.bottom.assign(band.label.end() - w, band.label.end());
  }
  s.first = band.first;
  s.cells = band.cells;
  return s;
}

std::string encode_seam(const BandSeam& s) {
  wire::Writer w;
  w.put(kMagicSeam);
  w.put<std::int32_t>(s.r0);
  w.put<std::int32_t>(s.r1);
  w.put<std::int32_t>(s.nx);
  w.vec(s.top);
  w.vec(s.bottom);
  w.vec(s.first);
  w.vec(s.cells);
  return std::move(w.bytes());
}

BandSeam decode_seam(std::string_view bytes) {
  wire::Reader r(bytes);
  if (r.get<std::uint32_t>() != kMagicSeam)
    throw RuntimeError("MPI: a rank sent something that is not a band seam");
  BandSeam s;
  s.r0 = r.get<std::int32_t>();
  s.r1 = r.get<std::int32_t>();
  s.nx = r.get<std::int32_t>();
  s.top = r.vec<std::int32_t>();
  s.bottom = r.vec<std::int32_t>();
  s.first = r.vec<std::uint64_t>();
  s.cells = r.vec<std::uint64_t>();
  if (!r.done() || s.top.size() != s.bottom.size() || s.first.size() != s.cells.size())
    throw RuntimeError("MPI: a rank's band seam is inconsistent");
  return s;
}

Regions join_seams(const std::vector<BandSeam>& bands) {
  std::vector<std::size_t> offset{0};
  for (const auto& b : bands) offset.push_back(offset.back() + b.first.size());
  UnionFind uf(offset.back());
  // Each band with rows meets the next band with rows: empty bands (more ranks than rows, or a
  // split that leaves one empty) lie between them without a row of their own.
  std::size_t prev = bands.size();
  for (std::size_t k = 0; k < bands.size(); ++k) {
    if (bands[k].r1 == bands[k].r0) continue;
    if (prev < bands.size()) {
      const BandSeam &up = bands[prev], &down = bands[k];
      if (down.r0 != up.r1 || down.nx != up.nx)
        throw RuntimeError(fmt::format("join_seams: band {} ends at row {}, band {} starts at {}",
                                       prev, up.r1, k, down.r0));
      for (std::size_t c = 0; c < up.bottom.size(); ++c)
        if (up.bottom[c] >= 0 && down.top[c] >= 0)
          uf.join(offset[prev] + static_cast<std::size_t>(up.bottom[c]),
                  offset[k] + static_cast<std::size_t>(down.top[c]));
    }
    prev = k;
  }
  // A region's name: the smallest first cell of its components; its size: their sum.
  std::vector<std::uint64_t> name(offset.back(), ~std::uint64_t{0}), size(offset.back(), 0);
  for (std::size_t b = 0; b < bands.size(); ++b)
    for (std::size_t k = 0; k < bands[b].first.size(); ++k) {
      const std::size_t root = uf.find(offset[b] + k);
      name[root] = std::min(name[root], bands[b].first[k]);
      size[root] += bands[b].cells[k];
    }
  Regions out;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    out.region.emplace_back();
    out.cells.emplace_back();
    for (std::size_t k = 0; k < bands[b].first.size(); ++k) {
      const std::size_t root = uf.find(offset[b] + k);
      out.region.back().push_back(name[root]);
      out.cells.back().push_back(size[root]);
    }
  }
  return out;
}

Regions join_seams(const MpiWorld& world, const BandComponents& mine, Regions* every) {
  std::vector<BandSeam> bands;
  for (const auto& bytes : world.all_gather(encode_seam(seam_of(mine))))
    bands.push_back(decode_seam(bytes));
  Regions all = join_seams(bands);
  Regions out;
  const auto me = static_cast<std::size_t>(world.rank());
  out.region.push_back(all.region[me]);
  out.cells.push_back(all.cells[me]);
  if (every) *every = std::move(all);
  return out;
}

std::vector<std::int64_t> region_cells(const BandComponents& band, const Regions& regions,
                                       std::size_t band_index) {
  std::vector<std::int64_t> out(band.label.size(), -1);
  const auto& names = regions.region.at(band_index);
  for (std::size_t i = 0; i < band.label.size(); ++i)
    if (band.label[i] >= 0)
      out[i] = static_cast<std::int64_t>(names.at(static_cast<std::size_t>(band.label[i])));
  return out;
}

std::vector<std::uint8_t> open_land(const MapBand& rows, double min_score) {
  std::vector<std::uint8_t> open(rows.map.size(), 0);
  for (std::size_t i = 0; i < open.size(); ++i)
    open[i] = rows.state[i] == kOpen && !std::isnan(rows.map[i]) && rows.map[i] >= min_score;
  return open;
}

BandedMap run_map_bands(const MpiWorld& world, int ny, const std::vector<double>& row_cost,
                        const std::function<MapBand(int r0, int r1)>& rows, double min_score) {
  BandedMap b;
  b.bands = split_rows(ny, world.size(), row_cost);
  const auto me = static_cast<std::size_t>(world.rank());
  b.mine = rows(b.bands[me], b.bands[me + 1]);
  if (b.mine.r0 != b.bands[me] || b.mine.r1 != b.bands[me + 1])
    throw RuntimeError(fmt::format("the row computation returned rows [{}, {}) for [{}, {})",
                                   b.mine.r0, b.mine.r1, b.bands[me], b.bands[me + 1]));
  b.whole = gather_map_rows(world, b.mine, ny);
  b.components = label_band(open_land(b.mine, min_score), b.mine.nx, b.mine.r0, b.mine.r1);
  b.regions = join_seams(world, b.components);
  return b;
}

bool rank_key_less(const RankKey& a, const RankKey& b) {
  if (a.cls != b.cls) return a.cls < b.cls;
  if (a.score != b.score) return a.score > b.score;
  if (a.area_m2 != b.area_m2) return a.area_m2 > b.area_m2;
  return a.id < b.id;
}

std::vector<std::vector<int>> global_ranks(const std::vector<std::vector<RankKey>>& parts) {
  struct At {
    const RankKey* key;
    std::size_t part, index;
  };
  std::vector<At> all;
  for (std::size_t p = 0; p < parts.size(); ++p)
    for (std::size_t i = 0; i < parts[p].size(); ++i) all.push_back({&parts[p][i], p, i});
  // Stable on (part, index): equal keys keep the order of one process's candidate list when the
  // parts are its consecutive pieces.
  std::stable_sort(all.begin(), all.end(),
                   [](const At& a, const At& b) { return rank_key_less(*a.key, *b.key); });
  std::vector<std::vector<int>> ranks;
  for (const auto& p : parts) ranks.emplace_back(p.size(), 0);
  int rank = 0;
  for (const auto& a : all) ranks[a.part][a.index] = a.key->cls == 2 ? 0 : ++rank;
  return ranks;
}

std::vector<int> global_ranks(const MpiWorld& world, const std::vector<RankKey>& mine) {
  wire::Writer w;
  w.put<std::uint64_t>(mine.size());
  for (const auto& k : mine) {
    w.put<std::int32_t>(k.cls);
    w.put(k.score);
    w.put(k.area_m2);
    w.str(k.id);
  }
  std::vector<std::vector<RankKey>> parts;
  for (const auto& bytes : world.all_gather(w.bytes())) {
    wire::Reader r(bytes);
    parts.emplace_back(r.count(28));
    for (auto& k : parts.back()) {
      k.cls = r.get<std::int32_t>();
      k.score = r.get<double>();
      k.area_m2 = r.get<double>();
      k.id = r.str();
    }
    if (!r.done()) throw RuntimeError("MPI: a rank's ranking keys are inconsistent");
  }
  return global_ranks(parts)[static_cast<std::size_t>(world.rank())];
}

}  // namespace siteplan::engine
