#pragma once
// Maps a factor's raw value to [0, 1] as declared in the profile: linear, piecewise table,
// sigmoid or gaussian fuzzy membership, or a category table.
#include <string>

#include "project/project.hpp"

namespace siteplan::engine {

// NaN in → NaN out.
double score_value(const ScoreSpec& spec, double raw);
double score_category(const ScoreSpec& spec, const std::string& value);
// "linear 15 → 0, 0 → 1" — for reports.
std::string describe(const ScoreSpec& spec);

}  // namespace siteplan::engine
