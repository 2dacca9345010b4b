// The solar index: flat ground is 1, a south slope beats a north one.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/factor.hpp"
#include "support/factor_bench.hpp"

using namespace siteplan;
using namespace siteplan::engine;
using namespace siteplan::test;

TEST(SolarFactor, FlatIsOneSouthBeatsNorth) {
  // Cells: flat, 20° south-facing, 20° north-facing, 20° east-facing (latitude 26.2°N).
  Bench s(terrain({100, 100, 100, 100}, {0, 20, 20, 20}, {kNoData, 180, 0, 90}));
  auto f = s.factor("solar", linear(0.5, 1.2));
  const Raster& r = f->raw_grid();
  EXPECT_NEAR(r[0], 1.0, 1e-6);
  EXPECT_GT(r[1], 1.0);  // at 26°N a moderate south slope catches more than flat ground
  EXPECT_LT(r[2], r[0]);
  EXPECT_LT(r[2], r[3]);
  EXPECT_LT(r[3], r[1]);
  EXPECT_GT(r[1], 1.0);
  EXPECT_LT(r[1], 1.2);  // but not by more than a fifth
}
