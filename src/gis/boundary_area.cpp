#include "gis/boundary_area.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace siteplan::gis {

namespace {

// Sign of the orientation of (a, b, c) — +1 when c lies left of a→b — or 0 when c lies within
// about 1e-9 of the distances involved of the line (0.1 µm at 100 m). Shewchuk's bound for a
// certain sign is 3.3e-16; the much wider margin also covers the points this code constructs
// (crossings, midpoints), whose rounding is of order 1e-16 of the coordinates: a vertex that
// another overlay left on an edge up to rounding (a node of a GEOS union) is "not decided" instead
// of a sliver thinner than the rounding of the points that would bound it.
inline int orient(double ax, double ay, double bx, double by, double cx, double cy, double& det) {
  const double l = (bx - ax) * (cy - ay), r = (by - ay) * (cx - ax);
  det = l - r;
  const double bound = 1e-9 * (std::fabs(l) + std::fabs(r));
  if (det > bound) return 1;
  if (det < -bound) return -1;
  return 0;
}

// Even-odd point in rings: 1 inside, 0 outside, -1 within rounding of the boundary.
int locate_in(const Rings& r, double px, double py) {
  bool inside = false;
  for (std::size_t k = 0; k + 1 < r.start.size(); ++k) {
    for (std::uint32_t i = r.start[k]; i + 1 < r.start[k + 1]; ++i) {
      const double ax = r.x[i], ay = r.y[i], bx = r.x[i + 1], by = r.y[i + 1];
      if ((ay > py) == (by > py)) {
        // Not straddling the ray's line; the point may still lie on a horizontal edge.
        if (ay == py && by == py && px >= std::min(ax, bx) && px <= std::max(ax, bx)) return -1;
        continue;
      }
      double det;
      const int o = orient(ax, ay, bx, by, px, py, det);
      if (o == 0) return -1;
      if ((by > ay) ? o > 0 : o < 0) inside = !inside;
    }
  }
  return inside ? 1 : 0;
}

inline void add_moments(Moments& m, double x1, double y1, double x2, double y2) {
  const double c = x1 * y2 - x2 * y1;
  m.area += 0.5 * c;
  m.sx += (x1 + x2) * c / 6.0;
  m.sy += (y1 + y2) * c / 6.0;
}

double ring_area2(const double* x, const double* y, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i + 1 < n; ++i)
    s += (x[i] - x[0]) * (y[i + 1] - y[0]) - (x[i + 1] - x[0]) * (y[i] - y[0]);
  return s;
}

void append_ring(GEOSContextHandle_t ctx, const GEOSGeometry* ring, bool shell, Rings& out,
                 std::vector<double>& buf) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
  unsigned size = 0;
  if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &size) || size < 4) return;
  buf.resize(2 * static_cast<std::size_t>(size));
  if (!GEOSCoordSeq_copyToBuffer_r(ctx, seq, buf.data(), 0, 0)) return;
  const std::size_t at = out.x.size();
  out.x.reserve(at + size);
  out.y.reserve(at + size);
  for (unsigned i = 0; i < size; ++i) {  // repeated points dropped (no zero-length edges)
    const double x = buf[2 * i], y = buf[2 * i + 1];
    if (out.x.size() > at && out.x.back() == x && out.y.back() == y) continue;
    out.x.push_back(x);
    out.y.push_back(y);
  }
  const std::size_t n = out.x.size() - at;
  if (n < 4) {
    out.x.resize(at);
    out.y.resize(at);
    return;
  }
  const double a2 = ring_area2(out.x.data() + at, out.y.data() + at, n);
  if ((shell && a2 < 0) || (!shell && a2 > 0)) {
    std::reverse(out.x.begin() + static_cast<std::ptrdiff_t>(at), out.x.end());
    std::reverse(out.y.begin() + static_cast<std::ptrdiff_t>(at), out.y.end());
  }
  for (unsigned i = 0; i < n; ++i) out.env.expand(out.x[at + i], out.y[at + i]);
  out.start.push_back(static_cast<std::uint32_t>(out.x.size()));
}

