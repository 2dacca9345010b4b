#include "engine/strips.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/core.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/threads.hpp"
#include "engine/suitability.hpp"

namespace siteplan::engine {

MapRows compute_rows(MapPlan& plan, int r0, int r1) {
  const Grid& grid = plan.fc.grid;
  const auto nx = static_cast<std::size_t>(grid.nx);
  const std::size_t nf = plan.factors.size();
  MapRows out;
  out.stack.grid = grid;
  out.stack.r0 = r0;
  out.stack.r1 = r1;
  const std::size_t n = static_cast<std::size_t>(r1 - r0) * nx;
  for (Factor* f : plan.factors) {
    out.stack.ids.push_back(f->spec().id);
    out.stack.scores.emplace_back(n, kScoreNoData);
  }
  out.stack.state.assign(n, kOutside);
  out.map.assign(n, kNoData);
  out.has_value.assign(nf, 0);
  // Each factor's span (a distance factor's features burnt and its vertical pass), side by side.
  const auto t_span = std::chrono::steady_clock::now();
  std::atomic<std::size_t> next_factor{0};
  run_lanes(std::max(1u, std::min<unsigned>(thread_budget(), static_cast<unsigned>(nf))),
            [&](unsigned) {
              for (std::size_t k = next_factor++; k < nf; k = next_factor++)
                plan.factors[k]->span(plan.fc, r0, r1);
            });
  log::debug("factor spans of rows {}..{} in {:.2f} s", r0, r1,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t_span).count());
  std::vector<std::string> dems;
  std::map<std::string, unsigned> needs;
  for (Factor* f : plan.factors) {
    if (!f->uses_dem()) continue;
    if (std::find(dems.begin(), dems.end(), f->spec().layer) == dems.end())
      dems.push_back(f->spec().layer);
    needs[f->spec().layer] |= f->dem_needs();
  }
  const int strip = std::max(1, plan.strip_rows);
  const int strips = (r1 - r0 + strip - 1) / strip;
  std::atomic<int> next{0};
  std::vector<std::vector<char>> has(std::max(1u, thread_budget()), std::vector<char>(nf, 0));
  std::vector<std::size_t> dem_cells(has.size(), 0);
  Progress prog(plan.progress, "computing the map", static_cast<std::uint64_t>(strips));
  const unsigned lanes = std::min<unsigned>(static_cast<unsigned>(has.size()),
                                            static_cast<unsigned>(std::max(1, strips)));
  run_lanes(lanes, [&](unsigned lane) {
    std::map<std::string, std::unique_ptr<DemReader>> readers;
    for (const auto& id : dems)
      readers.emplace(id, std::make_unique<DemReader>(plan.fc.layer(id), grid));
    std::vector<float> inside, blocked;
    std::vector<std::vector<float>> raw(nf), score(nf);
    while (true) {
      const int s = next.fetch_add(1);
      if (s >= strips) break;
      StripRows in;
      in.r0 = r0 + s * strip;
      in.r1 = std::min(r1, in.r0 + strip);
      const Grid win = rows_of(grid, in.r0, in.r1);
      const std::size_t m = win.size();
      for (const auto& id : dems) {
        in.terrain.emplace(id, readers.at(id)->rows(in.r0, in.r1, needs[id]));
        for (float e : in.terrain.at(id).elevation) dem_cells[lane] += !std::isnan(e);
      }
      inside.assign(m, 0.0f);
      if (plan.study_area) burn(win, *plan.study_area, inside.data(), false);
      blocked.assign(m, 0.0f);
      if (plan.blocked) burn(win, *plan.blocked, blocked.data(), false);
      for (std::size_t k = 0; k < nf; ++k) {
        raw[k].assign(m, kNoData);
        score[k].assign(m, kNoData);
        plan.factors[k]->rows(plan.fc, in, raw[k].data(), score[k].data());
        if (plan.keep_grids && plan.factors[k]->evaluates_on_grid())
          plan.factors[k]->store_rows(grid, in.r0, in.r1, raw[k].data(), score[k].data());
      }
      const std::size_t at = static_cast<std::size_t>(in.r0 - r0) * nx;
      // One pass per array (the compiler vectorises them): states, each factor's quantised
      // score and whether it has a value inside, then Σ w·score in factor order (float; NaN
      // propagates), then blocked and outside cells.
      std::uint8_t* state = out.stack.state.data() + at;
      for (std::size_t i = 0; i < m; ++i)
        state[i] = inside[i] > 0.5f ? (blocked[i] > 0.5f ? kBlocked : kOpen) : kOutside;
      float* map = out.map.data() + at;
      std::fill(map, map + m, 0.0f);
      for (std::size_t k = 0; k < nf; ++k) {
        std::uint16_t* q = out.stack.scores[k].data() + at;
        const float* sk = score[k].data();
        const float* rk = raw[k].data();
        const float wk = static_cast<float>(plan.weights[k]);
        for (std::size_t i = 0; i < m; ++i) q[i] = quantise_score(sk[i]);
        for (std::size_t i = 0; i < m; ++i) map[i] += wk * sk[i];
        if (!has[lane][k])
          for (std::size_t i = 0; i < m; ++i)
            if (state[i] != kOutside && !std::isnan(rk[i])) {
              has[lane][k] = 1;
              break;
            }
      }
      for (std::size_t i = 0; i < m; ++i)
        if (state[i] != kOpen) map[i] = state[i] == kBlocked ? -1.0f : kNoData;
      prog.advance();
    }
  });
  prog.finish();
  for (const auto& h : has)
    for (std::size_t k = 0; k < nf; ++k) out.has_value[k] |= h[k];
  for (std::size_t c : dem_cells) out.dem_cells += c;
  for (Factor* f : plan.factors) f->release();
  return out;
}

