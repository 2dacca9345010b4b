// Every output file of a suitability run, as the job's sink (suitability_outputs.hpp).
#include <chrono>
#include <filesystem>

#include "core/log.hpp"
#include "core/threads.hpp"
#include "export/map_tiles.hpp"
#include "export/output_dir.hpp"
#include "export/suitability_outputs.hpp"

namespace siteplan::out {

void SuitabilityFiles::end(engine::SuitabilityResult& r) {
  auto t0 = std::chrono::steady_clock::now();
  auto lap = [&t0](const char* what) {
    auto t1 = std::chrono::steady_clock::now();
    log::debug("wrote {} in {:.2f} s", what, std::chrono::duration<double>(t1 - t0).count());
    t0 = t1;
  };
  write_text(dir_.staged("ranking.csv"), ranking_csv(r));
  write_xlsx(dir_.staged("ranking.xlsx"), {ranking_table(r)});
  write_text(dir_.staged("report.html"), suitability_html(r, meta_));
  lap("ranking and report");
  write_candidates_gpkg(dir_.staged("candidates.gpkg"), r);
  lap("candidates.gpkg");
  if (map_.tile_rows > 0) {
    // Tiles + VRTs (map_tiles.hpp); under MPI the ranks wrote the tiles into the same folder.
    const std::string tiles = dir_.staged_dir(kTilesDir);
    const std::string staging = std::filesystem::path(tiles).parent_path().string();
    if (!map_.tiles_written) write_map_tiles(staging, r, map_.tile_rows);
    dir_.staged("suitability.vrt");
    dir_.staged("factors.vrt");
    write_map_vrts(staging, r.grid, r.factor_ids, map_header(r), map_.tile_rows);
    for (const char* old : {"suitability.tif", "factors.tif"}) dir_.remove_on_commit(old);
  } else {
    // The two rasters side by side (their compression and I/O overlap; each its own dataset).
    const std::string map_path = dir_.staged("suitability.tif");
    const std::string factors_path = dir_.staged("factors.tif");
    run_lanes(2, [&](unsigned lane) {
      if (lane == 0)
        write_suitability_tif(map_path, r);
      else
        write_factors_tif(factors_path, r);
    });
    for (const char* old : {"suitability.vrt", "factors.vrt", kTilesDir})
      dir_.remove_on_commit(old);
  }
  write_text(dir_.staged("suitability.qml"), suitability_qml());
  write_text(dir_.staged("run.json"), run_json(r));
  lap("the map, the factors and run.json");
}

}  // namespace siteplan::out
