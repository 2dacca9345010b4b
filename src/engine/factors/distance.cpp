// Distance to the nearest feature of a layer (roads, substations, power lines, settlements,
// rivers). On the grid: GDAL's proximity (gdal_proximity) from the rasterized features; for a
// candidate: the exact GEOS distance from its polygon (0 when it touches a feature).
#include <fmt/core.h>
#include <gdal_alg.h>

#include <cmath>

#include "core/error.hpp"
#include "engine/factors/terrain_factors.hpp"
#include "engine/score_function.hpp"
#include "io/layer.hpp"

namespace siteplan::engine {
namespace {
class DistanceFactor : public Factor {
 public:
  using Factor::Factor;
  void prepare(FactorContext& fc) override {
    io::LoadOptions opt;
    io::LoadedLayer l = io::load_layer(fc.layer(spec_.layer), fc.work, fc.ctx, opt);
    std::vector<const GEOSGeometry*> raw;
    for (auto& f : l.features)
      if (f.geom) {
        gis::warm_envelope(fc.ctx, f.geom.get());
        raw.push_back(f.geom.get());
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

    Raster burnt = rasterize(fc.grid, fc.ctx, raw, {}, 0.0f, true);
    auto src = fc.grid.mem(GDT_Float32);
    write_band(*src, burnt);
    auto dst = fc.grid.mem(GDT_Float32);
    char* opts[] = {const_cast<char*>("VALUES=1"), const_cast<char*>("DISTUNITS=GEO"), nullptr};
    if (GDALComputeProximity(src->GetRasterBand(1), dst->GetRasterBand(1), opts, nullptr,
                             nullptr) != CE_None)
      throw RuntimeError("proximity computation failed: " + gis::last_gdal_error());
    raw_ = read_band(*dst);
    score_cells();
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

 private:
  std::vector<gis::GeomPtr> geoms_;
  gis::STRtreePtr tree_;
};
}  // namespace

std::unique_ptr<Factor> make_distance_factor(const FactorSpec& spec) {
  return std::make_unique<DistanceFactor>(spec);
}
}  // namespace siteplan::engine
