// Google Benchmark: the what-if path (re-scoring after a weight change) and terrain derivation.
//   cmake -S . -B build -DSITEPLAN_BENCH=ON && cmake --build build && ./build/bench/siteplan_bench
#include <benchmark/benchmark.h>

#include <random>

#include "core/progress.hpp"
#include "engine/suitability.hpp"
#include "engine/terrain.hpp"
#include "gis/gdal.hpp"

using namespace siteplan;
using namespace siteplan::engine;

namespace {
// A county-sized grid: 1,500 × 2,800 cells of 30 m (the Heqing sample), five factors.
struct CountyGrid {
  std::vector<Raster> scores;
  std::vector<std::uint8_t> state;
  CountyGrid() {
    const std::size_t n = 1500u * 2800u;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(0, 1);
    scores.assign(5, Raster(n));
    for (auto& s : scores)
      for (auto& v : s) v = u(rng);
    state.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      state[i] = i % 7 == 0 ? kBlocked : (i % 11 == 0 ? kOutside : kOpen);
  }
};
const CountyGrid& county() {
  static CountyGrid g;
  return g;
}
}  // namespace

static void BM_RescoreCountyMap(benchmark::State& st) {
  const auto& g = county();
  std::vector<const Raster*> ptrs;
  for (const auto& s : g.scores) ptrs.push_back(&s);
  Raster out;
  std::vector<double> w = {0.35, 0.2, 0.15, 0.1, 0.2};
  for (auto _ : st) {
    w[0] += 1e-9;  // a weight change
    weighted_map(ptrs, w, g.state, out);
    benchmark::DoNotOptimize(out.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) *
                       static_cast<int64_t>(g.state.size()));
}
BENCHMARK(BM_RescoreCountyMap)->Unit(benchmark::kMillisecond);

namespace {
// The what-if at 10 m on a 47 × 83 km county: 4,700 × 8,300 cells (39 M), four factors kept as
// quantised scores (FactorStack, as factors.tif holds them), 5,000 candidates (given parcels
// and derived regions) with their factor values.
struct County10m {
  SuitabilityResult r;
  County10m() {
    Grid& g = r.factors.grid;
    g.nx = 4700;
    g.ny = 8300;
    g.cell = 10;
    r.factors.r1 = g.ny;
    const std::size_t n = g.size();
    std::mt19937 rng(7);
    for (const char* id : {"slope", "aspect", "road", "substation"}) {
      r.factors.ids.push_back(id);
      r.factor_ids.push_back(id);
      std::vector<std::uint16_t> s(n);
      std::uniform_int_distribution<int> q(0, 65534);
      for (auto& v : s) v = static_cast<std::uint16_t>(q(rng));
      r.factors.scores.push_back(std::move(s));
    }
    r.factors.state.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      r.factors.state[i] = i % 7 == 0 ? kBlocked : (i % 11 == 0 ? kOutside : kOpen);
    r.grid = g;
    r.weights = {0.3, 0.1, 0.25, 0.35};
    std::uniform_real_distribution<double> u(0, 1);
    for (int c = 0; c < 5000; ++c) {
      Candidate cand;
      cand.id = "D-r" + std::to_string(c);
      cand.area_m2 = 1e5 * (1 + u(rng));
      for (int k = 0; k < 4; ++k) cand.values.push_back({u(rng), "", u(rng)});
      r.candidates.push_back(std::move(cand));
    }
    rescore_candidates(r, r.weights);
  }
};
}  // namespace

// A weight change re-scores the 10 m map and re-ranks the candidates in memory (the viewer's
// live path, the core of `siteplan rescore`).
static void BM_WhatIfCounty10m(benchmark::State& st) {
  static County10m county;
  const std::vector<std::vector<double>> tries = {{0.3, 0.1, 0.25, 0.35}, {0.2, 0.1, 0.4, 0.3}};
  std::size_t t = 0;
  for (auto _ : st) {
    reweight(county.r, tries[t++ % tries.size()]);
    benchmark::DoNotOptimize(county.r.score_map.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) *
                       static_cast<int64_t>(county.r.factors.cells()));
}
BENCHMARK(BM_WhatIfCounty10m)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_SlopeAspectSampleDem(benchmark::State& st) {
  gis::init_gdal();
  std::string path = std::string(SITEPLAN_SAMPLES) + "/heqing/dem.tif";
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
  if (!ds) {
    st.SkipWithError("samples/heqing/dem.tif missing");
    return;
  }
  for (auto _ : st) {
    Raster s = dem_processing(*ds, "slope");
    benchmark::DoNotOptimize(s.data());
  }
}
BENCHMARK(BM_SlopeAspectSampleDem)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
