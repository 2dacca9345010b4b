#pragma once
// The analysis grid: square cells in the working CRS, north up, snapped to multiples of the
// cell size so that runs over the same area line up. Rasters on it are float rows, NaN = no data.
#include <gdal_priv.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gis/crs.hpp"
#include "gis/gdal.hpp"
#include "gis/geos.hpp"

namespace siteplan::engine {

// Limits of a grid: 400 million cells, and a side GDAL can address with int offsets.
constexpr double kMaxCells = 4.0e8;
constexpr double kMaxSide = 1.0e6;

struct Grid {
  double x0 = 0, y1 = 0;  // top-left corner
  double cell = 30;
  int nx = 0, ny = 0;
  gis::Crs crs;

  // Throws InputError when the cell size or the extent is not finite, or the grid too large.
  static Grid covering(const gis::Extent& e, double cell, const gis::Crs& crs);
  // The column / row of a coordinate, clamped to [-1, nx] / [-1, ny] (so -1 and nx or ny mean
  // "outside"); NaN gives -1. Never casts an out-of-range double.
  int col_of(double x) const;
  int row_of(double y) const;
  std::size_t size() const { return static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny); }
  double cx(int col) const { return x0 + (col + 0.5) * cell; }
  double cy(int row) const { return y1 - (row + 0.5) * cell; }
  void geotransform(double gt[6]) const;
  // An empty in-memory GDAL raster on the grid.
  GDALDatasetUniquePtr mem(GDALDataType type, int bands = 1) const;
};

using Raster = std::vector<float>;
constexpr float kNoData = std::numeric_limits<float>::quiet_NaN();

// Burns geometries into a new raster on the grid (cell centres inside, or every touched cell).
// values: one burn value per geometry (or empty: 1 for all). Cells not burnt keep `fill`.
Raster rasterize(const Grid& grid, const gis::GeosContext& ctx,
                 const std::vector<const GEOSGeometry*>& geoms, const std::vector<double>& values,
                 float fill, bool all_touched);

// Rows [r0, r1) of the grid (every column) as a grid of their own.
Grid rows_of(const Grid& grid, int r0, int r1);

// OGR copies of GEOS geometries, for burning the same shapes into many windows.
struct OgrShapes {
  std::vector<gis::OgrGeomPtr> owned;
  std::vector<OGRGeometryH> handles;
  std::vector<double> values;          // one burn value per shape
  std::vector<OGREnvelope> envelopes;  // one per shape
  void add(const gis::GeosContext& ctx, const GEOSGeometry* g, double value = 1.0);
};
// Burns the shapes into `out`, window.nx × window.ny cells the caller has filled (cell centres
// inside, or every touched cell), in place: no raster is allocated. Only the shapes whose
// envelope meets the window (plus a cell) go to GDAL, in their order — a strip of a county does
// not transform every vertex of every farmland block. Thread-safe for distinct outputs over the
// same shapes.
void burn(const Grid& window, const OgrShapes& shapes, float* out, bool all_touched);
void burn(const Grid& window, const OgrShapes& shapes, std::uint8_t* out, bool all_touched);

// Reads band 1 of a GDAL dataset aligned with the grid.
Raster read_band(GDALDataset& ds, int band = 1);
void write_band(GDALDataset& ds, const Raster& r, int band = 1);

}  // namespace siteplan::engine
