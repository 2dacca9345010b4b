#pragma once
// A DEM resampled onto the analysis grid (bilinear, PROJ reprojection when needed) and its slope
// and aspect by Horn's method through GDAL's own gdaldem code (GDALDEMProcessing), so values agree
// with `gdaldem slope/aspect` exactly on the same grid.
#include <string>

#include "engine/grid.hpp"
#include "project/project.hpp"

namespace siteplan::engine {

struct Terrain {
  Raster elevation;   // metres
  Raster slope_deg;   // degrees, Horn
  Raster aspect_deg;  // degrees clockwise from north; NaN where flat
  Raster slope_pct;   // percent (gdaldem -p); filled by DemReader when asked for, else empty
};

// What a row range's terrain must hold besides the elevation (DemReader::rows).
enum TerrainNeeds : unsigned { kSlopeDeg = 1, kSlopePct = 2, kAspect = 4 };

// Throws InputError naming the layer when the DEM is missing, not a raster, has no CRS, or does
// not cover the grid at all.
Terrain load_terrain(const LayerSpec& dem, const Grid& grid);

// A DEM layer opened for reading: the dataset, its CRS (the layer's crs = "..." first) and that
// CRS as WKT (gdalwarp's -s_srs). Throws InputError naming the layer when the file is missing,
// is not a raster GDAL reads, or has no CRS.
struct OpenedDem {
  GDALDatasetUniquePtr ds;
  gis::Crs crs;
  std::string wkt;
};
OpenedDem open_dem(const LayerSpec& dem);

// A DEM read row range by row range (engine/strips.hpp): each lane opens its own reader.
// rows(r0, r1) gives elevation, slope and aspect of rows [r0, r1) of the grid, from the DEM
// resampled (bilinear, as load_terrain) onto those rows plus a one-cell halo — read directly
// when the DEM's cells are the grid's (same CRS, cell size and alignment) — and Horn's method
// as gdaldem computes it (horn_rows).
class DemReader {
 public:
  // Throws InputError naming the layer as load_terrain does. force_warp: always resample (for
  // tests of the direct read).
  DemReader(const LayerSpec& dem, const Grid& grid, bool force_warp = false);
  ~DemReader();
  DemReader(const DemReader&) = delete;
  DemReader& operator=(const DemReader&) = delete;
  Terrain rows(int r0, int r1, unsigned needs = kSlopeDeg | kAspect);
  bool direct() const { return direct_; }
  // Whether the DEM's extent meets the grid's at all (checked before any bulk work).
  bool meets_grid() const;

 private:
  Raster padded_rows(int r0, int r1);  // (r1 − r0 + 2) × (nx + 2), NaN = no data
  // The DEM's extent in the grid's CRS (invalid when it has no geotransform).
  gis::Extent extent_in_grid() const;
  const LayerSpec& spec_;
  Grid grid_;
  GDALDatasetUniquePtr src_;
  std::string src_wkt_;
  gis::Crs src_crs_;
  bool direct_ = false;
  int col_off_ = 0, row_off_ = 0;  // grid cell (0, 0) in the DEM's pixels, when direct
  // The warper's kernel scale (grid cells per DEM pixel) — fixed, so that a row's values do not
  // depend on the window it is read in (GDAL derives it per window from the source window it
  // clips, which differs at the DEM's edges and by rounding).
  double xscale_ = 1, yscale_ = 1;
  double nodata_ = 0;
  bool has_nodata_ = false;
};

// Horn's slope (degrees) and aspect (azimuth, NaN on flat cells) of rows × nx cells from a
// window one cell larger on every side (NaN = no data), with gdaldem's arithmetic and its
// -compute_edges rule (a missing neighbour takes the centre's value).
// `needs` (TerrainNeeds) says which outputs to fill; the others stay empty.
void horn_rows(const float* padded, int rows, int nx, double cell, unsigned needs, Terrain& out);

// Slope and aspect of a dataset through GDALDEMProcessing (exposed for tests and benchmarks).
Raster dem_processing(GDALDataset& src, const char* mode);

}  // namespace siteplan::engine
