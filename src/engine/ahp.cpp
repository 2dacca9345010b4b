#include "engine/ahp.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace siteplan::engine {

double random_index(std::size_t n) {
  // Saaty's random consistency indices.
  static const double ri[] = {0,    0,    0,    0.58, 0.90, 1.12, 1.24, 1.32,
                              1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
  return n < sizeof(ri) / sizeof(ri[0]) ? ri[n] : 1.59;
}

std::vector<std::vector<double>> scale_judgements(std::vector<std::vector<double>> m, std::size_t i,
                                                  double factor) {
  if (i >= m.size()) return m;
  for (std::size_t j = 0; j < m.size(); ++j) {
    if (j == i || j >= m[i].size() || i >= m[j].size()) continue;
    m[i][j] = std::clamp(m[i][j] * factor, 1.0 / 9.0, 9.0);
    m[j][i] = 1.0 / m[i][j];
  }
  return m;
}

AhpResult ahp(const std::vector<std::vector<double>>& a) {
  const std::size_t n = a.size();
  if (n == 0) throw InputError("AHP matrix is empty");
  // The whole shape first: the reciprocity check below reads a[j][i] for every j.
  for (std::size_t i = 0; i < n; ++i)
    if (a[i].size() != n)
      throw InputError(
          fmt::format("AHP matrix row {} has {} entries, expected {}", i + 1, a[i].size(), n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (!(a[i][j] > 0) || !std::isfinite(a[i][j]))
        throw InputError(
            fmt::format("AHP matrix entry ({},{}) must be a finite number > 0", i + 1, j + 1));
      if (std::fabs(a[i][j] * a[j][i] - 1.0) > 1e-3)
        throw InputError(fmt::format("AHP matrix is not reciprocal at ({},{}): {} × {} != 1", i + 1,
                                     j + 1, a[i][j], a[j][i]));
    }
  AhpResult r;
  std::vector<double> w(n, 1.0 / static_cast<double>(n)), next(n);
  for (int iter = 0; iter < 1000; ++iter) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      next[i] = 0;
      for (std::size_t j = 0; j < n; ++j) next[i] += a[i][j] * w[j];
      sum += next[i];
    }
    double delta = 0;
    for (std::size_t i = 0; i < n; ++i) {
      next[i] /= sum;
      delta = std::max(delta, std::fabs(next[i] - w[i]));
    }
    w = next;
    if (delta < 1e-14) break;
  }
  r.weights = w;
  double lambda = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double row = 0;
    for (std::size_t j = 0; j < n; ++j) row += a[i][j] * w[j];
    lambda += row / w[i];
  }
  r.lambda_max = lambda / static_cast<double>(n);
  r.ci = n > 1 ? (r.lambda_max - static_cast<double>(n)) / static_cast<double>(n - 1) : 0.0;
  double ri = random_index(n);
  r.cr = ri > 0 ? r.ci / ri : 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      double ratio = a[i][j] * w[j] / w[i];
      double dev = std::max(ratio, 1.0 / ratio);
      if (dev > r.worst_ratio) {
        r.worst_ratio = dev;
        r.worst_i = static_cast<int>(i);
        r.worst_j = static_cast<int>(j);
      }
    }
  return r;
}

}  // namespace siteplan::engine
