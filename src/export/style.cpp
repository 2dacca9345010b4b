#include "export/style.hpp"

#include <fmt/core.h>

#include <toml++/toml.h>
#include <cstdlib>

#include "core/error.hpp"

namespace siteplan::style {

extern const char* const kEmbeddedStylesToml;

std::string Rgb::hex() const {
  return fmt::format("#{:02x}{:02x}{:02x}", r, g, b);
}

Rgb parse_rgb(const std::string& hex) {
  if (hex.size() != 7 || hex[0] != '#')
    throw InputError("styles: bad colour '" + hex + "' (use #RRGGBB)");
  Rgb c;
  c.r = std::stoi(hex.substr(1, 2), nullptr, 16);
  c.g = std::stoi(hex.substr(3, 2), nullptr, 16);
  c.b = std::stoi(hex.substr(5, 2), nullptr, 16);
  return c;
}

namespace {
Styles load() {
  Styles s;
  toml::table t;
  const char* path = std::getenv("SITEPLAN_STYLES");
  try {
    t = path && *path ? toml::parse_file(path) : toml::parse(kEmbeddedStylesToml);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", path ? path : "styles/siteplan.toml",
                                 e.source().begin.line, e.source().begin.column, e.description()));
  }
  auto read_map = [&](const char* key, std::map<std::string, Rgb>& out) {
    if (auto* tab = t[key].as_table())
      for (auto& [k, v] : *tab)
        if (auto str = v.value<std::string>()) out[std::string(k.str())] = parse_rgb(*str);
  };
  read_map("verdict", s.verdict);
  read_map("severity", s.severity);
  int default_level = 3;
  for (const char* sev : {"block", "approval", "warn", "info"}) {
    OverlapStyle o;
    auto it = s.severity.find(sev);
    o.colour = it != s.severity.end() ? it->second : Rgb{128, 128, 128};
    o.hatch = std::string(sev) == "block" || std::string(sev) == "approval";
    o.level = default_level--;
    if (auto* tab = t["overlap_style"][sev].as_table()) {
      o.hatch = (*tab)["hatch"].value_or(o.hatch);
      o.hatch_angle = (*tab)["hatch_angle"].value_or(o.hatch_angle);
      o.hatch_spacing_mm = (*tab)["hatch_spacing_mm"].value_or(o.hatch_spacing_mm);
      o.hatch_width_mm = (*tab)["hatch_width_mm"].value_or(o.hatch_width_mm);
      o.outline_mm = (*tab)["outline_mm"].value_or(o.outline_mm);
      o.level = (*tab)["level"].value_or(o.level);
      if (auto c = (*tab)["colour"].value<std::string>()) o.colour = parse_rgb(*c);
    }
    s.overlap[sev] = o;
  }
  if (auto c = t["raster"]["blocked"].value<std::string>()) s.raster_blocked = parse_rgb(*c);
  if (auto* arr = t["score_ramp"]["stops"].as_array())
    for (auto& v : *arr)
      if (auto str = v.value<std::string>()) s.score_ramp.push_back(parse_rgb(*str));
  if (auto* arr = t["terrain_ramp"]["stops"].as_array())
    for (auto& v : *arr)
      if (auto str = v.value<std::string>()) s.terrain_ramp.push_back(parse_rgb(*str));
  if (s.terrain_ramp.empty()) s.terrain_ramp = {parse_rgb("#6f9a5a"), parse_rgb("#f2efe9")};
  if (s.score_ramp.empty()) s.score_ramp = {parse_rgb("#d7191c"), parse_rgb("#1a9641")};
  s.highlight = parse_rgb(t["highlight"]["colour"].value_or(std::string("#00e5ff")));
  s.highlight_width = t["highlight"]["line_width"].value_or(4.0);
  s.fill_alpha = t["fill"]["alpha"].value_or(160);
  s.outline = parse_rgb(t["fill"]["outline"].value_or(std::string("#232323")));
  s.outline_width_mm = t["fill"]["outline_width_mm"].value_or(0.26);
  if (auto* arr = t["font"]["families"].as_array())
    for (auto& v : *arr)
      if (auto str = v.value<std::string>()) s.fonts.push_back(*str);
  return s;
}
}  // namespace

const Styles& styles() {
  static const Styles s = load();
  return s;
}

}  // namespace siteplan::style