void append_polygon(GEOSContextHandle_t ctx, const GEOSGeometry* poly, Rings& out,
                    std::vector<double>& buf) {
  if (GEOSisEmpty_r(ctx, poly) == 1) return;
  append_ring(ctx, GEOSGetExteriorRing_r(ctx, poly), true, out, buf);
  const int holes = GEOSGetNumInteriorRings_r(ctx, poly);
  for (int h = 0; h < holes; ++h)
    append_ring(ctx, GEOSGetInteriorRingN_r(ctx, poly, h), false, out, buf);
}

}  // namespace

void Rings::from_geos(GEOSContextHandle_t ctx, const GEOSGeometry* g, Rings& out) {
  out.x.clear();
  out.y.clear();
  out.start.assign(1, 0);
  out.env = Extent{};
  if (!g) return;
  thread_local std::vector<double> buf;
  const int type = GEOSGeomTypeId_r(ctx, g);
  if (type == GEOS_POLYGON) {
    append_polygon(ctx, g, out, buf);
  } else if (type == GEOS_MULTIPOLYGON) {
    const int n = GEOSGetNumGeometries_r(ctx, g);
    for (int i = 0; i < n; ++i) append_polygon(ctx, GEOSGetGeometryN_r(ctx, g, i), out, buf);
  }
}

Moments Rings::moments(double ox, double oy) const {
  Moments m;
  for (std::size_t k = 0; k + 1 < start.size(); ++k)
    for (std::uint32_t i = start[k]; i + 1 < start[k + 1]; ++i)
      add_moments(m, x[i] - ox, y[i] - oy, x[i + 1] - ox, y[i + 1] - oy);
  return m;
}

// ------------------------------------------------------------------------------ tiling proof

std::size_t TilingProof::KeyHash::operator()(const Key& k) const {
  std::uint64_t h = 1469598103934665603ull;
  for (double d : {k.x0, k.y0, k.x1, k.y1}) {
    std::uint64_t v;
    std::memcpy(&v, &d, sizeof v);
    h = (h ^ v) * 1099511628211ull;
    h ^= h >> 29;
  }
  return static_cast<std::size_t>(h);
}

void TilingProof::clear() {
  segments_.clear();
  for (auto& v : intervals_) v.clear();
  broken_ = false;
}

void TilingProof::add_segment(double ux, double uy, double vx, double vy) {
  if (ux == vx && uy == vy) return;
  const bool forward = ux < vx || (ux == vx && uy < vy);
  const Key key = forward ? Key{ux, uy, vx, vy} : Key{vx, vy, ux, uy};
  segments_[key] += forward ? 1 : -1;
}

bool TilingProof::holds(const Rings& a) const {
  if (broken_) return false;
  for (const auto& [key, n] : segments_)
    if (n != 0) return false;
  std::vector<std::pair<double, double>> iv;
  for (std::size_t k = 0; k + 1 < a.start.size(); ++k) {
    for (std::uint32_t i = a.start[k]; i + 1 < a.start[k + 1]; ++i) {
      if (i >= intervals_.size()) return false;
      iv = intervals_[i];
      std::sort(iv.begin(), iv.end());
      double at = 0.0;
      for (const auto& [t0, t1] : iv) {
        if (t1 == t0) continue;  // a zero-length piece
        if (t0 != at) return false;
        at = t1;
      }
      if (at != 1.0) return false;
    }
  }
  return true;
}

// ------------------------------------------------------------------------------ the clip

