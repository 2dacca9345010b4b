// Coverage and the `unchecked` verdict: a parcel is never clear where the rule data do not
// exist. Inline WKT with hand-computed areas (offsets from E 620000, N 2899000 in EPSG:4542).
#include <gtest/gtest.h>

#include "core/progress.hpp"
#include "engine/clearance.hpp"

using namespace siteplan;

namespace {

struct Batch {
  gis::GeosContext ctx;
  gis::Crs crs = gis::Crs::from_user("EPSG:4542", "t");
  io::LoadedLayer parcels;
  std::vector<engine::RuleLayer> rules;
  engine::RuleLayer coverage;

  gis::GeomPtr geom(const std::string& wkt) {
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
    gis::warm_envelope(ctx, owned.get());
    return owned;
  }
  void parcel(const std::string& id, const std::string& wkt) {
    io::Feature f;
    f.key = id;
    f.fid = static_cast<std::int64_t>(parcels.features.size());
    f.geom = geom(wkt);
    parcels.features.push_back(std::move(f));
  }
  engine::RuleLayer layer(const std::string& id, Severity sev, const std::vector<std::string>& wkts,
                          const std::vector<std::string>& classes = {}) {
    engine::RuleLayer r;
    r.id = id;
    r.name = id;
    r.severity = sev;
    r.breakdown = !classes.empty();
    r.classes = classes;
    for (const auto& w : wkts) r.geoms.push_back(geom(w));
    return r;
  }
  engine::ClearanceResult run(const engine::RuleLayer* cov, int threads = 1) {
    engine::ClearanceOptions o;
    o.threads = threads;
    o.coverage = cov;
    return engine::run_clearance(parcels, rules, crs, ctx, o);
  }
};

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
