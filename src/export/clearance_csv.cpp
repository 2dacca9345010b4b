#include <fmt/core.h>

#include "core/text.hpp"
#include "export/clearance_outputs.hpp"
#include "export/land_class.hpp"

namespace siteplan::out {

std::string overlap_rule_id(const engine::RuleLayer& rule, const engine::Overlap& o) {
  return rule.breakdown ? rule.id + ":" + o.class_value : rule.id;
}

std::string overlap_rule_name(const engine::RuleLayer& rule, const engine::Overlap& o) {
  if (!rule.breakdown) return rule.name;
  std::string name = land_class_name(o.class_value);
  return name.empty() ? rule.name : name;
}

std::string overlaps_csv(const engine::ClearanceResult& r) {
  const auto& rules = *r.rules;
  std::string out =
      "parcel_id,rule_id,severity,overlap_m2,overlap_pct,overlap_ellipsoidal_m2,rule_name,basis,"
      "source\n";
  for (const auto& p : r.parcels) {
    for (const auto& o : p.overlaps) {
      const auto& rule = rules[o.rule_index];
      out += fmt::format("{},{},{},{:.6f},{:.6f},{:.6f},{},{},{}\n", text::csv_field(p.id),
                         text::csv_field(overlap_rule_id(rule, o)), to_string(rule.severity),
                         o.area_m2, o.pct, o.ellipsoidal_m2, text::csv_field(rule.name),
                         text::csv_field(rule.basis), text::csv_field(rule.source));
    }
  }
  return out;
}

std::string parcels_csv(const engine::ClearanceResult& r, const ParcelAttributes* attrs) {
  std::string out =
      "parcel_id,area_m2,verdict,area_ellipsoidal_m2,outside_m2,geometry_status,deciding_rules,"
      "name,problem";
  const std::size_t nattr = attrs ? attrs->names.size() : 0;
  for (std::size_t k = 0; k < nattr; ++k) {
    out += ',';
    out += text::csv_field(attrs->names[k]);
  }
  out += "\n";
  for (std::size_t i = 0; i < r.parcels.size(); ++i) {
    const auto& p = r.parcels[i];
    std::string deciding;
    for (const auto& d : p.deciding_rules) {
      if (!deciding.empty()) deciding += ';';
      deciding += d;
    }
    out += fmt::format("{},{:.6f},{},{:.6f},{:.6f},{},{},{},{}", text::csv_field(p.id), p.area_m2,
                       engine::to_string(p.verdict), p.ellipsoidal_m2, p.outside_m2,
                       io::to_string(p.status), text::csv_field(deciding), text::csv_field(p.name),
                       text::csv_field(p.problem));
    for (std::size_t k = 0; k < nattr; ++k) {
      out += ',';
      out += text::csv_field(attrs->value(i, k));
    }
    out += "\n";
  }
  return out;
}

}  // namespace siteplan::out
