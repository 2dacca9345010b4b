// The map strip by strip equals the map of the whole grid at once, cell by cell; row ranges
// computed apart (as ranks of a distributed run would) join into the same map.
#include "engine/strips.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/threads.hpp"
#include "engine/suitability.hpp"
#include "io/layer.hpp"
#include "support/test_data.hpp"

using namespace siteplan;
using namespace siteplan::engine;
using siteplan::test::kData;

namespace {
bool same(float a, float b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

// The tiny project at 5 m cells: slope from a DEM resampled onto the grid, a road whose score
// saturates at 100 m (a halo of 21 rows), the blocked land, the study area.
struct TinyMap {
  Project p = load_project(kData + "/suit_project.toml");
  gis::GeosContext ctx;
  gis::Crs work = gis::working_crs("EPSG:4542", "t");
  Grid grid;
  gis::Extent ext;
  std::unique_ptr<FactorContext> fc;
  std::vector<std::unique_ptr<Factor>> factors;
  OgrShapes area, blocked;
  TinyMap() {
    p.factors[1].score.zero_at = 100.0;
    io::LoadOptions so;
    so.polygons_only = true;
    io::LoadedLayer a = io::load_layer(*p.find_layer("area"), work, ctx, so);
    ext = a.work_extent;
    grid = Grid::covering(ext, 5.0, work);
    for (auto& f : a.features) area.add(ctx, f.geom.get());
    io::LoadedLayer b = io::load_layer(*p.find_layer("blocked"), work, ctx, so);
    for (auto& f : b.features) blocked.add(ctx, f.geom.get());
    fc = std::make_unique<FactorContext>(FactorContext{p, grid, ctx, work, ext, 26.0, {}});
    for (const auto& spec : p.factors) {
      factors.push_back(make_factor(spec));
      factors.back()->open(*fc);
    }
  }
  MapRows rows(int r0, int r1, int strip_rows) {
    MapPlan plan{*fc, {}, {0.5, 0.5}, &area, &blocked};
    for (auto& f : factors) plan.factors.push_back(f.get());
    plan.strip_rows = strip_rows;
    return compute_rows(plan, r0, r1);
  }
};
}  // namespace

TEST(Strips, StripsEqualTheWholeGridCellByCell) {
  TinyMap s;
  ASSERT_GT(s.grid.ny, 60);
  MapRows whole;
  with_thread_budget(1, [&] { whole = s.rows(0, s.grid.ny, s.grid.ny); });
  std::size_t open = 0, blocked = 0;
  for (auto st : whole.stack.state) (st == kOpen ? open : blocked) += st != kOutside;
  ASSERT_GT(open, 100u);
  ASSERT_GT(blocked, 10u);
  for (int strip : {1, 7, 64}) {
    MapRows parts;
    with_thread_budget(2, [&] { parts = s.rows(0, s.grid.ny, strip); });
    ASSERT_EQ(parts.map.size(), whole.map.size());
    for (std::size_t i = 0; i < whole.map.size(); ++i) {
      ASSERT_TRUE(same(parts.map[i], whole.map[i])) << "strip " << strip << " cell " << i;
      ASSERT_EQ(parts.stack.state[i], whole.stack.state[i]);
      for (std::size_t k = 0; k < 2; ++k)
        ASSERT_EQ(parts.stack.scores[k][i], whole.stack.scores[k][i]);
    }
  }
}

TEST(Strips, RowRangesComputedApartJoinIntoTheWholeMap) {
  // Two ranges, each with its own span (the road's features within 100 m of it): what two
  // ranks would compute.
  TinyMap s;
  MapRows whole = s.rows(0, s.grid.ny, 16);
  const int cut = s.grid.ny / 2 + 3;
  MapRows top = s.rows(0, cut, 16), bottom = s.rows(cut, s.grid.ny, 16);
  ASSERT_EQ(top.map.size() + bottom.map.size(), whole.map.size());
  for (std::size_t i = 0; i < whole.map.size(); ++i) {
    const float v = i < top.map.size() ? top.map[i] : bottom.map[i - top.map.size()];
    ASSERT_TRUE(same(v, whole.map[i])) << "cell " << i;
  }
}

TEST(Strips, WeightedMapOfTheStackIsTheMapWithinTheScoreResolution) {
  TinyMap s;
  MapRows m = s.rows(0, s.grid.ny, 32);
  Raster again;
  weighted_map(m.stack, {0.5, 0.5}, again);
  for (std::size_t i = 0; i < again.size(); ++i) {
    if (std::isnan(m.map[i])) {
      EXPECT_TRUE(std::isnan(again[i]));
      continue;
    }
    ASSERT_NEAR(again[i], m.map[i], 1.0 / 65534.0) << i;
  }
  // Other weights: the road alone.
  weighted_map(m.stack, {0.0, 1.0}, again);
  for (std::size_t i = 0; i < again.size(); ++i) {
    if (m.stack.state[i] != kOpen) continue;
    ASSERT_FLOAT_EQ(again[i], score_of(m.stack.scores[1][i]));
  }
}

TEST(Strips, QuantisedScores) {
  EXPECT_EQ(quantise_score(0.0f), 0);
  EXPECT_EQ(quantise_score(1.0f), 65534);
  EXPECT_EQ(quantise_score(kNoData), kScoreNoData);
  for (float s : {0.1f, 0.33333f, 0.5f, 0.999f})
    EXPECT_NEAR(score_of(quantise_score(s)), s, 0.5 / 65534.0 + 1e-7);
}
