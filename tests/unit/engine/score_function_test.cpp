// Score functions: linear, table, sigmoid, gaussian and category, against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/score_function.hpp"

using namespace siteplan;
using namespace siteplan::engine;

TEST(ScoreFunction, HandComputedValues) {
  ScoreSpec lin;
  lin.kind = "linear";
  lin.zero_at = 15;
  lin.one_at = 0;
  EXPECT_DOUBLE_EQ(score_value(lin, 0), 1.0);
  EXPECT_DOUBLE_EQ(score_value(lin, 7.5), 0.5);
  EXPECT_DOUBLE_EQ(score_value(lin, 30), 0.0);
  ScoreSpec table;
  table.kind = "table";
  table.table = {{0, 1}, {3, 1}, {20, 0.4}, {25, 0}};
  EXPECT_DOUBLE_EQ(score_value(table, 2), 1.0);
  EXPECT_NEAR(score_value(table, 11.5), 0.7, 1e-12);
  EXPECT_DOUBLE_EQ(score_value(table, 40), 0.0);
  ScoreSpec sig;
  sig.kind = "sigmoid";
  sig.midpoint = 1000;
  sig.spread = 200;
  sig.increasing = false;
  EXPECT_DOUBLE_EQ(score_value(sig, 1000), 0.5);
  EXPECT_GT(score_value(sig, 0), 0.99);
  ScoreSpec gauss;
  gauss.kind = "gaussian";
  gauss.midpoint = 180;
  gauss.spread = 45;
  EXPECT_DOUBLE_EQ(score_value(gauss, 180), 1.0);
  EXPECT_NEAR(score_value(gauss, 225), std::exp(-0.5), 1e-12);
  ScoreSpec cat;
  cat.kind = "category";
  cat.categories = {{"0601", 1.0}, {"0103", 0.3}};
  cat.other = 0.1;
  EXPECT_DOUBLE_EQ(score_category(cat, "0103"), 0.3);
  EXPECT_DOUBLE_EQ(score_category(cat, "1101"), 0.1);
  EXPECT_TRUE(std::isnan(score_value(lin, std::nan(""))));
}
