#include "engine/clearance_job.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <map>
#include <thread>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "core/threads.hpp"
#include "engine/tiling.hpp"
#include "gis/box_index.hpp"
#include "io/coord_txt.hpp"
#include "io/layer.hpp"
#include "io/vertex_table.hpp"

namespace siteplan::engine {

std::vector<std::string> ParcelAttributes::value_row(std::size_t parcel) const {
  return parcel < values.size() ? values[parcel] : std::vector<std::string>{};
}

const std::string& ParcelAttributes::value(std::size_t parcel, std::size_t field) const {
  static const std::string none;
  if (parcel >= values.size() || field >= values[parcel].size()) return none;
  return values[parcel][field];
}

void ClearanceCollector::end(const ClearanceRun& r, ClearanceResult& result) {
  run.request = r.request;
  run.work = r.work;
  run.parcels_label = r.parcels_label;
  run.coverage = r.coverage;
  run.rules = r.rules;
  run.attributes = r.attributes;
  run.group_of = r.group_of;
  run.inputs = r.inputs;
  parcels = std::move(result.parcels);
  input_index = result.input_index;
  result.parcels.clear();
}

std::vector<std::string> kept_fields(const std::string& keep,
                                     const std::vector<std::string>& fields,
                                     const std::string& id_field, const std::string& name_field) {
  std::vector<std::string> out;
  if (text::to_lower(keep) == "none") return out;
  if (!keep.empty()) {
    std::string item;
    for (std::size_t i = 0; i <= keep.size(); ++i) {
      if (i == keep.size() || keep[i] == ',') {
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
        item.clear();
      } else if (!(item.empty() && keep[i] == ' ')) {
        item += keep[i];
      }
    }
    return out;
  }
  for (const auto& f : fields) {
    const std::string n = text::to_lower(f);
    if (n == text::to_lower(id_field) || n == text::to_lower(name_field) || n == "wkt" ||
        n == "geometry" || n == "geom" || n == "the_geom")
      continue;
    out.push_back(f);
  }
  return out;
}

namespace {

io::LoadOptions probe_options() {
  io::LoadOptions o;
  o.keep_geometry = false;
  o.validate_only = true;
  return o;
}

gis::Extent widened(gis::Extent e, double m) {
  e.minx -= m;
  e.miny -= m;
  e.maxx += m;
  e.maxy += m;
  return e;
}

// A polygon per extent: the coverage of last resort.
RuleLayer extent_coverage(const std::vector<gis::Extent>& extents, const gis::GeosContext& ctx) {
  RuleLayer layer;
  layer.id = "coverage";
  layer.name = "rule layer extents";
  layer.severity = Severity::Info;
  for (const auto& e : extents) {
    GEOSGeometry* box = GEOSGeom_createRectangle_r(ctx, e.minx, e.miny, e.maxx, e.maxy);
    if (!box) continue;
    gis::GeomPtr g = gis::wrap(ctx, box);
    gis::warm_envelope(ctx, g.get());
    layer.geoms.push_back(std::move(g));
  }
  return layer;
}

// Every parcel has an id, and no two the same.
void check_ids(const io::LoadedLayer& parcels, const std::string& label,
               const std::string& id_field) {
  std::map<std::string, int> seen;
  std::vector<std::string> missing;
  for (const auto& f : parcels.features) {
    if (f.key.empty()) missing.push_back(std::to_string(f.fid));
    seen[f.key]++;
  }
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? ", " : "") + missing[i];
    throw InputError(
        fmt::format("{}: {} parcels have no value in id field '{}' (FID {}{}); fill "
                    "them or choose another --id-field",
                    label, missing.size(), id_field, list, missing.size() > 20 ? ", ..." : ""));
  }
  std::string dups;
  int ndup = 0;
  for (const auto& [k, n] : seen)
    if (n > 1) {
      if (ndup < 20) dups += fmt::format("{}'{}' ×{}", dups.empty() ? "" : ", ", k, n);
      ++ndup;
    }
  if (ndup)
    throw InputError(
        fmt::format("{}: {} duplicate parcel ids in field '{}': {}{}; ids must be "
                    "unique",
                    label, ndup, id_field, dups, ndup > 20 ? ", ..." : ""));
}

}  // namespace

