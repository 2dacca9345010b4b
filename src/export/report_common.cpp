#include "export/report_common.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/error.hpp"
#include "core/text.hpp"

namespace siteplan::out {

using text::html_escape;

std::string format_utc(std::int64_t unix_seconds) {
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm): no gmtime, no locale.
  std::int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  std::int64_t secs = unix_seconds - days * 86400;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", y, m, d, secs / 3600,
                     secs / 60 % 60, secs % 60);
}

std::string run_date_utc() {
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) {
    char* end = nullptr;
    long long v = std::strtoll(e, &end, 10);
    if (end && *end == '\0') return format_utc(v);
  }
  return format_utc(static_cast<std::int64_t>(std::time(nullptr)));
}

std::string base64(std::string_view bytes) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kTable[v >> 18 & 63];
    out += kTable[v >> 12 & 63];
    out += kTable[v >> 6 & 63];
    out += kTable[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kTable[v >> 18 & 63];
    out += kTable[v >> 12 & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kTable[v >> 18 & 63];
    out += kTable[v >> 12 & 63];
    out += kTable[v >> 6 & 63];
    out += '=';
  }
  return out;
}

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
bool is_png(std::string_view bytes) {
  return bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8);
}
}  // namespace

std::string find_map_png(const std::string& option, const std::string& dir) {
  if (!option.empty()) {
    std::ifstream in(option, std::ios::binary);
    char head[8] = {};
    if (!in || !in.read(head, 8))
      throw UsageError(fmt::format("--map {}: cannot read the file", option));
    if (!is_png(std::string_view(head, 8)))
      throw UsageError(
          fmt::format("--map {}: not a PNG image (render one with `siteplan map`)", option));
    return option;
  }
  std::error_code ec;
  auto p = std::filesystem::path(dir) / "map.png";
  return std::filesystem::is_regular_file(p, ec) ? p.string() : std::string();
}

std::string map_figure_html(const std::string& png_path, const std::string& caption) {
  if (png_path.empty()) return "";
  std::string bytes = read_file(png_path);
  if (!is_png(bytes)) return "";
  return fmt::format(
      "<figure class=\"map\"><img alt=\"map\" src=\"data:image/png;base64,{}\">"
      "<figcaption>{}</figcaption></figure>\n",
      base64(bytes), html_escape(caption));
}

std::string report_css() {
  return R"(<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}.muted{color:#666}
.badge{display:inline-block;padding:.1em .5em;border-radius:.3em;color:#111}
section{border-top:1px solid #ccc;padding-top:.5em}
.alarm{background:#fde0dd;border:2px solid #d7191c;padding:.6em;font-size:1.1em}
.sw{display:inline-block;width:1em;height:1em;border:1px solid #555;vertical-align:middle}
.meta td,.meta th{border:none;padding:.1em .8em .1em 0}
figure.map{margin:1em 0}figure.map img{max-width:100%;border:1px solid #999}
figcaption{color:#666;font-size:.9em}tr.given td{background:#fff8dc}
code{font-size:.85em;word-break:break-all}
@page{size:A4;margin:15mm 12mm 15mm 12mm}
@media print{
body{margin:0;font-size:10pt}h1{font-size:16pt}h2{font-size:13pt;break-after:avoid;page-break-after:avoid}
h3{font-size:11pt;break-after:avoid;page-break-after:avoid}
table{font-size:8.5pt;width:100%}thead{display:table-header-group}
tr,td,th{break-inside:avoid;page-break-inside:avoid}
section{break-inside:avoid;page-break-inside:avoid}
figure.map{break-inside:avoid;page-break-inside:avoid}figure.map img{max-height:230mm}
.badge,th,.alarm,.sw,tr.given td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:none}
}
</style>
)";
}

std::string inputs_table_html(const std::vector<engine::InputRecord>& inputs) {
  std::string h =
      "<h2>Inputs 输入数据</h2>\n<table><thead><tr><th>layer</th><th>source</th><th>SHA-256</th>"
      "</tr></thead>\n";
  for (const auto& in : inputs)
    h += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"muted\"><code>{}</code></td></tr>\n",
                     html_escape(in.id), html_escape(in.source),
                     in.sha256.empty() ? "—" : in.sha256);
  h += "</table>\n";
  return h;
}

std::string severity_zh(Severity s) {
  switch (s) {
    case Severity::Block:
      return "禁止占用";
    case Severity::Approval:
      return "需审批";
    case Severity::Warn:
      return "提示";
    case Severity::Info:
      return "信息";
  }
  return "";
}

std::string verdict_zh(engine::Verdict v) {
  switch (v) {
    case engine::Verdict::Blocked:
      return "不可用(压占禁止区)";
    case engine::Verdict::Approval:
      return "需审批";
    case engine::Verdict::Clear:
      return "无冲突";
    case engine::Verdict::Invalid:
      return "几何无效";
    case engine::Verdict::Unchecked:
      return "未核查(超出数据范围)";
  }
  return "";
}

std::vector<GroupSummary> summarize_groups(const engine::ClearanceResult& r,
                                           const std::vector<std::string>& group_of) {
  std::map<std::string, GroupSummary> by;
  for (std::size_t i = 0; i < r.parcels.size(); ++i) {
    const auto& p = r.parcels[i];
    const std::string& g = i < group_of.size() ? group_of[i] : std::string();
    auto& s = by[g];
    s.group = g;
    s.parcels++;
    s.area_m2 += p.area_m2;
    const std::string v = engine::to_string(p.verdict);
    s.count[v]++;
    s.area[v] += p.area_m2;
    for (const auto& o : p.overlaps) {
      const auto& rule = (*r.rules)[o.rule_index];
      if (rule.breakdown) continue;
      if (rule.severity == Severity::Block) s.block_overlap_m2 += o.area_m2;
      if (rule.severity == Severity::Approval) s.approval_overlap_m2 += o.area_m2;
    }
  }
  std::vector<GroupSummary> out;
  for (auto& [k, s] : by)
    if (!k.empty()) out.push_back(std::move(s));
  if (auto it = by.find(""); it != by.end()) out.push_back(std::move(it->second));
  return out;
}

double round_to(double v, int decimals) {
  if (!std::isfinite(v)) return v;
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

}  // namespace siteplan::out