void weighted_map(const FactorStack& stack, const std::vector<double>& weights, Raster& out) {
  const std::size_t n = stack.cells(), nf = stack.scores.size();
  out.resize(n);
  std::vector<float> w;  // weight per score step
  for (double x : weights) w.push_back(static_cast<float>(x / kScoreSteps));
  // Blocks of cells on the budget's lanes; within a block one factor at a time (the compiler
  // vectorises it), summed in factor order as the map was: the same floats for any lane count.
  constexpr std::size_t kBlock = 1 << 14;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  std::atomic<std::size_t> next{0};
  run_lanes(std::max(1u, std::min<unsigned>(thread_budget(), static_cast<unsigned>(blocks))),
            [&](unsigned) {
              for (std::size_t b = next++; b < blocks; b = next++) {
                const std::size_t i0 = b * kBlock, i1 = std::min(n, i0 + kBlock);
                float* acc = out.data() + i0;
                std::fill(acc, acc + (i1 - i0), 0.0f);
                for (std::size_t k = 0; k < nf; ++k) {
                  const std::uint16_t* q = stack.scores[k].data() + i0;
                  const float wk = w[k];
                  for (std::size_t i = 0; i < i1 - i0; ++i)
                    acc[i] += q[i] == kScoreNoData ? kNoData : wk * static_cast<float>(q[i]);
                }
                const std::uint8_t* st = stack.state.data() + i0;
                for (std::size_t i = 0; i < i1 - i0; ++i)
                  if (st[i] != kOpen) acc[i] = st[i] == kBlocked ? -1.0f : kNoData;
              }
            });
}

MapRowsView view_rows(const FactorStack& stack, const Raster* map, int r0, int r1) {
  if (r0 < stack.r0 || r1 > stack.r1 || r0 > r1)
    throw RuntimeError(
        fmt::format("rows [{}, {}) of a stack of rows [{}, {})", r0, r1, stack.r0, stack.r1));
  const std::size_t at =
      static_cast<std::size_t>(r0 - stack.r0) * static_cast<std::size_t>(stack.grid.nx);
  MapRowsView v;
  v.grid = &stack.grid;
  v.r0 = r0;
  v.r1 = r1;
  v.ids = &stack.ids;
  for (const auto& q : stack.scores) v.scores.push_back(q.data() + at);
  v.state = stack.state.data() + at;
  v.map = map ? map->data() + at : nullptr;
  return v;
}

}  // namespace siteplan::engine
