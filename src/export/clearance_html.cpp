#include <fmt/core.h>

#include <map>

#include "core/text.hpp"
#include "export/clearance_outputs.hpp"
#include "export/land_class.hpp"
#include "export/report_common.hpp"
#include "export/style.hpp"

namespace siteplan::out {

namespace {
using text::html_escape;

std::string badge(const std::string& label, const style::Rgb& c) {
  return fmt::format(R"(<span class="badge" style="background:{}">{}</span>)", c.hex(),
                     html_escape(label));
}

style::Rgb colour(const std::map<std::string, style::Rgb>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? style::Rgb{128, 128, 128} : it->second;
}

std::string ha(double m2) {
  return fmt::format("{:.4f}", m2 / 10000.0);
}

constexpr const char* kVerdicts[] = {"blocked", "unchecked", "approval", "clear", "invalid"};
constexpr const char* kVerdictZh[] = {"不可用", "未核查", "需审批", "无冲突", "几何无效"};

std::string group_summary_html(const engine::ClearanceResult& r, const ClearanceMeta& meta) {
  const auto& st = style::styles();
  auto groups = summarize_groups(r, meta.group_of);
  std::string h = fmt::format(
      "<h2>Summary by {0} 按{0}汇总</h2>\n<table><thead><tr><th>{0}</th><th>parcels "
      "地块数</th><th>area 面积 (ha)</th>",
      html_escape(meta.group_field));
  for (int k = 0; k < 5; ++k)
    h += fmt::format("<th>{} {}</th>", badge(kVerdicts[k], colour(st.verdict, kVerdicts[k])),
                     kVerdictZh[k]);
  h += "<th>on block land 压占禁止区 (ha)</th><th>on approval land 压占需审批区 (ha)</th>"
       "</tr></thead>\n";
  GroupSummary total;
  for (const auto& g : groups) {
    h += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                     g.group.empty() ? "<span class=\"muted\">(空)</span>" : html_escape(g.group),
                     g.parcels, ha(g.area_m2));
    total.parcels += g.parcels;
    total.area_m2 += g.area_m2;
    for (const char* v : kVerdicts) {
      auto c = g.count.find(v);
      auto a = g.area.find(v);
      const int n = c == g.count.end() ? 0 : c->second;
      const double m2 = a == g.area.end() ? 0.0 : a->second;
      total.count[v] += n;
      total.area[v] += m2;
      h += n ? fmt::format("<td class=\"num\">{}<br><span class=\"muted\">{} ha</span></td>", n,
                           ha(m2))
             : "<td class=\"num muted\">0</td>";
    }
    total.block_overlap_m2 += g.block_overlap_m2;
    total.approval_overlap_m2 += g.approval_overlap_m2;
    h += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                     ha(g.block_overlap_m2), ha(g.approval_overlap_m2));
  }
  h += fmt::format("<tr><th>total 合计</th><th class=\"num\">{}</th><th class=\"num\">{}</th>",
                   total.parcels, ha(total.area_m2));
  for (const char* v : kVerdicts)
    h += fmt::format("<th class=\"num\">{}<br><span class=\"muted\">{} ha</span></th>",
                     total.count[v], ha(total.area[v]));
  h += fmt::format("<th class=\"num\">{}</th><th class=\"num\">{}</th></tr>\n</table>\n",
                   ha(total.block_overlap_m2), ha(total.approval_overlap_m2));
  h += "<p class=\"muted\">Overlap sums add each rule's overlap; where two rules cover the same "
       "land it counts once per rule.</p>\n";
  return h;
}

// Land-use composition of all parcels together, one row per breakdown class.
std::string breakdown_html(const engine::ClearanceResult& r) {
  const auto& rules = *r.rules;
  struct Row {
    int parcels = 0;
    double m2 = 0;
  };
  std::map<std::pair<std::size_t, std::string>, Row> rows;
  for (const auto& p : r.parcels)
    for (const auto& o : p.overlaps)
      if (rules[o.rule_index].breakdown) {
        auto& row = rows[{o.rule_index, o.class_value}];
        row.parcels++;
        row.m2 += o.area_m2;
      }
  if (rows.empty()) return "";
  std::string h =
      "<h2>Land-use composition 地类构成</h2>\n<table><thead><tr><th>breakdown</th><th>地类</th>"
      "<th>parcels 地块数</th><th>area 面积 (ha)</th></tr></thead>\n";
  for (const auto& [key, row] : rows)
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        html_escape(rules[key.first].id), html_escape(land_class_label(key.second)), row.parcels,
        ha(row.m2));
  h += "</table>\n";
  return h;
}
}  // namespace

