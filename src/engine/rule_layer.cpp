#include "engine/rule_layer.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "engine/tiling.hpp"

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
  // In FID order: a spatial filter returns features in the order of the R-tree walk, which
  // depends on the area asked for. The checks sum and union in feature order, so without this
  // the last bits of an area would depend on which other parcels were read with a parcel
  // (blocks, MPI shards).
  std::stable_sort(loaded.features.begin(), loaded.features.end(),
                   [](const io::Feature& a, const io::Feature& b) { return a.fid < b.fid; });
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

RuleSet load_rule_layers(const Project& project, const gis::Crs& work,
                         const RuleSetOptions& options) {
  struct Load {
    const RuleSpec* rule = nullptr;
    const BreakdownSpec* breakdown = nullptr;
    std::size_t slot = 0;  // rules in declaration order, then breakdowns
  };
  // Several lanes: breakdowns first — a land-use coverage is usually by far the largest layer,
  // and starting the longest load first keeps the lanes evenly busy.
  std::vector<Load> loads;
  const std::size_t nrules = project.rules.size();
  const std::size_t nbreak = options.breakdowns ? project.breakdowns.size() : 0;
  if (options.lanes > 1)
    for (std::size_t i = 0; i < nbreak; ++i)
      loads.push_back({nullptr, &project.breakdowns[i], nrules + i});
  for (std::size_t i = 0; i < nrules; ++i) loads.push_back({&project.rules[i], nullptr, i});
  if (options.lanes <= 1)
    for (std::size_t i = 0; i < nbreak; ++i)
      loads.push_back({nullptr, &project.breakdowns[i], nrules + i});

  RuleSet set;
  const unsigned lanes =
      static_cast<unsigned>(std::clamp<std::size_t>(loads.size(), 1, std::max(1u, options.lanes)));
  if (lanes > 1 || !options.owner)
    for (unsigned k = 0; k < lanes; ++k)
      set.contexts.push_back(std::make_unique<gis::GeosContext>());
  set.layers.resize(loads.size());
  set.errors.resize(loads.size());
  std::vector<std::exception_ptr> failures(loads.size());
  std::atomic<std::size_t> next{0};
  Progress all(options.progress, fmt::format("loading {} constraint layers", loads.size()),
               loads.size());
  RuleLoadOptions lopt;
  lopt.near_boxes = options.near_boxes;
  lopt.progress = lanes == 1 ? options.progress : nullptr;
  auto lane = [&](unsigned k) {
    const gis::GeosContext& lctx = set.contexts.empty() ? *options.owner : *set.contexts[k];
    for (std::size_t j = next++; j < loads.size(); j = next++) {
      const Load& load = loads[j];
      RuleLayer& layer = set.layers[load.slot];
      try {
        const auto t = std::chrono::steady_clock::now();
        const std::string& layer_id = load.rule ? load.rule->layer : load.breakdown->layer;
        if (!project.find_layer(layer_id))
          throw InputError(fmt::format("layer '{}' is not declared", layer_id));
        if (load.rule)
          layer = make_rule_layer(*load.rule, *project.find_layer(load.rule->layer), work, lctx,
                                  options.near, lopt);
        else
          layer = make_breakdown_layer(*load.breakdown, *project.find_layer(load.breakdown->layer),
                                       work, lctx, options.near, lopt);
        const std::size_t before = layer.geoms.size();
        if (options.tile) tile_large_features(layer, lctx);
        log::debug("{}: {} features near the work ({} further away), {} after tiling, {:.2f} s",
                   layer.id, before, layer.stats.far, layer.geoms.size(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
        all.advance();
      } catch (const Cancelled&) {
        failures[load.slot] = std::current_exception();
        next = loads.size();
      } catch (const std::exception& e) {
        if (options.keep_going) {
          layer = RuleLayer{};
          layer.id = load.rule ? load.rule->id : load.breakdown->id;
          set.errors[load.slot] = e.what();
          continue;
        }
        failures[load.slot] = std::current_exception();
        next = loads.size();
      }
    }
  };
  run_lanes(lanes, lane);
  for (auto& f : failures)  // the first failing layer in declaration order
    if (f) std::rethrow_exception(f);
  all.finish();
  return set;
}

}  // namespace siteplan::engine
