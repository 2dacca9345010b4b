// Clearance semantics on inline WKT with hand-computed areas; coverage and the `unchecked`
// verdict: a parcel is never clear where the rule data do not exist (offsets from E 620000,
// N 2899000 in EPSG:4542).
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/progress.hpp"
#include "engine/clearance.hpp"
#include "export/clearance_outputs.hpp"
#include "support/test_data.hpp"

using namespace siteplan;

namespace {

struct Fixture {
  gis::GeosContext ctx;
  gis::Crs crs = gis::Crs::from_user("EPSG:4542", "t");
  io::LoadedLayer parcels;
  std::vector<engine::RuleLayer> rules;

  // Coordinates are offsets from (620000, 2899000) so planar areas are exact.
  std::string shift(const std::string& wkt) {
    auto g = gis::from_wkt(ctx, wkt);
    GEOSGeometry* moved = GEOSGeom_transformXY_r(
        ctx, g.get(),
        [](double* x, double* y, void*) {
          *x += 620000;
          *y += 2899000;
          return 1;
        },
        nullptr);
    auto owned = gis::wrap(ctx, moved);
    return gis::to_wkt(ctx, owned.get(), 6);
  }

  void parcel(const std::string& id, const std::string& wkt) {
    io::Feature f;
    f.key = id;
    f.fid = static_cast<std::int64_t>(parcels.features.size());
    if (wkt.empty()) {
      f.status = io::GeomStatus::Null;
    } else {
      auto g = gis::from_wkt(ctx, shift(wkt));
      if (!gis::check_valid(ctx, g.get()).valid) {
        g = gis::make_valid_polygonal(ctx, g.get());
        f.status = io::GeomStatus::Repaired;
      }
      f.geom = std::move(g);
    }
    parcels.features.push_back(std::move(f));
  }

  // A rule (or coverage) layer from WKT; rule() also adds it to the rules.
  engine::RuleLayer layer(const std::string& id, Severity sev, const std::vector<std::string>& wkts,
                          const std::vector<std::string>& classes = {}) {
    engine::RuleLayer r;
    r.id = id;
    r.name = id;
    r.severity = sev;
    r.breakdown = !classes.empty();
    for (const auto& w : wkts) {
      auto g = gis::from_wkt(ctx, shift(w));
      gis::warm_envelope(ctx, g.get());
      r.geoms.push_back(std::move(g));
    }
    r.classes = classes;
    return r;
  }
  engine::RuleLayer& rule(const std::string& id, Severity sev, const std::vector<std::string>& wkts,
                          const std::vector<std::string>& classes = {}) {
    rules.push_back(layer(id, sev, wkts, classes));
    return rules.back();
  }

  engine::ClearanceResult run(int threads = 1) { return run(nullptr, threads); }
  engine::ClearanceResult run(const engine::RuleLayer* cov, int threads = 1) {
    engine::ClearanceOptions o;
    o.threads = threads;
    o.coverage = cov;
    return engine::run_clearance(parcels, rules, crs, ctx, o);
  }
  engine::RuleLayer coverage;  // for the coverage tests
};

const engine::Overlap* find(const engine::ParcelResult& p, std::size_t rule,
                            const std::string& cls = "") {
  for (const auto& o : p.overlaps)
    if (o.rule_index == rule && o.class_value == cls) return &o;
  return nullptr;
}

const char* kSquare100 = "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))";

}  // namespace

TEST(Clearance, ContainedPartialAndTouching) {
  Fixture f;
  f.parcel("inside", "POLYGON ((10 10, 20 10, 20 20, 10 20, 10 10))");
  f.parcel("partial", "POLYGON ((50 0, 150 0, 150 100, 50 100, 50 0))");
  f.parcel("touching", "POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))");
  f.parcel("corner", "POLYGON ((100 100, 200 100, 200 200, 100 200, 100 100))");
  f.rule("farmland", Severity::Block, {kSquare100});
  auto r = f.run();
  ASSERT_EQ(r.parcels.size(), 4u);
  auto* o = find(r.parcels[0], 0);
  ASSERT_NE(o, nullptr);
  EXPECT_NEAR(o->area_m2, 100.0, 1e-9);
  EXPECT_NEAR(o->pct, 100.0, 1e-9);
  EXPECT_EQ(r.parcels[0].verdict, engine::Verdict::Blocked);
  o = find(r.parcels[1], 0);
  ASSERT_NE(o, nullptr);
  EXPECT_NEAR(o->area_m2, 5000.0, 1e-9);
  EXPECT_NEAR(o->pct, 50.0, 1e-9);
  EXPECT_TRUE(r.parcels[2].overlaps.empty());  // shared edge only
  EXPECT_EQ(r.parcels[2].verdict, engine::Verdict::Clear);
  EXPECT_TRUE(r.parcels[3].overlaps.empty());  // shared corner only
}

