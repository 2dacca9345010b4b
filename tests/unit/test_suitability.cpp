// Suitability: terrain against gdaldem, score functions, AHP, and a hand-computed tiny project.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "engine/ahp.hpp"
#include "engine/score_function.hpp"
#include "engine/suitability.hpp"
#include "engine/terrain.hpp"
#include "export/suitability_outputs.hpp"

using namespace siteplan;
using namespace siteplan::engine;

namespace {
const std::string kData = SITEPLAN_TEST_DATA;

Grid grid_of(const std::string& path) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
  double gt[6];
  ds->GetGeoTransform(gt);
  Grid g;
  g.x0 = gt[0];
  g.y1 = gt[3];
  g.cell = gt[1];
  g.nx = ds->GetRasterXSize();
  g.ny = ds->GetRasterYSize();
  g.crs = gis::Crs::from_srs(ds->GetSpatialRef());
  return g;
}

Raster gdaldem(const std::string& mode, const std::string& dem) {
  auto out =
      (std::filesystem::temp_directory_path() / fmt::format("siteplan_{}_{}.tif", mode, ::getpid()))
          .string();
  std::string cmd = fmt::format("gdaldem {} -q -compute_edges '{}' '{}'", mode, dem, out);
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_RASTER));
  Raster r = read_band(*ds);
  ds.reset();
  std::filesystem::remove(out);
  return r;
}
}  // namespace

TEST(Terrain, SlopeAndAspectOfAPlane) {
  gis::init_gdal();
  LayerSpec dem;
  dem.id = "dem";
  dem.source = kData + "/dem_tiny.tif";
  Grid g = grid_of(dem.source);
  Terrain t = load_terrain(dem, g);
  const double expected = std::atan(10.0 / 30.0) * 180.0 / M_PI;  // 18.4349°
  for (int r = 1; r < g.ny - 1; ++r)
    for (int c = 1; c < g.nx - 1; ++c) {
      std::size_t i = static_cast<std::size_t>(r) * g.nx + c;
      ASSERT_NEAR(t.slope_deg[i], expected, 1e-3);
      ASSERT_NEAR(t.aspect_deg[i], 270.0, 1e-3);  // rises eastwards: faces west
    }
}

TEST(Terrain, AgreesWithGdaldemWithinAHundredthOfADegree) {
  gis::init_gdal();
  LayerSpec dem;
  dem.id = "dem";
  dem.source = kData + "/dem_hill.tif";
  Grid g = grid_of(dem.source);
  Terrain t = load_terrain(dem, g);
  Raster slope = gdaldem("slope", dem.source);
  Raster aspect = gdaldem("aspect", dem.source);
  ASSERT_EQ(slope.size(), t.slope_deg.size());
  double worst_slope = 0, worst_aspect = 0;
  for (int r = 1; r < g.ny - 1; ++r)
    for (int c = 1; c < g.nx - 1; ++c) {
      std::size_t i = static_cast<std::size_t>(r) * g.nx + c;
      worst_slope = std::max(worst_slope, std::fabs(double(slope[i]) - t.slope_deg[i]));
      if (!std::isnan(aspect[i])) {
        double d = std::fabs(double(aspect[i]) - t.aspect_deg[i]);
        worst_aspect = std::max(worst_aspect, std::min(d, 360.0 - d));
      }
    }
  EXPECT_LT(worst_slope, 0.01);
  EXPECT_LT(worst_aspect, 0.01);
}

