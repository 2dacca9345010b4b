// The aspect factor: circular mean, flat ground, no data.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/factor.hpp"
#include "support/factor_bench.hpp"

using namespace siteplan;
using namespace siteplan::engine;
using namespace siteplan::test;

TEST(AspectFactor, CircularMeanAndFlatGround) {
  // 350° and 10° average to north (0°), not to south (180°); flat ground (no aspect) scores 1;
  // no elevation: no data.
  ScoreSpec south;
  south.kind = "table";
  south.table = {{0, 0}, {180, 1}, {360, 0}};
  Bench s(terrain({100, 100, 100, kNoData}, {5, 5, 0, 0}, {350, 10, kNoData, kNoData}));
  auto f = s.factor("aspect", south);
  EXPECT_NEAR(f->score_grid()[0], 10.0 / 180.0, 1e-6);
  EXPECT_FLOAT_EQ(f->score_grid()[2], 1.0f);
  EXPECT_TRUE(std::isnan(f->score_grid()[3]));
  FactorValue v = f->evaluate(nullptr, CellSet{{0, 1}}, s.ctx);
  EXPECT_NEAR(std::fmod(v.raw + 180.0, 360.0) - 180.0, 0.0, 1e-9);
  EXPECT_NEAR(v.score, 10.0 / 180.0, 1e-6);
}