BoundaryClip::BoundaryClip(Rings a) : a_(std::move(a)) {
  if (a_.env.valid) {
    ox_ = 0.5 * (a_.env.minx + a_.env.maxx);
    oy_ = 0.5 * (a_.env.miny + a_.env.maxy);
  }
  const std::size_t nv = a_.x.size();
  alias_.resize(nv);
  for (std::uint32_t v = 0; v < nv; ++v) alias_[v] = v;
  for (std::size_t k = 0; k + 1 < a_.start.size(); ++k) {
    const std::uint32_t first = a_.start[k], last = a_.start[k + 1] - 1;
    alias_[first] = last;
    alias_[last] = first;
    for (std::uint32_t i = first; i < last; ++i) edge_ids_.push_back(i);
  }
  const double n = static_cast<double>(std::max<std::size_t>(1, edge_ids_.size()));
  const double w = std::max(a_.env.maxx - a_.env.minx, 1e-9);
  const double h = std::max(a_.env.maxy - a_.env.miny, 1e-9);
  // About two edges per bin, in bins as square as the extent allows.
  const double bins = std::clamp(n / 2.0, 1.0, 16384.0);
  nx_ = std::clamp(static_cast<int>(std::lround(std::sqrt(bins * w / h))), 1, 128);
  ny_ = std::clamp(static_cast<int>(std::lround(bins / nx_)), 1, 128);
  cell_w_ = w / nx_;
  cell_h_ = h / ny_;
  std::vector<std::uint32_t> count(static_cast<std::size_t>(nx_ * ny_) + 1, 0);
  auto span = [&](std::uint32_t i, int& x0, int& x1, int& y0, int& y1) {
    const double ex0 = std::min(a_.x[i], a_.x[i + 1]), ex1 = std::max(a_.x[i], a_.x[i + 1]);
    const double ey0 = std::min(a_.y[i], a_.y[i + 1]), ey1 = std::max(a_.y[i], a_.y[i + 1]);
    x0 = std::clamp(static_cast<int>((ex0 - a_.env.minx) / cell_w_), 0, nx_ - 1);
    x1 = std::clamp(static_cast<int>((ex1 - a_.env.minx) / cell_w_), 0, nx_ - 1);
    y0 = std::clamp(static_cast<int>((ey0 - a_.env.miny) / cell_h_), 0, ny_ - 1);
    y1 = std::clamp(static_cast<int>((ey1 - a_.env.miny) / cell_h_), 0, ny_ - 1);
  };
  for (std::uint32_t i : edge_ids_) {
    int x0, x1, y0, y1;
    span(i, x0, x1, y0, y1);
    for (int gy = y0; gy <= y1; ++gy)
      for (int gx = x0; gx <= x1; ++gx) ++count[static_cast<std::size_t>(gy * nx_ + gx) + 1];
  }
  for (std::size_t b = 1; b < count.size(); ++b) count[b] += count[b - 1];
  bin_start_ = count;
  bin_edges_.resize(count.back());
  for (std::uint32_t i : edge_ids_) {
    int x0, x1, y0, y1;
    span(i, x0, x1, y0, y1);
    for (int gy = y0; gy <= y1; ++gy)
      for (int gx = x0; gx <= x1; ++gx)
        bin_edges_[count[static_cast<std::size_t>(gy * nx_ + gx)]++] = i;
  }
  stamp_.assign(nv, 0);
  slot_call_.assign(nv, 0);
  slot_.assign(nv, 0);
  touch_.assign(nv, 0);
}

// Calls f(i) once for every edge of A whose bounding box meets e (touching counts).
template <class F>
void BoundaryClip::for_edges_in(const Extent& e, F&& f) const {
  if (!a_.env.valid || !e.valid || !a_.env.intersects(e)) return;
  if (++epoch_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    epoch_ = 1;
  }
  const int x0 = std::clamp(static_cast<int>((e.minx - a_.env.minx) / cell_w_), 0, nx_ - 1);
  const int x1 = std::clamp(static_cast<int>((e.maxx - a_.env.minx) / cell_w_), 0, nx_ - 1);
  const int y0 = std::clamp(static_cast<int>((e.miny - a_.env.miny) / cell_h_), 0, ny_ - 1);
  const int y1 = std::clamp(static_cast<int>((e.maxy - a_.env.miny) / cell_h_), 0, ny_ - 1);
  for (int gy = y0; gy <= y1; ++gy)
    for (int gx = x0; gx <= x1; ++gx) {
      const auto b = static_cast<std::size_t>(gy * nx_ + gx);
      for (std::uint32_t k = bin_start_[b]; k < bin_start_[b + 1]; ++k) {
        const std::uint32_t i = bin_edges_[k];
        if (stamp_[i] == epoch_) continue;
        stamp_[i] = epoch_;
        const double ex0 = std::min(a_.x[i], a_.x[i + 1]), ex1 = std::max(a_.x[i], a_.x[i + 1]);
        const double ey0 = std::min(a_.y[i], a_.y[i + 1]), ey1 = std::max(a_.y[i], a_.y[i + 1]);
        if (ex1 < e.minx || ex0 > e.maxx || ey1 < e.miny || ey0 > e.maxy) continue;
        f(i);
      }
    }
}

