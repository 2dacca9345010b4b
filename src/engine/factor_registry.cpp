// The one explicit list of factor kinds.
#include <fmt/core.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "engine/factors/terrain_factors.hpp"

namespace siteplan::engine {

namespace {
struct Entry {
  const char* kind;
  std::unique_ptr<Factor> (*make)(const FactorSpec&);
};
const Entry kRegistry[] = {
    {"slope", make_slope_factor},         {"aspect", make_aspect_factor},
    {"elevation", make_elevation_factor}, {"solar", make_solar_factor},
    {"distance", make_distance_factor},   {"category", make_category_factor},
};
}  // namespace

const std::vector<std::string>& factor_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> k;
    for (const auto& e : kRegistry) k.push_back(e.kind);
    return k;
  }();
  return kinds;
}

std::unique_ptr<Factor> make_factor(const FactorSpec& spec) {
  for (const auto& e : kRegistry)
    if (spec.kind == e.kind) return e.make(spec);
  std::string near = text::nearest(spec.kind, factor_kinds());
  std::string list;
  for (const auto& k : factor_kinds()) list += (list.empty() ? "" : ", ") + k;
  throw InputError(fmt::format("{}: unknown factor kind '{}' in factor '{}'{}; known kinds: {}",
                               spec.pos.str(), spec.kind, spec.id,
                               near.empty() ? "" : " (did you mean '" + near + "'?)", list));
}

}  // namespace siteplan::engine
