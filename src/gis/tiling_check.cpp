#include "gis/tiling_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <unordered_map>

namespace siteplan::gis {
namespace {

constexpr double kGrid = 1e6;  // coordinates compared in micrometres
using Key = std::array<std::int64_t, 4>;
struct KeyHash {
  std::size_t operator()(const Key& k) const {
    std::uint64_t h = 1469598103934665603ull;
    for (auto v : k) h = (h ^ static_cast<std::uint64_t>(v)) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};

double metres(std::int64_t v) {
  return static_cast<double>(v) / kGrid;
}

struct Seg {
  double ax, ay, bx, by;
};

// Calls f(a, b) for every edge of every ring of a polygonal geometry, shells counter-clockwise
// and holes clockwise, in snapped micrometres. Returns false for anything but polygons.
template <class F>
bool for_each_edge(const GeosContext& ctx, const GEOSGeometry* g, F&& f) {
  const int type = GEOSGeomTypeId_r(ctx, g);
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(ctx, g);
    for (int i = 0; i < n; ++i)
      if (!for_each_edge(ctx, GEOSGetGeometryN_r(ctx, g, i), f)) return false;
    return true;
  }
  if (type != GEOS_POLYGON) return false;
  if (GEOSisEmpty_r(ctx, g)) return true;
  const int holes = GEOSGetNumInteriorRings_r(ctx, g);
  for (int r = -1; r < holes; ++r) {
    const GEOSGeometry* ring =
        r < 0 ? GEOSGetExteriorRing_r(ctx, g) : GEOSGetInteriorRingN_r(ctx, g, r);
    const GEOSCoordSequence* seq = ring ? GEOSGeom_getCoordSeq_r(ctx, ring) : nullptr;
    unsigned int n = 0;
    char ccw = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &n) || !GEOSCoordSeq_isCCW_r(ctx, seq, &ccw))
      return false;
    if (n < 4) continue;
    const bool reverse = (r < 0) != (ccw != 0);  // shells CCW, holes CW
    std::vector<std::int64_t> xs(n), ys(n);
    for (unsigned int i = 0; i < n; ++i) {
      double x = 0, y = 0;
      if (!GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y)) return false;
      if (!std::isfinite(x) || !std::isfinite(y) || std::fabs(x) > 1e12 || std::fabs(y) > 1e12)
        return false;
      xs[i] = std::llround(x * kGrid);
      ys[i] = std::llround(y * kGrid);
    }
    for (unsigned int i = 0; i + 1 < n; ++i) {
      const unsigned int a = reverse ? n - 1 - i : i, b = reverse ? n - 2 - i : i + 1;
      if (xs[a] == xs[b] && ys[a] == ys[b]) continue;
      f(Key{xs[a], ys[a], xs[b], ys[b]});
    }
  }
  return true;
}

// The region's boundary segments in a uniform grid, for "which segment holds this edge".
class SegmentGrid {
 public:
  explicit SegmentGrid(std::vector<Seg> segs) : segs_(std::move(segs)) {
    for (const auto& s : segs_) {
      x0_ = std::min({x0_, s.ax, s.bx});
      y0_ = std::min({y0_, s.ay, s.by});
      x1_ = std::max({x1_, s.ax, s.bx});
      y1_ = std::max({y1_, s.ay, s.by});
    }
    n_ = std::clamp<int>(static_cast<int>(std::sqrt(static_cast<double>(segs_.size()))), 1, 256);
    cw_ = std::max((x1_ - x0_) / n_, 1e-9);
    ch_ = std::max((y1_ - y0_) / n_, 1e-9);
    cells_.resize(static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_));
    for (std::size_t i = 0; i < segs_.size(); ++i) {
      const auto& s = segs_[i];
      visit(std::min(s.ax, s.bx), std::min(s.ay, s.by), std::max(s.ax, s.bx), std::max(s.ay, s.by),
            [&](std::vector<std::size_t>& cell) { cell.push_back(i); });
    }
  }
  const std::vector<Seg>& segments() const { return segs_; }
  // Calls f(i) for segments whose cells meet the box (a segment may come more than once).
  template <class F>
  void candidates(double x0, double y0, double x1, double y1, F&& f) const {
    const_cast<SegmentGrid*>(this)->visit(x0, y0, x1, y1, [&](std::vector<std::size_t>& cell) {
      for (std::size_t i : cell) f(i);
    });
  }

 private:
  template <class F>
  void visit(double x0, double y0, double x1, double y1, F&& f) {
    auto col = [&](double x) { return std::clamp(static_cast<int>((x - x0_) / cw_), 0, n_ - 1); };
    auto row = [&](double y) { return std::clamp(static_cast<int>((y - y0_) / ch_), 0, n_ - 1); };
    for (int r = row(y0); r <= row(y1); ++r)
      for (int c = col(x0); c <= col(x1); ++c)
        f(cells_[static_cast<std::size_t>(r) * static_cast<std::size_t>(n_) +
                 static_cast<std::size_t>(c)]);
  }
  std::vector<Seg> segs_;
  double x0_ = HUGE_VAL, y0_ = HUGE_VAL, x1_ = -HUGE_VAL, y1_ = -HUGE_VAL, cw_ = 1, ch_ = 1;
  int n_ = 1;
  std::vector<std::vector<std::size_t>> cells_;
};

}  // namespace

