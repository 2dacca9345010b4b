// Every output file of a suitability run, as the job's sink (suitability_outputs.hpp).
#include "export/output_dir.hpp"
#include "export/suitability_outputs.hpp"

namespace siteplan::out {

void SuitabilityFiles::end(engine::SuitabilityResult& r) {
  write_text(dir_.staged("ranking.csv"), ranking_csv(r));
  write_xlsx(dir_.staged("ranking.xlsx"), {ranking_table(r)});
  write_text(dir_.staged("report.html"), suitability_html(r, meta_));
  write_candidates_gpkg(dir_.staged("candidates.gpkg"), r);
  write_suitability_tif(dir_.staged("suitability.tif"), r);
  write_text(dir_.staged("suitability.qml"), suitability_qml());
}

}  // namespace siteplan::out