struct ClearanceJob::State {
  ClearanceRequest req;
  bool validated = false;
  ClearanceRun run;
  gis::GeosContext ctx;  // owns the parcels' and the coverage's geometries
  // Where the rule data are complete: a polygon layer, a breakdown's footprint, or the rule
  // layers' extents.
  std::optional<LayerSpec> coverage_spec;
  bool coverage_from_breakdown = false;
  std::vector<gis::Extent> rule_extents;
  // The field values loaded per parcel: [name], kept fields, [group field].
  std::vector<std::string> load_fields;
  int name_value = -1;
  std::size_t keep_at = 0, group_at = 0;
  // Read in run(), after `ctx` (which outlives the geometries made in it).
  io::LoadedLayer parcels;               // this run's parcels (a shard's only, in a sharded run)
  std::vector<std::size_t> input_index;  // their input positions (sharded runs)
  RuleSet rule_set;                      // the rule data near the block of parcels being checked
  RuleLayer own_coverage;
  std::vector<RuleLayer> rules_meta;  // the rules without their data, for the sinks

  void resolve_parcel_fields();
  void choose_work_crs();
  void plan_coverage();
  void probe_layers();
  void plan_fields();
  io::LoadOptions parcel_options(const ProgressFn* progress) const;
  void load_parcels(const ProgressFn* progress);
  void keep_shard(const ProgressFn* progress);
  std::future<std::vector<InputRecord>> hash_inputs_async(std::vector<LayerSpec> specs) const;
  void load_rules(const gis::Extent& near, const gis::BoxIndex& near_boxes,
                  const ProgressFn* progress);
  const RuleLayer* build_coverage(const gis::Extent& near, const gis::BoxIndex& near_boxes);
};

namespace {
// A rule layer's description without its data (what the sinks need after the data are gone).
RuleLayer metadata_of(const RuleLayer& l) {
  RuleLayer m;
  m.id = l.id;
  m.name = l.name;
  m.severity = l.severity;
  m.basis = l.basis;
  m.penalty_per_share = l.penalty_per_share;
  m.source = l.source;
  m.breakdown = l.breakdown;
  m.field = l.field;
  m.stats = l.stats;
  return m;
}
}  // namespace

ClearanceJob::ClearanceJob(ClearanceRequest request) : s_(std::make_unique<State>()) {
  s_->req = std::move(request);
  s_->run.request = &s_->req;
}
ClearanceJob::~ClearanceJob() = default;
ClearanceJob::ClearanceJob(ClearanceJob&&) noexcept = default;
ClearanceJob& ClearanceJob::operator=(ClearanceJob&&) noexcept = default;

const ClearanceRun& ClearanceJob::context() const {
  return s_->run;
}

void ClearanceJob::validate() {
  if (s_->validated) return;
  State& s = *s_;
  s.req.project.validate();
  if (s.req.project.rules.empty() && s.req.project.breakdowns.empty())
    throw InputError(fmt::format("{}: the rule file declares no [[constraint]]",
                                 s.req.rules_source.empty() ? "clearance" : s.req.rules_source));
  s.req.parcels.id = "parcels";
  s.resolve_parcel_fields();
  s.choose_work_crs();
  s.plan_coverage();
  s.probe_layers();
  s.plan_fields();
  s.run.parcels_label = s.req.parcels.display();
  s.validated = true;
}

