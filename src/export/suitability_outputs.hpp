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

// The what-if files: factors.tif (one UInt16 band per factor, described by its id, scores in
// steps of 1/65534, nodata 65535; then a `state` band: 0 outside, 1 blocked, 2 open) and run.json
// (weights, AHP matrix, rules, candidates with factor values and overlaps).
void write_factors_tif(const std::string& path, const engine::SuitabilityResult& r);
std::string run_json(const engine::SuitabilityResult& r);
// A run read back from its folder (run.json, factors.tif, candidate geometries from
// candidates.gpkg when present): the map and candidates as they were. Throws InputError.
engine::SuitabilityResult read_suitability_run(const std::string& dir);

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
