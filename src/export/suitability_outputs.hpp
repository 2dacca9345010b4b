#pragma once
// Writers for the suitability result: candidates.gpkg (styled by score), suitability.tif
// (Cloud-Optimized GeoTIFF with overviews) and its QGIS style suitability.qml, ranking.csv,
// ranking.xlsx and report.html.
#include <string>

#include "engine/strips.hpp"
#include "engine/suitability.hpp"

class GDALRasterBand;
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
// Rows [r0, r1) of the grid `g` as the same COG (`map` holds (r1 − r0) × nx values, NaN outside):
// suitability.tif is rows [0, ny); a tile of a tiled map (map_tiles.hpp) a band of them.
void write_score_cog(const std::string& path, const engine::Grid& g, int r0, int r1,
                     const float* map, const std::string& project);
// QGIS sidecar for suitability.tif: QGIS loads <name>.qml next to <name>.tif by itself.
std::string suitability_qml();

// The what-if files: factors.tif (one UInt16 band per factor, described by its id, scores in
// steps of 1/65534, nodata 65535; then a `state` band: 0 outside, 1 blocked, 2 open) and run.json
// (weights, AHP matrix, rules, candidates with factor values and overlaps).
void write_factors_tif(const std::string& path, const engine::SuitabilityResult& r);
// What the map files say about the run besides their cells.
struct MapHeader {
  std::string project;
  std::vector<std::string> names;  // per factor
  std::vector<double> weights;     // per factor
};
MapHeader map_header(const engine::SuitabilityResult& r);
// The factors file of the stack's rows [st.r0, st.r1) (factors.tif: every row).
void write_factors_rows(const std::string& path, const engine::MapRowsView& rows,
                        const MapHeader& h);
void describe_factor_band(GDALRasterBand& b, const std::string& id, const std::string& name,
                          double weight);
void describe_state_band(GDALRasterBand& b);
std::string run_json(const engine::SuitabilityResult& r);
// A run read back from its folder (run.json, factors.tif, candidate geometries from
// candidates.gpkg when present): the map and candidates as they were. Throws InputError.
engine::SuitabilityResult read_suitability_run(const std::string& dir);

class OutputDir;

// Every output file of a suitability run, as the job's sink, staged in the output folder (which
// the caller commits).
// With tile_rows > 0 the map and the factors are written as tiles of that many rows plus a VRT
// each (map_tiles.hpp) instead of suitability.tif and factors.tif; tiles_written: the MPI ranks
// have written the tiles already (only the VRTs are left).
struct MapFiles {
  int tile_rows = 0;
  bool tiles_written = false;
};
class SuitabilityFiles : public engine::SuitabilitySink {
 public:
  SuitabilityFiles(OutputDir& dir, SuitabilityMeta meta, MapFiles map = {})
      : dir_(dir), meta_(std::move(meta)), map_(map) {}
  void end(engine::SuitabilityResult& r) override;

 private:
  OutputDir& dir_;
  SuitabilityMeta meta_;
  MapFiles map_;
};

}  // namespace siteplan::out
