// The exact distance transform against brute force.
#include "engine/edt.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace siteplan::engine;

namespace {
std::vector<double> brute_force(const std::vector<std::uint8_t>& mask, int rows, int nx) {
  std::vector<double> out(mask.size(), std::numeric_limits<double>::infinity());
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < nx; ++c)
      for (int fr = 0; fr < rows; ++fr)
        for (int fc = 0; fc < nx; ++fc)
          if (mask[static_cast<std::size_t>(fr) * nx + fc]) {
            const double d = double(r - fr) * (r - fr) + double(c - fc) * (c - fc);
            double& o = out[static_cast<std::size_t>(r) * nx + c];
            if (d < o) o = d;
          }
  return out;
}
}  // namespace

TEST(Edt, EqualsBruteForceOnRandomMasks) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 60; ++trial) {
    const int rows = 1 + static_cast<int>(rng() % 40), nx = 1 + static_cast<int>(rng() % 40);
    // From empty to dense: single points, sparse noise, lines.
    const double density = trial % 3 == 0 ? 0.002 : (trial % 3 == 1 ? 0.03 : 0.4);
    std::bernoulli_distribution b(density);
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(rows) * nx);
    for (auto& m : mask) m = b(rng) ? 1 : 0;
    if (trial % 5 == 0)
      for (int c = 0; c < nx; ++c) mask[static_cast<std::size_t>(rows / 2) * nx + c] = 1;
    const auto fast = squared_edt(mask, rows, nx);
    const auto slow = brute_force(mask, rows, nx);
    for (std::size_t i = 0; i < mask.size(); ++i)
      ASSERT_EQ(fast[i], slow[i]) << "trial " << trial << " cell " << i;
  }
}

TEST(Edt, DiagonalIsExactNotChamfer) {
  // One feature cell: the cell 3 right and 4 down is exactly 5 cells away (25 cells²).
  std::vector<std::uint8_t> mask(10 * 10, 0);
  mask[0] = 1;
  const auto d = squared_edt(mask, 10, 10);
  EXPECT_EQ(d[4 * 10 + 3], 25.0);
  EXPECT_EQ(d[9 * 10 + 9], 162.0);
  EXPECT_EQ(d[0], 0.0);
}

TEST(Edt, NoFeatureIsInfinite) {
  std::vector<std::uint8_t> mask(6, 0);
  for (double v : squared_edt(mask, 2, 3)) EXPECT_TRUE(std::isinf(v));
}

TEST(Edt, VerticalPassOfARowRangeEqualsTheWholeWindow) {
  std::mt19937 rng(5);
  std::bernoulli_distribution b(0.02);
  const int rows = 50, nx = 17;
  std::vector<std::uint8_t> mask(rows * nx);
  for (auto& m : mask) m = b(rng) ? 1 : 0;
  std::vector<std::uint16_t> whole(rows * nx), part(10 * nx);
  vertical_distances(mask.data(), rows, nx, 0, rows, whole.data());
  vertical_distances(mask.data(), rows, nx, 20, 30, part.data());
  for (int i = 0; i < 10 * nx; ++i) EXPECT_EQ(part[i], whole[20 * nx + i]);
}
