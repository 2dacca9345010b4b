#pragma once
// Writers for the suitability result: candidates.gpkg (styled by score), suitability.tif
// (tiled, compressed, with overviews), ranking.csv and report.html.
#include <string>

#include "engine/suitability.hpp"

namespace siteplan::out {

std::string ranking_csv(const engine::SuitabilityResult& r);
std::string suitability_html(const engine::SuitabilityResult& r, const std::string& generated_by);
void write_candidates_gpkg(const std::string& path, const engine::SuitabilityResult& r);
// Score per cell; nodata −9999 outside the study area, −1 on blocked land.
void write_suitability_tif(const std::string& path, const engine::SuitabilityResult& r);

}  // namespace siteplan::out
