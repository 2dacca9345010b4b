#pragma once
// The suitability map row range by row range. compute_rows(plan, r0, r1) computes rows [r0, r1)
// of the grid: each factor's span (its inputs with the halo it needs: Horn's 3×3 window, the
// features within a distance score's saturation), then strips of plan.strip_rows rows on the
// thread budget's lanes, each strip reading its DEM rows, burning the study area and the
// blocked land, scoring every factor and summing the weighted map. The result is compact: one
// quantised score per factor and cell (FactorStack), the cell states and the map. A later
// distributed run gives each rank a row range.
#include <cstdint>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "engine/factor.hpp"
#include "engine/grid.hpp"

namespace siteplan::engine {

// Scores in [0, 1] kept as 16-bit steps of 1/65534 (a resolution of 1.5e-5, far below what a
// score function's inputs can tell apart); 0xFFFF = no data.
constexpr std::uint16_t kScoreNoData = 0xFFFF;
constexpr float kScoreSteps = 65534.0f;
inline std::uint16_t quantise_score(float s) {
  // Branch-free (the strip loop vectorises it): clamp (NaN to 0 first, so no cast of NaN),
  // round, then NaN to no data.
  const float c = s > 0.0f ? (s < 1.0f ? s : 1.0f) : 0.0f;
  const auto q = static_cast<std::uint16_t>(static_cast<int>(c * kScoreSteps + 0.5f));
  return s == s ? q : kScoreNoData;
}
inline float score_of(std::uint16_t q) {
  return q == kScoreNoData ? kNoData : static_cast<float>(q) / kScoreSteps;
}

// The factor scores of rows [r0, r1) of a grid, compact: what a what-if needs to re-weight the
// map without recomputing any factor.
struct FactorStack {
  Grid grid;
  int r0 = 0, r1 = 0;
  std::vector<std::string> ids;                    // factor ids, in the project's order
  std::vector<std::vector<std::uint16_t>> scores;  // per factor, (r1 − r0) × nx
  std::vector<std::uint8_t> state;                 // CellState per cell
  std::size_t cells() const { return state.size(); }
};

struct MapPlan {
  FactorContext& fc;
  std::vector<Factor*> factors;
  std::vector<double> weights;
  const OgrShapes* study_area = nullptr;  // cells whose centre is inside are analysed
  const OgrShapes* blocked = nullptr;     // cells whose centre is inside are blocked
  int strip_rows = 256;
  bool keep_grids = false;  // also fill the factors' full float grids (candidates read them)
  const ProgressFn* progress = nullptr;
};

struct MapRows {
  FactorStack stack;
  Raster map;                   // Σ w·score on open cells, −1 blocked, NaN outside / no data
  std::vector<char> has_value;  // per factor: a raw value somewhere in the study area
  std::size_t dem_cells = 0;    // cells with an elevation, over the DEMs used
};

// Rows [r0, r1) of a map held elsewhere (a band, a whole run, or a tile assembled from bands):
// where each array's first cell of row r0 is; the rows follow at the grid's width.
struct MapRowsView {
  const Grid* grid = nullptr;
  int r0 = 0, r1 = 0;
  const std::vector<std::string>* ids = nullptr;  // the factors'
  std::vector<const std::uint16_t*> scores;       // per factor
  const std::uint8_t* state = nullptr;
  const float* map = nullptr;  // may be null (a factor stack without its map)
};
// Rows [r0, r1) of a stack (and its map, when given) that holds them.
MapRowsView view_rows(const FactorStack& stack, const Raster* map, int r0, int r1);

// Rows [r0, r1) of the map; the same values for any strip_rows, range split and thread count.
MapRows compute_rows(MapPlan& plan, int r0, int r1);

// The weighted map from a stack: Σ w·score on open cells (float, factor order), −1 blocked,
// NaN outside or where a factor has no data. The what-if path; `out` is resized.
void weighted_map(const FactorStack& stack, const std::vector<double>& weights, Raster& out);

}  // namespace siteplan::engine
