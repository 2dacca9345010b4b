// gis::BoundaryLines: the union of traced, interior-disjoint pieces made into polygons
// (boundary_area.hpp).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "gis/boundary_area.hpp"

namespace siteplan::gis {

namespace {
std::size_t hash_doubles(std::initializer_list<double> v) {
  std::uint64_t h = 1469598103934665603ull;
  for (double d : v) {
    std::uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    h = (h ^ u) * 1099511628211ull;
    h ^= h >> 29;
  }
  return static_cast<std::size_t>(h);
}
}  // namespace

bool BoundaryLines::Key::operator<(const Key& o) const {
  if (x0 != o.x0) return x0 < o.x0;
  if (y0 != o.y0) return y0 < o.y0;
  if (x1 != o.x1) return x1 < o.x1;
  return y1 < o.y1;
}

std::size_t BoundaryLines::KeyHash::operator()(const Key& k) const {
  return hash_doubles({k.x0, k.y0, k.x1, k.y1});
}

void BoundaryLines::add(double ux, double uy, double vx, double vy) {
  if (ux == vx && uy == vy) return;
  const bool forward = ux < vx || (ux == vx && uy < vy);
  const Key key = forward ? Key{ux, uy, vx, vy} : Key{vx, vy, ux, uy};
  segments_[key] += forward ? 1 : -1;
}

void BoundaryLines::add_chains(const std::vector<std::vector<double>>& chains) {
  for (const auto& c : chains)
    for (std::size_t i = 0; i + 3 < c.size(); i += 2) add(c[i], c[i + 1], c[i + 2], c[i + 3]);
}

void BoundaryLines::add_rings(const Rings& r) {
  for (std::size_t k = 0; k + 1 < r.start.size(); ++k)
    for (std::uint32_t i = r.start[k]; i + 1 < r.start[k + 1]; ++i)
      add(r.x[i], r.y[i], r.x[i + 1], r.y[i + 1]);
}

GEOSGeometry* BoundaryLines::assemble(GEOSContextHandle_t ctx) const {
  std::vector<Key> left;
  for (const auto& [key, n] : segments_) {
    if (n == 0) continue;
    if (n != 1 && n != -1) return nullptr;
    left.push_back(n == 1 ? key : Key{key.x1, key.y1, key.x0, key.y0});
  }
  if (left.empty()) return nullptr;
  std::sort(left.begin(), left.end());
  for (std::size_t i = 1; i < left.size(); ++i)  // a point starting two segments: rings touch
    if (left[i].x0 == left[i - 1].x0 && left[i].y0 == left[i - 1].y0) return nullptr;
  auto from = [&](double x, double y) -> std::ptrdiff_t {
    auto it = std::lower_bound(left.begin(), left.end(), Key{x, y, -HUGE_VAL, -HUGE_VAL});
    if (it == left.end() || it->x0 != x || it->y0 != y) return -1;
    return it - left.begin();
  };
  struct Ring {
    std::vector<double> xy;
    double area = 0;
  };
  std::vector<Ring> rings;
  std::vector<char> used(left.size(), 0);
  for (std::size_t s0 = 0; s0 < left.size(); ++s0) {
    if (used[s0]) continue;
    Ring r;
    std::size_t at = s0;
    const double ox = left[s0].x0, oy = left[s0].y0;
    r.xy = {ox, oy};
    for (;;) {
      used[at] = 1;
      const Key& k = left[at];
      r.area += (k.x0 - ox) * (k.y1 - oy) - (k.x1 - ox) * (k.y0 - oy);
      r.xy.push_back(k.x1);
      r.xy.push_back(k.y1);
      if (k.x1 == ox && k.y1 == oy) break;
      const std::ptrdiff_t nxt = from(k.x1, k.y1);
      if (nxt < 0 || used[static_cast<std::size_t>(nxt)]) return nullptr;  // not closed
      at = static_cast<std::size_t>(nxt);
    }
    if (r.xy.size() < 8 || r.area == 0) return nullptr;
    // A ring that turns back on itself (a sliver between two edges at a hair's angle): its
    // rounded crossing points may make it cross itself — left to the polygonizer.
    const std::size_t nv = r.xy.size() / 2 - 1;  // vertices without the closing one
    for (std::size_t i = 0; i < nv; ++i) {
      const std::size_t a = (i + nv - 1) % nv, b = i, c = (i + 1) % nv;
      const double ux = r.xy[2 * b] - r.xy[2 * a], uy = r.xy[2 * b + 1] - r.xy[2 * a + 1];
      const double vx = r.xy[2 * c] - r.xy[2 * b], vy = r.xy[2 * c + 1] - r.xy[2 * b + 1];
      const double cr = ux * vy - uy * vx, dot = ux * vx + uy * vy;
      if (dot < 0 && std::fabs(cr) <= 1e-6 * std::hypot(ux, uy) * std::hypot(vx, vy))
        return nullptr;
    }
    rings.push_back(std::move(r));
  }
  // Holes (clockwise) to the smallest shell (counter-clockwise) around their first vertex.
  auto inside = [](const std::vector<double>& xy, double px, double py) {
    bool in = false;
    for (std::size_t i = 0; i + 3 < xy.size(); i += 2) {
      const double ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
      if ((ay > py) != (by > py) && px < ax + (py - ay) * (bx - ax) / (by - ay)) in = !in;
    }
    return in;
  };
  std::vector<std::size_t> shells;
  for (std::size_t i = 0; i < rings.size(); ++i)
    if (rings[i].area > 0) shells.push_back(i);
  if (shells.empty()) return nullptr;
  std::vector<std::vector<std::size_t>> holes(rings.size());
  for (std::size_t i = 0; i < rings.size(); ++i) {
    if (rings[i].area > 0) continue;
    std::ptrdiff_t best = -1;
    for (std::size_t sh : shells)
      if (inside(rings[sh].xy, rings[i].xy[0], rings[i].xy[1]) &&
          (best < 0 || rings[sh].area < rings[static_cast<std::size_t>(best)].area))
        best = static_cast<std::ptrdiff_t>(sh);
    if (best < 0) return nullptr;
    holes[static_cast<std::size_t>(best)].push_back(i);
  }
  auto ring_of = [&](const Ring& r) -> GEOSGeometry* {
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(
        ctx, r.xy.data(), static_cast<unsigned>(r.xy.size() / 2), 0, 0);
    return seq ? GEOSGeom_createLinearRing_r(ctx, seq) : nullptr;
  };
  std::vector<GEOSGeometry*> polys;
  bool ok = true;
  for (std::size_t sh : shells) {
    GEOSGeometry* shell = ring_of(rings[sh]);
    std::vector<GEOSGeometry*> hs;
    for (std::size_t h : holes[sh]) hs.push_back(ring_of(rings[h]));
    bool parts = shell != nullptr;
    for (GEOSGeometry* h : hs) parts = parts && h != nullptr;
    GEOSGeometry* poly =
        parts ? GEOSGeom_createPolygon_r(ctx, shell, hs.data(), static_cast<unsigned>(hs.size()))
              : nullptr;
    if (!poly) {
      if (shell) GEOSGeom_destroy_r(ctx, shell);
      for (GEOSGeometry* h : hs)
        if (h) GEOSGeom_destroy_r(ctx, h);
      ok = false;
      break;
    }
    polys.push_back(poly);
  }
  if (!ok) {
    for (GEOSGeometry* p : polys) GEOSGeom_destroy_r(ctx, p);
    return nullptr;
  }
  if (polys.size() == 1) return polys[0];
  return GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(),
                                     static_cast<unsigned>(polys.size()));
}

