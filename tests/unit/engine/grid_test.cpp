// The analysis grid: huge or degenerate grids are refused before any cast; far coordinates fall
// outside instead of overflowing.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "engine/grid.hpp"

using namespace siteplan;

TEST(Grid, HugeOrDegenerateGridsAreRefusedBeforeAnyCast) {
  gis::Extent e{620000, 2899000, 621000, 2900000, true};
  gis::Crs none;
  for (double cell : {1e-10, 1e-300, 0.0, -30.0, std::nan(""), HUGE_VAL})
    EXPECT_THROW(engine::Grid::covering(e, cell, none), InputError) << cell;
  gis::Extent far{620000, 2899000, 7.2e82, 2900000, true};
  EXPECT_THROW(engine::Grid::covering(far, 30, none), InputError);
  engine::Grid g = engine::Grid::covering(e, 30, none);
  EXPECT_EQ(g.nx, 34);
  EXPECT_EQ(g.col_of(7.2e82), g.nx);
  EXPECT_EQ(g.col_of(-7.2e82), -1);
  EXPECT_EQ(g.col_of(std::nan("")), -1);
  EXPECT_EQ(g.row_of(-7.2e82), g.ny);
  EXPECT_EQ(g.col_of(620000 + 45), 2);  // x0 = 619980
}
