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
  std::vector<gis::GeomPtr> geoms;
  std::vector<std::string> classes;  // breakdown class per geometry (empty otherwise)
  io::LayerStats stats;              // of the source features read
};

// Builds the layer of a rule from an already loaded layer (features are cloned, filtered
// by the rule's where when given, buffered by buffer_m).
RuleLayer make_rule_layer(const RuleSpec& rule, const LayerSpec& layer, const gis::Crs& work,
                          const gis::GeosContext& ctx, const gis::Extent& near);
RuleLayer make_breakdown_layer(const BreakdownSpec& breakdown, const LayerSpec& layer,
                               const gis::Crs& work, const gis::GeosContext& ctx,
                               const gis::Extent& near);

}  // namespace siteplan::engine
