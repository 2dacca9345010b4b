#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/text.hpp"
#include "export/style.hpp"
#include "export/suitability_outputs.hpp"

namespace siteplan::out {

namespace {
using text::html_escape;
std::string num(double v, int d) {
  return std::isnan(v) ? "—" : fmt::format("{:.{}f}", v, d);
}

std::string ramp_colour(double score) {
  const auto& ramp = style::styles().score_ramp;
  if (ramp.empty() || std::isnan(score)) return "#cccccc";
  double t = std::clamp(score, 0.0, 1.0) * static_cast<double>(ramp.size() - 1);
  std::size_t i = static_cast<std::size_t>(t);
  if (i + 1 >= ramp.size()) return ramp.back().hex();
  double f = t - static_cast<double>(i);
  style::Rgb c{static_cast<int>(ramp[i].r + f * (ramp[i + 1].r - ramp[i].r)),
               static_cast<int>(ramp[i].g + f * (ramp[i + 1].g - ramp[i].g)),
               static_cast<int>(ramp[i].b + f * (ramp[i + 1].b - ramp[i].b))};
  return c.hex();
}
}  // namespace

std::string suitability_html(const engine::SuitabilityResult& r, const std::string& generated_by) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += fmt::format("<title>{} — suitability</title>\n", html_escape(r.name));
  h += R"(<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}.muted{color:#666}
.sw{display:inline-block;width:1em;height:1em;border:1px solid #555;vertical-align:middle}
</style>
</head>
<body>
)";
  h += fmt::format(
      "<h1>{}</h1>\n<p class=\"muted\">选址适宜性评价 · grid {} m ({} × {} cells) · {} · {}</p>\n",
      html_escape(r.name), r.grid.cell, r.grid.nx, r.grid.ny, html_escape(r.grid.crs.label()),
      html_escape(generated_by));

  h += "<h2>Factors and weights "
       "因子与权重</h2>\n<table><tr><th>factor</th><th>name</th><th>weight</th>"
       "<th>score function</th></tr>\n";
  double wsum = 0;
  for (std::size_t k = 0; k < r.factor_ids.size(); ++k) {
    wsum += r.weights[k];
    h += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{:.4f}</td><td>{}</td></tr>\n",
                     html_escape(r.factor_ids[k]), html_escape(r.factor_names[k]), r.weights[k],
                     html_escape(r.score_functions[k]));
  }
  h += fmt::format(
      "<tr><th colspan=\"2\">sum</th><th class=\"num\">{:.4f}</th><th></th></tr></table>\n", wsum);
  if (r.ahp)
    h += fmt::format(
        "<p>Weights from an AHP pairwise matrix: λmax = {:.4f}, CI = {:.4f}, <b>CR = {:.4f}</b> "
        "(accepted: ≤ 0.10).</p>\n",
        r.ahp->lambda_max, r.ahp->ci, r.ahp->cr);

  h += "<h2>Constraints "
       "约束</h2>\n<table><tr><th>rule</th><th>name</th><th>severity</th><th>penalty</th>"
       "<th>basis 依据</th><th>source</th></tr>\n";
  for (const auto& rule : r.rules)
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td "
        "class=\"muted\">{}</td></tr>\n",
        html_escape(rule.id), html_escape(rule.name), to_string(rule.severity),
        rule.penalty_per_share, html_escape(rule.basis), html_escape(rule.source));
  h += "</table>\n";

  int shown = 0;
  h += fmt::format(
      "<h2>Top candidates 候选地块排名</h2>\n<p>Score = Σ weight × factor score − penalties; "
      "the parts in each row sum to the base score. Derived regions: open land of at least "
      "{} ha.</p>\n",
      r.min_area_ha);
  h += "<table><tr><th>rank</th><th>id</th><th>name</th><th>origin</th><th>area "
       "(ha)</th><th>score</th>";
  for (const auto& id : r.factor_ids) h += fmt::format("<th>{}</th>", html_escape(id));
  h += "<th>penalty</th>";
  if (r.sensitivity_runs > 0)
    h += fmt::format("<th>in top {} (of {} runs)</th>", r.top_k, r.sensitivity_runs);
  h += "<th>overlaps</th></tr>\n";
  for (const auto& c : r.candidates) {
    if (c.rank == 0 || shown >= std::max(r.top_k, 20)) continue;
    ++shown;
    h += fmt::format(
        "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}{}</td><td "
        "class=\"num\">{:.2f}</td>"
        "<td class=\"num\"><span class=\"sw\" style=\"background:{}\"></span> <b>{}</b></td>",
        c.rank, html_escape(c.id), html_escape(c.name), c.origin, c.blocked ? " (blocked)" : "",
        c.area_m2 / 1e4, ramp_colour(c.score), num(c.score, 4));
    for (std::size_t k = 0; k < r.factor_ids.size(); ++k) {
      const auto& v = k < c.values.size() ? c.values[k] : engine::FactorValue{};
      std::string raw = v.raw_text.empty() ? num(v.raw, 1) + r.factor_units[k] : v.raw_text;
      h += fmt::format("<td class=\"num\">{} <span class=\"muted\">({} → {})</span></td>",
                       num(k < c.parts.size() ? c.parts[k] : std::nan(""), 4), html_escape(raw),
                       num(v.score, 3));
    }
    h += fmt::format("<td class=\"num\">{}</td>", num(c.penalty, 4));
    if (r.sensitivity_runs > 0)
      h += fmt::format("<td class=\"num\">{:.0f}%</td>", 100.0 * c.robust_share);
    std::string ov;
    for (const auto& o : c.overlaps)
      ov += fmt::format("{}{} {:.1f}%", ov.empty() ? "" : "; ",
                        html_escape(r.rules[o.rule_index].name), o.pct);
    h += fmt::format("<td>{}</td></tr>\n", ov.empty() ? "—" : ov);
  }
  h += "</table>\n";

  h += "<h2>Inputs 输入数据</h2>\n<table><tr><th>layer</th><th>source</th><th>SHA-256</th></tr>\n";
  for (const auto& in : r.inputs)
    h += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"muted\"><code>{}</code></td></tr>\n",
                     html_escape(in.id), html_escape(in.source),
                     in.sha256.empty() ? "—" : in.sha256);
  h += "</table>\n</body>\n</html>\n";
  return h;
}

}  // namespace siteplan::out
