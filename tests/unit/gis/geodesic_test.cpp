// Ellipsoidal areas: against the Gauss-Krüger scale factor, with holes, and the per-parcel local
// scale fit against PROJ's factors.
#include <gtest/gtest.h>

#include "gis/geodesic.hpp"
#include "gis/geos.hpp"
#include "support/geometry.hpp"

using namespace siteplan;
using namespace siteplan::gis;
using siteplan::test::box;

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

TEST(Geodesic, LocalScaleFitMatchesProjFactors) {
  gis::GeosContext ctx;
  gis::EllipsoidalArea ell(gis::Crs::from_user("EPSG:4542", "t"));
  // A parcel 2 km across far out in the zone (E 650000, 150 km from the central meridian).
  const gis::Extent around = box(649000, 2899000, 651000, 2901000);
  const auto fit = ell.local_scale(around);
  ASSERT_TRUE(fit.valid);
  for (const char* w : {"POLYGON ((649000 2899000, 649100 2899000, 649100 2899100, 649000 "
                        "2899100, 649000 2899000))",
                        "POLYGON ((650900 2900900, 651000 2900900, 651000 2901000, 650900 "
                        "2901000, 650900 2900900))",
                        "POLYGON ((649500 2899500, 650500 2899500, 650000 2900500, 649500 "
                        "2899500))"}) {
    auto g = gis::from_wkt(ctx, w);
    const double exact = ell.area_from_scale(ctx, g.get());
    EXPECT_NEAR(ell.area_from_scale(ctx, g.get(), fit), exact, 1e-10 * exact) << w;
    EXPECT_NEAR(exact, ell.area(ctx, g.get()), 1e-8 * exact) << w;
  }
}
