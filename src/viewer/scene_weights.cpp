// The viewer's what-if: weights changed live on a suitability result (run.json + factors.tif),
// the map and candidates re-scored in memory, the parcels recoloured, the panel updated.
#include <fmt/format.h>
#include <vtkTextActor.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "engine/ahp.hpp"
#include "export/map_tiles.hpp"
#include "export/suitability_outputs.hpp"
#include "viewer/scene.hpp"

namespace siteplan::viewer {

void Scene::load_whatif() {
  if (!results_ || !results_->has_scores) return;
  if (!std::filesystem::exists(results_->dir + "/run.json") ||
      out::factors_raster(results_->dir).empty())
    return;
  try {
    whatif_ = std::make_shared<engine::SuitabilityResult>(out::read_suitability_run(results_->dir));
  } catch (const Error& e) {
    log::warn("what-if weights unavailable: {}", e.what());
    return;
  }
  for (const auto& c : whatif_->candidates)
    if (c.rank > 0) run_rank_[c.id] = c.rank;
  live_score_.assign(results_->parcels.size(), -1.0);
  for (std::size_t i = 0; i < results_->parcels.size(); ++i)
    live_score_[i] = results_->parcels[i].score;
  if (weights_) {
    weights_->SetInput(weights_text().c_str());
    weights_->SetVisibility(!print_);
  }
}

double Scene::parcel_score(std::size_t i) const {
  if (i < live_score_.size()) return live_score_[i];
  return i < results_->parcels.size() ? results_->parcels[i].score : -1.0;
}

void Scene::apply_weights(const std::vector<double>& w) {
  engine::reweight(*whatif_, w);
  std::map<std::string, const engine::Candidate*> by_id;
  for (const auto& c : whatif_->candidates) by_id[c.id] = &c;
  for (std::size_t i = 0; i < results_->parcels.size(); ++i) {
    auto it = by_id.find(results_->parcels[i].id);
    if (it != by_id.end()) live_score_[i] = it->second->rank > 0 ? it->second->score : -1.0;
  }
  if (weights_) weights_->SetInput(weights_text().c_str());
  recolor();
}

void Scene::select_factor(int step) {
  if (!whatif_) return;
  const int n = static_cast<int>(whatif_->factor_ids.size());
  factor_sel_ = ((factor_sel_ + step) % n + n) % n;
  if (weights_) weights_->SetInput(weights_text().c_str());
}

void Scene::scale_weight(double factor) {
  if (!whatif_) return;
  const auto k = static_cast<std::size_t>(factor_sel_);
  std::vector<double> w = whatif_->weights;
  if (!whatif_->ahp_matrix.empty()) {
    // AHP: the chosen factor's judgements against every other scaled (its row × f, its column
    // ÷ f): the matrix stays reciprocal and as consistent as it was; weights and CR from it.
    const auto& ids = whatif_->ahp_ids;
    auto at = std::find(ids.begin(), ids.end(), whatif_->factor_ids[k]);
    if (at == ids.end()) return;
    const auto i = static_cast<std::size_t>(at - ids.begin());
    auto m = engine::scale_judgements(whatif_->ahp_matrix, i, factor);
    engine::AhpResult a = engine::ahp(m);
    std::fill(w.begin(), w.end(), 0.0);
    for (std::size_t q = 0; q < ids.size(); ++q) {
      auto f = std::find(whatif_->factor_ids.begin(), whatif_->factor_ids.end(), ids[q]);
      if (f != whatif_->factor_ids.end())
        w[static_cast<std::size_t>(f - whatif_->factor_ids.begin())] = a.weights[q];
    }
    whatif_->ahp_matrix = m;
    whatif_->ahp = a;
  } else {
    w[k] = std::max(w[k] * factor, 1e-3);
    double sum = 0;
    for (double x : w) sum += x;
    for (auto& x : w) x /= sum;
  }
  apply_weights(w);
}

void Scene::set_weights(const std::vector<std::pair<std::string, double>>& weights) {
  if (!whatif_)
    throw InputError(
        "no what-if here: --weight needs a suitability result with run.json and factors.tif");
  std::vector<double> w = whatif_->weights;
  const auto& ids = whatif_->factor_ids;
  for (const auto& [id, v] : weights) {
    auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end())
      throw InputError(
          fmt::format("--weight {}: no such factor (nearest: '{}')", id, text::nearest(id, ids)));
    if (!std::isfinite(v) || v < 0) throw InputError(fmt::format("--weight {}: not a weight", id));
    w[static_cast<std::size_t>(it - ids.begin())] = v;
  }
  double sum = 0;
  for (double x : w) sum += x;
  if (!(sum > 0)) throw InputError("every factor weight is 0");
  for (auto& x : w) x /= sum;
  whatif_->ahp_matrix.clear();  // direct weights from here on
  whatif_->ahp.reset();
  apply_weights(w);
}

std::vector<std::string> Scene::top10() const {
  std::vector<std::string> out;
  if (!whatif_) return out;
  for (const auto& c : whatif_->candidates) {
    if (c.rank <= 0 || c.rank > 10) continue;
    auto it = run_rank_.find(c.id);
    const int was = it == run_rank_.end() ? 0 : it->second;
    out.push_back(fmt::format("{:2d} {} {:.3f}{}", c.rank, c.id, c.score,
                              was == c.rank ? ""
                              : was == 0    ? " (new)"
                                            : fmt::format(" (was {})", was)));
  }
  return out;
}

std::string Scene::weights_text() const {
  if (!whatif_) return "";
  std::string t = "权重 weights (w: factor, [ ]: down / up)\n";
  for (std::size_t k = 0; k < whatif_->factor_ids.size(); ++k)
    t += fmt::format("{} {:<12} {:.3f}\n", static_cast<int>(k) == factor_sel_ ? ">" : " ",
                     whatif_->factor_ids[k], whatif_->weights[k]);
  if (whatif_->ahp)
    t += fmt::format("AHP CR = {:.3f}{}\n", whatif_->ahp->cr,
                     whatif_->ahp->cr > 0.10 ? " (> 0.10: inconsistent)" : "");
  t += "top 10:\n";
  for (const auto& line : top10()) t += line + "\n";
  std::vector<std::string> left;
  for (const auto& [id, r] : run_rank_)
    if (r <= 10) {
      bool still = false;
      for (const auto& c : whatif_->candidates)
        if (c.id == id) still = c.rank > 0 && c.rank <= 10;
      if (!still) left.push_back(id);
    }
  if (!left.empty()) t += "left the top 10: " + fmt::format("{}", fmt::join(left, ", ")) + "\n";
  return t;
}

}  // namespace siteplan::viewer
