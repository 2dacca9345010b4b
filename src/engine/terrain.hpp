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
};

// Throws InputError naming the layer when the DEM is missing, not a raster, has no CRS, or does
// not cover the grid at all.
Terrain load_terrain(const LayerSpec& dem, const Grid& grid);

// Slope and aspect of a dataset through GDALDEMProcessing (exposed for tests and benchmarks).
Raster dem_processing(GDALDataset& src, const char* mode);

}  // namespace siteplan::engine
