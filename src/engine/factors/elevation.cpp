// Elevation from the DEM, metres.
#include <algorithm>

#include "engine/factors/terrain_factors.hpp"

namespace siteplan::engine {
namespace {
class ElevationFactor : public Factor {
 public:
  using Factor::Factor;
  bool uses_dem() const override { return true; }
  void rows(const FactorContext&, const StripRows& in, float* raw, float* score) const override {
    const Raster& e = in.dem(spec_.layer).elevation;
    std::copy(e.begin(), e.end(), raw);
    score_values(raw, score, e.size());
  }
  std::string units() const override { return "m"; }
};
}  // namespace

std::unique_ptr<Factor> make_elevation_factor(const FactorSpec& spec) {
  return std::make_unique<ElevationFactor>(spec);
}
}  // namespace siteplan::engine
