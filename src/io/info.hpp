#pragma once
// `siteplan info`: what is in a project or a data set, and what looks wrong with it.
#include <string>
#include <vector>

#include "gis/crs.hpp"
#include "io/layer.hpp"
#include "io/raster.hpp"
#include "project/project.hpp"

namespace siteplan::io {

struct InfoReport {
  std::string title;  // project name or data set path
  gis::Crs work;      // working CRS (may be empty for a data set without one)
  std::vector<LoadedLayer> layers;
  std::vector<RasterInfo> rasters;
  std::vector<std::string> findings;  // across layers (mixed CRSs ...)
};

// Loads every layer of a project (geometry statistics only).
InfoReport info_for_project(const Project& project, const gis::GeosContext& ctx);
// Loads every layer of a data set. work_crs "" picks: the data's own projected CRS, else the
// CGCS2000 3-degree Gauss-Krüger zone of the data's centre.
// only_layer "" = every layer.
InfoReport info_for_dataset(const std::string& source, const std::string& only_layer,
                            const std::string& work_crs, const std::string& encoding,
                            const gis::GeosContext& ctx);

std::string format_info_text(const InfoReport& report);
std::string format_info_json(const InfoReport& report);

}  // namespace siteplan::io
