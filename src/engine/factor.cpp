#include "engine/factor.hpp"

#include <fmt/core.h>

#include <algorithm>
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

const Terrain& StripRows::dem(const std::string& layer_id) const {
  auto it = terrain.find(layer_id);
  if (it == terrain.end()) throw RuntimeError(fmt::format("no DEM '{}' for this strip", layer_id));
  return it->second;
}

void Factor::score_values(const float* raw, float* score, std::size_t n) const {
  const ScoreSpec& s = spec_.score;
  if (s.kind == "linear") {  // score_value's arithmetic, without its dispatch per cell
    const double span = s.one_at - s.zero_at;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = raw[i];
      score[i] = std::isnan(v) ? kNoData
                               : static_cast<float>(std::clamp((v - s.zero_at) / span, 0.0, 1.0));
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i)
    score[i] = static_cast<float>(score_value(spec_.score, raw[i]));
}

void Factor::prepare(FactorContext& fc) {
  open(fc);
  span(fc, 0, fc.grid.ny);
  StripRows in;
  in.r0 = 0;
  in.r1 = fc.grid.ny;
  if (uses_dem()) in.terrain.emplace(spec_.layer, fc.dem(spec_.layer));
  raw_.assign(fc.grid.size(), kNoData);
  score_.assign(fc.grid.size(), kNoData);
  grid_first_ = 0;
  rows(fc, in, raw_.data(), score_.data());
  release();
}

void Factor::keep_grids(std::size_t cells, std::size_t first) {
  raw_ = Raster(cells, kNoData);  // not assign(): a smaller band gives the whole grid's memory back
  score_ = Raster(cells, kNoData);
  grid_first_ = first;
}

void Factor::store_rows(const Grid& grid, int r0, int r1, const float* raw, const float* score) {
  const std::size_t at =
      static_cast<std::size_t>(r0) * static_cast<std::size_t>(grid.nx) - grid_first_;
  const std::size_t n = static_cast<std::size_t>(r1 - r0) * static_cast<std::size_t>(grid.nx);
  std::copy(raw, raw + n, raw_.begin() + static_cast<std::ptrdiff_t>(at));
  std::copy(score, score + n, score_.begin() + static_cast<std::ptrdiff_t>(at));
}

FactorValue Factor::evaluate_values(const GEOSGeometry* candidate, Raster& raw, Raster& score,
                                    const gis::GeosContext& ctx) {
  if (raw.size() != score.size()) throw RuntimeError("evaluate_values: raw and score differ");
  CellSet local;
  local.cells.resize(raw.size());
  for (std::size_t i = 0; i < local.cells.size(); ++i) local.cells[i] = i;
  std::swap(raw_, raw);
  std::swap(score_, score);
  const std::size_t first = grid_first_;
  grid_first_ = 0;
  struct Restore {
    Factor& f;
    Raster &raw, &score;
    std::size_t first;
    ~Restore() {
      std::swap(f.raw_, raw);
      std::swap(f.score_, score);
      f.grid_first_ = first;
    }
  } restore{*this, raw, score, first};
  return evaluate(candidate, local, ctx);
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
