#include "engine/rule_layer.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/log.hpp"

namespace siteplan::engine {

namespace {
std::string describe(const LayerSpec& layer, const std::string& where) {
  std::string s = layer.display();
  std::string w = layer.where;
  if (!where.empty()) w = w.empty() ? where : "(" + w + ") AND (" + where + ")";
  if (!w.empty()) s += " where " + w;
  return s;
}

void take_features(RuleLayer& out, io::LoadedLayer& loaded, const gis::GeosContext& ctx,
                   double buffer_m, bool with_class) {
  out.stats = loaded.stats;
  for (auto& f : loaded.features) {
    if (!f.geom) continue;
    gis::GeomPtr g = std::move(f.geom);
    if (buffer_m > 0) {
      GEOSGeometry* b = GEOSBuffer_r(ctx, g.get(), buffer_m, 16);
      if (!b) throw RuntimeError(fmt::format("buffering {} feature {} failed", out.id, f.key));
      g = gis::polygonal_part(ctx, gis::wrap(ctx, b));
    } else {
      g = gis::polygonal_part(ctx, std::move(g));
    }
    if (GEOSisEmpty_r(ctx, g.get())) continue;
    gis::warm_envelope(ctx, g.get());
    out.geoms.push_back(std::move(g));
    if (with_class) out.classes.push_back(f.values.empty() ? std::string() : f.values[0]);
  }
  if (loaded.stats.unrepairable + loaded.stats.transform_failed > 0)
    log::warn("{}: {} features could not be used (unrepairable or not transformable)", out.source,
              loaded.stats.unrepairable + loaded.stats.transform_failed);
}
}  // namespace

RuleLayer make_rule_layer(const RuleSpec& rule, const LayerSpec& layer, const gis::Crs& work,
                          const gis::GeosContext& ctx, const gis::Extent& near,
                          const RuleLoadOptions& options) {
  RuleLayer out;
  out.id = rule.id;
  out.name = rule.name.empty() ? rule.id : rule.name;
  out.severity = rule.severity;
  out.basis = rule.basis;
  out.source = describe(layer, rule.where);
  io::LoadOptions opt;
  opt.extra_where = rule.where;
  opt.polygons_only = rule.buffer_m <= 0;
  opt.near = options.near_boxes;
  opt.progress = options.progress;
  opt.near_margin = std::max(0.0, rule.buffer_m);
  if (near.valid) {
    opt.spatial_filter = near;
    opt.spatial_filter.minx -= rule.buffer_m;
    opt.spatial_filter.miny -= rule.buffer_m;
    opt.spatial_filter.maxx += rule.buffer_m;
    opt.spatial_filter.maxy += rule.buffer_m;
  }
  if (layer.id.rfind("cli:", 0) != 0)
    opt.crs_option = fmt::format("crs = \"{{crs}}\" in [layers.{}]", layer.id);
  LayerSpec spec = layer;
  spec.id = rule.id;
  io::LoadedLayer loaded = io::load_layer(spec, work, ctx, opt);
  if (rule.buffer_m <= 0 && loaded.stats.not_polygon > 0 &&
      loaded.stats.not_polygon == loaded.stats.total)
    throw InputError(
        fmt::format("{}: rule '{}' needs polygons but the layer holds {}; give the rule "
                    "a buffer_m to turn points or lines into zones",
                    layer.display(), rule.id, loaded.geometry_type));
  take_features(out, loaded, ctx, rule.buffer_m, false);
  return out;
}

RuleLayer make_breakdown_layer(const BreakdownSpec& b, const LayerSpec& layer, const gis::Crs& work,
                               const gis::GeosContext& ctx, const gis::Extent& near,
                               const RuleLoadOptions& options) {
  RuleLayer out;
  out.id = b.id;
  out.name = b.name.empty() ? b.id : b.name;
  out.severity = Severity::Info;
  out.breakdown = true;
  out.field = b.field;
  out.source = describe(layer, "") + " by " + b.field;
  io::LoadOptions opt;
  opt.polygons_only = true;
  opt.fields = {b.field};
  opt.spatial_filter = near;
  opt.near = options.near_boxes;
  opt.progress = options.progress;
  if (layer.id.rfind("cli:", 0) != 0)
    opt.crs_option = fmt::format("crs = \"{{crs}}\" in [layers.{}]", layer.id);
  LayerSpec spec = layer;
  spec.id = b.id;
  io::LoadedLayer loaded = io::load_layer(spec, work, ctx, opt);
  take_features(out, loaded, ctx, 0.0, true);
  return out;
}

}  // namespace siteplan::engine
