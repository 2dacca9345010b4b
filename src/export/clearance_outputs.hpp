#pragma once
// Writers for the clearance result: overlaps.csv, parcels.csv (contract in DESIGN.md),
// clearance.gpkg (styled for QGIS) and report.html. Numbers are written with fmt, so they do
// not depend on the locale; rows come in input order, so outputs do not depend on threads.
#include <memory>
#include <string>
#include <vector>

#include "engine/clearance.hpp"
#include "gis/crs.hpp"

namespace siteplan::out {

struct ClearanceMeta {
  std::string title;         // e.g. the rules file's project name
  std::string parcels;       // parcel source for the report
  std::string crs_label;     // working CRS
  std::string generated_by;  // "siteplan 0.1.0"
  std::string coverage;      // where the rule data are complete (how it was decided)
};

std::string overlaps_csv(const engine::ClearanceResult& r);
std::string parcels_csv(const engine::ClearanceResult& r);
std::string clearance_html(const engine::ClearanceResult& r, const ClearanceMeta& meta);

// clearance.gpkg, written parcel by parcel. add() turns the parcel's and its pieces' geometries
// into MultiPolygons in place (no copy); finish() commits, stores the QGIS styles and closes the
// file. One thread creates, adds and finishes (GDAL's error capture is per thread).
class ClearanceGpkgWriter {
 public:
  ClearanceGpkgWriter(const std::string& path, const std::vector<engine::RuleLayer>& rules,
                      const gis::Crs& crs);
  ~ClearanceGpkgWriter();
  ClearanceGpkgWriter(const ClearanceGpkgWriter&) = delete;
  ClearanceGpkgWriter& operator=(const ClearanceGpkgWriter&) = delete;
  void add(engine::ParcelResult& parcel);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// All parcels at once. The text writers above never read the geometries, so they may run
// while this one converts them.
void write_clearance_gpkg(const std::string& path, engine::ClearanceResult& r, const gis::Crs& crs);

}  // namespace siteplan::out
