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
