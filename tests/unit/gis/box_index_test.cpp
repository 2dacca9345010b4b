// The parcel-box index: which boxes touch or overlap a query, against a plain scan.
#include <gtest/gtest.h>

#include <vector>

#include "gis/box_index.hpp"
#include "support/geometry.hpp"

using namespace siteplan;
using siteplan::test::box;

TEST(BoxIndex, FindsTouchingAndOverlappingBoxesOnly) {
  std::vector<gis::Extent> boxes;
  for (int i = 0; i < 50; ++i) boxes.push_back(box(i * 100.0, 0, i * 100.0 + 10, 10));
  boxes.push_back(gis::Extent{});  // invalid ones are ignored
  gis::BoxIndex idx(boxes);
  EXPECT_EQ(idx.size(), 50u);
  EXPECT_TRUE(idx.intersects_any(box(5, 5, 6, 6)));            // inside the first
  EXPECT_TRUE(idx.intersects_any(box(10, 10, 20, 20)));        // touches a corner
  EXPECT_FALSE(idx.intersects_any(box(11, 0, 99, 10)));        // between two
  EXPECT_FALSE(idx.intersects_any(box(0, 10.001, 5000, 20)));  // above all of them
  EXPECT_TRUE(idx.intersects_any(box(-1e6, -1e6, 1e6, 1e6)));  // around everything
  EXPECT_FALSE(idx.intersects_any(box(6000, 0, 7000, 10)));    // beyond the last
  EXPECT_TRUE(idx.intersects_any(box(4905, 5, 4906, 6)));      // the last one
  gis::BoxIndex wide(boxes, 50.0);                             // margins close the gaps
  EXPECT_TRUE(wide.intersects_any(box(55, 0, 56, 10)));
  EXPECT_FALSE(gis::BoxIndex().intersects_any(box(0, 0, 1, 1)));
}

TEST(BoxIndex, AgreesWithAPlainScan) {
  std::vector<gis::Extent> boxes;
  unsigned s = 12345;
  auto rnd = [&s] {
    s = s * 1103515245u + 12345u;
    return (s >> 8) % 100000 / 10.0;
  };
  for (int i = 0; i < 400; ++i) {
    double x = rnd(), y = rnd(), w = rnd() / 50, h = rnd() / 50;
    boxes.push_back(box(x, y, x + w, y + h));
  }
  boxes.push_back(box(100, 200, 9000, 9500));  // a few huge ones among the small
  boxes.push_back(box(5000, 0, 5001, 10000));
  gis::BoxIndex idx(boxes);
  for (int q = 0; q < 2000; ++q) {
    double x = rnd(), y = rnd(), w = rnd() / (q % 2 ? 10 : 200), h = rnd() / 100;
    gis::Extent e = box(x, y, x + w, y + h);
    bool scan = false;
    for (const auto& b : boxes)
      scan = scan || (b.minx <= e.maxx && e.minx <= b.maxx && b.miny <= e.maxy && e.miny <= b.maxy);
    ASSERT_EQ(idx.intersects_any(e), scan) << "query " << q;
  }
}
