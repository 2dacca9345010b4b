// gis::tiles_exactly: pieces that tile a region exactly are recognised without a union; a gap,
// an overlap, or both at once (a cell shifted along), and twin parts covered twice and not at
// all, are not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gis/geos.hpp"
#include "gis/tiling_check.hpp"

using namespace siteplan;

namespace {

struct Pieces {
  gis::GeosContext ctx;
  std::vector<gis::GeomPtr> owned;
  const GEOSGeometry* add(const std::string& wkt) {
    owned.push_back(gis::from_wkt(ctx, wkt));
    return owned.back().get();
  }
  bool tile(const std::vector<std::string>& pieces, const std::string& region) {
    std::vector<const GEOSGeometry*> raw;
    for (const auto& p : pieces) raw.push_back(add(p));
    return gis::tiles_exactly(ctx, raw, add(region));
  }
};

std::string sq(double x0, double y0, double x1, double y1) {
  auto f = [](double v) { return std::to_string(v); };
  return "POLYGON((" + f(x0) + " " + f(y0) + "," + f(x1) + " " + f(y0) + "," + f(x1) + " " + f(y1) +
         "," + f(x0) + " " + f(y1) + "," + f(x0) + " " + f(y0) + "))";
}

}  // namespace

TEST(TilingCheck, ExactTilesAreRecognised) {
  Pieces p;
  EXPECT_TRUE(p.tile({sq(0, 0, 50, 100), sq(50, 0, 100, 100)}, sq(0, 0, 100, 100)));
  // Orientation of the inputs does not matter (a clockwise piece).
  EXPECT_TRUE(
      p.tile({"POLYGON((0 0,0 100,50 100,50 0,0 0))", sq(50, 0, 100, 100)}, sq(0, 0, 100, 100)));
  // A region with a hole, tiled around it.
  EXPECT_TRUE(p.tile({"POLYGON((0 0,100 0,100 40,60 40,40 40,0 40,0 0))",
                      "POLYGON((0 60,40 60,60 60,100 60,100 100,0 100,0 60))", sq(0, 40, 40, 60),
                      sq(60, 40, 100, 60)},
                     "POLYGON((0 0,100 0,100 100,0 100,0 0),(40 40,40 60,60 60,60 40,40 40))"));
}

TEST(TilingCheck, GapsAndOverlapsAreNotTiles) {
  Pieces p;
  EXPECT_FALSE(p.tile({sq(0, 0, 50, 100), sq(60, 0, 100, 100)}, sq(0, 0, 100, 100)));  // gap
  EXPECT_FALSE(p.tile({sq(0, 0, 60, 100), sq(50, 0, 100, 100)}, sq(0, 0, 100, 100)));  // overlap
  // The middle cell shifted 2 m east: overlap and gap of equal area, the area sum unchanged.
  EXPECT_FALSE(
      p.tile({sq(0, 0, 30, 100), sq(32, 0, 62, 100), sq(60, 0, 100, 100)}, sq(0, 0, 100, 100)));
  // A piece counted twice.
  EXPECT_FALSE(p.tile({sq(0, 0, 100, 100), sq(0, 0, 100, 100)}, sq(0, 0, 100, 100)));
  // Twin parts: the first covered twice, the second not at all (sums and lengths both agree).
  EXPECT_FALSE(p.tile({sq(0, 0, 10, 10), sq(0, 0, 10, 10)},
                      "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)),((20 0,30 0,30 10,20 10,20 0)))"));
  // Shared edges subdivided differently cannot be shown here (the caller unions instead).
  EXPECT_FALSE(p.tile({sq(0, 0, 50, 100), "POLYGON((50 0,100 0,100 100,50 100,50 50,50 0))"},
                      sq(0, 0, 100, 100)));
}

TEST(TilingCheck, PiecesCutByGeosFromACoverage) {
  // A parcel crossing a 4 × 4 grid of 25 m cells at odd angles: the pieces GEOS cuts from
  // neighbouring cells meet exactly on their shared edges.
  Pieces p;
  const std::string parcel =
      "POLYGON((620003.3 2899001.7,620091.9 2899012.4,620083.2 2899097.1,620010.8 2899088.6,"
      "620003.3 2899001.7))";
  const GEOSGeometry* region = p.add(parcel);
  std::vector<const GEOSGeometry*> raw;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      auto cell = gis::from_wkt(
          p.ctx, sq(620000 + 25 * i, 2899000 + 25 * j, 620025 + 25 * i, 2899025 + 25 * j));
      GEOSGeometry* piece = GEOSIntersection_r(p.ctx, region, cell.get());
      ASSERT_TRUE(piece);
      if (GEOSisEmpty_r(p.ctx, piece)) {
        GEOSGeom_destroy_r(p.ctx, piece);
        continue;
      }
      p.owned.push_back(gis::wrap(p.ctx, piece));
      raw.push_back(piece);
    }
  EXPECT_TRUE(gis::tiles_exactly(p.ctx, raw, region));
  raw.pop_back();  // one piece missing: a gap
  EXPECT_FALSE(gis::tiles_exactly(p.ctx, raw, region));
}
