#pragma once
// Raster sources (a DEM): what `siteplan info` shows and what later stages read.
#include <string>
#include <vector>

#include "gis/crs.hpp"
#include "project/project.hpp"

namespace siteplan::io {

struct RasterInfo {
  std::string id;
  std::string source;
  std::string driver;
  int width = 0, height = 0, bands = 0;
  std::string data_type;
  double pixel_x = 0, pixel_y = 0;  // pixel size in source units
  bool has_nodata = false;
  double nodata = 0;
  double min = 0, max = 0, mean = 0;  // band 1 statistics (approximate allowed)
  bool has_stats = false;
  gis::Crs source_crs;
  bool crs_from_project = false;
  gis::Extent native_extent, work_extent;
  std::vector<std::string> findings;
};

// True when the source opens as a raster and holds no vector layers.
bool is_raster_source(const std::string& source);
// Describes a raster; throws InputError for missing or unreadable sources and missing CRS when
// a working CRS is given.
RasterInfo describe_raster(const LayerSpec& spec, const gis::Crs& work, bool allow_no_crs = false);

}  // namespace siteplan::io
