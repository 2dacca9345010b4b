#pragma once
// A rule's (or breakdown's) features in the working CRS, ready for overlap queries: valid
// polygonal geometries only, buffered when the rule has a setback, each with its class value.
#include <memory>
#include <string>
#include <vector>

#include "core/progress.hpp"
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

// The one loader of a project's rule layers, for clearance, suitability and the viewer alike:
// only features near the work are read (through a GeoPackage's R-tree when it has one), very
// large features may be cut into tiles, and layers load side by side.
struct RuleSetOptions {
  gis::Extent near;                           // read only features meeting it (when valid)
  const gis::BoxIndex* near_boxes = nullptr;  // and, finer, meeting one of these boxes
  bool breakdowns = false;                    // also the project's breakdowns, after the rules
  bool tile = false;                          // cut very large features (tiling.hpp)
  unsigned lanes = 1;  // layers loaded side by side; 1 = in `owner`, in declaration order
  const gis::GeosContext* owner = nullptr;  // with one lane: the context owning the geometries
  bool keep_going = false;  // a layer that fails is left empty and its error kept, not thrown
  const ProgressFn* progress = nullptr;
};
struct RuleSet {
  // Declared first, destroyed last: the lanes' contexts own the geometries made in them.
  std::vector<std::unique_ptr<gis::GeosContext>> contexts;
  std::vector<RuleLayer> layers;    // the rules in declaration order, then the breakdowns
  std::vector<std::string> errors;  // with keep_going: "" or why layer i could not be loaded
};
RuleSet load_rule_layers(const Project& project, const gis::Crs& work,
                         const RuleSetOptions& options);

}  // namespace siteplan::engine