// DESIGN: a coordinate TXT's 地块编号 is the parcel id and 地块名称 the name; a vertex table's id
// column groups its rows (in every open) and names its parcels.
void ClearanceJob::State::resolve_parcel_fields() {
  if (io::is_coord_txt(req.parcels.source)) {
    if (req.id_field.empty()) req.id_field = "地块编号";
    if (req.name_field.empty()) req.name_field = "地块名称";
  } else if (auto keys =
                 io::vertex_table_keys(req.parcels.source, req.parcels.encoding, req.id_field)) {
    if (req.id_field.empty()) req.id_field = keys->id_field;
    if (req.name_field.empty()) req.name_field = keys->name_field;
    req.parcels.id_field = req.id_field;
  }
}

// The request's, else the project's, else the parcels' own CRS — projected in every case.
void ClearanceJob::State::choose_work_crs() {
  const std::string text = !req.work_crs.empty() ? req.work_crs : req.project.crs;
  const std::string what =
      !req.work_crs.empty() ? req.work_crs_option : req.rules_source + ": [project] crs";
  if (!text.empty()) {
    run.work = gis::working_crs(text, what);
    return;
  }
  if (!req.parcels.crs.empty()) {
    run.work = gis::Crs::from_user(req.parcels.crs, "--parcels-crs");
  } else {
    io::LoadOptions probe = probe_options();
    probe.allow_no_crs = true;
    auto p = io::load_layer(req.parcels, gis::Crs(), ctx, probe);
    if (p.source_crs.empty())
      throw InputError(
          fmt::format("{}: the parcel layer has no CRS and none is given; pass --parcels-crs "
                      "EPSG:... saying what its coordinates are (e.g. EPSG:4542 for CGCS2000 "
                      "3-degree GK CM 99E, EPSG:4521 when the eastings carry the zone prefix 33)",
                      req.parcels.display()));
    run.work = p.source_crs;
  }
  gis::require_projected(run.work,
                         fmt::format("{} (the parcels' CRS; pass {} to choose the working CRS)",
                                     req.parcels.display(), req.work_crs_option));
}

// Where the rule data are complete, in order of preference: the request's coverage, [project]
// coverage, the study area, a breakdown's footprint (三调 is wall-to-wall), and as a last resort
// the rule layers' extents (with a warning when the run starts).
void ClearanceJob::State::plan_coverage() {
  const Project& p = req.project;
  if (req.coverage) {
    coverage_spec = *req.coverage;
    coverage_spec->id = "coverage";
    run.coverage = fmt::format("{} {}", req.coverage_option, coverage_spec->display());
  } else if (!p.coverage.empty()) {
    coverage_spec = *p.find_layer(p.coverage);
    run.coverage =
        fmt::format("[project] coverage = \"{}\" ({})", p.coverage, coverage_spec->display());
  } else if (!p.study_area.empty()) {
    coverage_spec = *p.find_layer(p.study_area);
    run.coverage =
        fmt::format("the study area \"{}\" ({})", p.study_area, coverage_spec->display());
  } else if (!p.breakdowns.empty()) {
    coverage_from_breakdown = true;
    run.coverage = fmt::format("the footprint of the land-use coverage \"{}\"", p.breakdowns[0].id);
  } else {
    run.coverage = "the extents of the rule layers";
  }
}

// Every rule layer, the coverage and every breakdown open, have their fields and a CRS their
// coordinates fit. The rule layers' extents are the coverage of last resort.
void ClearanceJob::State::probe_layers() {
  const Project& p = req.project;
  for (const auto& r : p.rules) {
    io::LoadOptions check = probe_options();
    check.extra_where = r.where;
    auto probe = io::load_layer(*p.find_layer(r.layer), run.work, ctx, check);
    if (probe.layer_work_extent.valid)
      rule_extents.push_back(widened(probe.layer_work_extent, r.buffer_m));
  }
  if (coverage_spec) {
    auto probe = io::load_layer(*coverage_spec, run.work, ctx, probe_options());
    const std::string type = text::to_lower(probe.geometry_type);
    if (type.find("point") != std::string::npos || type.find("line") != std::string::npos)
      throw InputError(
          fmt::format("{}: the coverage ({}) holds {} geometries; it must be the "
                      "polygons where the rule data are complete",
                      probe.spec.display(), run.coverage, probe.geometry_type));
  }
  for (const auto& b : p.breakdowns) {
    io::LoadOptions check = probe_options();
    check.fields = {b.field};
    io::load_layer(*p.find_layer(b.layer), run.work, ctx, check);
  }
}