TEST(ScoreFunction, HandComputedValues) {
  ScoreSpec lin;
  lin.kind = "linear";
  lin.zero_at = 15;
  lin.one_at = 0;
  EXPECT_DOUBLE_EQ(score_value(lin, 0), 1.0);
  EXPECT_DOUBLE_EQ(score_value(lin, 7.5), 0.5);
  EXPECT_DOUBLE_EQ(score_value(lin, 30), 0.0);
  ScoreSpec table;
  table.kind = "table";
  table.table = {{0, 1}, {3, 1}, {20, 0.4}, {25, 0}};
  EXPECT_DOUBLE_EQ(score_value(table, 2), 1.0);
  EXPECT_NEAR(score_value(table, 11.5), 0.7, 1e-12);
  EXPECT_DOUBLE_EQ(score_value(table, 40), 0.0);
  ScoreSpec sig;
  sig.kind = "sigmoid";
  sig.midpoint = 1000;
  sig.spread = 200;
  sig.increasing = false;
  EXPECT_DOUBLE_EQ(score_value(sig, 1000), 0.5);
  EXPECT_GT(score_value(sig, 0), 0.99);
  ScoreSpec gauss;
  gauss.kind = "gaussian";
  gauss.midpoint = 180;
  gauss.spread = 45;
  EXPECT_DOUBLE_EQ(score_value(gauss, 180), 1.0);
  EXPECT_NEAR(score_value(gauss, 225), std::exp(-0.5), 1e-12);
  ScoreSpec cat;
  cat.kind = "category";
  cat.categories = {{"0601", 1.0}, {"0103", 0.3}};
  cat.other = 0.1;
  EXPECT_DOUBLE_EQ(score_category(cat, "0103"), 0.3);
  EXPECT_DOUBLE_EQ(score_category(cat, "1101"), 0.1);
  EXPECT_TRUE(std::isnan(score_value(lin, std::nan(""))));
}

TEST(Ahp, TextbookMatrix) {
  // Saaty's 3×3 example: weights ≈ 0.637, 0.258, 0.105; λmax ≈ 3.039; CR ≈ 0.033.
  auto r = ahp({{1, 3, 5}, {1.0 / 3, 1, 3}, {1.0 / 5, 1.0 / 3, 1}});
  EXPECT_NEAR(r.weights[0], 0.637, 1e-3);
  EXPECT_NEAR(r.weights[1], 0.258, 1e-3);
  EXPECT_NEAR(r.weights[2], 0.105, 1e-3);
  EXPECT_NEAR(r.lambda_max, 3.0385, 1e-3);
  EXPECT_NEAR(r.cr, 0.033, 1e-3);
  // A perfectly consistent matrix has CR 0.
  auto c = ahp({{1, 2, 4}, {0.5, 1, 2}, {0.25, 0.5, 1}});
  EXPECT_NEAR(c.cr, 0.0, 1e-9);
  EXPECT_NEAR(c.weights[0], 4.0 / 7.0, 1e-9);
}

TEST(Ahp, InconsistentMatrixNamesTheWorstPair) {
  auto r = ahp({{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}});
  EXPECT_GT(r.cr, 0.10);
  EXPECT_GE(r.worst_i, 0);
  EXPECT_THROW(ahp({{1, 2}, {2, 1}}), InputError);  // not reciprocal
}

namespace {
SuitabilityResult run_tiny(int threads, const std::function<void(Project&)>& edit = {}) {
  Project p = load_project(kData + "/suit_project.toml");
  if (edit) edit(p);
  SuitabilityOptions o;
  o.threads = threads;
  o.sensitivity_runs = 50;
  return run_suitability(p, o);
}
const Candidate* by_id(const SuitabilityResult& r, const std::string& id) {
  for (const auto& c : r.candidates)
    if (c.id == id) return &c;
  return nullptr;
}
}  // namespace

TEST(Suitability, HandComputedScoreOfAGivenParcel) {
  auto r = run_tiny(1);
  const Candidate* s1 = by_id(r, "S1");
  ASSERT_NE(s1, nullptr);
  const double slope = std::atan(10.0 / 30.0) * 180.0 / M_PI;
  EXPECT_NEAR(s1->values[0].raw, slope, 1e-3);
  EXPECT_NEAR(s1->values[0].score, 1.0 - slope / 30.0, 1e-4);
  EXPECT_NEAR(s1->values[1].raw, 50.0, 1e-9);  // exact distance from the parcel to the road
  EXPECT_NEAR(s1->values[1].score, 0.9, 1e-12);
  EXPECT_NEAR(s1->score, 0.5 * (1.0 - slope / 30.0) + 0.5 * 0.9, 1e-4);
  EXPECT_NEAR(s1->parts[0] + s1->parts[1], s1->base_score, 1e-12);
  EXPECT_FALSE(s1->blocked);
  const Candidate* s2 = by_id(r, "S2");
  ASSERT_NE(s2, nullptr);
  EXPECT_TRUE(s2->blocked);  // given parcel on blocked land: flagged, ranked after the rest
  EXPECT_GT(s2->rank, s1->rank);
  EXPECT_GE(s1->robust_share, 0.0);
}

