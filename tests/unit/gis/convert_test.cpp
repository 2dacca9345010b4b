// GEOS → OGR conversion: polygons ring by ring with their holes, lines, multipolygons.
#include <gtest/gtest.h>

#include <ogr_api.h>
#include <ogr_geometry.h>

#include "gis/convert.hpp"
#include "gis/geos.hpp"

using namespace siteplan;

TEST(Convert, PolygonsCopyRingByRingAndKeepHoles) {
  gis::GeosContext ctx;
  auto holed =
      gis::from_wkt(ctx, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))");
  auto multi = gis::from_wkt(
      ctx, "MULTIPOLYGON (((20 0, 30 0, 30 10, 20 0)), ((40 0, 50 0, 50 10, 40 10, 40 0)))");
  auto line = gis::from_wkt(ctx, "LINESTRING (0 0, 1 1)");
  auto p = gis::to_ogr(ctx, holed.get());
  ASSERT_TRUE(p);
  EXPECT_EQ(wkbFlatten(p->getGeometryType()), wkbPolygon);
  EXPECT_DOUBLE_EQ(OGR_G_Area(OGRGeometry::ToHandle(p.get())), 96.0);
  auto l = gis::to_ogr(ctx, line.get());
  ASSERT_TRUE(l);
  EXPECT_EQ(wkbFlatten(l->getGeometryType()), wkbLineString);
  auto mp = gis::to_ogr_multipolygon(ctx, {holed.get(), multi.get(), line.get()});
  ASSERT_TRUE(mp);
  EXPECT_EQ(wkbFlatten(mp->getGeometryType()), wkbMultiPolygon);
  EXPECT_EQ(mp->toMultiPolygon()->getNumGeometries(), 3);
  EXPECT_DOUBLE_EQ(OGR_G_Area(OGRGeometry::ToHandle(mp.get())), 96.0 + 50.0 + 100.0);
}
