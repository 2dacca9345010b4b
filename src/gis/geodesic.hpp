#pragma once
// Ellipsoidal (geodesic) area of planar polygons: vertices are taken back to longitude/latitude
// on the CRS's own ellipsoid (CGCS2000 for EPSG:4542) and the area computed with PROJ's
// geodesic routines (Karney). Chinese land surveys report this area (椭球面积).
#include <geos_c.h>

#include <memory>

#include "gis/crs.hpp"
#include "gis/geos.hpp"

namespace siteplan::gis {

class EllipsoidalArea {
 public:
  // crs: the planar CRS of the geometries passed to area().
  explicit EllipsoidalArea(const Crs& crs);
  ~EllipsoidalArea();
  EllipsoidalArea(const EllipsoidalArea&) = delete;
  EllipsoidalArea& operator=(const EllipsoidalArea&) = delete;
  // Area in m² of the polygonal parts of g (holes subtracted), from the geodesic polygon of its
  // vertices. Not thread-safe: one object per thread.
  double area(const GeosContext& ctx, const GEOSGeometry* g) const;
  // The same area from the planar one and the projection's areal scale at g's centre
  // (PROJ proj_factors): A_ell = A_planar / s. For pieces a few km across in a Gauss-Krüger zone
  // the scale varies by < 1e-5 over the piece, and being linear to first order, its centre value
  // leaves an error of order 1e-9 — far cheaper than a geodesic per edge for many small pieces.
  // Falls back to area() when the projection gives no factors.
  double area_from_scale(const GeosContext& ctx, const GEOSGeometry* g) const;

  // The areal scale near one place (e.g. over a parcel), as a quadratic in x and y fitted to
  // five proj_factors values: many pieces inside `around` then cost no PROJ call each. In a
  // Gauss-Krüger zone the scale is quadratic in the easting to first order, so over a few km the
  // fit matches proj_factors to about 1e-12.
  struct LocalScale {
    double x0 = 0, y0 = 0, s0 = 0, ax = 0, ay = 0, axx = 0, ayy = 0;
    bool valid = false;
    double at(double x, double y) const {
      const double dx = x - x0, dy = y - y0;
      return s0 + ax * dx + ay * dy + axx * dx * dx + ayy * dy * dy;
    }
  };
  LocalScale local_scale(const Extent& around) const;
  // area_from_scale with the scale from `scale` (falls back to the exact call when invalid).
  double area_from_scale(const GeosContext& ctx, const GEOSGeometry* g,
                         const LocalScale& scale) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siteplan::gis
