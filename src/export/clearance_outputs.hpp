#pragma once
// Writers for the clearance result: overlaps.csv, parcels.csv (contract in DESIGN.md),
// clearance.gpkg (styled for QGIS) and report.html. Numbers are written with fmt, so they do
// not depend on the locale; rows come in input order, so outputs do not depend on threads.
#include <memory>
#include <string>
#include <vector>

#include "engine/clearance.hpp"
#include "engine/clearance_job.hpp"
#include "engine/suitability.hpp"
#include "export/report_common.hpp"
#include "export/xlsx.hpp"
#include "gis/crs.hpp"

namespace siteplan::out {

// Attributes of the parcel layer carried into the outputs (--keep-fields), after the columns
// of the contract.
using ParcelAttributes = engine::ParcelAttributes;

struct ClearanceMeta {
  std::string title;                        // e.g. the rules file's project name
  std::string parcels;                      // parcel source for the report
  std::string crs_label;                    // working CRS
  std::string generated_by;                 // "siteplan 0.1.0"
  std::string coverage;                     // where the rule data are complete (how it was decided)
  std::string run_date;                     // ISO 8601, UTC
  std::vector<engine::InputRecord> inputs;  // every input with its SHA-256
  std::string map_png;                      // map to embed ("" = none)
  const ParcelAttributes* attributes = nullptr;
  std::string group_field;            // --group-field ("" = no group summary)
  std::vector<std::string> group_of;  // the group of every parcel, input order
};

std::string overlaps_csv(const engine::ClearanceResult& r);
// Kept attributes follow the contract's columns.
std::string parcels_csv(const engine::ClearanceResult& r, const ParcelAttributes* attrs = nullptr);
std::string clearance_html(const engine::ClearanceResult& r, const ClearanceMeta& meta);

// The 压占分析表 and 地块结论表 with Chinese headers, rows as in overlaps.csv / parcels.csv;
// areas in m² and 公顷 rounded to 4 decimals.
Table overlaps_table(const engine::ClearanceResult& r);
// Its columns, its sheet and one parcel's rows (to write the sheet as parcels are decided).
inline constexpr const char* kOverlapsSheet = "压占分析表";
std::vector<Table::Column> overlaps_columns();
void add_overlap_rows(const engine::ParcelResult& p, const std::vector<engine::RuleLayer>& rules,
                      std::vector<std::vector<Cell>>& rows);
Table parcels_table(const engine::ClearanceResult& r, const ParcelAttributes* attrs = nullptr);
Table groups_table(const std::vector<GroupSummary>& groups, const std::string& field);
// "dltb:0103" for a breakdown class, the rule id otherwise.
std::string overlap_rule_id(const engine::RuleLayer& rule, const engine::Overlap& o);
// "旱地" for a breakdown class of a 地类 field, the rule's name otherwise.
std::string overlap_rule_name(const engine::RuleLayer& rule, const engine::Overlap& o);

// clearance.gpkg, written parcel by parcel. add() turns the parcel's and its pieces' geometries
// into MultiPolygons in place (no copy); finish() commits, stores the QGIS styles and closes the
// file. One thread creates, adds and finishes (GDAL's error capture is per thread).
class ClearanceGpkgWriter {
 public:
  ClearanceGpkgWriter(const std::string& path, const std::vector<engine::RuleLayer>& rules,
                      const gis::Crs& crs, const ParcelAttributes* attrs = nullptr);
  ~ClearanceGpkgWriter();
  ClearanceGpkgWriter(const ClearanceGpkgWriter&) = delete;
  ClearanceGpkgWriter& operator=(const ClearanceGpkgWriter&) = delete;
  void add(engine::ParcelResult& parcel);
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class OutputDir;

// Every output file of a clearance run, as the job's sink: clearance.gpkg written by its own
// thread while parcels are still being checked (each parcel in input order as soon as it is
// done), then overlaps.csv, parcels.csv, the Excel tables and report.html — all staged in the
// output folder, which the caller commits.
class ClearanceFiles : public engine::ClearanceSink {
 public:
  struct Options {
    bool gpkg = true;
    bool xlsx = true;     // overlaps.xlsx and parcels.xlsx
    std::string title;    // "" = the project's name
    std::string map_png;  // map to embed in the report ("" = none)
  };
  ClearanceFiles(OutputDir& dir, Options options);
  ~ClearanceFiles() override;
  void begin(const engine::ClearanceRun& run) override;
  void parcel(std::size_t index, engine::ParcelResult& p) override;
  void end(const engine::ClearanceRun& run, engine::ClearanceResult& result) override;
  void abort() noexcept override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siteplan::out
