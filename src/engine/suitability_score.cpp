// Weights, the weighted map, and scores and ranks of candidates: the arithmetic of suitability,
// shared by the job and the what-if path (rescore_candidates).
#include "engine/suitability.hpp"

#include <fmt/core.h>
#include <gdal_alg.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "engine/clearance_job.hpp"
#include "engine/score_function.hpp"
#include "io/layer.hpp"
#include "io/raster.hpp"

namespace siteplan::engine {

std::pair<double, double> rule_overlap(const Candidate& c, std::size_t rule_index) {
  double m2 = 0, pct = 0;
  for (const auto& o : c.overlaps)
    if (o.rule_index == rule_index) {
      m2 += o.area_m2;
      pct += o.pct;
    }
  return {m2, pct};
}

std::vector<double> resolve_weights(const Project& p, std::optional<AhpResult>& ahp_out) {
  const auto& s = p.suitability;
  std::vector<double> w(p.factors.size(), 0.0);
  if (!s.ahp_matrix.empty()) {
    std::vector<std::string> ids = s.ahp_factors;
    if (ids.empty())
      for (const auto& f : p.factors) ids.push_back(f.id);
    if (ids.size() != s.ahp_matrix.size())
      throw InputError(fmt::format("{}: ahp_matrix has {} rows but {} factors are compared",
                                   s.pos.str(), s.ahp_matrix.size(), ids.size()));
    AhpResult r = ahp(s.ahp_matrix);
    if (r.cr > 0.10) {
      throw InputError(fmt::format(
          "{}: the AHP matrix is inconsistent: CR = {:.3f} > 0.10; the most inconsistent pair is "
          "'{}' vs '{}' (judged {:.3g}, the weights imply {:.3g}) — revise that comparison",
          s.pos.str(), r.cr, ids[r.worst_i], ids[r.worst_j], s.ahp_matrix[r.worst_i][r.worst_j],
          r.weights[r.worst_i] / r.weights[r.worst_j]));
    }
    for (std::size_t k = 0; k < ids.size(); ++k) {
      auto it = std::find_if(p.factors.begin(), p.factors.end(),
                             [&](const FactorSpec& f) { return f.id == ids[k]; });
      if (it == p.factors.end())
        throw InputError(
            fmt::format("{}: ahp_factors names '{}', which is not a factor", s.pos.str(), ids[k]));
      w[static_cast<std::size_t>(it - p.factors.begin())] = r.weights[k];
    }
    ahp_out = r;
    return w;
  }
  double sum = 0;
  for (std::size_t i = 0; i < p.factors.size(); ++i) {
    w[i] = p.factors[i].weight;
    sum += w[i];
  }
  if (!(sum > 0)) throw InputError(fmt::format("{}: every factor weight is 0", p.path));
  if (std::fabs(sum - 1.0) > 1e-6) {
    if (!s.normalize)
      throw InputError(
          fmt::format("{}: factor weights sum to {:.6g}, not 1; fix them or set normalize = "
                      "true in [suitability] to rescale",
                      p.path, sum));
    for (auto& x : w) x /= sum;
  }
  return w;
}

void weighted_map(const std::vector<const Raster*>& scores, const std::vector<double>& weights,
                  const std::vector<std::uint8_t>& state, Raster& out) {
  const std::size_t n = state.size();
  out.assign(n, kNoData);
  std::vector<float> w(weights.begin(), weights.end());
  for (std::size_t i = 0; i < n; ++i) {
    if (state[i] == kOutside) continue;
    if (state[i] == kBlocked) {
      out[i] = -1.0f;
      continue;
    }
    float acc = 0;
    for (std::size_t k = 0; k < scores.size(); ++k) acc += w[k] * (*scores[k])[i];
    out[i] = acc;  // NaN propagates where a factor has no data
  }
}

namespace {

bool rank_less(const Candidate& a, const Candidate& b) {
  auto cls = [](const Candidate& c) { return !io::usable(c.status) ? 2 : (c.blocked ? 1 : 0); };
  if (cls(a) != cls(b)) return cls(a) < cls(b);
  if (a.score != b.score) return a.score > b.score;
  if (a.area_m2 != b.area_m2) return a.area_m2 > b.area_m2;
  return a.id < b.id;
}

void score_and_rank(SuitabilityResult& r, const std::vector<double>& w) {
  for (auto& c : r.candidates) {
    if (!io::usable(c.status)) continue;
    c.parts.assign(w.size(), 0.0);
    c.base_score = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
      double s = c.values[k].score;
      c.parts[k] = std::isnan(s) ? 0.0 : w[k] * s;
      c.base_score += c.parts[k];
    }
    c.penalty = 0;
    for (const auto& o : c.overlaps)
      c.penalty += r.rules[o.rule_index].penalty_per_share * o.pct / 100.0;
    c.score = std::max(0.0, c.base_score - c.penalty);
  }
  std::stable_sort(r.candidates.begin(), r.candidates.end(), rank_less);
  int rank = 0;
  for (auto& c : r.candidates) c.rank = io::usable(c.status) ? ++rank : 0;
}

}  // namespace