GEOSGeometry* BoundaryLines::polygonize(GEOSContextHandle_t ctx) const {
  // What is left, directed (interior on the left), in a fixed order.
  std::vector<Key> left;
  for (const auto& [key, n] : segments_) {
    if (n == 0) continue;
    if (n != 1 && n != -1) return nullptr;
    left.push_back(n == 1 ? key : Key{key.x1, key.y1, key.x0, key.y0});
  }
  if (left.empty()) return nullptr;
  std::sort(left.begin(), left.end());  // the same polygons whatever the hash order
  // Joined into chains end to start (the polygonizer costs per line), each chain stopping where
  // a point starts more than one segment (boundaries touching at a vertex).
  // `left` is sorted by start: a segment's successors are found by binary search.
  std::vector<char> used(left.size(), 0);
  std::vector<GEOSGeometry*> lines;
  std::vector<double> xy;
  bool ok = true;
  auto successor = [&](double x, double y) -> std::ptrdiff_t {
    Key probe{x, y, -HUGE_VAL, -HUGE_VAL};
    auto it = std::lower_bound(left.begin(), left.end(), probe);
    std::ptrdiff_t found = -1;
    int count = 0;
    for (; it != left.end() && it->x0 == x && it->y0 == y; ++it) {
      ++count;
      found = it - left.begin();
    }
    return count == 1 ? found : -1;
  };
  for (std::size_t s0 = 0; s0 < left.size() && ok; ++s0) {
    if (used[s0]) continue;
    xy.assign({left[s0].x0, left[s0].y0, left[s0].x1, left[s0].y1});
    used[s0] = 1;
    for (;;) {
      const std::ptrdiff_t nxt = successor(xy[xy.size() - 2], xy.back());
      if (nxt < 0 || used[static_cast<std::size_t>(nxt)]) break;
      used[static_cast<std::size_t>(nxt)] = 1;
      xy.push_back(left[static_cast<std::size_t>(nxt)].x1);
      xy.push_back(left[static_cast<std::size_t>(nxt)].y1);
    }
    GEOSCoordSequence* seq =
        GEOSCoordSeq_copyFromBuffer_r(ctx, xy.data(), static_cast<unsigned>(xy.size() / 2), 0, 0);
    GEOSGeometry* line = seq ? GEOSGeom_createLineString_r(ctx, seq) : nullptr;
    if (!line)
      ok = false;
    else
      lines.push_back(line);
  }
  GEOSGeometry* out = nullptr;
  if (ok) out = GEOSPolygonize_valid_r(ctx, lines.data(), static_cast<unsigned>(lines.size()));
  for (GEOSGeometry* l : lines) GEOSGeom_destroy_r(ctx, l);
  return out;
}

}  // namespace siteplan::gis