// The parcel fields to load: the name first, then the kept fields, then the group field when
// it is not one of them. Unknown fields fail here, before anything is read.
void ClearanceJob::State::plan_fields() {
  io::LoadOptions probe = probe_options();
  probe.allow_no_crs = true;
  probe.require_crs_fit = false;
  std::vector<std::string> names;
  for (const auto& f : io::load_layer(req.parcels, gis::Crs(), ctx, probe).fields)
    names.push_back(f.name);
  run.attributes.names = kept_fields(req.keep_fields, names, req.id_field, req.name_field);
  if (!req.name_field.empty()) {
    name_value = 0;
    load_fields.push_back(req.name_field);
  }
  keep_at = load_fields.size();
  load_fields.insert(load_fields.end(), run.attributes.names.begin(), run.attributes.names.end());
  group_at = load_fields.size();
  if (!req.group_field.empty()) {
    const auto& kept = run.attributes.names;
    auto it = std::find(kept.begin(), kept.end(), req.group_field);
    if (it != kept.end())
      group_at = keep_at + static_cast<std::size_t>(it - kept.begin());
    else
      load_fields.push_back(req.group_field);
  }
  // The fields exist, and the parcels' coordinates fit their CRS (on the layer's extent).
  io::LoadOptions check = probe_options();
  check.fields = load_fields;
  check.id_field = req.id_field;
  check.crs_option = "--parcels-crs {crs}";
  io::load_layer(req.parcels, run.work, ctx, check);
}

io::LoadOptions ClearanceJob::State::parcel_options(const ProgressFn* progress) const {
  io::LoadOptions popt;
  popt.polygons_only = true;
  popt.crs_option = "--parcels-crs {crs}";
  popt.id_field = req.id_field;
  popt.fields = load_fields;
  popt.progress = progress;
  return popt;
}

// Every parcel with its id and fields. A sharded run reads here only where each parcel lies (its
// envelope): keep_shard() converts and validates its own block's parcels.
void ClearanceJob::State::load_parcels(const ProgressFn* progress) {
  io::LoadOptions popt = parcel_options(progress);
  popt.envelopes_only = req.shard.count > 1;
  parcels = io::load_layer(req.parcels, run.work, ctx, popt);
  const std::string label = req.parcels.display();
  if (parcels.features.empty())
    throw InputError(fmt::format("{}: the parcel layer is empty; nothing to check", label));
  if (parcels.stats.not_polygon == parcels.stats.total)
    throw InputError(
        fmt::format("{}: the parcel layer holds {} geometries; parcels must be "
                    "polygons",
                    label, parcels.geometry_type));
  if (parcels.stats.null == parcels.stats.total)
    throw InputError(
        fmt::format("{}: none of its {} parcels has a geometry; a table (CSV, XLSX) "
                    "needs its polygons as WKT in a column named WKT, geometry or "
                    "geom, or one row per vertex with X/Y columns",
                    label, parcels.stats.total));
  check_ids(parcels, label, req.id_field);
  for (const auto& w : parcels.findings) log::warn("{}: {}", label, w);
  for (const auto& f : parcels.features) {
    auto at = [&](std::size_t k) { return k < f.values.size() ? f.values[k] : std::string(); };
    std::vector<std::string> row;
    for (std::size_t k = 0; k < run.attributes.names.size(); ++k) row.push_back(at(keep_at + k));
    run.attributes.values.push_back(std::move(row));
    if (!req.group_field.empty()) run.group_of.push_back(at(group_at));
  }
}