bool tiles_exactly(const GeosContext& ctx, const std::vector<const GEOSGeometry*>& pieces,
                   const GEOSGeometry* region) {
  // 1. Piece edges; an edge cancels the opposite edge of a neighbour.
  std::unordered_map<Key, int, KeyHash> open;
  for (const GEOSGeometry* p : pieces) {
    const bool ok = for_each_edge(ctx, p, [&](const Key& k) {
      const Key rev{k[2], k[3], k[0], k[1]};
      auto it = open.find(rev);
      if (it != open.end()) {
        if (--it->second == 0) open.erase(it);
      } else {
        ++open[k];
      }
    });
    if (!ok) return false;
  }
  // 2. The region's boundary, oriented the same way.
  std::vector<Seg> segs;
  if (!for_each_edge(ctx, region, [&](const Key& k) {
        segs.push_back({metres(k[0]), metres(k[1]), metres(k[2]), metres(k[3])});
      }))
    return false;
  if (segs.empty()) return false;
  // 3. Every unmatched edge lies along one boundary segment, in its direction; together they run
  // once along every segment.
  const SegmentGrid grid(std::move(segs));
  const auto& all = grid.segments();
  std::vector<double> covered(all.size(), 0.0);
  constexpr double eps = 1e-5;  // metres: the snapping grid and GEOS's rounding, with margin
  for (const auto& [k, count] : open) {
    const double ax = metres(k[0]), ay = metres(k[1]), bx = metres(k[2]), by = metres(k[3]);
    const double len = std::hypot(bx - ax, by - ay);
    std::size_t found = all.size();
    grid.candidates(std::min(ax, bx) - eps, std::min(ay, by) - eps, std::max(ax, bx) + eps,
                    std::max(ay, by) + eps, [&](std::size_t i) {
                      if (found != all.size()) return;
                      const Seg& s = all[i];
                      const double dx = s.bx - s.ax, dy = s.by - s.ay;
                      const double sl = std::hypot(dx, dy);
                      if (sl <= 0) return;
                      auto off = [&](double x, double y) {
                        return std::fabs(dx * (y - s.ay) - dy * (x - s.ax)) / sl;
                      };
                      auto along = [&](double x, double y) {
                        return (dx * (x - s.ax) + dy * (y - s.ay)) / sl;
                      };
                      if (off(ax, ay) > eps || off(bx, by) > eps) return;
                      const double ta = along(ax, ay), tb = along(bx, by);
                      if (ta < -eps || tb > sl + eps || tb <= ta) return;  // inside, same way
                      found = i;
                    });
    if (found == all.size()) return false;  // an edge inside the region: a gap or an overlap
    covered[found] += static_cast<double>(count) * len;
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Seg& s = all[i];
    const double sl = std::hypot(s.bx - s.ax, s.by - s.ay);
    if (std::fabs(covered[i] - sl) > 2 * eps + 1e-9 * sl) return false;
  }
  return true;
}

}  // namespace siteplan::gis
