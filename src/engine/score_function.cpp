#include "engine/score_function.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace siteplan::engine {

double score_value(const ScoreSpec& s, double v) {
  if (std::isnan(v)) return v;
  if (s.kind == "linear") {
    double t = (v - s.zero_at) / (s.one_at - s.zero_at);
    return std::clamp(t, 0.0, 1.0);
  }
  if (s.kind == "table") {
    if (v <= s.table.front().first) return std::clamp(s.table.front().second, 0.0, 1.0);
    if (v >= s.table.back().first) return std::clamp(s.table.back().second, 0.0, 1.0);
    for (std::size_t i = 1; i < s.table.size(); ++i) {
      if (v <= s.table[i].first) {
        auto [x0, y0] = s.table[i - 1];
        auto [x1, y1] = s.table[i];
        return std::clamp(y0 + (y1 - y0) * (v - x0) / (x1 - x0), 0.0, 1.0);
      }
    }
    return std::clamp(s.table.back().second, 0.0, 1.0);
  }
  if (s.kind == "sigmoid") {
    double z = (v - s.midpoint) / s.spread;
    double up = 1.0 / (1.0 + std::exp(-z));
    return s.increasing ? up : 1.0 - up;
  }
  if (s.kind == "gaussian") {
    double z = (v - s.midpoint) / s.spread;
    return std::exp(-0.5 * z * z);
  }
  return std::nan("");
}

double score_category(const ScoreSpec& s, const std::string& value) {
  for (const auto& [k, sc] : s.categories)
    if (k == value) return std::clamp(sc, 0.0, 1.0);
  return std::clamp(s.other, 0.0, 1.0);
}

std::string describe(const ScoreSpec& s) {
  if (s.kind == "linear") return fmt::format("linear: {} → 0, {} → 1", s.zero_at, s.one_at);
  if (s.kind == "table") {
    std::string t = "table:";
    for (auto [x, y] : s.table) t += fmt::format(" {}→{}", x, y);
    return t;
  }
  if (s.kind == "sigmoid")
    return fmt::format("sigmoid: midpoint {}, spread {}, {}", s.midpoint, s.spread,
                       s.increasing ? "increasing" : "decreasing");
  if (s.kind == "gaussian")
    return fmt::format("gaussian: centre {}, spread {}", s.midpoint, s.spread);
  std::string t = "category:";
  for (const auto& [k, v] : s.categories) t += fmt::format(" {}={}", k, v);
  return t + fmt::format(" other={}", s.other);
}

}  // namespace siteplan::engine