TEST(Clearance, SelfOverlappingRuleFeaturesCountOnce) {
  Fixture f;
  f.parcel("p", kSquare100);
  // Three features piling up on the same 60 × 100 strip, plus one elsewhere in the parcel.
  f.rule("redline", Severity::Block,
         {"POLYGON ((0 0, 60 0, 60 100, 0 100, 0 0))", "POLYGON ((0 0, 60 0, 60 100, 0 100, 0 0))",
          "POLYGON ((30 0, 60 0, 60 100, 30 100, 30 0))",
          "POLYGON ((80 0, 90 0, 90 10, 80 10, 80 0))"});
  auto r = f.run();
  auto* o = find(r.parcels[0], 0);
  ASSERT_NE(o, nullptr);
  EXPECT_NEAR(o->area_m2, 6100.0, 1e-9);
  EXPECT_NEAR(o->pct, 61.0, 1e-9);
}

TEST(Clearance, ParcelInsideOneBigFeature) {
  Fixture f;
  f.parcel("p", "POLYGON ((10 10, 30 10, 30 30, 10 30, 10 10))");
  f.rule("zone", Severity::Approval,
         {"POLYGON ((-1000 -1000, 1000 -1000, 1000 1000, -1000 1000, -1000 -1000))"});
  auto r = f.run();
  auto* o = find(r.parcels[0], 0);
  ASSERT_NE(o, nullptr);
  EXPECT_NEAR(o->area_m2, 400.0, 1e-9);
  EXPECT_EQ(r.parcels[0].verdict, engine::Verdict::Approval);
}

TEST(Clearance, HolesInParcelsAndInRuleFeatures) {
  Fixture f;
  // Parcel with a 50 × 50 hole; a rule feature sits wholly in the hole, another covers 20 × 100.
  f.parcel("holed",
           "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), (25 25, 75 25, 75 75, 25 75, 25 25))");
  f.rule("forest-1", Severity::Block, {"POLYGON ((40 40, 60 40, 60 60, 40 60, 40 40))"});
  f.rule("forest-3", Severity::Approval, {"POLYGON ((0 0, 20 0, 20 100, 0 100, 0 0))"});
  // A rule feature with a hole the parcel sits in.
  f.parcel("in-hole", "POLYGON ((210 10, 220 10, 220 20, 210 20, 210 10))");
  f.rule("ring", Severity::Block,
         {"POLYGON ((150 -50, 300 -50, 300 100, 150 100, 150 -50), (200 0, 250 0, 250 50, 200 50, "
          "200 0))"});
  auto r = f.run();
  EXPECT_NEAR(r.parcels[0].area_m2, 7500.0, 1e-9);
  EXPECT_EQ(find(r.parcels[0], 0), nullptr);
  auto* o = find(r.parcels[0], 1);
  ASSERT_NE(o, nullptr);
  EXPECT_NEAR(o->area_m2, 2000.0, 1e-9);
  EXPECT_NEAR(o->pct, 100.0 * 2000.0 / 7500.0, 1e-9);
  EXPECT_EQ(r.parcels[0].verdict, engine::Verdict::Approval);
  EXPECT_TRUE(r.parcels[1].overlaps.empty());
  EXPECT_EQ(r.parcels[1].verdict, engine::Verdict::Clear);
}

