// Elevation from the DEM, metres.
#include "engine/factors/terrain_factors.hpp"

namespace siteplan::engine {
namespace {
class ElevationFactor : public Factor {
 public:
  using Factor::Factor;
  void prepare(FactorContext& fc) override {
    raw_ = fc.dem(spec_.layer).elevation;
    score_cells();
  }
  std::string units() const override { return "m"; }
};
}  // namespace

std::unique_ptr<Factor> make_elevation_factor(const FactorSpec& spec) {
  return std::make_unique<ElevationFactor>(spec);
}
}  // namespace siteplan::engine
