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
  // Area in m² of the polygonal parts of g (holes subtracted). Not thread-safe: one per thread.
  double area(const GeosContext& ctx, const GEOSGeometry* g) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siteplan::gis
