#include <fmt/core.h>

#include <map>

#include "core/text.hpp"
#include "export/clearance_outputs.hpp"
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
}  // namespace

std::string clearance_html(const engine::ClearanceResult& r, const ClearanceMeta& meta) {
  const auto& st = style::styles();
  const auto& rules = *r.rules;
  std::map<std::string, int> by_verdict;
  std::vector<int> rule_parcels(rules.size(), 0);
  std::vector<double> rule_area(rules.size(), 0.0);
  for (const auto& p : r.parcels) {
    by_verdict[engine::to_string(p.verdict)]++;
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
  h += R"(<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}
.badge{display:inline-block;padding:.1em .5em;border-radius:.3em;color:#111}
section{border-top:1px solid #ccc;padding-top:.5em}.muted{color:#666}
.alarm{background:#fde0dd;border:2px solid #d7191c;padding:.6em;font-size:1.1em}
</style>
</head>
<body>
)";
  h += fmt::format("<h1>{}</h1>\n", html_escape(meta.title));
  h += fmt::format(
      "<p class=\"muted\">用地预审 / 合规性审查 · parcels: {} · working CRS: {} · {} · areas in "
      "hectares (公顷); planar in the working CRS and ellipsoidal (椭球面积) on its "
      "ellipsoid</p>\n",
      html_escape(meta.parcels), html_escape(meta.crs_label), html_escape(meta.generated_by));

  if (by_verdict["unchecked"] > 0)
    h += fmt::format(
        "<p class=\"alarm\"><strong>{} parcels are UNCHECKED (未核查)</strong>: they reach "
        "outside the coverage — {} — where the rule data do not exist. They are not clear: "
        "extend the rule data or the coverage to them and run again.</p>\n",
        by_verdict["unchecked"], html_escape(meta.coverage));
  h += fmt::format("<p class=\"muted\">coverage (where the rule data are complete): {}</p>\n",
                   html_escape(meta.coverage));
  h += "<h2>Verdicts 结论</h2>\n<table><tr><th>verdict</th><th>parcels</th></tr>\n";
  for (const char* v : {"blocked", "unchecked", "approval", "clear", "invalid"})
    h += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>\n",
                     badge(v, colour(st.verdict, v)), by_verdict[v]);
  h += "</table>\n";

  h += "<h2>Rules 规则</h2>\n<table><tr><th>rule</th><th>name</th><th>severity</th><th>parcels "
       "touched</th><th>overlap (ha)</th><th>basis 依据</th><th>source</th></tr>\n";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td>{}</td><td class=\"muted\">{}</td></tr>\n",
        html_escape(rule.id), html_escape(rule.name),
        rule.breakdown
            ? std::string("breakdown")
            : badge(to_string(rule.severity), colour(st.severity, to_string(rule.severity))),
        rule_parcels[i], ha(rule_area[i]), html_escape(rule.basis), html_escape(rule.source));
  }
  h += "</table>\n";

  h += "<h2>Parcels 地块</h2>\n";
  for (const auto& p : r.parcels) {
    std::string v = engine::to_string(p.verdict);
    h += fmt::format("<section id=\"p-{}\">\n<h3>{} {} {}</h3>\n", html_escape(p.id),
                     html_escape(p.id), html_escape(p.name), badge(v, colour(st.verdict, v)));
    h += fmt::format("<p>area {} ha (ellipsoidal {} ha) · geometry {}{}</p>\n", ha(p.area_m2),
                     ha(p.ellipsoidal_m2), io::to_string(p.status),
                     p.problem.empty() ? std::string() : " — " + html_escape(p.problem));
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
    h += "<table><tr><th>rule</th><th>name</th><th>severity</th><th>overlap (ha)</th><th>share "
         "%</th><th>ellipsoidal (ha)</th><th>basis 依据</th></tr>\n";
    for (const auto& o : p.overlaps) {
      const auto& rule = rules[o.rule_index];
      std::string rid = rule.breakdown ? rule.id + ":" + o.class_value : rule.id;
      std::string sev = to_string(rule.severity);
      h += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2f}"
          "</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
          html_escape(rid), html_escape(rule.name),
          rule.breakdown ? std::string("—") : badge(sev, colour(st.severity, sev)), ha(o.area_m2),
          o.pct, ha(o.ellipsoidal_m2), html_escape(rule.basis));
    }
    h += "</table>\n</section>\n";
  }
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace siteplan::out