// A sharded run keeps its block of parcels (ids were checked over the whole batch), with their
// attributes and groups; the rule data are then read near these parcels only.
void ClearanceJob::State::keep_shard(const ProgressFn* progress) {
  std::vector<gis::Extent> envelopes;
  for (const auto& f : parcels.features) envelopes.push_back(f.envelope);
  input_index = shard_parcels(envelopes, req.shard.count, req.shard.index);
  // This block's parcels, converted and validated (the others were only placed).
  std::vector<char> mine(parcels.features.size(), 0);
  for (std::size_t i : input_index) mine[i] = 1;
  io::LoadOptions popt = parcel_options(progress);
  popt.convert_only = &mine;
  io::LoadedLayer block = io::load_layer(req.parcels, run.work, ctx, popt);
  if (block.features.size() != parcels.features.size())
    throw RuntimeError(
        fmt::format("{}: the parcel layer changed while it was read ({} features, "
                    "then {})",
                    req.parcels.display(), parcels.features.size(), block.features.size()));
  if (block.stats.repaired)
    log::warn("{}: {} invalid geometries repaired with make-valid in this shard",
              req.parcels.display(), block.stats.repaired);
  parcels.features = std::move(block.features);
  std::vector<io::Feature> kept;
  std::vector<std::vector<std::string>> values;
  std::vector<std::string> groups;
  gis::Extent extent;
  for (std::size_t i : input_index) {
    extent.expand(envelopes[i]);
    kept.push_back(std::move(parcels.features[i]));
    values.push_back(run.attributes.value_row(i));
    if (i < run.group_of.size()) groups.push_back(run.group_of[i]);
  }
  parcels.features = std::move(kept);
  parcels.work_extent = extent;
  run.attributes.values = std::move(values);
  run.group_of = std::move(groups);
}

// Every input with its SHA-256, hashed while the parcels are checked.
std::vector<LayerSpec> ClearanceJob::input_layers() const {
  const ClearanceRequest& req = s_->req;
  std::vector<LayerSpec> specs{req.parcels};
  for (const auto& r : req.project.rules) specs.push_back(*req.project.find_layer(r.layer));
  for (const auto& b : req.project.breakdowns) specs.push_back(*req.project.find_layer(b.layer));
  if (s_->coverage_spec) specs.push_back(*s_->coverage_spec);
  return specs;
}

std::future<std::vector<InputRecord>> ClearanceJob::State::hash_inputs_async(
    std::vector<LayerSpec> specs) const {
  return std::async(std::launch::async, [specs = std::move(specs)] {
    std::vector<const LayerSpec*> ptrs;
    for (const auto& l : specs) ptrs.push_back(&l);
    return hash_inputs(ptrs);
  });
}

// Rule layers (and breakdowns), read only near the parcels, largest features cut into tiles,
// up to four side by side.
void ClearanceJob::State::load_rules(const gis::Extent& near, const gis::BoxIndex& near_boxes,
                                     const ProgressFn* progress) {
  RuleSetOptions o;
  o.near = near;
  o.near_boxes = &near_boxes;
  o.breakdowns = true;
  o.tile = true;
  o.lanes = std::min(4u, thread_budget());
  o.progress = progress;
  rule_set = load_rule_layers(req.project, run.work, o);
}

const RuleLayer* ClearanceJob::State::build_coverage(const gis::Extent& near,
                                                     const gis::BoxIndex& near_boxes) {
  if (rules_meta.empty()) log::info("coverage: {}", run.coverage);
  if (coverage_from_breakdown) return &rule_set.layers[req.project.rules.size()];
  if (coverage_spec) {
    RuleSpec cr;
    cr.id = "coverage";
    cr.name = "coverage";
    cr.layer = coverage_spec->id;
    cr.severity = Severity::Info;
    RuleLoadOptions lopt;
    lopt.near_boxes = &near_boxes;
    own_coverage = make_rule_layer(cr, *coverage_spec, run.work, ctx, near, lopt);
    tile_large_features(own_coverage, ctx);
  } else {
    if (!rules_meta.empty()) {  // the same for every block
      own_coverage = extent_coverage(rule_extents, ctx);
      return &own_coverage;
    }
    log::warn(
        "no coverage declared (--coverage, [project] coverage or study_area): parcels are "
        "checked against {}; a parcel reaching outside them is 'unchecked'",
        run.coverage);
    own_coverage = extent_coverage(rule_extents, ctx);
  }
  return &own_coverage;
}

