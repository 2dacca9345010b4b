#include <fmt/core.h>

#include <cmath>

#include "core/text.hpp"
#include "export/suitability_outputs.hpp"

namespace siteplan::out {

namespace {
std::string num(double v, int decimals) {
  if (std::isnan(v)) return "";
  return fmt::format("{:.{}f}", v, decimals);
}
}  // namespace

std::string ranking_csv(const engine::SuitabilityResult& r) {
  std::string out =
      "rank,cand_id,name,origin,status,score,base_score,penalty,area_ha,compactness,blocked";
  for (const auto& id : r.factor_ids) out += fmt::format(",{0}_raw,{0}_score,{0}_part", id);
  for (const auto& rule : r.rules) out += fmt::format(",{0}_m2,{0}_pct", rule.id);
  out += ",robust_share";
  for (const auto& name : r.attribute_names) {
    out += ',';
    out += text::csv_field(name);
  }
  out += '\n';
  for (const auto& c : r.candidates) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}", c.rank, text::csv_field(c.id),
                       text::csv_field(c.name), c.origin, io::to_string(c.status), num(c.score, 6),
                       num(c.base_score, 6), num(c.penalty, 6), num(c.area_m2 / 1e4, 4),
                       num(c.compactness, 4), c.blocked ? "yes" : "no");
    for (std::size_t k = 0; k < r.factor_ids.size(); ++k) {
      if (k < c.values.size()) {
        const auto& v = c.values[k];
        out += fmt::format(",{},{},{}",
                           v.raw_text.empty() ? num(v.raw, 4) : text::csv_field(v.raw_text),
                           num(v.score, 6), num(c.parts.size() > k ? c.parts[k] : std::nan(""), 6));
      } else {
        out += ",,,";
      }
    }
    for (std::size_t ri = 0; ri < r.rules.size(); ++ri) {
      auto [m2, pct] = engine::rule_overlap(c, ri);
      out += fmt::format(",{:.3f},{:.4f}", m2, pct);
    }
    out += c.robust_share >= 0 ? fmt::format(",{:.4f}", c.robust_share) : ",";
    for (std::size_t k = 0; k < r.attribute_names.size(); ++k) {
      out += ',';
      if (k < c.attributes.size()) out += text::csv_field(c.attributes[k]);
    }
    out += '\n';
  }
  return out;
}

}  // namespace siteplan::out