TEST(Suitability, NoDerivedRegionTouchesBlockedLand) {
  auto r = run_tiny(1);
  gis::GeosContext ctx;
  int derived = 0;
  ASSERT_FALSE(r.blocked.empty());
  auto blocked = gis::wrap(ctx, r.blocked[0].second->exportToGEOS(ctx.get()));
  for (const auto& c : r.candidates) {
    if (c.origin != "derived") continue;
    ++derived;
    EXPECT_GE(c.area_m2, 1e4 - 1e-6);
    auto g = gis::wrap(ctx, c.geometry->exportToGEOS(ctx.get()));
    auto inter = gis::wrap(ctx, GEOSIntersection_r(ctx, g.get(), blocked.get()));
    EXPECT_LT(gis::area(ctx, inter.get()), 1e-6) << c.id;
  }
  EXPECT_GT(derived, 0);
}

TEST(Suitability, SameResultsForOneAndTwoThreads) {
  auto a = run_tiny(1);
  auto b = run_tiny(2);
  EXPECT_EQ(out::ranking_csv(a), out::ranking_csv(b));
  EXPECT_EQ(a.score_map.size(), b.score_map.size());
  for (std::size_t i = 0; i < a.score_map.size(); ++i)
    ASSERT_TRUE(a.score_map[i] == b.score_map[i] ||
                (std::isnan(a.score_map[i]) && std::isnan(b.score_map[i])));
}

TEST(Suitability, ReprojectsADemInAnotherCrs) {
  auto r = run_tiny(1, [](Project& p) {
    LayerSpec dem = *p.find_layer("dem");
    dem.source = kData + "/dem_tiny_4490.tif";
    p.set_layer(dem);
  });
  const Candidate* s1 = by_id(r, "S1");
  ASSERT_NE(s1, nullptr);
  EXPECT_NEAR(s1->values[0].raw, std::atan(10.0 / 30.0) * 180.0 / M_PI, 0.3);
}

