// AHP weights: Saaty's textbook matrix, a consistent one, and an inconsistent one naming its
// worst pair.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "engine/ahp.hpp"

using namespace siteplan;
using namespace siteplan::engine;

TEST(Ahp, TextbookMatrix) {
  // Saaty's 3×3 example: weights ≈ 0.637, 0.258, 0.105; λmax ≈ 3.039; CR ≈ 0.033.
  auto r = ahp({{1, 3, 5}, {1.0 / 3, 1, 3}, {1.0 / 5, 1.0 / 3, 1}});
  EXPECT_NEAR(r.weights[0], 0.637, 1e-3);
  EXPECT_NEAR(r.weights[1], 0.258, 1e-3);
  EXPECT_NEAR(r.weights[2], 0.105, 1e-3);
  EXPECT_NEAR(r.lambda_max, 3.0385, 1e-3);
  EXPECT_NEAR(r.cr, 0.033, 1e-3);
  // A perfectly consistent matrix has CR 0.
  auto c = ahp({{1, 2, 4}, {0.5, 1, 2}, {0.25, 0.5, 1}});
  EXPECT_NEAR(c.cr, 0.0, 1e-9);
  EXPECT_NEAR(c.weights[0], 4.0 / 7.0, 1e-9);
}

TEST(Ahp, InconsistentMatrixNamesTheWorstPair) {
  auto r = ahp({{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}});
  EXPECT_GT(r.cr, 0.10);
  EXPECT_GE(r.worst_i, 0);
  EXPECT_THROW(ahp({{1, 2}, {2, 1}}), InputError);  // not reciprocal
}

TEST(Ahp, ScalingAFactorsJudgementsKeepsTheMatrixConsistent) {
  // Consistent judgements from weights 0.5 / 0.3 / 0.2; slope's judgements × 2: its weight
  // doubles relative to the others (1.0 : 0.3 : 0.2), CR stays 0, the matrix reciprocal.
  std::vector<double> w = {0.5, 0.3, 0.2};
  std::vector<std::vector<double>> m(3, std::vector<double>(3));
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) m[i][j] = w[i] / w[j];
  auto s = scale_judgements(m, 0, 2.0);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(s[i][j] * s[j][i], 1.0, 1e-12);
  auto r = ahp(s);
  EXPECT_NEAR(r.cr, 0.0, 1e-9);
  EXPECT_NEAR(r.weights[0], 1.0 / 1.5, 1e-9);
  EXPECT_NEAR(r.weights[1], 0.3 / 1.5, 1e-9);
  // Judgements stay within Saaty's scale.
  auto big = scale_judgements(m, 0, 100.0);
  EXPECT_DOUBLE_EQ(big[0][1], 9.0);
  EXPECT_DOUBLE_EQ(big[1][0], 1.0 / 9.0);
}
