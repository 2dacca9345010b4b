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

struct Styles {
  std::map<std::string, Rgb> verdict;
  std::map<std::string, Rgb> severity;
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
