#pragma once
// Pieces shared by the HTML reports and the Excel tables of clearance and suitability: the run
// date, the inputs with their SHA-256, the print stylesheet, the embedded map, Chinese labels and
// per-group summaries. Pure functions, except where a file or the clock is read (said so).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clearance.hpp"
#include "engine/suitability.hpp"

namespace siteplan::out {

// "2026-05-01T08:30:00Z" — ISO 8601 in UTC, whatever the locale or time zone.
std::string format_utc(std::int64_t unix_seconds);
// The run's date: now, or SOURCE_DATE_EPOCH when set (reproducible outputs, tests).
std::string run_date_utc();

std::string base64(std::string_view bytes);

// The map to embed: `option` (--map) when given, else DIR/map.png when it exists, else "".
// Throws UsageError when `option` names no readable PNG.
std::string find_map_png(const std::string& option, const std::string& dir);
// <figure> with the PNG as a data: URI ("" for an empty path). Reads the file.
std::string map_figure_html(const std::string& png_path, const std::string& caption);

// <style> shared by both reports: screen and A4 print (@page, no rows split across pages).
std::string report_css();
// "run date · siteplan x.y.z" header line and the inputs table (layer, source, SHA-256).
std::string inputs_table_html(const std::vector<engine::InputRecord>& inputs);

// Chinese names used in the Excel tables and the reports.
std::string severity_zh(Severity s);        // block → 禁止占用 …
std::string verdict_zh(engine::Verdict v);  // blocked → 不予通过(压占禁止区) …

// Per-group summary of a clearance run (--group-field): parcels and areas per verdict.
struct GroupSummary {
  std::string group;  // the field's value ("" = empty)
  int parcels = 0;
  double area_m2 = 0;
  std::map<std::string, int> count;    // by verdict name ("blocked", …)
  std::map<std::string, double> area;  // parcel area by verdict, m²
  double block_overlap_m2 = 0;         // Σ overlaps of block rules
  double approval_overlap_m2 = 0;      // Σ overlaps of approval rules
};
// group_of[i] is parcel i's group. Groups sorted by value, the empty group last.
std::vector<GroupSummary> summarize_groups(const engine::ClearanceResult& r,
                                           const std::vector<std::string>& group_of);

// Rounds to `decimals` places (Excel cells hold the rounded number, not a text).
double round_to(double v, int decimals);

}  // namespace siteplan::out