TEST(Clearance, MultipolygonAndBowTieParcels) {
  Fixture f;
  f.parcel(
      "multi",
      "MULTIPOLYGON (((0 0, 50 0, 50 50, 0 50, 0 0)), ((100 0, 150 0, 150 50, 100 50, 100 0)))");
  f.parcel("bowtie", "POLYGON ((200 0, 300 100, 300 0, 200 100, 200 0))");
  f.rule("water", Severity::Approval, {"POLYGON ((40 0, 110 0, 110 100, 40 100, 40 0))"});
  f.rule("hazard", Severity::Warn, {"POLYGON ((200 0, 300 0, 300 50, 200 50, 200 0))"});
  auto r = f.run();
  auto* o = find(r.parcels[0], 0);
  ASSERT_NE(o, nullptr);
  EXPECT_NEAR(o->area_m2, 1000.0, 1e-9);
  EXPECT_NEAR(o->pct, 20.0, 1e-9);
  EXPECT_EQ(r.parcels[1].status, io::GeomStatus::Repaired);
  EXPECT_NEAR(r.parcels[1].area_m2, 5000.0, 1e-9);
  o = find(r.parcels[1], 1);
  ASSERT_NE(o, nullptr);
  // Lower halves of both triangles: 2 × (triangle 50 × 50 / 2 ... ) = 2 × 1250.
  EXPECT_NEAR(o->area_m2, 2500.0, 1e-9);
  EXPECT_EQ(r.parcels[1].verdict, engine::Verdict::Clear);  // warn never changes the verdict
}

TEST(Clearance, VerdictPrecedenceAndInvalid) {
  Fixture f;
  f.parcel("both", kSquare100);
  f.parcel("null", "");
  f.rule("a", Severity::Approval, {"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"});
  f.rule("b", Severity::Block, {"POLYGON ((90 90, 100 90, 100 100, 90 100, 90 90))"});
  f.rule("i", Severity::Info, {kSquare100});
  auto r = f.run();
  EXPECT_EQ(r.parcels[0].verdict, engine::Verdict::Blocked);
  ASSERT_EQ(r.parcels[0].deciding_rules.size(), 1u);
  EXPECT_EQ(r.parcels[0].deciding_rules[0], "b");
  EXPECT_EQ(r.parcels[0].overlaps.size(), 3u);
  EXPECT_EQ(r.parcels[1].verdict, engine::Verdict::Invalid);
}

TEST(Clearance, BreakdownSumsCoverageClasses) {
  Fixture f;
  f.parcel("p", kSquare100);
  f.rule("dltb", Severity::Info,
         {"POLYGON ((-50 -50, 60 -50, 60 40, -50 40, -50 -50))",
          "POLYGON ((-50 40, 60 40, 60 150, -50 150, -50 40))",
          "POLYGON ((60 -50, 150 -50, 150 150, 60 150, 60 -50))"},
         {"0103", "0103", "0301"});
  auto r = f.run();
  auto* a = find(r.parcels[0], 0, "0103");
  auto* b = find(r.parcels[0], 0, "0301");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NEAR(a->area_m2, 6000.0, 1e-9);
  EXPECT_NEAR(b->area_m2, 4000.0, 1e-9);
  EXPECT_EQ(r.parcels[0].verdict, engine::Verdict::Clear);
}

TEST(Clearance, SameOutputForOneAndManyThreads) {
  auto build = [](Fixture& f) {
    for (int i = 0; i < 200; ++i) {
      double x = (i % 20) * 37.0, y = (i / 20) * 41.0;
      f.parcel(fmt::format("p{}", i),
               fmt::format("POLYGON (({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))", x, y, x + 30,
                           y + 35));
    }
    f.rule("r1", Severity::Block,
           {"POLYGON ((0 0, 300 0, 300 100, 0 100, 0 0))",
            "POLYGON ((100 50, 500 50, 500 90, 100 90, 100 50))"});
    f.rule("r2", Severity::Approval, {"POLYGON ((200 200, 700 250, 650 400, 180 380, 200 200))"});
  };
  Fixture one, many;
  build(one);
  build(many);
  auto a = one.run(1);
  auto b = many.run(4);
  EXPECT_EQ(out::overlaps_csv(a), out::overlaps_csv(b));
  EXPECT_EQ(out::parcels_csv(a), out::parcels_csv(b));
}

