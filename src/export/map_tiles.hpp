#pragma once
// A tiled map (`siteplan suitability --map-tiles ROWS`, docs/mpi.md): instead of one
// suitability.tif and one factors.tif, bands of ROWS rows in `tiles/` — each its own COG
// (tiles/suitability-r<first row>.tif) and factors file (tiles/factors-r<first row>.tif) — and
// suitability.vrt / factors.vrt over them, which QGIS, GDAL and `siteplan rescore` open as one
// raster. The tiles depend on the grid and ROWS only: one process and any number of MPI ranks
// (each writing the tiles that start in its rows) write the same bytes.
#include <string>
#include <utility>
#include <vector>

#include "engine/strips.hpp"
#include "export/suitability_outputs.hpp"

namespace siteplan::out {

inline constexpr const char* kTilesDir = "tiles";

// Throws UsageError unless rows is a positive multiple of 256 (the COG's block height).
void check_tile_rows(int rows);
// The tiles' row ranges [r0, r1): every `rows` rows, the last one shorter.
std::vector<std::pair<int, int>> map_tile_ranges(int ny, int rows);
// "tiles/suitability-r000512.tif", "tiles/factors-r000512.tif" (kind: suitability / factors).
std::string map_tile_name(const std::string& kind, int r0);

// The two tile files of the rows into `dir` (the output folder: `dir`/tiles must exist).
void write_map_tile(const std::string& dir, const engine::MapRowsView& rows, const MapHeader& h);
// Every tile of a whole run (one process).
void write_map_tiles(const std::string& dir, const engine::SuitabilityResult& r, int rows);
// suitability.vrt and factors.vrt over the tiles in `dir`, described as the single files are.
void write_map_vrts(const std::string& dir, const engine::Grid& g,
                    const std::vector<std::string>& factor_ids, const MapHeader& h, int rows);

// The factors raster of a run folder: factors.tif, else factors.vrt ("" when neither exists).
std::string factors_raster(const std::string& dir);

}  // namespace siteplan::out
