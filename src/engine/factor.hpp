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

// The inputs of one row range [r0, r1) of the grid shared by its factors: each DEM's elevation,
// slope and aspect on those rows (computed with the one-cell halo Horn's window needs).
struct StripRows {
  int r0 = 0, r1 = 0;
  std::map<std::string, Terrain> terrain;  // by DEM layer id: (r1 − r0) × nx cells each
  const Terrain& dem(const std::string& layer_id) const;
};

class Factor {
 public:
  explicit Factor(FactorSpec spec) : spec_(std::move(spec)) {}
  virtual ~Factor() = default;
  const FactorSpec& spec() const { return spec_; }

  // The row-range interface (engine/strips.hpp computes a map strip by strip with it):
  // open() reads the factor's vector data once and checks it (InputError on bad input);
  // uses_dem() says whether rows() needs StripRows::dem(spec().layer);
  // halo_rows() is how many rows beyond a range its inputs reach (a distance factor: its
  // saturation distance); span(r0, r1) prepares rows [r0, r1) (with that halo) before rows()
  // is called on sub-ranges of it; rows() fills raw and score for in.r0 .. in.r1 (nx values
  // per row) and may run on several threads at once; release() drops span()'s data.
  virtual void open(FactorContext& fc) { (void)fc; }
  virtual bool uses_dem() const { return false; }
  virtual unsigned dem_needs() const { return 0; }  // TerrainNeeds besides the elevation
  virtual int halo_rows(const Grid& grid) const {
    (void)grid;
    return 0;
  }
  virtual void span(FactorContext& fc, int r0, int r1) {
    (void)fc;
    (void)r0;
    (void)r1;
  }
  virtual void rows(const FactorContext& fc, const StripRows& in, float* raw,
                    float* score) const = 0;
  virtual void release() {}

  // The whole grid at once into raw_grid() / score_grid(): open, span and rows over every row
  // (the DEM from fc.dem). Throws InputError on bad input.
  void prepare(FactorContext& fc);
  // Keeps full-grid copies of raw and score (the candidates' zonal means read them): sized by
  // keep_grids(), filled row range by row range by store_rows(). `first` is the grid index of
  // the first cell kept: a rank of a distributed run keeps its band only (evaluate() reads
  // whole grids, first = 0).
  void keep_grids(std::size_t cells, std::size_t first = 0);
  // Whether evaluate() reads those grids (a zonal mean); false for factors that measure the
  // candidate's polygon itself (distance, category).
  virtual bool evaluates_on_grid() const { return true; }
  void store_rows(const Grid& grid, int r0, int r1, const float* raw, const float* score);

  virtual FactorValue evaluate(const GEOSGeometry* candidate, const CellSet& cells,
                               const gis::GeosContext& ctx) const;
  const Raster& raw_grid() const { return raw_; }
  const Raster& score_grid() const { return score_; }
  std::size_t grid_first() const { return grid_first_; }  // grid index of raw_grid()[0]
  // evaluate() over values held elsewhere: `raw` and `score` are the candidate's cells' values
  // in the cells' order (ascending grid index) — what a distributed run's owner of a candidate
  // holds instead of the grids. The same sums in the same order as evaluate() on the grids.
  // Not thread-safe (the factor's grids are swapped out meanwhile).
  FactorValue evaluate_values(const GEOSGeometry* candidate, Raster& raw, Raster& score,
                              const gis::GeosContext& ctx);
  virtual std::string units() const { return ""; }

 protected:
  // score[i] = score(raw[i]) for n cells.
  void score_values(const float* raw, float* score, std::size_t n) const;
  FactorSpec spec_;
  Raster raw_, score_;
  std::size_t grid_first_ = 0;  // grid index of raw_[0] (keep_grids)
};

std::unique_ptr<Factor> make_factor(const FactorSpec& spec);
const std::vector<std::string>& factor_kinds();

}  // namespace siteplan::engine
