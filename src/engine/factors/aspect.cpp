// Aspect from the DEM (degrees clockwise from north, Horn as gdaldem). Flat cells have no aspect
// and score 1: nothing faces away from the sun there.
#include <cmath>

#include "engine/factors/terrain_factors.hpp"
#include "engine/score_function.hpp"

namespace siteplan::engine {
namespace {
class AspectFactor : public Factor {
 public:
  using Factor::Factor;
  bool uses_dem() const override { return true; }
  unsigned dem_needs() const override { return kAspect; }
  void rows(const FactorContext&, const StripRows& in, float* raw, float* score) const override {
    const Terrain& t = in.dem(spec_.layer);
    for (std::size_t i = 0; i < t.aspect_deg.size(); ++i) {
      raw[i] = t.aspect_deg[i];
      if (std::isnan(t.elevation[i]))
        score[i] = kNoData;
      else if (std::isnan(raw[i]))
        score[i] = 1.0f;
      else
        score[i] = static_cast<float>(score_value(spec_.score, raw[i]));
    }
  }
  FactorValue evaluate(const GEOSGeometry*, const CellSet& cells,
                       const gis::GeosContext&) const override {
    // Circular mean of the aspect; mean score over the cells.
    double sx = 0, sy = 0, score_sum = 0;
    std::size_t n = 0, nscore = 0;
    for (std::size_t i : cells.cells) {
      if (!std::isnan(score_[i])) {
        score_sum += score_[i];
        ++nscore;
      }
      if (std::isnan(raw_[i])) continue;
      sx += std::sin(raw_[i] * M_PI / 180.0);
      sy += std::cos(raw_[i] * M_PI / 180.0);
      ++n;
    }
    FactorValue v;
    v.raw = n ? std::fmod(std::atan2(sx, sy) * 180.0 / M_PI + 360.0, 360.0) : std::nan("");
    v.score = nscore ? score_sum / static_cast<double>(nscore) : std::nan("");
    return v;
  }
  std::string units() const override { return "°"; }
};
}  // namespace

std::unique_ptr<Factor> make_aspect_factor(const FactorSpec& spec) {
  return std::make_unique<AspectFactor>(spec);
}
}  // namespace siteplan::engine
