// Suitability on a hand-computed tiny project: scores of given parcels, derived regions off
// blocked land, thread independence, a DEM in another CRS, refused profiles with their reasons.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "core/error.hpp"
#include "engine/suitability.hpp"
#include "export/suitability_outputs.hpp"
#include "support/test_data.hpp"

using namespace siteplan;
using namespace siteplan::engine;
using siteplan::test::kData;

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
