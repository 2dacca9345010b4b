#pragma once
// Colours and fonts from styles/siteplan.toml (compiled in; SITEPLAN_STYLES overrides the path).
#include <map>
#include <string>
#include <vector>

namespace siteplan::style {

struct Rgb {
  int r = 0, g = 0, b = 0;
  std::string hex() const;
};

// How overlap pieces of one severity are drawn in QGIS (styles/siteplan.toml [overlap_style]).
struct OverlapStyle {
  bool hatch = false;
  double hatch_angle = 45, hatch_spacing_mm = 2, hatch_width_mm = 0.3;
  double outline_mm = 0.3;
  int level = 0;  // symbol level: higher is drawn on top
  Rgb colour;
};

struct Styles {
  std::map<std::string, Rgb> verdict;
  std::map<std::string, Rgb> severity;
  std::map<std::string, OverlapStyle> overlap;  // by severity; colour resolved
  Rgb raster_blocked{90, 90, 90};
  std::vector<Rgb> score_ramp;
  std::vector<Rgb> terrain_ramp;
  Rgb highlight{0, 229, 255};
  double highlight_width = 4.0;
  int fill_alpha = 160;
  Rgb outline;
  double outline_width_mm = 0.26;
  std::vector<std::string> fonts;
};

const Styles& styles();
Rgb parse_rgb(const std::string& hex);

}  // namespace siteplan::style
