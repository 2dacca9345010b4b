// Every output file of a suitability run, as the job's sink (suitability_outputs.hpp).
#include <chrono>

#include "core/log.hpp"
#include "core/threads.hpp"
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
  // The two rasters side by side (their compression and I/O overlap; each is its own dataset).
  const std::string map_path = dir_.staged("suitability.tif");
  const std::string factors_path = dir_.staged("factors.tif");
  run_lanes(2, [&](unsigned lane) {
    if (lane == 0)
      write_suitability_tif(map_path, r);
    else
      write_factors_tif(factors_path, r);
  });
  write_text(dir_.staged("suitability.qml"), suitability_qml());
  write_text(dir_.staged("run.json"), run_json(r));
  lap("suitability.tif, factors.tif and run.json");
}

}  // namespace siteplan::out
