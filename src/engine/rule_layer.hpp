#pragma once
// A rule's (or breakdown's) features in the working CRS, ready for overlap queries: valid
// polygonal geometries only, buffered when the rule has a setback, each with its class value.
#include <string>
#include <vector>

#include "gis/geos.hpp"
#include "io/layer.hpp"
#include "project/project.hpp"

namespace siteplan::engine {

struct RuleLayer {
  std::string id;    // rule id (or breakdown id)
  std::string name;  // label
  Severity severity = Severity::Block;
  std::string basis;
  double penalty_per_share = 0;  // suitability: score lost when a candidate is wholly covered
  std::string source;            // "path:layer [where ...]" for reports
  bool breakdown = false;        // classes summed per value of `field`
  std::string field;
  std::vector<gis::GeomPtr> geoms;  // features, the largest cut into tiles (tiling.hpp)
  // For tiles: the index into `whole` of the feature they were cut from; -1 for features kept
  // as they are. Empty when nothing was cut.
  std::vector<int> tile_of;
  std::vector<gis::GeomPtr> whole;   // the features that were cut, uncut
  std::vector<std::string> classes;  // breakdown class per geometry (empty otherwise)
  io::LayerStats stats;              // of the source features read
};

struct RuleLoadOptions {
  // With boxes, only features whose envelope (after the rule's buffer) meets one of them —
  // e.g. the parcels' envelopes — are converted and kept.
  const gis::BoxIndex* near_boxes = nullptr;
  const ProgressFn* progress = nullptr;
};

// Loads the layer of a rule (filtered by the rule's where when given, buffered by buffer_m).
// Only features meeting `near` are read. Geometries are owned through `ctx`, which must outlive
// them.
RuleLayer make_rule_layer(const RuleSpec& rule, const LayerSpec& layer, const gis::Crs& work,
                          const gis::GeosContext& ctx, const gis::Extent& near,
                          const RuleLoadOptions& options = {});
RuleLayer make_breakdown_layer(const BreakdownSpec& breakdown, const LayerSpec& layer,
                               const gis::Crs& work, const gis::GeosContext& ctx,
                               const gis::Extent& near, const RuleLoadOptions& options = {});

}  // namespace siteplan::engine
