// Slope from the DEM (Horn, as gdaldem), in degrees or percent (`units`).
#include <fmt/core.h>

#include <cmath>

#include "core/error.hpp"
#include "engine/factors/terrain_factors.hpp"

namespace siteplan::engine {
namespace {
class SlopeFactor : public Factor {
 public:
  using Factor::Factor;
  void prepare(FactorContext& fc) override {
    if (!spec_.units.empty() && spec_.units != "degrees" && spec_.units != "percent")
      throw InputError(
          fmt::format("{}: units of slope factor '{}' must be \"degrees\" or \"percent\"",
                      spec_.pos.str(), spec_.id));
    const Terrain& t = fc.dem(spec_.layer);
    raw_ = t.slope_deg;
    if (spec_.units == "percent")
      for (auto& v : raw_) v = static_cast<float>(std::tan(v * M_PI / 180.0) * 100.0);
    score_cells();
  }
  std::string units() const override { return spec_.units == "percent" ? "%" : "°"; }
};
}  // namespace

std::unique_ptr<Factor> make_slope_factor(const FactorSpec& spec) {
  return std::make_unique<SlopeFactor>(spec);
}
}  // namespace siteplan::engine
