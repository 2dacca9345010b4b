// Tiles of very large features must never change an answer: the tiles keep the area, and a tiled
// rule layer gives the same overlaps as the whole features.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/clearance.hpp"
#include "engine/tiling.hpp"
#include "gis/geos.hpp"

using namespace siteplan;

namespace {

// A star-shaped polygon around (cx, cy) with n vertices (radius between r and 1.5 r), with an
// optional square hole in the middle: many vertices, concave, valid.
std::string star(double cx, double cy, double r, int n, double hole = 0) {
  std::string w = "POLYGON ((";
  for (int i = 0; i <= n; ++i) {
    const int k = i % n;
    const double a = 2 * M_PI * k / n;
    const double rr = r * (k % 2 ? 1.5 : 1.0) + 0.37 * (k % 7);
    w +=
        fmt::format("{}{:.3f} {:.3f}", i ? ", " : "", cx + rr * std::cos(a), cy + rr * std::sin(a));
  }
  w += ")";
  if (hole > 0)
    w += fmt::format(", ({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1})", cx - hole, cy - hole,
                     cx + hole, cy + hole);
  return w + ")";
}

}  // namespace

TEST(Tiling, TilesKeepTheAreaAndStaySmall) {
  gis::GeosContext ctx;
  auto g = gis::from_wkt(ctx, star(0, 0, 1000, 6000, 300));
  const double whole = gis::area(ctx, g.get());
  auto tiles = engine::split_large(ctx, g.get(), 512);
  ASSERT_GT(tiles.size(), 8u);
  double sum = 0;
  for (const auto& t : tiles) {
    EXPECT_LE(GEOSGetNumCoordinates_r(ctx, t.get()), 512);
    EXPECT_TRUE(gis::check_valid(ctx, t.get()).valid);
    sum += gis::area(ctx, t.get());
  }
  EXPECT_NEAR(sum, whole, 1e-9 * whole);
  // Small features stay whole.
  auto small = gis::from_wkt(ctx, "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))");
  EXPECT_EQ(engine::split_large(ctx, small.get(), 512).size(), 1u);
}

TEST(Tiling, TiledLayerGivesTheSameOverlapsAsWholeFeatures) {
  // One huge feature with a hole and one small one; parcels inside, across the cut lines, in
  // the hole, across the hole's edge and outside: areas must not depend on the tiling.
  auto build = [](gis::GeosContext& ctx, io::LoadedLayer& parcels,
                  std::vector<engine::RuleLayer>& rules) {
    const char* wkts[] = {
        "POLYGON ((-50 -50, 50 -50, 50 50, -50 50, -50 -50))",       // in the hole
        "POLYGON ((-400 -20, 400 -20, 400 20, -400 20, -400 -20))",  // across hole and tiles
        "POLYGON ((500 -600, 700 -600, 700 600, 500 600, 500 -600))",
        "POLYGON ((900 -100, 1700 -100, 1700 100, 900 100, 900 -100))",       // across the edge
        "POLYGON ((5000 5000, 5100 5000, 5100 5100, 5000 5100, 5000 5000))",  // outside
        "POLYGON ((-700 300, -310 300, -310 700, -700 700, -700 300))",
    };
    int i = 0;
    for (const char* w : wkts) {
      io::Feature f;
      f.key = fmt::format("p{}", i);
      f.fid = i++;
      f.geom = gis::from_wkt(ctx, w);
      gis::warm_envelope(ctx, f.geom.get());
      parcels.features.push_back(std::move(f));
    }
    engine::RuleLayer r;
    r.id = "redline";
    r.name = "redline";
    r.severity = Severity::Block;
    r.geoms.push_back(gis::from_wkt(ctx, star(0, 0, 1000, 8000, 300)));
    r.geoms.push_back(gis::from_wkt(ctx, "POLYGON ((600 0, 800 0, 800 50, 600 50, 600 0))"));
    for (auto& g : r.geoms) gis::warm_envelope(ctx, g.get());
    rules.push_back(std::move(r));
  };
  const gis::Crs crs = gis::Crs::from_user("EPSG:4542", "t");
  engine::ClearanceOptions o;
  o.threads = 2;

  gis::GeosContext c1;
  io::LoadedLayer p1;
  std::vector<engine::RuleLayer> r1;
  build(c1, p1, r1);
  auto plain = engine::run_clearance(p1, r1, crs, c1, o);

  gis::GeosContext c2;
  io::LoadedLayer p2;
  std::vector<engine::RuleLayer> r2;
  build(c2, p2, r2);
  engine::tile_large_features(r2[0], c2, 256);
  ASSERT_GT(r2[0].geoms.size(), 20u);
  ASSERT_EQ(r2[0].whole.size(), 1u);
  auto tiled = engine::run_clearance(p2, r2, crs, c2, o);

  ASSERT_EQ(plain.parcels.size(), tiled.parcels.size());
  for (std::size_t i = 0; i < plain.parcels.size(); ++i) {
    const auto& a = plain.parcels[i];
    const auto& b = tiled.parcels[i];
    EXPECT_EQ(a.verdict, b.verdict) << a.id;
    ASSERT_EQ(a.overlaps.size(), b.overlaps.size()) << a.id;
    for (std::size_t k = 0; k < a.overlaps.size(); ++k) {
      EXPECT_NEAR(a.overlaps[k].area_m2, b.overlaps[k].area_m2, 1e-7 * a.overlaps[k].area_m2)
          << a.id;
      EXPECT_NEAR(a.overlaps[k].ellipsoidal_m2, b.overlaps[k].ellipsoidal_m2,
                  1e-7 * a.overlaps[k].area_m2)
          << a.id;
    }
  }
  EXPECT_TRUE(plain.parcels[0].overlaps.empty());  // in the hole
  EXPECT_TRUE(plain.parcels[4].overlaps.empty());  // outside
  EXPECT_NEAR(plain.parcels[2].overlaps.at(0).pct, 100.0, 1e-9);
}