TEST(Suitability, BadProfilesAreRefusedWithAReason) {
  auto message = [](const std::function<void(Project&)>& edit) {
    try {
      run_tiny(1, edit);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string m = message([](Project& p) { p.factors[0].kind = "slop"; });
  EXPECT_NE(m.find("unknown factor kind 'slop'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'slope'"), std::string::npos) << m;
  m = message([](Project& p) { p.factors[0].weight = 0.7; });
  EXPECT_NE(m.find("sum to 1.2"), std::string::npos) << m;
  EXPECT_NE(m.find("normalize = true"), std::string::npos) << m;
  EXPECT_EQ(message([](Project& p) {
              p.factors[0].weight = 0.7;
              p.suitability.normalize = true;
            }),
            "");
  m = message([](Project& p) {
    p.suitability.ahp_factors = {"slope", "road"};
    p.suitability.ahp_matrix = {{1, 3}, {1.0 / 3, 1}};
    p.factors.push_back(p.factors[0]);
    p.factors.back().id = "slope2";
    p.suitability.ahp_factors.push_back("slope2");
    p.suitability.ahp_matrix = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
  });
  EXPECT_NE(m.find("CR = "), std::string::npos) << m;
  EXPECT_NE(m.find("most inconsistent pair"), std::string::npos) << m;
  m = message([](Project& p) {
    LayerSpec far = *p.find_layer("roads");
    far.layer = "far_roads";
    p.set_layer(far);
  });
  EXPECT_NE(m.find("no feature in or near the study area"), std::string::npos) << m;
  m = message([](Project& p) {
    LayerSpec area = *p.find_layer("area");
    area.source = kData + "/constraints.gpkg";
    area.layer = "sysyd";  // 600 m east: outside the DEM
    p.set_layer(area);
  });
  EXPECT_NE(m.find("does not cover the study area"), std::string::npos) << m;
}

TEST(Suitability, DerivedIdsDependOnThePlaceNotTheWeights) {
  auto ids = [](const SuitabilityResult& r) {
    std::map<std::string, double> m;  // id → area
    for (const auto& c : r.candidates)
      if (c.origin == "derived") m[c.id] = c.area_m2;
    return m;
  };
  auto a = ids(run_tiny(1));
  auto b = ids(run_tiny(1, [](Project& p) {
    p.factors[0].weight = 0.9;
    p.factors[1].weight = 0.1;
    p.suitability.top_k = 1;
    p.rules[0].penalty = 0.5;
  }));
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a.size(), b.size());
  for (const auto& [id, area] : a) {
    EXPECT_TRUE(id.rfind("D-r", 0) == 0 && id.find('c') != std::string::npos) << id;
    ASSERT_TRUE(b.count(id)) << id << " lost its id when only the weights changed";
    EXPECT_NEAR(b[id], area, 1e-6) << id;
  }
}

TEST(Suitability, AParcelFarOutsideTheGridIsNotScored) {
  // One parcel with a vertex at 7.2e82 m: not ranked (no 3.6e78 ha candidate), no UB.
  auto path =
      (std::filesystem::temp_directory_path() / fmt::format("siteplan_far_{}.geojson", ::getpid()))
          .string();
  {
    std::ofstream out(path);
    out << R"({"type": "FeatureCollection",
"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4542"}},
"features": [
{"type": "Feature", "properties": {"XMBH": "FAR"}, "geometry": {"type": "Polygon",
 "coordinates": [[[620300, 2899000], [7.2e82, 2899000], [620400, 2899100], [620300, 2899000]]]}},
{"type": "Feature", "properties": {"XMBH": "NEAR"}, "geometry": {"type": "Polygon",
 "coordinates": [[[620300, 2899000], [620400, 2899000], [620400, 2899100], [620300, 2899100],
 [620300, 2899000]]]}}]})";
  }
  auto r = run_tiny(1, [&](Project& p) {
    LayerSpec sites = *p.find_layer("sites");
    sites.source = path;
    sites.layer = "";
    sites.crs = "EPSG:4542";
    p.set_layer(sites);
    p.suitability.name_field = "";
  });
  std::filesystem::remove(path);
  const Candidate* far = by_id(r, "FAR");
  const Candidate* near = by_id(r, "NEAR");
  ASSERT_NE(far, nullptr);
  ASSERT_NE(near, nullptr);
  EXPECT_EQ(far->rank, 0);
  EXPECT_NE(far->problem.find("7.2e+82"), std::string::npos) << far->problem;
  EXPECT_GT(near->rank, 0);
  for (const auto& c : r.candidates) EXPECT_LT(c.area_m2, 1e12) << c.id;
}

TEST(Suitability, ACategoryCodeNoFeatureCarriesIsNamedWithTheNearestCodes) {
  testing::internal::CaptureStderr();
  auto r = run_tiny(1, [](Project& p) {
    FactorSpec cat;
    cat.id = "site";
    cat.kind = "category";
    cat.layer = "sites";
    cat.field = "XMBH";
    cat.weight = 0.5;
    cat.score.kind = "category";
    cat.score.categories = {{"S1", 1.0}, {"2", 0.5}};
    p.factors.push_back(cat);
    p.suitability.normalize = true;
  });
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("category \"2\""), std::string::npos) << err;
  EXPECT_NE(err.find("did you mean \"S2\""), std::string::npos) << err;
  EXPECT_EQ(err.find("category \"S1\""), std::string::npos) << err;
}