void BoundaryClip::candidates(const Extent& e, std::vector<std::uint32_t>& out) const {
  out.clear();
  for_edges_in(e, [&](std::uint32_t i) { out.push_back(i); });
  std::sort(out.begin(), out.end());
}

// Even-odd along the ray to +x, over the edges in the grid row of the point, right of it.
int BoundaryClip::locate(double px, double py) const {
  const Extent& e = a_.env;
  if (!e.valid || px < e.minx || px > e.maxx || py < e.miny || py > e.maxy) return 0;
  Extent ray;
  ray.minx = px;
  ray.maxx = e.maxx;
  ray.miny = ray.maxy = py;
  ray.valid = true;
  bool inside = false, on_edge = false;
  for_edges_in(ray, [&](std::uint32_t i) {
    if (on_edge) return;
    const double ax = a_.x[i], ay = a_.y[i], bx = a_.x[i + 1], by = a_.y[i + 1];
    if ((ay > py) == (by > py)) {
      if (ay == py && by == py && px >= std::min(ax, bx) && px <= std::max(ax, bx)) on_edge = true;
      return;
    }
    double det;
    const int o = orient(ax, ay, bx, by, px, py, det);
    if (o == 0) {
      on_edge = true;
      return;
    }
    if ((by > ay) ? o > 0 : o < 0) inside = !inside;
  });
  if (on_edge) return -1;
  return inside ? 1 : 0;
}

