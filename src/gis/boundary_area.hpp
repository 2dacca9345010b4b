#pragma once
// The area of A ∩ B from the two boundaries alone, without building the intersection: by Green's
// theorem the area (and its first moments) of a region is a sum over its boundary, and the
// boundary of A ∩ B is the part of ∂A inside B plus the part of ∂B inside A. So each edge is split
// where it crosses the other boundary and the pieces inside are summed. For one parcel (A) against
// hundreds of small land-use cells (B) this costs a few segment tests per cell instead of a GEOS
// overlay, and cells far from A's boundary cost one point-in-polygon test.
//
// Exactness: every orientation sign that decides the topology is taken only when its rounding
// error bound shows the sign is certain. When the boundaries touch, run along each other or come
// within rounding of it (a parcel digitised along a land-use boundary), the answer is "not
// decided" (nullopt) and the caller uses an exact overlay (GEOS) for that pair. The sums are then
// the exact area up to floating-point rounding of the crossing points (~1e-12 relative).
#include <geos_c.h>

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "gis/crs.hpp"

namespace siteplan::gis {

// Area and first moments (∬x dA, ∬y dA) about an origin.
struct Moments {
  double area = 0, sx = 0, sy = 0;
};

// A polygonal geometry as closed rings, shells counter-clockwise and holes clockwise, so that the
// interior lies to the left of every edge.
struct Rings {
  std::vector<double> x, y;          // vertices; each ring repeats its first vertex at its end
  std::vector<std::uint32_t> start;  // ring k spans [start[k], start[k + 1])
  Extent env;
  std::size_t rings() const { return start.empty() ? 0 : start.size() - 1; }
  // From a Polygon or MultiPolygon (other types and empty geometries: no rings). Reuses `out`.
  static void from_geos(GEOSContextHandle_t ctx, const GEOSGeometry* g, Rings& out);
  // The region's own area and moments about (ox, oy).
  Moments moments(double ox, double oy) const;
};

// Collects what is needed to show that the pieces A ∩ B_k of a set of cells B_k tile A exactly
// (no gap, no overlap) — see BoundaryClip::intersect.
class TilingProof {
 public:
  void clear();
  // True when the cells' edges inside A cancel pairwise and every edge of A is covered by the
  // cells exactly once along its whole length: then Σ_k (A ∩ B_k) = A as 2-chains.
  bool holds(const Rings& a) const;

 private:
  friend class BoundaryClip;
  struct Key {
    double x0, y0, x1, y1;
    bool operator==(const Key& o) const {
      return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1;
    }
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  void add_segment(double ux, double uy, double vx, double vy);
  std::unordered_map<Key, int, KeyHash> segments_;  // canonical segment → Σ directions
  std::vector<std::vector<std::pair<double, double>>> intervals_;  // per edge of A: [t0, t1]
  bool broken_ = false;
};

// A (a parcel, or a rule's feature met by many parcels) prepared for many intersect() calls:
// its rings and a grid of its edges. Not thread-safe (scratch space): one per thread.
//
// Beyond general position, boundaries may share vertices and whole edges exactly (a parcel drawn
// on land-use boundaries, neighbouring features of one layer): an edge both polygons have counts
// once when both lie on its same side and not at all otherwise, and pieces of edges that start at
// a shared vertex are located by their midpoints. Anything else that touches — a vertex on the
// other's edge, edges partly along each other, a sign within rounding — is "not decided".
class BoundaryClip {
 public:
  explicit BoundaryClip(Rings a);
  const Rings& rings() const { return a_; }
  double origin_x() const { return ox_; }
  double origin_y() const { return oy_; }
  // Area and moments (about origin_x/y) of A ∩ B; nullopt when not decided (see above). With a
  // proof, B's part in the tiling proof is recorded (B's rings must be those of a cell of the
  // coverage; a nullopt answer leaves the proof broken).
  // With `chains`, the boundary of A ∩ B is also returned as chains of points (x0 y0 x1 y1 ...,
  // each chain a run of the boundary; together closed rings) — for GEOSPolygonize_valid, which
  // makes the polygons of A ∩ B from them without an overlay. Not filled when B lies wholly
  // inside A (B is then its own piece).
  std::optional<Moments> intersect(const Rings& b, TilingProof* proof = nullptr,
                                   std::vector<std::vector<double>>* chains = nullptr) const;
  // Point-in-A (even-odd over every ring): 1 inside, 0 outside, -1 within rounding of ∂A.
  int locate(double px, double py) const;

 private:
  struct Crossing {
    double t;     // along the edge, 0..1
    double x, y;  // the crossing point (the same numbers for both edges)
  };
  void candidates(const Extent& e, std::vector<std::uint32_t>& out) const;
  template <class F>
  void for_edges_in(const Extent& e, F&& f) const;

  Rings a_;
  double ox_ = 0, oy_ = 0;
  // Grid of A's edges (edge i runs from vertex i to i + 1 inside its ring).
  int nx_ = 1, ny_ = 1;
  double cell_w_ = 1, cell_h_ = 1;
  std::vector<std::uint32_t> bin_start_, bin_edges_;
  std::vector<std::uint32_t> edge_ids_;  // vertex index of each edge's start
  std::vector<std::uint32_t> alias_;     // a ring's last vertex ↔ its first (the same point)
  // Scratch, indexed by vertex: query dedup (epoch_), candidate slot and touch flags (call_).
  mutable std::vector<std::uint32_t> stamp_, slot_call_, slot_, touch_;
  mutable std::uint32_t epoch_ = 0, call_ = 0;
};

// The boundary of a union of interior-disjoint pieces (each traced by BoundaryClip::intersect,
// or a whole ring set), made into polygons by GEOS's polygonizer (GEOSPolygonize_valid: a planar
// graph of given, noded lines — no overlay). An edge two pieces share, traced in opposite
// directions, cancels; what is left is the union's boundary.
class BoundaryLines {
 public:
  void clear() { segments_.clear(); }
  bool empty() const { return segments_.empty(); }
  void add_chains(const std::vector<std::vector<double>>& chains);
  void add_rings(const Rings& r);
  // The polygons, or null when the lines are not a clean boundary (an edge left twice: pieces
  // that share only part of an edge) or GEOS makes nothing. The caller owns the result and
  // should compare its area with the pieces'.
  GEOSGeometry* polygonize(GEOSContextHandle_t ctx) const;
  // The same polygons without the polygonizer's graph, when the lines are simple closed rings
  // that share no vertex (the common case): rings followed end to start, counter-clockwise ones
  // are shells, clockwise ones holes of the smallest shell around them. Null otherwise (the
  // caller then polygonizes).
  GEOSGeometry* assemble(GEOSContextHandle_t ctx) const;

 private:
  void add(double ux, double uy, double vx, double vy);
  struct Key {
    double x0, y0, x1, y1;
    bool operator==(const Key& o) const {
      return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1;
    }
    bool operator<(const Key& o) const;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  std::unordered_map<Key, int, KeyHash> segments_;
};

}  // namespace siteplan::gis
