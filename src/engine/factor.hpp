#pragma once
// A suitability factor: a raw value per grid cell and per candidate, mapped to [0, 1] by the
// profile's score function. One kind per file under factors/, listed in factor_registry.cpp.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/grid.hpp"
#include "engine/terrain.hpp"
#include "project/project.hpp"

namespace siteplan::engine {

// Shared inputs: the grid, DEMs already resampled (by layer id), the working CRS.
struct FactorContext {
  const Project& project;
  const Grid& grid;
  const gis::GeosContext& ctx;
  const gis::Crs& work;
  gis::Extent study_extent;
  double latitude_deg = 26.0;  // of the study area's centre (solar geometry)
  std::map<std::string, Terrain> terrain;
  const Terrain& dem(const std::string& layer_id);
  const LayerSpec& layer(const std::string& id) const;
};

// The cells whose centres lie in a candidate (at least the cell under its centroid).
struct CellSet {
  std::vector<std::size_t> cells;
};

struct FactorValue {
  double raw = 0;        // NaN when unknown
  std::string raw_text;  // for category factors: the dominant class
  double score = 0;      // [0, 1]; NaN when no data
};

class Factor {
 public:
  explicit Factor(FactorSpec spec) : spec_(std::move(spec)) {}
  virtual ~Factor() = default;
  const FactorSpec& spec() const { return spec_; }
  // Reads data and fills raw_ / score_ on the grid. Throws InputError on bad input.
  virtual void prepare(FactorContext& fc) = 0;
  virtual FactorValue evaluate(const GEOSGeometry* candidate, const CellSet& cells,
                               const gis::GeosContext& ctx) const;
  const Raster& raw_grid() const { return raw_; }
  const Raster& score_grid() const { return score_; }
  virtual std::string units() const { return ""; }

 protected:
  void score_cells();  // score_ = score(raw_) per cell
  FactorSpec spec_;
  Raster raw_, score_;
};

std::unique_ptr<Factor> make_factor(const FactorSpec& spec);
const std::vector<std::string>& factor_kinds();

}  // namespace siteplan::engine
