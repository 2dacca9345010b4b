// The terrain and attribute factors on hand-made rasters and polygons: elevation, aspect (circular
// mean, flat ground), solar index (flat = 1, south beats north), category (area-weighted mean,
// dominant class). Slope and distance are covered in test_suitability.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/factor.hpp"

using namespace siteplan;
using namespace siteplan::engine;

namespace {

// A 2 × 2 grid of 10 m cells at (620000, 2899000) with hand-set terrain.
struct Bench {
  Project project;
  gis::GeosContext ctx;
  gis::Crs crs = gis::Crs::from_user("EPSG:4542", "t");
  Grid grid;
  FactorContext fc;

  explicit Bench(Terrain t)
      : grid(make_grid()),
        fc{
            project, grid, ctx, crs, {}, 26.2, {},
        } {
    fc.terrain.emplace("dem", std::move(t));
  }
  Grid make_grid() const {
    Grid g;
    g.x0 = 620000;
    g.y1 = 2899020;
    g.cell = 10;
    g.nx = 2;
    g.ny = 2;
    g.crs = crs;
    return g;
  }
  std::unique_ptr<Factor> factor(const std::string& kind, ScoreSpec score) {
    FactorSpec spec;
    spec.id = kind;
    spec.kind = kind;
    spec.layer = "dem";
    spec.weight = 1;
    spec.score = std::move(score);
    auto f = make_factor(spec);
    f->prepare(fc);
    return f;
  }
};

ScoreSpec linear(double zero_at, double one_at) {
  ScoreSpec s;
  s.kind = "linear";
  s.zero_at = zero_at;
  s.one_at = one_at;
  return s;
}

Terrain terrain(Raster elevation, Raster slope, Raster aspect) {
  return Terrain{std::move(elevation), std::move(slope), std::move(aspect)};
}

}  // namespace

TEST(ElevationFactor, RawIsTheDemAndTheScoreItsFunction) {
  Bench s(terrain({2000, 2500, 3000, kNoData}, {0, 0, 0, 0}, {kNoData, kNoData, kNoData, kNoData}));
  auto f = s.factor("elevation", linear(3000, 2000));  // lower is better
  EXPECT_FLOAT_EQ(f->raw_grid()[1], 2500.0f);
  EXPECT_FLOAT_EQ(f->score_grid()[0], 1.0f);
  EXPECT_FLOAT_EQ(f->score_grid()[1], 0.5f);
  EXPECT_FLOAT_EQ(f->score_grid()[2], 0.0f);
  EXPECT_TRUE(std::isnan(f->score_grid()[3]));
  EXPECT_EQ(f->units(), "m");
  FactorValue v = f->evaluate(nullptr, CellSet{{0, 1}}, s.ctx);
  EXPECT_DOUBLE_EQ(v.raw, 2250.0);
  EXPECT_DOUBLE_EQ(v.score, 0.75);
}

TEST(AspectFactor, CircularMeanAndFlatGround) {
  // 350° and 10° average to north (0°), not to south (180°); flat ground (no aspect) scores 1;
  // no elevation: no data.
  ScoreSpec south;
  south.kind = "table";
  south.table = {{0, 0}, {180, 1}, {360, 0}};
  Bench s(terrain({100, 100, 100, kNoData}, {5, 5, 0, 0}, {350, 10, kNoData, kNoData}));
  auto f = s.factor("aspect", south);
  EXPECT_NEAR(f->score_grid()[0], 10.0 / 180.0, 1e-6);
  EXPECT_FLOAT_EQ(f->score_grid()[2], 1.0f);
  EXPECT_TRUE(std::isnan(f->score_grid()[3]));
  FactorValue v = f->evaluate(nullptr, CellSet{{0, 1}}, s.ctx);
  EXPECT_NEAR(std::fmod(v.raw + 180.0, 360.0) - 180.0, 0.0, 1e-9);
  EXPECT_NEAR(v.score, 10.0 / 180.0, 1e-6);
}

TEST(SolarFactor, FlatIsOneSouthBeatsNorth) {
  // Cells: flat, 20° south-facing, 20° north-facing, 20° east-facing (latitude 26.2°N).
  Bench s(terrain({100, 100, 100, 100}, {0, 20, 20, 20}, {kNoData, 180, 0, 90}));
  auto f = s.factor("solar", linear(0.5, 1.2));
  const Raster& r = f->raw_grid();
  EXPECT_NEAR(r[0], 1.0, 1e-6);
  EXPECT_GT(r[1], 1.0);  // at 26°N a moderate south slope catches more than flat ground
  EXPECT_LT(r[2], r[0]);
  EXPECT_LT(r[2], r[3]);
  EXPECT_LT(r[3], r[1]);
  EXPECT_GT(r[1], 1.0);
  EXPECT_LT(r[1], 1.2);  // but not by more than a fifth
}

TEST(CategoryFactor, AreaWeightedMeanAndDominantClass) {
  // Two land-use polygons side by side: 0101 (x 0..12) and 0301 (x 12..20); a candidate over
  // x 4..20 covers 8 m of 0101 and 8 m of 0301 ... weighted by area.
  const auto dir = std::filesystem::temp_directory_path() / "siteplan_factor_category";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "dltb.geojson").string();
  std::ofstream(path)
      << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4542"}},"features":[
{"type":"Feature","properties":{"DLBM":"0101"},"geometry":{"type":"Polygon","coordinates":[[[620000,2899000],[620012,2899000],[620012,2899020],[620000,2899020],[620000,2899000]]]}},
{"type":"Feature","properties":{"DLBM":"0301"},"geometry":{"type":"Polygon","coordinates":[[[620012,2899000],[620020,2899000],[620020,2899020],[620012,2899020],[620012,2899000]]]}}]})";
  Bench s(terrain({0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}));
  LayerSpec l;
  l.id = "dltb";
  l.source = path;
  s.project.layers.push_back(l);
  s.fc.study_extent = gis::Extent{620000, 2899000, 620020, 2899020, true};
  FactorSpec spec;
  spec.id = "landuse";
  spec.kind = "category";
  spec.layer = "dltb";
  spec.field = "DLBM";
  spec.weight = 1;
  spec.score.kind = "category";
  spec.score.categories = {{"0101", 0.2}, {"0301", 0.9}};
  spec.score.other = 0;
  auto f = make_factor(spec);
  f->prepare(s.fc);
  // Cell centres: (5, 15) → 0101, (15, 15) → 0301.
  EXPECT_FLOAT_EQ(f->score_grid()[0], 0.2f);
  EXPECT_FLOAT_EQ(f->score_grid()[1], 0.9f);
  auto cand = gis::from_wkt(
      s.ctx,
      "POLYGON((620004 2899000,620020 2899000,620020 2899010,620004 2899010,620004 2899000))");
  FactorValue v = f->evaluate(cand.get(), CellSet{}, s.ctx);
  // 8 × 10 of 0101 at 0.2 and 8 × 10 of 0301 at 0.9.
  EXPECT_NEAR(v.score, 0.55, 1e-12);
  cand = gis::from_wkt(
      s.ctx,
      "POLYGON((620002 2899000,620020 2899000,620020 2899010,620002 2899010,620002 2899000))");
  v = f->evaluate(cand.get(), CellSet{}, s.ctx);
  EXPECT_EQ(v.raw_text, "0101");  // 10 m of 0101 against 8 m of 0301
  std::filesystem::remove_all(dir);
}