ClearanceResult ClearanceJob::run(ClearanceSink& sink, const ProgressFn* progress) {
  validate();
  ClearanceResult result;
  const int threads = s_->req.threads > 0 ? s_->req.threads : s_->req.project.threads;
  with_thread_budget(threads, [&] { result = run_in_budget(sink, progress); });
  return result;
}

ClearanceResult ClearanceJob::run_in_budget(ClearanceSink& sink, const ProgressFn* progress) {
  State& s = *s_;
  const auto t0 = std::chrono::steady_clock::now();
  auto since_start = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  s.load_parcels(progress);
  if (s.req.shard.count > 1) s.keep_shard(progress);
  log::debug("parcels read at {:.2f} s", since_start());
  std::future<std::vector<InputRecord>> inputs;
  if (s.req.hash_inputs) inputs = s.hash_inputs_async(input_layers());
  const std::size_t n = s.parcels.features.size();
  std::vector<gis::Extent> envelopes(n);
  for (std::size_t i = 0; i < n; ++i)
    if (const auto& g = s.parcels.features[i].geom) envelopes[i] = gis::envelope(s.ctx, g.get());
  const std::vector<std::vector<std::size_t>> blocks =
      parcel_blocks(envelopes, s.req.block_parcels);

  ClearanceOptions copt;
  copt.min_overlap_m2 = s.req.min_overlap_m2;
  copt.keep_pieces = s.req.keep_pieces;
  copt.keep_breakdown_pieces = s.req.keep_pieces && s.req.keep_breakdown_pieces;
  copt.name_value = s.name_value;
  copt.progress = progress;
  copt.on_parcel_done = [&sink](std::size_t i, ParcelResult& p) { sink.parcel(i, p); };
  ClearanceResult result;
  result.parcels.resize(n);
  copt.into = &result.parcels;
  bool begun = false;
  try {
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      // The block's parcels, and the rule data near them only.
      io::LoadedLayer part;
      std::vector<gis::Extent> boxes;
      gis::Extent extent;
      for (std::size_t i : blocks[b]) {
        part.features.push_back(std::move(s.parcels.features[i]));
        if (envelopes[i].valid) {
          boxes.push_back(envelopes[i]);
          extent.expand(envelopes[i]);
        }
      }
      if (!extent.valid) extent = s.parcels.work_extent;
      const gis::BoxIndex near_boxes(boxes);
      s.load_rules(extent, near_boxes, progress);
      const RuleLayer* coverage = s.build_coverage(extent, near_boxes);
      log::debug("block {}/{} ({} parcels): rule layers ready at {:.2f} s", b + 1, blocks.size(),
                 blocks[b].size(), since_start());
      if (!begun) {
        s.rules_meta.clear();
        for (const auto& l : s.rule_set.layers) s.rules_meta.push_back(metadata_of(l));
        s.run.rules = &s.rules_meta;
        sink.begin(s.run);
        begun = true;
      }
      copt.coverage = coverage;
      copt.into_index = &blocks[b];
      ClearanceResult r = run_clearance(part, s.rule_set.layers, s.run.work, s.ctx, copt);
      result.threads_used = r.threads_used;
      // The block's data go before the next block's are read (geometries before the contexts
      // that own them).
      s.own_coverage = RuleLayer{};
      s.rule_set.layers.clear();
      s.rule_set.contexts.clear();
    }
    result.rules = &s.rules_meta;
    result.input_index = s.input_index;
    log::debug("parcels checked at {:.2f} s", since_start());
    if (inputs.valid()) s.run.inputs = inputs.get();
    sink.end(s.run, result);
  } catch (...) {
    if (begun) sink.abort();
    throw;
  }
  return result;
}

}  // namespace siteplan::engine
