// Terrain solar index for PV: annual clear-sky beam irradiation on the ground's own slope and
// aspect at the study area's latitude, relative to flat ground at the same place (1 = as good as
// flat, > 1 better, e.g. a moderate south slope). Sun positions every 30 min of the 15th of each
// month (Cooper's declination), clear-sky beam by Meinel's air-mass model (0.7^(AM^0.678)).
// Terrain shading by distant ridges is not modelled.
#include <array>
#include <cmath>
#include <vector>

#include "engine/factors/terrain_factors.hpp"

namespace siteplan::engine {
namespace {

constexpr double kDeg = M_PI / 180.0;

// Annual beam irradiation (arbitrary units) on a plane of slope β and aspect γ (degrees).
double annual_beam(double lat_deg, double slope_deg, double aspect_deg) {
  const double phi = lat_deg * kDeg, beta = slope_deg * kDeg, gamma = aspect_deg * kDeg;
  double total = 0;
  for (int month = 0; month < 12; ++month) {
    const int day = 15 + month * 30;
    const double decl = 23.45 * kDeg * std::sin(2 * M_PI * (284 + day) / 365.0);
    for (int half_hour = -24; half_hour <= 24; ++half_hour) {
      const double omega = half_hour * 7.5 * kDeg;  // hour angle, 15° per hour
      const double sin_alt =
          std::sin(phi) * std::sin(decl) + std::cos(phi) * std::cos(decl) * std::cos(omega);
      if (sin_alt <= 0.02) continue;
      const double alt = std::asin(sin_alt);
      // Sun azimuth clockwise from north.
      double cos_az =
          (std::sin(decl) - std::sin(alt) * std::sin(phi)) / (std::cos(alt) * std::cos(phi));
      cos_az = std::max(-1.0, std::min(1.0, cos_az));
      double az = std::acos(cos_az);
      if (omega > 0) az = 2 * M_PI - az;
      const double cos_inc =
          sin_alt * std::cos(beta) + std::cos(alt) * std::sin(beta) * std::cos(az - gamma);
      if (cos_inc <= 0) continue;
      const double air_mass = 1.0 / sin_alt;
      const double beam = 1367.0 * std::pow(0.7, std::pow(air_mass, 0.678));
      total += beam * cos_inc;
    }
  }
  return total;
}

class SolarFactor : public Factor {
 public:
  using Factor::Factor;
  void open(FactorContext& fc) override {
    // Lookup table: slope 0..60° by 1°, aspect 0..360° by 5°.
    const double flat = annual_beam(fc.latitude_deg, 0, 180);
    table_.assign(61 * 73, 0.0);
    for (int s = 0; s <= 60; ++s)
      for (int a = 0; a <= 72; ++a)
        table_[s * 73 + a] = annual_beam(fc.latitude_deg, s, a * 5.0) / flat;
  }
  bool uses_dem() const override { return true; }
  unsigned dem_needs() const override { return kSlopeDeg | kAspect; }
  void rows(const FactorContext&, const StripRows& in, float* raw, float* score) const override {
    const Terrain& t = in.dem(spec_.layer);
    const std::vector<double>& table = table_;
    for (std::size_t i = 0; i < t.slope_deg.size(); ++i) {
      float s = t.slope_deg[i];
      if (std::isnan(s)) {
        raw[i] = kNoData;
        continue;
      }
      float a = std::isnan(t.aspect_deg[i]) ? 180.0f : t.aspect_deg[i];
      double sc = std::min(60.0, static_cast<double>(s));
      int s0 = static_cast<int>(sc), s1 = std::min(60, s0 + 1);
      double fs = sc - s0;
      double ac = a / 5.0;
      int a0 = static_cast<int>(ac) % 73, a1 = std::min(72, a0 + 1);
      double fa = ac - static_cast<int>(ac);
      double v = (1 - fs) * ((1 - fa) * table[s0 * 73 + a0] + fa * table[s0 * 73 + a1]) +
                 fs * ((1 - fa) * table[s1 * 73 + a0] + fa * table[s1 * 73 + a1]);
      raw[i] = static_cast<float>(v);
    }
    score_values(raw, score, t.slope_deg.size());
  }

 private:
  std::vector<double> table_;
};
}  // namespace

std::unique_ptr<Factor> make_solar_factor(const FactorSpec& spec) {
  return std::make_unique<SolarFactor>(spec);
}
}  // namespace siteplan::engine
