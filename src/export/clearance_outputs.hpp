#pragma once
// Writers for the clearance result: overlaps.csv, parcels.csv (contract in DESIGN.md),
// clearance.gpkg (styled for QGIS) and report.html. Numbers are written with fmt, so they do
// not depend on the locale; rows come in input order, so outputs do not depend on threads.
#include <string>

#include "engine/clearance.hpp"
#include "gis/crs.hpp"

namespace siteplan::out {

struct ClearanceMeta {
  std::string title;         // e.g. the rules file's project name
  std::string parcels;       // parcel source for the report
  std::string crs_label;     // working CRS
  std::string generated_by;  // "siteplan 0.1.0"
};

std::string overlaps_csv(const engine::ClearanceResult& r);
std::string parcels_csv(const engine::ClearanceResult& r);
std::string clearance_html(const engine::ClearanceResult& r, const ClearanceMeta& meta);
void write_clearance_gpkg(const std::string& path, const engine::ClearanceResult& r,
                          const gis::Crs& crs);

}  // namespace siteplan::out
