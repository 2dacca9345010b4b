#include "engine/factor.hpp"

#include <fmt/core.h>

#include <cmath>

#include "core/error.hpp"
#include "core/text.hpp"
#include "engine/score_function.hpp"

namespace siteplan::engine {

const Terrain& FactorContext::dem(const std::string& layer_id) {
  auto it = terrain.find(layer_id);
  if (it != terrain.end()) return it->second;
  return terrain.emplace(layer_id, load_terrain(layer(layer_id), grid)).first->second;
}

const LayerSpec& FactorContext::layer(const std::string& id) const {
  const LayerSpec* l = project.find_layer(id);
  if (!l) throw InputError(fmt::format("no layer '{}' declared", id));
  return *l;
}

void Factor::score_cells() {
  score_.resize(raw_.size());
  for (std::size_t i = 0; i < raw_.size(); ++i)
    score_[i] = static_cast<float>(score_value(spec_.score, raw_[i]));
}

FactorValue Factor::evaluate(const GEOSGeometry*, const CellSet& cells,
                             const gis::GeosContext&) const {
  // Zonal mean over the candidate's cells: raw is the mean raw value, score the mean score.
  double raw_sum = 0, score_sum = 0;
  std::size_t n = 0;
  for (std::size_t i : cells.cells) {
    if (std::isnan(raw_[i]) || std::isnan(score_[i])) continue;
    raw_sum += raw_[i];
    score_sum += score_[i];
    ++n;
  }
  FactorValue v;
  if (n == 0) {
    v.raw = v.score = std::nan("");
    return v;
  }
  v.raw = raw_sum / static_cast<double>(n);
  v.score = score_sum / static_cast<double>(n);
  return v;
}

}  // namespace siteplan::engine
