#pragma once
// Analytic Hierarchy Process: weights from a pairwise comparison matrix (principal eigenvector),
// with Saaty's consistency ratio and the pair that departs most from the derived weights.
#include <string>
#include <vector>

namespace siteplan::engine {

struct AhpResult {
  std::vector<double> weights;  // sum to 1
  double lambda_max = 0;
  double ci = 0;                   // consistency index (λmax − n)/(n − 1)
  double cr = 0;                   // consistency ratio CI / RI(n)
  int worst_i = -1, worst_j = -1;  // most inconsistent pair (a_ij vs w_i/w_j)
  double worst_ratio = 1;          // max(a_ij·w_j/w_i, its inverse)
};

// Throws InputError when the matrix is not square, not positive or not reciprocal.
AhpResult ahp(const std::vector<std::vector<double>>& matrix);
double random_index(std::size_t n);

// The what-if of an AHP profile (the viewer's weight keys): factor i's judgements against every
// other scaled by `factor` (row i × factor, column i ÷ factor, each kept within Saaty's 1/9..9).
// The matrix stays reciprocal, and a consistent one stays consistent.
std::vector<std::vector<double>> scale_judgements(std::vector<std::vector<double>> matrix,
                                                  std::size_t i, double factor);

}  // namespace siteplan::engine
