// The elevation factor: the DEM as raw value and its score function.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/factor.hpp"
#include "support/factor_bench.hpp"

using namespace siteplan;
using namespace siteplan::engine;
using namespace siteplan::test;

TEST(ElevationFactor, RawIsTheDemAndTheScoreItsFunction) {
  Bench s(terrain({2000, 2500, 3000, kNoData}, {0, 0, 0, 0}, {kNoData, kNoData, kNoData, kNoData}));
  auto f = s.factor("elevation", linear(3000, 2000));  // lower is better
  EXPECT_FLOAT_EQ(f->raw_grid()[1], 2500.0f);
  EXPECT_FLOAT_EQ(f->score_grid()[0], 1.0f);
  EXPECT_FLOAT_EQ(f->score_grid()[1], 0.5f);
  EXPECT_FLOAT_EQ(f->score_grid()[2], 0.0f);
  EXPECT_TRUE(std::isnan(f->score_grid()[3]));
  EXPECT_EQ(f->units(), "m");
  FactorValue v = f->evaluate(nullptr, CellSet{{0, 1}}, s.ctx);
  EXPECT_DOUBLE_EQ(v.raw, 2250.0);
  EXPECT_DOUBLE_EQ(v.score, 0.75);
}