std::optional<Moments> BoundaryClip::intersect(const Rings& b, TilingProof* proof,
                                               std::vector<std::vector<double>>* chains) const {
  Moments m;
  if (chains) chains->clear();
  // A piece of the boundary of A ∩ B, from u to v: it extends the current chain when it starts
  // where that one ends.
  auto chain = [&](double ux, double uy, double vx, double vy) {
    if (!chains) return;
    if (chains->empty() || chains->back().size() < 2 ||
        chains->back()[chains->back().size() - 2] != ux || chains->back().back() != uy)
      chains->push_back({ux, uy});
    chains->back().push_back(vx);
    chains->back().push_back(vy);
  };
  if (b.rings() == 0 || !b.env.valid || !a_.env.valid || !a_.env.intersects(b.env)) return m;
  if (++call_ == 0) {
    std::fill(slot_call_.begin(), slot_call_.end(), 0);
    std::fill(touch_.begin(), touch_.end(), 0);
    call_ = 1;
  }
  thread_local std::vector<std::uint32_t> cand;
  candidates(b.env, cand);
  if (proof && proof->intervals_.size() < a_.x.size()) proof->intervals_.resize(a_.x.size());
  auto fail = [&]() -> std::optional<Moments> {
    if (proof) proof->broken_ = true;
    return std::nullopt;
  };
  if (cand.empty()) {
    // No edge of A comes near B: B lies wholly inside or wholly outside A.
    const int loc = locate(b.x[0], b.y[0]);
    if (loc < 0) return fail();
    if (loc == 0) return m;
    if (proof)
      for (std::size_t k = 0; k + 1 < b.start.size(); ++k)
        for (std::uint32_t j = b.start[k]; j + 1 < b.start[k + 1]; ++j)
          proof->add_segment(b.x[j], b.y[j], b.x[j + 1], b.y[j + 1]);
    return b.moments(ox_, oy_);
  }

  thread_local std::vector<std::vector<Crossing>> on_a, on_b;
  thread_local std::vector<signed char> twin_a, twin_b, touch_b;
  const std::size_t nb = b.x.size();
  if (on_a.size() < cand.size()) on_a.resize(cand.size());
  if (on_b.size() < nb) on_b.resize(nb);
  twin_a.assign(cand.size(), 0);
  twin_b.assign(nb, 0);
  touch_b.assign(nb, 0);
  for (std::size_t c = 0; c < cand.size(); ++c) {
    on_a[c].clear();
    slot_call_[cand[c]] = call_;
    slot_[cand[c]] = static_cast<std::uint32_t>(c);
  }
  for (std::size_t j = 0; j < nb; ++j) on_b[j].clear();
  auto touch_a = [&](std::uint32_t v) { touch_[v] = touch_[alias_[v]] = call_; };

  // Every pair of A and B edges whose boxes meet: a shared edge, a shared vertex, a proper
  // crossing — or not decided. A crossing's point and its parameter along A's edge come from B's
  // segment in a canonical direction, so the cell on the other side of a shared edge finds the
  // very same numbers (the tiling proof relies on it).
  bool failed = false;
  for (std::size_t k = 0; k + 1 < b.start.size() && !failed; ++k) {
    for (std::uint32_t j = b.start[k]; j + 1 < b.start[k + 1] && !failed; ++j) {
      const double q1x = b.x[j], q1y = b.y[j], q2x = b.x[j + 1], q2y = b.y[j + 1];
      Extent ej;
      ej.minx = std::min(q1x, q2x);
      ej.maxx = std::max(q1x, q2x);
      ej.miny = std::min(q1y, q2y);
      ej.maxy = std::max(q1y, q2y);
      ej.valid = true;
      for_edges_in(ej, [&](std::uint32_t i) {
        if (failed) return;
        const std::uint32_t c = slot_[i];
        const double p1x = a_.x[i], p1y = a_.y[i], p2x = a_.x[i + 1], p2y = a_.y[i + 1];
        const bool p1q1 = p1x == q1x && p1y == q1y, p1q2 = p1x == q2x && p1y == q2y;
        const bool p2q1 = p2x == q1x && p2y == q1y, p2q2 = p2x == q2x && p2y == q2y;
        if ((p1q1 && p2q2) || (p1q2 && p2q1)) {  // the same edge in both
          const signed char dir = p1q1 ? 1 : -1;
          twin_a[c] = dir;
          twin_b[j] = dir;
          touch_a(i);
          touch_a(i + 1);
          touch_b[j] = touch_b[j + 1] = 1;
          return;
        }
        if (p1q1 || p1q2 || p2q1 || p2q2) {  // one shared vertex: they must not run along
          const double sx = (p1q1 || p1q2) ? p1x : p2x, sy = (p1q1 || p1q2) ? p1y : p2y;
          const double ax = (p1q1 || p1q2) ? p2x : p1x, ay = (p1q1 || p1q2) ? p2y : p1y;
          const double bx = (p1q1 || p2q1) ? q2x : q1x, by = (p1q1 || p2q1) ? q2y : q1y;
          double det;
          if (orient(sx, sy, ax, ay, bx, by, det) == 0 &&
              (ax - sx) * (bx - sx) + (ay - sy) * (by - sy) > 0) {
            failed = true;
            return;
          }
          touch_a((p1q1 || p1q2) ? i : i + 1);
          touch_b[(p1q1 || p2q1) ? j : j + 1] = 1;
          return;
        }
        const bool swap = q2x < q1x || (q2x == q1x && q2y < q1y);
        const double ax = swap ? q2x : q1x, ay = swap ? q2y : q1y;
        const double bx = swap ? q1x : q2x, by = swap ? q1y : q2y;
        double d1, d2, d3, d4;
        const int s1 = orient(ax, ay, bx, by, p1x, p1y, d1);
        const int s2 = orient(ax, ay, bx, by, p2x, p2y, d2);
        if (s1 == 0 || s2 == 0) {
          failed = true;
          return;
        }
        if (s1 == s2) return;
        const int s3 = orient(p1x, p1y, p2x, p2y, ax, ay, d3);
        const int s4 = orient(p1x, p1y, p2x, p2y, bx, by, d4);
        if (s3 == 0 || s4 == 0) {
          failed = true;
          return;
        }
        if (s3 == s4) return;
        const double t = d1 / (d1 - d2);
        const double x = p1x + t * (p2x - p1x), y = p1y + t * (p2y - p1y);
        const double sc = d3 / (d3 - d4);
        on_a[c].push_back({t, x, y});
        on_b[j].push_back({swap ? 1.0 - sc : sc, x, y});
      });
    }
  }
  if (failed) return fail();
  for (std::size_t k = 0; k + 1 < b.start.size(); ++k) {  // a ring's last vertex is its first
    const std::uint32_t first = b.start[k], last = b.start[k + 1] - 1;
    touch_b[first] = touch_b[last] = static_cast<signed char>(touch_b[first] | touch_b[last]);
  }
  auto by_t = [](const Crossing& l, const Crossing& r) { return l.t < r.t; };

  // Walks one edge from u to its end through its crossings; `in` is the side of the current
  // piece (-1: not known yet, then the piece's midpoint is located).
  auto walk = [&](double ux, double uy, double ex, double ey, std::vector<Crossing>& cr, int& in,
                  auto&& locate_mid, auto&& take) -> bool {
    if (cr.size() > 1) std::sort(cr.begin(), cr.end(), by_t);
    double ut = 0.0;
    for (std::size_t q = 0; q <= cr.size(); ++q) {
      const double vx = q < cr.size() ? cr[q].x : ex, vy = q < cr.size() ? cr[q].y : ey;
      const double vt = q < cr.size() ? cr[q].t : 1.0;
      if (ux == vx && uy == vy) {  // two crossings at one point: nothing to measure or locate
        if (q < cr.size() && in >= 0) in = 1 - in;
        continue;
      }
      if (in < 0) {
        in = locate_mid(0.5 * (ux + vx), 0.5 * (uy + vy));
        if (in < 0) return false;
      }
      if (in == 1) {
        add_moments(m, ux - ox_, uy - oy_, vx - ox_, vy - oy_);
        take(ux, uy, vx, vy, ut, vt);
      }
      if (q < cr.size()) in = 1 - in;
      ux = vx;
      uy = vy;
      ut = vt;
    }
    return true;
  };

  // ∂B inside A, ring by ring; a piece's side flips at every crossing and is located afresh
  // after a shared vertex.
  auto in_a = [&](double x, double y) { return locate(x, y); };
  auto take_b = [&](double ux, double uy, double vx, double vy, double, double) {
    if (proof) proof->add_segment(ux, uy, vx, vy);
    chain(ux, uy, vx, vy);
  };
  for (std::size_t k = 0; k + 1 < b.start.size(); ++k) {
    int in = -1;
    for (std::uint32_t j = b.start[k]; j + 1 < b.start[k + 1]; ++j) {
      if (touch_b[j]) in = -1;
      if (twin_b[j] != 0) {  // counted from A's side (same direction) or not at all
        in = -1;
        continue;
      }
      if (!walk(b.x[j], b.y[j], b.x[j + 1], b.y[j + 1], on_b[j], in, in_a, take_b)) return fail();
    }
  }
  // ∂A inside B, over A's edges near B (the others lie outside B's extent).
  auto in_b = [&](double x, double y) { return locate_in(b, x, y); };
  std::uint32_t cur = 0;
  auto take_a = [&](double ux, double uy, double vx, double vy, double t0, double t1) {
    if (proof) proof->intervals_[cur].push_back({t0, t1});
    chain(ux, uy, vx, vy);
  };
  int in = -1;
  std::uint32_t next = UINT32_MAX;  // the edge after the previous one, when it was walked
  for (std::size_t c = 0; c < cand.size(); ++c) {
    const std::uint32_t i = cand[c];
    cur = i;
    if (i != next || touch_[i] == call_) in = -1;
    next = i + 1;
    if (twin_a[c] != 0) {
      if (twin_a[c] > 0) {  // both on the same side of a shared edge: it bounds A ∩ B
        add_moments(m, a_.x[i] - ox_, a_.y[i] - oy_, a_.x[i + 1] - ox_, a_.y[i + 1] - oy_);
        if (proof) proof->intervals_[i].push_back({0.0, 1.0});
        chain(a_.x[i], a_.y[i], a_.x[i + 1], a_.y[i + 1]);
      }
      in = -1;
      continue;
    }
    if (!walk(a_.x[i], a_.y[i], a_.x[i + 1], a_.y[i + 1], on_a[c], in, in_b, take_a)) return fail();
  }
  return m;
}

}  // namespace siteplan::gis
