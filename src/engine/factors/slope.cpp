// Slope from the DEM (Horn, as gdaldem), in degrees or percent (`units`).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "engine/factors/terrain_factors.hpp"

namespace siteplan::engine {
namespace {
class SlopeFactor : public Factor {
 public:
  using Factor::Factor;
  void open(FactorContext&) override {
    if (!spec_.units.empty() && spec_.units != "degrees" && spec_.units != "percent")
      throw InputError(
          fmt::format("{}: units of slope factor '{}' must be \"degrees\" or \"percent\"",
                      spec_.pos.str(), spec_.id));
  }
  bool uses_dem() const override { return true; }
  unsigned dem_needs() const override { return spec_.units == "percent" ? kSlopePct : kSlopeDeg; }
  void rows(const FactorContext&, const StripRows& in, float* raw, float* score) const override {
    const Terrain& t = in.dem(spec_.layer);
    if (spec_.units == "percent" && !t.slope_pct.empty()) {  // gdaldem -p, as computed
      std::copy(t.slope_pct.begin(), t.slope_pct.end(), raw);
      score_values(raw, score, t.slope_pct.size());
      return;
    }
    const Raster& deg = t.slope_deg;
    const bool pct = spec_.units == "percent";
    for (std::size_t i = 0; i < deg.size(); ++i)
      raw[i] = pct ? static_cast<float>(std::tan(deg[i] * M_PI / 180.0) * 100.0) : deg[i];
    score_values(raw, score, deg.size());
  }
  std::string units() const override { return spec_.units == "percent" ? "%" : "°"; }
};
}  // namespace

std::unique_ptr<Factor> make_slope_factor(const FactorSpec& spec) {
  return std::make_unique<SlopeFactor>(spec);
}
}  // namespace siteplan::engine