void rescore_candidates(SuitabilityResult& result, const std::vector<double>& weights) {
  score_and_rank(result, weights);
}

void weight_sensitivity(SuitabilityResult& r, std::uint64_t seed) {
  if (r.sensitivity_runs <= 0) return;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(1.0 - r.sensitivity_spread, 1.0 + r.sensitivity_spread);
  std::vector<int> in_top(r.candidates.size(), 0);
  std::vector<std::size_t> order(r.candidates.size());
  std::vector<double> run_scores(r.candidates.size());
  for (int run = 0; run < r.sensitivity_runs; ++run) {
    std::vector<double> w = r.weights;
    double sum = 0;
    for (auto& x : w) sum += (x *= u(rng));
    for (auto& x : w) x /= sum;
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
      const auto& c = r.candidates[i];
      double s = 0;
      for (std::size_t k = 0; k < w.size() && k < c.values.size(); ++k)
        if (!std::isnan(c.values[k].score)) s += w[k] * c.values[k].score;
      run_scores[i] = std::max(0.0, s - c.penalty);
    }
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const auto& ca = r.candidates[a];
      const auto& cb = r.candidates[b];
      bool ra = io::usable(ca.status) && !ca.blocked, rb = io::usable(cb.status) && !cb.blocked;
      if (ra != rb) return ra;
      if (run_scores[a] != run_scores[b]) return run_scores[a] > run_scores[b];
      return a < b;
    });
    for (int k = 0; k < r.top_k && k < static_cast<int>(order.size()); ++k)
      if (io::usable(r.candidates[order[k]].status) && !r.candidates[order[k]].blocked)
        in_top[order[k]]++;
  }
  for (std::size_t i = 0; i < r.candidates.size(); ++i)
    r.candidates[i].robust_share = static_cast<double>(in_top[i]) / r.sensitivity_runs;
}

void reweight(SuitabilityResult& r, const std::vector<double>& weights) {
  WhatIfChange change;
  change.old_weights = r.weights;
  std::map<std::string, int> old_rank;
  for (const auto& c : r.candidates)
    if (c.rank > 0) old_rank[c.id] = c.rank;
  r.weights = weights;
  weighted_map(r.factors, weights, r.score_map);
  rescore_candidates(r, weights);
  for (const auto& c : r.candidates) {
    auto it = old_rank.find(c.id);
    const int before = it == old_rank.end() ? 0 : it->second;
    const bool was_top = before > 0 && before <= r.top_k;
    const bool is_top = c.rank > 0 && c.rank <= r.top_k;
    if (was_top || is_top) change.moves.push_back({c.id, before, c.rank});
  }
  // Those that left the top K are listed too (their new rank is below it).
  std::sort(change.moves.begin(), change.moves.end(), [](const RankMove& a, const RankMove& b) {
    auto key = [](const RankMove& m) { return m.new_rank > 0 ? m.new_rank : 1 << 30; };
    if (key(a) != key(b)) return key(a) < key(b);
    return a.id < b.id;
  });
  r.what_if = std::move(change);
}

}  // namespace siteplan::engine
