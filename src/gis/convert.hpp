#pragma once
// GEOS → OGR for polygons without the WKB round trip of OGRGeometryFactory::createFromGEOS:
// coordinates are copied ring by ring (GEOSCoordSeq_copyToArrays_r). Anything that is not a
// Polygon or MultiPolygon goes through createFromGEOS.
#include <geos_c.h>
#include <ogr_geometry.h>

#include <memory>
#include <vector>

#include "gis/gdal.hpp"

namespace siteplan::gis {

// A new OGR geometry (Polygon, MultiPolygon, or whatever createFromGEOS makes); null on failure.
OgrGeomPtr to_ogr(GEOSContextHandle_t ctx, const GEOSGeometry* g);

// The polygons of several GEOS geometries gathered into one OGR MultiPolygon (parts side by
// side, as they come).
OgrGeomPtr to_ogr_multipolygon(GEOSContextHandle_t ctx, const std::vector<const GEOSGeometry*>& gs);

// Rings listed as survey files list them (outer ring first, then further rings) assembled into a
// Polygon or MultiPolygon: a ring inside an earlier part's shell and in none of its holes becomes
// a hole of that part, otherwise a part of its own (an island in a hole is a part). Rings GEOS
// finds invalid are placed by their first vertex. Null for no rings.
OgrGeomPtr polygons_from_rings(std::vector<std::unique_ptr<OGRLinearRing>> rings);

}  // namespace siteplan::gis
