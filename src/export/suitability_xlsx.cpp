// ranking.xlsx: the ranking.csv rows with Chinese headers, for the 选址论证 report.
#include <fmt/core.h>

#include <cmath>

#include "export/report_common.hpp"
#include "export/suitability_outputs.hpp"

namespace siteplan::out {

namespace {
Cell real(double v, int decimals) {
  return std::isnan(v) ? Cell{} : Cell{round_to(v, decimals)};
}
Cell text_cell(const std::string& s) {
  return s.empty() ? Cell{} : Cell{s};
}
}  // namespace

Table ranking_table(const engine::SuitabilityResult& r) {
  using T = Table::Type;
  Table t;
  t.sheet = "候选地块排名";
  t.columns = {{"排名", T::Integer},    {"编号", T::Text},     {"名称", T::Text},
               {"来源", T::Text},       {"几何状态", T::Text}, {"得分", T::Real},
               {"基础得分", T::Real},   {"扣分", T::Real},     {"面积(平方米)", T::Real},
               {"面积(公顷)", T::Real}, {"紧凑度", T::Real},   {"压占禁止区", T::Text}};
  for (std::size_t k = 0; k < r.factor_ids.size(); ++k) {
    const std::string& name = r.factor_names[k];
    t.columns.push_back({name + " 原始值", T::Text});
    t.columns.push_back({name + " 得分", T::Real});
    t.columns.push_back({name + " 贡献", T::Real});
  }
  for (const auto& rule : r.rules) {
    const std::string& name = rule.name.empty() ? rule.id : rule.name;
    t.columns.push_back({name + " 压占(平方米)", T::Real});
    t.columns.push_back({name + " 占比(%)", T::Real});
  }
  t.columns.push_back({"稳健度", T::Real});
  for (const auto& name : r.attribute_names) t.columns.push_back({name, T::Text});
  for (const auto& c : r.candidates) {
    std::vector<Cell> row{c.rank > 0 ? Cell{static_cast<long long>(c.rank)} : Cell{},
                          text_cell(c.id),
                          text_cell(c.name),
                          text_cell(c.origin == "given" ? "拟选址" : "推导"),
                          text_cell(io::to_string(c.status)),
                          real(c.score, 6),
                          real(c.base_score, 6),
                          real(c.penalty, 6),
                          real(c.area_m2, 4),
                          real(c.area_m2 / 1e4, 4),
                          real(c.compactness, 4),
                          text_cell(c.blocked ? "是" : "否")};
    for (std::size_t k = 0; k < r.factor_ids.size(); ++k) {
      if (k < c.values.size()) {
        const auto& v = c.values[k];
        row.push_back(v.raw_text.empty()
                          ? (std::isnan(v.raw) ? Cell{} : Cell{fmt::format("{:.4f}", v.raw)})
                          : Cell{v.raw_text});
        row.push_back(real(v.score, 6));
        row.push_back(real(k < c.parts.size() ? c.parts[k] : std::nan(""), 6));
      } else {
        row.insert(row.end(), {Cell{}, Cell{}, Cell{}});
      }
    }
    for (std::size_t ri = 0; ri < r.rules.size(); ++ri) {
      auto [m2, pct] = engine::rule_overlap(c, ri);
      row.push_back(real(m2, 4));
      row.push_back(real(pct, 4));
    }
    row.push_back(c.robust_share >= 0 ? real(c.robust_share, 4) : Cell{});
    for (std::size_t k = 0; k < r.attribute_names.size(); ++k)
      row.push_back(k < c.attributes.size() ? text_cell(c.attributes[k]) : Cell{});
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace siteplan::out
