// The GEOS helpers: repair of invalid polygons, the polygonal part of mixed collections, and
// union (overlaps counted once, groups apart and together).
#include <gtest/gtest.h>

#include "gis/geos.hpp"

using namespace siteplan;
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

TEST(Geos, PolygonalPartTakesPolygonsOverWithoutCopy) {
  gis::GeosContext ctx;
  auto g = gis::from_wkt(ctx, "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))");
  const GEOSGeometry* raw = g.get();
  auto same = gis::polygonal_part(ctx, std::move(g));
  EXPECT_EQ(same.get(), raw);
  auto mixed = gis::polygonal_part(
      ctx, gis::from_wkt(ctx, "GEOMETRYCOLLECTION (POINT (5 5), POLYGON ((0 0, 2 0, 2 2, 0 0)))"));
  EXPECT_EQ(GEOSGeomTypeId_r(ctx, mixed.get()), GEOS_POLYGON);
  EXPECT_DOUBLE_EQ(gis::area(ctx, mixed.get()), 2.0);
}

TEST(Geos, UnionNeverCountsOverlapTwice) {
  GeosContext ctx;
  std::vector<GeomPtr> parts;
  parts.push_back(from_wkt(ctx, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"));
  parts.push_back(from_wkt(ctx, "POLYGON ((5 0, 15 0, 15 10, 5 10, 5 0))"));
  auto u = union_all(ctx, std::move(parts));
  EXPECT_DOUBLE_EQ(area(ctx, u.get()), 150.0);
}

TEST(Union, GroupsApartAndTogetherGiveTheSameArea) {
  gis::GeosContext ctx;
  std::vector<gis::GeomPtr> parts;
  parts.push_back(gis::from_wkt(ctx, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"));
  parts.push_back(gis::from_wkt(ctx, "POLYGON ((100 0, 110 0, 110 10, 100 10, 100 0))"));
  parts.push_back(gis::from_wkt(ctx, "POLYGON ((5 5, 15 5, 15 15, 5 15, 5 5))"));  // overlaps #1
  parts.push_back(gis::from_wkt(
      ctx,
      "MULTIPOLYGON (((200 0, 210 0, 210 10, 200 10, 200 0)), ((300 0, 301 0, 301 1, 300 1, "
      "300 0)))"));
  parts.push_back(gis::from_wkt(ctx, "POLYGON ((10 0, 20 0, 20 5, 10 5, 10 0))"));  // touches #1
  auto u = gis::union_all(ctx, std::move(parts));
  EXPECT_DOUBLE_EQ(gis::area(ctx, u.get()), 100 + 100 + 100 - 25 + 100 + 1 + 50);
  EXPECT_TRUE(gis::check_valid(ctx, u.get()).valid);
  EXPECT_EQ(GEOSGeomTypeId_r(ctx, u.get()), GEOS_MULTIPOLYGON);
}
