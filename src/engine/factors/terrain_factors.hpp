#pragma once
#include "engine/factor.hpp"

namespace siteplan::engine {
std::unique_ptr<Factor> make_slope_factor(const FactorSpec& spec);
std::unique_ptr<Factor> make_aspect_factor(const FactorSpec& spec);
std::unique_ptr<Factor> make_elevation_factor(const FactorSpec& spec);
std::unique_ptr<Factor> make_solar_factor(const FactorSpec& spec);
std::unique_ptr<Factor> make_distance_factor(const FactorSpec& spec);
std::unique_ptr<Factor> make_category_factor(const FactorSpec& spec);
}  // namespace siteplan::engine
