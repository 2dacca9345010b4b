// Distance to the nearest feature of a layer (roads, substations, power lines, settlements,
// rivers). On the grid: the exact Euclidean distance (engine/edt.hpp) between cell centres and
// the cells the features touch; for a candidate: the exact GEOS distance from its polygon (0 when
// it touches a feature). A row range needs the features within the score's saturation distance
// (zero_at of a linear score): beyond it every distance scores the same.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "engine/edt.hpp"
#include "engine/factors/terrain_factors.hpp"
#include "engine/score_function.hpp"
#include "io/layer.hpp"

namespace siteplan::engine {
namespace {
class DistanceFactor : public Factor {
 public:
  using Factor::Factor;
  void open(FactorContext& fc) override {
    io::LoadOptions opt;
    io::LoadedLayer l = io::load_layer(fc.layer(spec_.layer), fc.work, fc.ctx, opt);
    for (auto& f : l.features)
      if (f.geom) {
        gis::warm_envelope(fc.ctx, f.geom.get());
        shapes_.add(fc.ctx, f.geom.get());
        geoms_.push_back(std::move(f.geom));
      }
    if (geoms_.empty())
      throw InputError(fmt::format("{}: factor '{}' has no features to measure distance to",
                                   fc.layer(spec_.layer).display(), spec_.id));
    // Is any feature inside (or near) the study area? Else the factor is meaningless.
    gis::Extent e = l.work_extent;
    const auto& s = fc.study_extent;
    double far = 0.25 * std::max(s.maxx - s.minx, s.maxy - s.miny);
    if (!e.valid || e.minx > s.maxx + far || e.maxx < s.minx - far || e.miny > s.maxy + far ||
        e.maxy < s.miny - far)
      throw InputError(
          fmt::format("{}: factor '{}': the layer has no feature in or near the study area "
                      "(check its CRS and extent with `siteplan info`)",
                      fc.layer(spec_.layer).display(), spec_.id));
    tree_.reset(GEOSSTRtree_create_r(fc.ctx, 10));
    tree_.get_deleter().ctx = fc.ctx.get();
    for (std::size_t i = 0; i < geoms_.size(); ++i)
      GEOSSTRtree_insert_r(fc.ctx, tree_.get(), geoms_[i].get(), geoms_[i].get());
  }

  // Rows beyond a range whose features can still change a score in it.
  int halo_rows(const Grid& grid) const override {
    const ScoreSpec& s = spec_.score;
    double m = std::numeric_limits<double>::infinity();
    if (s.kind == "linear")
      m = std::max(s.zero_at, s.one_at);
    else if (s.kind == "table" && !s.table.empty())
      m = s.table.back().first;
    else if (s.kind == "sigmoid")
      m = s.midpoint + 40.0 * s.spread;  // 1/(1+e^40): the same float as the limit
    else if (s.kind == "gaussian")
      m = s.midpoint + 10.0 * s.spread;
    const double rows = std::ceil(std::max(0.0, m) / grid.cell) + 1.0;
    return static_cast<int>(
        std::min({rows, static_cast<double>(grid.ny), static_cast<double>(kMaxVertical)}));
  }

  void span(FactorContext& fc, int r0, int r1) override {
    const int h = halo_rows(fc.grid);
    const int w0 = std::max(0, r0 - h), w1 = std::min(fc.grid.ny, r1 + h);
    const Grid win = rows_of(fc.grid, w0, w1);
    std::vector<std::uint8_t> mask(win.size(), 0);
    burn(win, shapes_, mask.data(), true);
    vertical_.assign(static_cast<std::size_t>(r1 - r0) * static_cast<std::size_t>(fc.grid.nx),
                     kNoVertical);
    vertical_distances(mask.data(), w1 - w0, fc.grid.nx, r0 - w0, r1 - w0, vertical_.data());
    span_r0_ = r0;
  }

  void rows(const FactorContext& fc, const StripRows& in, float* raw, float* score) const override {
    const auto nx = static_cast<std::size_t>(fc.grid.nx);
    EdtScratch scratch;
    std::vector<double> d2(nx);
    for (int r = in.r0; r < in.r1; ++r) {
      const std::size_t at = static_cast<std::size_t>(r - in.r0) * nx;
      squared_distances_row(vertical_.data() + static_cast<std::size_t>(r - span_r0_) * nx,
                            fc.grid.nx, d2.data(), scratch);
      for (std::size_t c = 0; c < nx; ++c)
        raw[at + c] = static_cast<float>(std::sqrt(d2[c]) * fc.grid.cell);
    }
    score_values(raw, score, static_cast<std::size_t>(in.r1 - in.r0) * nx);
  }

  void release() override {
    vertical_.clear();
    vertical_.shrink_to_fit();
  }

  FactorValue evaluate(const GEOSGeometry* candidate, const CellSet&,
                       const gis::GeosContext& ctx) const override {
    struct Query {
      GEOSContextHandle_t ctx;
    } q{ctx.get()};
    const void* nearest = GEOSSTRtree_nearest_generic_r(
        ctx, tree_.get(), candidate, candidate,
        [](const void* item, const void* other, double* distance, void* userdata) -> int {
          auto* qq = static_cast<Query*>(userdata);
          return GEOSDistance_r(qq->ctx, static_cast<const GEOSGeometry*>(item),
                                static_cast<const GEOSGeometry*>(other), distance);
        },
        &q);
    FactorValue v;
    double d = std::nan("");
    if (nearest) GEOSDistance_r(ctx, static_cast<const GEOSGeometry*>(nearest), candidate, &d);
    v.raw = d;
    v.score = score_value(spec_.score, d);
    return v;
  }
  std::string units() const override { return "m"; }
  bool evaluates_on_grid() const override { return false; }  // GEOS distance of the polygon

 private:
  std::vector<gis::GeomPtr> geoms_;
  OgrShapes shapes_;
  gis::STRtreePtr tree_;
  std::vector<std::uint16_t> vertical_;  // span(): vertical distances of its rows
  int span_r0_ = 0;
};
}  // namespace

std::unique_ptr<Factor> make_distance_factor(const FactorSpec& spec) {
  return std::make_unique<DistanceFactor>(spec);
}
}  // namespace siteplan::engine
