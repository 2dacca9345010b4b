#include <gtest/gtest.h>

#include "gis/geodesic.hpp"
#include "gis/geos.hpp"

using namespace siteplan::gis;

TEST(Geos, RepairsBowTieIntoBothTriangles) {
  GeosContext ctx;
  auto g = from_wkt(ctx, "POLYGON ((0 0, 100 100, 100 0, 0 100, 0 0))");
  EXPECT_FALSE(check_valid(ctx, g.get()).valid);
  auto fixed = make_valid_polygonal(ctx, g.get());
  EXPECT_TRUE(check_valid(ctx, fixed.get()).valid);
  EXPECT_NEAR(area(ctx, fixed.get()), 5000.0, 1e-9);
  EXPECT_EQ(GEOSGeomTypeId_r(ctx, fixed.get()), GEOS_MULTIPOLYGON);
}

TEST(Geos, RepairKeepsAreaOfSelfTouchingRing) {
  GeosContext ctx;
  // A ring that touches itself at (10 5): two lobes.
  auto g = from_wkt(ctx, "POLYGON ((0 0, 10 5, 20 0, 20 10, 10 5, 0 10, 0 0))");
  auto fixed = make_valid_polygonal(ctx, g.get());
  EXPECT_TRUE(check_valid(ctx, fixed.get()).valid);
  EXPECT_NEAR(area(ctx, fixed.get()), 100.0, 1e-9);
}

TEST(Geos, PolygonalPartDropsLinesAndPoints) {
  GeosContext ctx;
  auto g = from_wkt(ctx,
                    "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 5 5), "
                    "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0)))");
  auto p = polygonal_part(ctx, g.get());
  EXPECT_EQ(GEOSGeomTypeId_r(ctx, p.get()), GEOS_POLYGON);
  EXPECT_DOUBLE_EQ(area(ctx, p.get()), 1.0);
  auto none = polygonal_part(ctx, from_wkt(ctx, "LINESTRING (0 0, 1 1)").get());
  EXPECT_TRUE(GEOSisEmpty_r(ctx, none.get()));
}

TEST(Geos, UnionNeverCountsOverlapTwice) {
  GeosContext ctx;
  std::vector<GeomPtr> parts;
  parts.push_back(from_wkt(ctx, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"));
  parts.push_back(from_wkt(ctx, "POLYGON ((5 0, 15 0, 15 10, 5 10, 5 0))"));
  auto u = union_all(ctx, std::move(parts));
  EXPECT_DOUBLE_EQ(area(ctx, u.get()), 150.0);
}

TEST(Geodesic, SquareKilometreAtHeqingShrinksByTheScaleFactor) {
  GeosContext ctx;
  Crs gk = Crs::from_user("EPSG:4542", "t");
  EllipsoidalArea ell(gk);
  // 1 km² at E 620000 (120 km east of CM 99°E), N 2899000 (26.2°N).
  auto sq = from_wkt(ctx,
                     "POLYGON ((620000 2899000, 621000 2899000, 621000 2900000, 620000 2900000, "
                     "620000 2899000))");
  double planar = area(ctx, sq.get());
  double ellipsoidal = ell.area(ctx, sq.get());
  EXPECT_DOUBLE_EQ(planar, 1e6);
  // Gauss-Krüger scale k ≈ 1 + x²/(2R²) with x ≈ 120.5 km: areas scale by k² ≈ 1 + 3.57e-4.
  double x = 120500.0, r = 6371000.0;
  double k = 1.0 + x * x / (2.0 * r * r);
  EXPECT_NEAR(planar / ellipsoidal, k * k, 2e-5);
  EXPECT_LT(ellipsoidal, planar);
  // A hole is subtracted.
  auto holed = from_wkt(ctx,
                        "POLYGON ((620000 2899000, 621000 2899000, 621000 2900000, 620000 2900000, "
                        "620000 2899000), (620250 2899250, 620750 2899250, 620750 2899750, "
                        "620250 2899750, 620250 2899250))");
  EXPECT_NEAR(ell.area(ctx, holed.get()) / ellipsoidal, 0.75, 1e-6);
  // The scale-factor shortcut agrees with the geodesic area to 1e-8 for km-sized pieces.
  EXPECT_NEAR(ell.area_from_scale(ctx, sq.get()) / ellipsoidal, 1.0, 1e-8);
  EXPECT_NE(ell.area_from_scale(ctx, sq.get()),
            ellipsoidal);  // really the scale path, not a fallback
  EXPECT_NEAR(ell.area_from_scale(ctx, holed.get()) / ell.area(ctx, holed.get()), 1.0, 1e-8);
  auto far =
      from_wkt(ctx, "POLYGON ((668000 2899000, 670000 2899000, 669000 2901000, 668000 2899000))");
  EXPECT_NEAR(ell.area_from_scale(ctx, far.get()) / ell.area(ctx, far.get()), 1.0, 1e-8);
}