std::string clearance_html(const engine::ClearanceResult& r, const ClearanceMeta& meta) {
  const auto& st = style::styles();
  const auto& rules = *r.rules;
  std::map<std::string, int> by_verdict;
  std::map<std::string, double> verdict_area;
  std::vector<int> rule_parcels(rules.size(), 0);
  std::vector<double> rule_area(rules.size(), 0.0);
  for (const auto& p : r.parcels) {
    by_verdict[engine::to_string(p.verdict)]++;
    verdict_area[engine::to_string(p.verdict)] += p.area_m2;
    std::vector<bool> seen(rules.size(), false);
    for (const auto& o : p.overlaps) {
      if (!seen[o.rule_index]) rule_parcels[o.rule_index]++;
      seen[o.rule_index] = true;
      rule_area[o.rule_index] += o.area_m2;
    }
  }

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += fmt::format("<title>{}</title>\n", html_escape(meta.title));
  h += report_css();
  h += "</head>\n<body>\n";
  h += fmt::format("<h1>{}</h1>\n", html_escape(meta.title));
  h += fmt::format(
      "<table class=\"meta\"><tr><th>报告类型</th><td>用地预审 / 合规性审查 (land "
      "clearance)</td></tr>\n<tr><th>run date 生成时间</th><td>{}</td></tr>\n"
      "<tr><th>generated by</th><td>{}</td></tr>\n<tr><th>parcels 地块</th><td>{} ({} "
      "parcels)</td></tr>\n<tr><th>working CRS 坐标系</th><td>{}</td></tr>\n"
      "<tr><th>coverage 数据范围</th><td>{}</td></tr></table>\n",
      html_escape(meta.run_date), html_escape(meta.generated_by), html_escape(meta.parcels),
      r.parcels.size(), html_escape(meta.crs_label), html_escape(meta.coverage));
  h += "<p class=\"muted\">Areas in hectares (公顷); planar in the working CRS and ellipsoidal "
       "(椭球面积) on its ellipsoid.</p>\n";
  h += map_figure_html(meta.map_png, "图 1 地块与约束图层 / parcels and constraints");

  if (by_verdict["unchecked"] > 0)
    h += fmt::format(
        "<p class=\"alarm\"><strong>{} parcels are UNCHECKED (未核查)</strong>: they reach "
        "outside the coverage — {} — where the rule data do not exist. They are not clear: "
        "extend the rule data or the coverage to them and run again.</p>\n",
        by_verdict["unchecked"], html_escape(meta.coverage));
  h += "<h2>Verdicts 结论</h2>\n<table><thead><tr><th>verdict</th><th>结论</th><th>parcels "
       "地块数</th><th>area 面积 (ha)</th></tr></thead>\n";
  for (int k = 0; k < 5; ++k)
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        badge(kVerdicts[k], colour(st.verdict, kVerdicts[k])), kVerdictZh[k],
        by_verdict[kVerdicts[k]], ha(verdict_area[kVerdicts[k]]));
  h += "</table>\n";

  if (!meta.group_field.empty()) h += group_summary_html(r, meta);

  h += "<h2>Rules 规则</h2>\n<table><thead><tr><th>rule</th><th>name</th><th>severity</th>"
       "<th>parcels touched</th><th>overlap (ha)</th><th>basis 依据</th><th>source</th></tr>"
       "</thead>\n";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td>{}</td><td class=\"muted\">{}</td></tr>\n",
        html_escape(rule.id), html_escape(rule.name),
        rule.breakdown
            ? std::string("breakdown 地类")
            : badge(to_string(rule.severity), colour(st.severity, to_string(rule.severity))),
        rule_parcels[i], ha(rule_area[i]), html_escape(rule.basis), html_escape(rule.source));
  }
  h += "</table>\n";
  h += breakdown_html(r);

  const ParcelAttributes* attrs = meta.attributes;
  h += "<h2>Parcels 地块</h2>\n";
  for (std::size_t i = 0; i < r.parcels.size(); ++i) {
    const auto& p = r.parcels[i];
    std::string v = engine::to_string(p.verdict);
    h += fmt::format("<section id=\"p-{}\">\n<h3>{} {} {}</h3>\n", html_escape(p.id),
                     html_escape(p.id), html_escape(p.name), badge(v, colour(st.verdict, v)));
    h += fmt::format("<p>area {} ha (ellipsoidal {} ha) · geometry {}{}</p>\n", ha(p.area_m2),
                     ha(p.ellipsoidal_m2), io::to_string(p.status),
                     p.problem.empty() ? std::string() : " — " + html_escape(p.problem));
    if (attrs && !attrs->names.empty()) {
      std::string a;
      for (std::size_t k = 0; k < attrs->names.size(); ++k) {
        const std::string& value = attrs->value(i, k);
        if (value.empty()) continue;
        a += fmt::format("{}{}: {}", a.empty() ? "" : " · ", html_escape(attrs->names[k]),
                         html_escape(value));
      }
      if (!a.empty()) h += fmt::format("<p class=\"muted\">{}</p>\n", a);
    }
    if (p.outside_m2 > 0)
      h += fmt::format(
          "<p class=\"alarm\">{} ha of this parcel lie outside the coverage, where "
          "no rule was checked.</p>\n",
          ha(p.outside_m2));
    if (!p.deciding_rules.empty()) {
      std::string d;
      for (const auto& id : p.deciding_rules) d += (d.empty() ? "" : ", ") + html_escape(id);
      h += fmt::format("<p>decided by: {}</p>\n", d);
    }
    if (p.overlaps.empty()) {
      h += p.verdict == engine::Verdict::Invalid
               ? "<p>not checked: the geometry is not usable.</p>\n"
               : "<p>no overlap with any rule.</p>\n";
      h += "</section>\n";
      continue;
    }
    h += "<table><thead><tr><th>rule</th><th>name</th><th>severity</th><th>overlap (ha)</th>"
         "<th>share %</th><th>ellipsoidal (ha)</th><th>basis 依据</th></tr></thead>\n";
    for (const auto& o : p.overlaps) {
      const auto& rule = rules[o.rule_index];
      std::string sev = to_string(rule.severity);
      h += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2f}"
          "</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
          html_escape(rule.id),
          html_escape(rule.breakdown ? land_class_label(o.class_value) : rule.name),
          rule.breakdown ? std::string("地类") : badge(sev, colour(st.severity, sev)),
          ha(o.area_m2), o.pct, ha(o.ellipsoidal_m2), html_escape(rule.basis));
    }
    h += "</table>\n</section>\n";
  }
  h += inputs_table_html(meta.inputs);
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace siteplan::out