TEST(Clearance, OverlappingFeaturesAcrossTheParcelEdgeCountOnce) {
  Fixture f;
  f.parcel("p", kSquare100);
  // Two features overlapping each other across the west edge (union inside: 50 × 40), one
  // across the east edge (10 × 100), one with a hole across the north edge (the hole takes
  // 20 × 10 out of the 40 × 20 it would add), one wholly inside and overlapping the first two.
  f.rule("farmland", Severity::Block,
         {"POLYGON ((-50 20, 50 20, 50 40, -50 40, -50 20))",
          "POLYGON ((-50 30, 50 30, 50 60, -50 60, -50 30))",
          "POLYGON ((90 -10, 150 -10, 150 110, 90 110, 90 -10))",
          "POLYGON ((20 80, 60 80, 60 150, 20 150, 20 80), (30 85, 50 85, 50 95, 30 95, 30 85))",
          "POLYGON ((40 10, 45 10, 45 70, 40 70, 40 10))"});
  auto r = f.run();
  auto* o = find(r.parcels[0], 0);
  ASSERT_NE(o, nullptr);
  // 2000 (west) + 1000 (east) + (800 − 200) (north) + 5 × 10 + 5 × 10 (the inside strip's parts
  // above and below the west block).
  EXPECT_NEAR(o->area_m2, 2000.0 + 1000.0 + 600.0 + 100.0, 1e-9);
  EXPECT_EQ(r.parcels[0].verdict, engine::Verdict::Blocked);
  ASSERT_TRUE(o->piece);
  EXPECT_TRUE(o->piece->IsValid());
  EXPECT_NEAR(OGR_G_Area(OGRGeometry::ToHandle(o->piece.get())), 3700.0, 1e-9);
}

// Coverage and the `unchecked` verdict.

namespace {

using Batch = Fixture;  // the coverage tests' name for the same fixture

const char* sq(int x0, int y0, int x1, int y1) {
  static thread_local std::string s;
  s = "POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + "," + std::to_string(x1) + " " +
      std::to_string(y0) + "," + std::to_string(x1) + " " + std::to_string(y1) + "," +
      std::to_string(x0) + " " + std::to_string(y1) + "," + std::to_string(x0) + " " +
      std::to_string(y0) + "))";
  return s.c_str();
}

}  // namespace

TEST(Coverage, ParcelReachingOutsideIsUncheckedNotClear) {
  Batch r;
  r.parcel("inside", sq(0, 0, 100, 100));
  r.parcel("half-out", sq(950, 0, 1050, 100));  // 50 × 100 beyond the coverage's east edge
  r.parcel("far", sq(5000, 5000, 5100, 5100));
  r.parcel("sliver", sq(999, 200, 1000, 300));  // 1 × 100 inside, touching the edge
  r.rules.push_back(r.layer("farmland", Severity::Approval, {sq(2000, 2000, 2100, 2100)}));
  r.coverage = r.layer("coverage", Severity::Info, {sq(0, 0, 1000, 1000)});
  auto res = r.run(&r.coverage);
  ASSERT_EQ(res.parcels.size(), 4u);
  EXPECT_EQ(res.parcels[0].verdict, engine::Verdict::Clear);
  EXPECT_DOUBLE_EQ(res.parcels[0].outside_m2, 0.0);
  EXPECT_EQ(res.parcels[1].verdict, engine::Verdict::Unchecked);
  EXPECT_NEAR(res.parcels[1].outside_m2, 5000.0, 1e-6);
  ASSERT_EQ(res.parcels[1].deciding_rules.size(), 1u);
  EXPECT_EQ(res.parcels[1].deciding_rules[0], "coverage");
  EXPECT_EQ(res.parcels[2].verdict, engine::Verdict::Unchecked);
  EXPECT_NEAR(res.parcels[2].outside_m2, 10000.0, 1e-6);
  EXPECT_EQ(res.parcels[3].verdict, engine::Verdict::Clear);
  // Without a coverage nothing is unchecked (the CLI always gives one).
  auto plain = r.run(nullptr);
  EXPECT_EQ(plain.parcels[2].verdict, engine::Verdict::Clear);
}

TEST(Coverage, BlockedStaysBlockedApprovalYieldsToUnchecked) {
  Batch r;
  r.parcel("blocked-out", sq(900, 0, 1100, 100));     // block rule inside, half outside
  r.parcel("approval-out", sq(900, 500, 1100, 600));  // approval rule inside, half outside
  r.parcel("one-m2", sq(0, 0, 100, 100));
  r.rules.push_back(r.layer("farmland", Severity::Block, {sq(900, 0, 950, 100)}));
  r.rules.push_back(r.layer("forest", Severity::Approval, {sq(900, 500, 950, 600)}));
  // The coverage misses 0.5 m² of "one-m2": within the 1 m² tolerance.
  r.coverage = r.layer("coverage", Severity::Info,
                       {"POLYGON((0 0,1000 0,1000 1000,0 1000,0 100,0.01 99.99,0.01 50,0 0))"});
  auto res = r.run(&r.coverage);
  EXPECT_EQ(res.parcels[0].verdict, engine::Verdict::Blocked);
  EXPECT_NEAR(res.parcels[0].outside_m2, 10000.0, 1e-6);
  EXPECT_EQ(res.parcels[1].verdict, engine::Verdict::Unchecked);
  EXPECT_EQ(res.parcels[2].verdict, engine::Verdict::Clear);
  EXPECT_GT(res.parcels[2].outside_m2, 0.0);
  EXPECT_LT(res.parcels[2].outside_m2, 1.0);
}

