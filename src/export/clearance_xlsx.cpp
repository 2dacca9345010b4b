// The clearance tables as planners paste them into a 用地预审 report: Chinese headers, areas in
// m² and 公顷 (4 decimals), one row per row of overlaps.csv / parcels.csv, in the same order.
#include "core/text.hpp"
#include "export/clearance_outputs.hpp"
#include "export/land_class.hpp"
#include "export/report_common.hpp"

namespace siteplan::out {

namespace {
using T = Table::Type;
Cell text_cell(const std::string& s) {
  return s.empty() ? Cell{} : Cell{s};
}
Cell m2(double v) {
  return round_to(v, 4);
}
Cell ha(double v) {
  return round_to(v / 10000.0, 4);
}
}  // namespace

std::vector<Table::Column> overlaps_columns() {
  return {{"地块编号", T::Text},       {"地块名称", T::Text}, {"规则", T::Text},
          {"规则名称", T::Text},       {"严重程度", T::Text}, {"压占面积(平方米)", T::Real},
          {"压占面积(公顷)", T::Real}, {"占比(%)", T::Real},  {"椭球面积(平方米)", T::Real},
          {"椭球面积(公顷)", T::Real}, {"依据", T::Text},     {"数据来源", T::Text}};
}

void add_overlap_rows(const engine::ParcelResult& p, const std::vector<engine::RuleLayer>& rules,
                      std::vector<std::vector<Cell>>& rows) {
  for (const auto& o : p.overlaps) {
    const auto& rule = rules[o.rule_index];
    rows.push_back({text_cell(p.id), text_cell(p.name), text_cell(overlap_rule_id(rule, o)),
                    text_cell(rule.breakdown ? land_class_label(o.class_value) : rule.name),
                    text_cell(rule.breakdown ? "地类" : severity_zh(rule.severity)), m2(o.area_m2),
                    ha(o.area_m2), round_to(o.pct, 4), m2(o.ellipsoidal_m2), ha(o.ellipsoidal_m2),
                    text_cell(rule.basis), text_cell(rule.source)});
  }
}

Table overlaps_table(const engine::ClearanceResult& r) {
  Table t;
  t.sheet = kOverlapsSheet;
  t.columns = overlaps_columns();
  for (const auto& p : r.parcels) add_overlap_rows(p, *r.rules, t.rows);
  return t;
}

Table parcels_table(const engine::ClearanceResult& r, const ParcelAttributes* attrs) {
  Table t;
  t.sheet = "地块结论表";
  t.columns = {{"地块编号", T::Text},
               {"地块名称", T::Text},
               {"结论", T::Text},
               {"结论代码", T::Text},
               {"面积(平方米)", T::Real},
               {"面积(公顷)", T::Real},
               {"椭球面积(平方米)", T::Real},
               {"椭球面积(公顷)", T::Real},
               {"超出数据范围面积(平方米)", T::Real},
               {"几何状态", T::Text},
               {"决定规则", T::Text},
               {"问题", T::Text}};
  const std::size_t nattr = attrs ? attrs->names.size() : 0;
  for (std::size_t k = 0; k < nattr; ++k) t.columns.push_back({attrs->names[k], T::Text});
  for (std::size_t i = 0; i < r.parcels.size(); ++i) {
    const auto& p = r.parcels[i];
    std::string deciding;
    for (const auto& d : p.deciding_rules) deciding += (deciding.empty() ? "" : ";") + d;
    std::vector<Cell> row{text_cell(p.id),
                          text_cell(p.name),
                          text_cell(verdict_zh(p.verdict)),
                          text_cell(engine::to_string(p.verdict)),
                          m2(p.area_m2),
                          ha(p.area_m2),
                          m2(p.ellipsoidal_m2),
                          ha(p.ellipsoidal_m2),
                          m2(p.outside_m2),
                          text_cell(io::to_string(p.status)),
                          text_cell(deciding),
                          text_cell(p.problem)};
    for (std::size_t k = 0; k < nattr; ++k) row.push_back(text_cell(attrs->value(i, k)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table groups_table(const std::vector<GroupSummary>& groups, const std::string& field) {
  Table t;
  t.sheet = "分组汇总";
  t.columns = {{field.empty() ? std::string("分组") : field, T::Text},
               {"地块数", T::Integer},
               {"总面积(公顷)", T::Real}};
  static const char* kVerdicts[] = {"blocked", "unchecked", "approval", "clear", "invalid"};
  static const char* kZh[] = {"不可用", "未核查", "需审批", "无冲突", "几何无效"};
  for (int k = 0; k < 5; ++k) {
    t.columns.push_back({std::string(kZh[k]) + "(宗)", T::Integer});
    t.columns.push_back({std::string(kZh[k]) + "(公顷)", T::Real});
  }
  t.columns.push_back({"压占禁止区(公顷)", T::Real});
  t.columns.push_back({"压占需审批区(公顷)", T::Real});
  for (const auto& g : groups) {
    std::vector<Cell> row{g.group.empty() ? Cell{std::string("(空)")} : Cell{g.group},
                          static_cast<long long>(g.parcels), ha(g.area_m2)};
    for (const char* v : kVerdicts) {
      auto c = g.count.find(v);
      auto a = g.area.find(v);
      const long long n = c == g.count.end() ? 0 : static_cast<long long>(c->second);
      row.emplace_back(std::in_place_type<long long>, n);
      row.push_back(ha(a == g.area.end() ? 0.0 : a->second));
    }
    row.push_back(ha(g.block_overlap_m2));
    row.push_back(ha(g.approval_overlap_m2));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace siteplan::out
