// Categorical score from an attribute (e.g. 三调 land class DLBM → score). On the grid: each
// cell takes its polygon's class score; for a candidate: the area-weighted mean score of the
// classes it covers (exact GEOS intersections), raw = the dominant class.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "engine/factors/terrain_factors.hpp"
#include "engine/score_function.hpp"
#include "io/layer.hpp"

namespace siteplan::engine {
namespace {
class CategoryFactor : public Factor {
 public:
  using Factor::Factor;
  void open(FactorContext& fc) override {
    if (spec_.field.empty())
      throw InputError(
          fmt::format("{}: category factor '{}' needs field = \"...\"", spec_.pos.str(), spec_.id));
    io::LoadOptions opt;
    opt.polygons_only = true;
    opt.fields = {spec_.field};
    opt.spatial_filter = fc.study_extent;
    io::LoadedLayer l = io::load_layer(fc.layer(spec_.layer), fc.work, fc.ctx, opt);
    tree_.reset(GEOSSTRtree_create_r(fc.ctx, 10));
    tree_.get_deleter().ctx = fc.ctx.get();
    for (auto& f : l.features) {
      if (!f.geom) continue;
      gis::warm_envelope(fc.ctx, f.geom.get());
      classes_.push_back(f.values[0]);
      scores_.push_back(score_category(spec_.score, f.values[0]));
      shapes_.add(fc.ctx, f.geom.get(), scores_.back());
      geoms_.push_back(std::move(f.geom));
    }
    if (geoms_.empty())
      throw InputError(fmt::format("{}: factor '{}': the layer has no polygon in the study area",
                                   fc.layer(spec_.layer).display(), spec_.id));
    warn_absent_codes(fc.layer(spec_.layer).display());
    for (std::size_t i = 0; i < geoms_.size(); ++i)
      GEOSSTRtree_insert_r(fc.ctx, tree_.get(), geoms_[i].get(), reinterpret_cast<void*>(i));
  }
  // Each cell takes its polygon's class score; no numeric raw value per cell (raw = score).
  void rows(const FactorContext& fc, const StripRows& in, float* raw, float* score) const override {
    const Grid win = rows_of(fc.grid, in.r0, in.r1);
    std::fill(score, score + win.size(), kNoData);
    burn(win, shapes_, score, false);
    std::copy(score, score + win.size(), raw);
  }

  bool evaluates_on_grid() const override { return false; }  // exact class areas
  FactorValue evaluate(const GEOSGeometry* candidate, const CellSet&,
                       const gis::GeosContext& ctx) const override {
    std::vector<std::size_t> hits;
    GEOSSTRtree_query_r(
        ctx, tree_.get(), candidate,
        [](void* item, void* ud) {
          static_cast<std::vector<std::size_t>*>(ud)->push_back(
              reinterpret_cast<std::size_t>(item));
        },
        &hits);
    std::sort(hits.begin(), hits.end());
    std::map<std::string, double> by_class;
    double total = 0, weighted = 0;
    for (std::size_t i : hits) {
      GEOSGeometry* inter = GEOSIntersection_r(ctx, candidate, geoms_[i].get());
      if (!inter) continue;
      double a = gis::area(ctx, inter);
      GEOSGeom_destroy_r(ctx, inter);
      if (a <= 0) continue;
      by_class[classes_[i]] += a;
      total += a;
      weighted += a * scores_[i];
    }
    FactorValue v;
    v.raw = std::nan("");
    if (total <= 0) {
      v.score = std::nan("");
      return v;
    }
    v.score = weighted / total;
    double best = -1;
    for (const auto& [cls, a] : by_class)
      if (a > best) {
        best = a;
        v.raw_text = cls;
      }
    return v;
  }

 private:
  // A scored code that no feature carries is most likely a typo ("601" for "0601"): say so,
  // with the present codes nearest to it.
  void warn_absent_codes(const std::string& layer) const {
    std::set<std::string> present(classes_.begin(), classes_.end());
    for (const auto& [code, score] : spec_.score.categories) {
      if (present.count(code)) continue;
      std::size_t best = std::string::npos;
      std::vector<std::string> near;
      for (const auto& p : present) {
        std::size_t d = text::edit_distance(code, p);
        if (d < best) {
          best = d;
          near.clear();
        }
        if (d == best && near.size() < 3) near.push_back(p);
      }
      std::string hint;
      if (best <= std::max<std::size_t>(2, code.size() / 3 + 1))
        for (std::size_t k = 0; k < near.size(); ++k)
          hint += fmt::format("{}\"{}\"", k == 0 ? "; did you mean " : " or ", near[k]);
      if (!hint.empty()) hint += "?";
      log::warn(
          "{}: factor '{}': category \"{}\" (score {}) occurs in no feature of {} (field {}) in "
          "the study area, so it scores nothing{}",
          spec_.score.pos.str(), spec_.id, code, score, layer, spec_.field, hint);
    }
  }

  std::vector<gis::GeomPtr> geoms_;
  OgrShapes shapes_;
  std::vector<std::string> classes_;
  std::vector<double> scores_;
  gis::STRtreePtr tree_;
};
}  // namespace

std::unique_ptr<Factor> make_category_factor(const FactorSpec& spec) {
  return std::make_unique<CategoryFactor>(spec);
}
}  // namespace siteplan::engine
