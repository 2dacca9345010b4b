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
