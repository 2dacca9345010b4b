#pragma once
// Whether polygons tile a region exactly — without a union. Used to see that a land-use coverage
// (三调, a topologically clean coverage) covers a parcel with no gap and no overlap, cheaply.
#include <vector>

#include "gis/geos.hpp"

namespace siteplan::gis {

// True when `pieces` (polygons inside `region`) tile `region` exactly: every piece edge inside
// the region is matched by the opposite edge of a neighbouring piece, and the unmatched edges run
// exactly once along every stretch of the region's boundary, in its direction. Then the pieces'
// multiplicities sum to exactly 1 over the region (the boundary of Σ pieces is the boundary of
// the region, and a 2-chain without boundary in the plane is zero): no gap, no overlap.
// Coordinates are compared on a 1 µm grid. False means "not shown" — the caller must then make
// the union — never "there is a gap".
bool tiles_exactly(const GeosContext& ctx, const std::vector<const GEOSGeometry*>& pieces,
                   const GEOSGeometry* region);

}  // namespace siteplan::gis
