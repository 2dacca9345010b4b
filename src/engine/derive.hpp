#pragma once
// Candidate regions derived from open land (suitability step 5b), one region at a time: a
// region's polygon comes from its own cells (GDALPolygonize of them alone), then is made exact
// against the study area and the blocked land. One process labels the whole grid and derives
// every region; a distributed run's rank derives the regions whose first cell it holds, from
// their cells gathered across the bands (mpi_candidates.hpp) — the same function on the same
// cells, so the same polygons, ids and cells.
#include <cstddef>
#include <string>
#include <vector>

#include "engine/factor.hpp"
#include "engine/grid.hpp"
#include "gis/geos.hpp"

namespace siteplan::engine {

// The cells whose centres lie in g (at least the cell under a point inside it), ascending.
CellSet cells_of(const Grid& grid, const gis::GeosContext& ctx, const GEOSGeometry* g);

// The stable id of a derived region: "D-r<row>c<col>" of its first cell in reading order.
std::string derived_id(const Grid& grid, const CellSet& cells, const gis::GeosContext& ctx,
                       const GEOSGeometry* g);

// The fewest cells a region needs to reach `min_area` m² (its area is cells × cell²).
std::size_t min_region_cells(double min_area, double cell);

struct DeriveInputs {
  const Grid& grid;
  const gis::GeosContext& ctx;
  const GEOSGeometry* area = nullptr;  // the study area
  const GEOSPreparedGeometry* area_prep = nullptr;
  const GEOSGeometry* blocked = nullptr;  // the blocked land's union (may be null)
  const GEOSPreparedGeometry* blocked_prep = nullptr;
  double min_area = 0;  // m²
};

// The study area and the blocked land prepared once for region_parts.
class DeriveLand {
 public:
  DeriveLand(const Grid& grid, const gis::GeosContext& ctx, const GEOSGeometry* area,
             const GEOSGeometry* blocked, double min_area);
  const DeriveInputs& inputs() const { return in_; }

 private:
  gis::PreparedPtr area_prep_, blocked_prep_;
  DeriveInputs in_;
};

struct DerivedPart {
  std::string id;  // derived_id; order_derived() adds "-2", "-3" … where parts share it
  double area = 0, x = 0, y = 0;  // m²; west and north edges
  gis::GeomPtr geom;
  CellSet cells;
};

// The candidate parts of one region (`cells`: its grid indices, ascending, 4-connected):
// polygonized, ∩ study area − blocked land, each polygon of at least min_area. Appended to out.
void region_parts(const DeriveInputs& in, const std::vector<std::size_t>& cells,
                  std::vector<DerivedPart>& out);

// The candidates' order and final ids: by id, then larger first, then north, then west; parts
// sharing an id (a region cut apart inside its first cell) get "-2", "-3" … in that order.
void order_derived(std::vector<DerivedPart>& parts);

}  // namespace siteplan::engine