TEST(Coverage, BreakdownFootprintWithGapsAndOverlaps) {
  Batch r;
  r.parcel("gap", sq(0, 0, 200, 100));        // land-use cells cover x 0..150 only
  r.parcel("overlap", sq(300, 0, 400, 100));  // two cells overlap each other, and leave a gap
  r.parcel("full", sq(500, 0, 600, 100));
  // Cells: a gap at x 150..200; at x 300..400 two cells overlapping by 20 (sum = area) but
  // leaving x 380..400 empty — the sum alone would hide that gap, the union does not.
  r.rules.push_back(r.layer("dltb", Severity::Info,
                            {sq(0, 0, 150, 100), sq(300, 0, 360, 100), sq(340, 0, 380, 100),
                             sq(500, 0, 550, 100), sq(550, 0, 600, 100)},
                            {"0101", "0103", "0103", "0201", "0301"}));
  auto res = r.run(&r.rules[0]);
  EXPECT_EQ(res.parcels[0].verdict, engine::Verdict::Unchecked);
  EXPECT_NEAR(res.parcels[0].outside_m2, 5000.0, 1e-6);
  EXPECT_EQ(res.parcels[1].verdict, engine::Verdict::Unchecked);
  EXPECT_GT(res.parcels[1].outside_m2, 1.0);
  EXPECT_EQ(res.parcels[2].verdict, engine::Verdict::Clear);
  EXPECT_DOUBLE_EQ(res.parcels[2].outside_m2, 0.0);
}

TEST(Coverage, SameForOneAndManyThreads) {
  Batch r;
  for (int i = 0; i < 40; ++i) {
    std::string id = "p";
    id += std::to_string(i);
    r.parcel(id, sq(i * 60, 0, i * 60 + 50, 50));
  }
  r.rules.push_back(r.layer("farmland", Severity::Block, {sq(0, 0, 300, 30)}));
  r.coverage = r.layer("coverage", Severity::Info, {sq(0, 0, 1500, 1000)});
  auto one = r.run(&r.coverage, 1);
  auto four = r.run(&r.coverage, 4);
  for (std::size_t i = 0; i < one.parcels.size(); ++i) {
    EXPECT_EQ(one.parcels[i].verdict, four.parcels[i].verdict);
    EXPECT_EQ(one.parcels[i].outside_m2, four.parcels[i].outside_m2);
  }
}

// A parcel drawn along land-use boundaries and a cell that only touches it: no area, by the
// boundary method and by the exact overlay (whose clipped input is invalid here and is skipped).
TEST(Clearance, CellTouchingAParcelAlongItsBoundaryHasNoArea) {
  std::ifstream in(siteplan::test::kData + "/clip/touching_cell.wkt");
  std::vector<std::string> wkt;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') wkt.push_back(line);
  ASSERT_EQ(wkt.size(), 2u);
  for (bool pieces : {false, true}) {
    Fixture f;
    io::Feature p;
    p.key = "p";
    p.geom = gis::from_wkt(f.ctx, wkt[0]);
    f.parcels.features.push_back(std::move(p));
    engine::RuleLayer r;
    r.id = "dltb";
    r.breakdown = true;
    r.severity = Severity::Info;
    r.geoms.push_back(gis::from_wkt(f.ctx, wkt[1]));
    r.classes = {"0305"};
    f.rules.push_back(std::move(r));
    engine::ClearanceOptions o;
    o.keep_breakdown_pieces = pieces;
    auto res = engine::run_clearance(f.parcels, f.rules, f.crs, f.ctx, o);
    EXPECT_EQ(find(res.parcels[0], 0, "0305"), nullptr) << (pieces ? "exact" : "boundary");
  }
}
