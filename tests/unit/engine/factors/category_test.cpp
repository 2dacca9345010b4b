// The category factor on hand-made land-use polygons: area-weighted mean, dominant class.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/factor.hpp"
#include "support/factor_bench.hpp"

using namespace siteplan;
using namespace siteplan::engine;
using namespace siteplan::test;

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
