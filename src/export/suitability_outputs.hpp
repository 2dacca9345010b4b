#pragma once
// Writers for the suitability result: candidates.gpkg (styled by score), suitability.tif
// (Cloud-Optimized GeoTIFF with overviews) and its QGIS style suitability.qml, ranking.csv,
// ranking.xlsx and report.html.
#include <string>

#include "engine/suitability.hpp"
#include "export/xlsx.hpp"

namespace siteplan::out {

struct SuitabilityMeta {
  std::string generated_by;  // "siteplan 0.1.0"
  std::string run_date;      // ISO 8601, UTC
  std::string map_png;       // map to embed ("" = none)
};

std::string ranking_csv(const engine::SuitabilityResult& r);
// The ranking with Chinese headers, rows as in ranking.csv (sheet 候选地块排名).
Table ranking_table(const engine::SuitabilityResult& r);
// The top K candidates, then every given (proposed) parcel whatever its rank.
std::string suitability_html(const engine::SuitabilityResult& r, const SuitabilityMeta& meta);
void write_candidates_gpkg(const std::string& path, const engine::SuitabilityResult& r);
// Score per cell; nodata −9999 outside the study area, −1 on blocked land. COG layout (tiles
// 256×256, DEFLATE, overviews by nearest neighbour).
void write_suitability_tif(const std::string& path, const engine::SuitabilityResult& r);
// QGIS sidecar for suitability.tif: QGIS loads <name>.qml next to <name>.tif by itself.
std::string suitability_qml();

class OutputDir;

// Every output file of a suitability run, as the job's sink, staged in the output folder (which
// the caller commits).
class SuitabilityFiles : public engine::SuitabilitySink {
 public:
  SuitabilityFiles(OutputDir& dir, SuitabilityMeta meta) : dir_(dir), meta_(std::move(meta)) {}
  void end(engine::SuitabilityResult& r) override;

 private:
  OutputDir& dir_;
  SuitabilityMeta meta_;
};

}  // namespace siteplan::out
