// siteplan clearance — batch land-clearance check (contract in DESIGN.md).
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/exit.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/text.hpp"
#include "engine/clearance.hpp"
#include "engine/suitability.hpp"
#include "engine/tiling.hpp"
#include "export/clearance_outputs.hpp"
#include "export/output_dir.hpp"
#include "export/report_common.hpp"
#include "gis/gdal.hpp"
#include "gis/geos.hpp"
#include "io/coord_txt.hpp"
#include "io/layer.hpp"
#include "io/vertex_table.hpp"
#include "project/project.hpp"

namespace siteplan::cli {
namespace {
struct ClearanceArgs {
  std::string parcels;
  std::string id_field;
  std::string name_field;
  std::string encoding;
  std::string rules;
  std::vector<std::string> constraints;
  std::vector<std::string> breakdowns;
  std::vector<std::string> layers;
  std::string data;
  std::string crs;
  std::string parcels_crs;
  std::string coverage;
  std::string out;
  int threads = 0;
  double min_overlap_m2 = 1e-6;
  bool no_gpkg = false;
  std::string keep_fields;  // "" = every field of the parcel layer, "none" = none
  std::string group_field;
  std::string map;
} g_args;

// The parcel fields carried into the outputs: --keep-fields F1,F2, or "none", or by default every
// field of the layer but the id and name fields (already columns) and a table's WKT column.
std::vector<std::string> kept_fields(const std::vector<io::FieldInfo>& fields) {
  std::vector<std::string> keep;
  const std::string lower = text::to_lower(g_args.keep_fields);
  if (lower == "none") return keep;
  if (!g_args.keep_fields.empty()) {
    std::string item;
    for (std::size_t i = 0; i <= g_args.keep_fields.size(); ++i) {
      if (i == g_args.keep_fields.size() || g_args.keep_fields[i] == ',') {
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) keep.push_back(item);
        item.clear();
      } else if (!(item.empty() && g_args.keep_fields[i] == ' ')) {
        item += g_args.keep_fields[i];
      }
    }
    return keep;
  }
  for (const auto& f : fields) {
    const std::string n = text::to_lower(f.name);
    if (n == text::to_lower(g_args.id_field) || n == text::to_lower(g_args.name_field) ||
        n == "wkt" || n == "geometry" || n == "geom" || n == "the_geom")
      continue;
    keep.push_back(f.name);
  }
  return keep;
}

bool is_severity(const std::string& s) {
  return s == "block" || s == "approval" || s == "warn" || s == "info";
}

std::pair<std::string, std::string> split_id(const std::string& text, const char* option,
                                             const char* form) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw UsageError(fmt::format("{} '{}': expected {}", option, text, form));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

// Declares the layer of an ad-hoc rule (--constraint / --breakdown) under the id "cli:ID".
std::string add_cli_layer(Project& project, const std::string& id, const std::string& source,
                          const SourcePos& pos) {
  SourceRef ref = split_source_ref(source);
  LayerSpec l;
  l.id = "cli:" + id;
  l.source = ref.path;
  l.layer = ref.layer;
  l.pos = pos;
  project.set_layer(l);
  return l.id;
}

// "ID=PATH:LAYER[:SEVERITY]". The last part is a severity when it names one, or when what is
// before it is already PATH:LAYER (so a misspelt severity is reported as such).
RuleSpec parse_constraint(const std::string& text, Project& project) {
  auto [id, rest] = split_id(text, "--constraint", "ID=PATH:LAYER[:SEVERITY]");
  std::string source = rest, severity = "block";
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && !split_source_ref(rest).layer.empty()) {
    std::string last = rest.substr(colon + 1), before = rest.substr(0, colon);
    if (is_severity(text::to_lower(last)) || !split_source_ref(before).layer.empty()) {
      severity = last;
      source = before;
    }
  }
  RuleSpec r;
  r.id = id;
  r.name = id;
  r.severity = parse_severity(severity, fmt::format("--constraint {}", text));
  r.pos = SourcePos{"--constraint " + text, 0, 0};
  r.layer = add_cli_layer(project, id, source, r.pos);
  return r;
}

// "ID=PATH:LAYER:FIELD"
BreakdownSpec parse_breakdown(const std::string& text, Project& project) {
  auto [id, rest] = split_id(text, "--breakdown", "ID=PATH:LAYER:FIELD");
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon + 1 == rest.size())
    throw UsageError(fmt::format("--breakdown '{}': expected ID=PATH:LAYER:FIELD", text));
  BreakdownSpec b;
  b.id = id;
  b.name = id;
  b.field = rest.substr(colon + 1);
  b.pos = SourcePos{"--breakdown " + text, 0, 0};
  b.layer = add_cli_layer(project, id, rest.substr(0, colon), b.pos);
  return b;
}

// The parcel layer: `--parcels PATH[:LAYER]`, or the id of a layer the rule file declares (with
// its own crs, encoding and where); --encoding and --parcels-crs override.
LayerSpec parcel_spec(const Project& project) {
  LayerSpec p;
  std::error_code ec;
  if (!std::filesystem::exists(g_args.parcels, ec) && project.find_layer(g_args.parcels)) {
    p = *project.find_layer(g_args.parcels);
  } else {
    SourceRef ref = split_source_ref(g_args.parcels);
    p.source = ref.path;
    p.layer = ref.layer;
  }
  p.id = "parcels";
  if (!g_args.encoding.empty()) p.encoding = g_args.encoding;
  if (!g_args.parcels_crs.empty()) p.crs = g_args.parcels_crs;
  return p;
}

// Where the run's rule data are complete, in order of preference: --coverage, [project]
// coverage, the study area, a breakdown's footprint (三调 is wall-to-wall), and as a last resort
// the rule layers' extents (with a warning).
struct CoveragePlan {
  std::optional<LayerSpec> spec;  // a polygon layer
  std::size_t breakdown = 0;      // else index of the breakdown whose footprint serves
  bool from_breakdown = false;
  std::string description;
};

CoveragePlan plan_coverage(const Project& project) {
  CoveragePlan c;
  if (!g_args.coverage.empty()) {
    SourceRef ref = split_source_ref(g_args.coverage);
    LayerSpec l;
    l.id = "coverage";
    l.source = ref.path;
    l.layer = ref.layer;
    l.pos = SourcePos{"--coverage " + g_args.coverage, 0, 0};
    c.description = fmt::format("--coverage {}", l.display());
    c.spec = l;
  } else if (!project.coverage.empty()) {
    c.spec = *project.find_layer(project.coverage);
    c.description =
        fmt::format("[project] coverage = \"{}\" ({})", project.coverage, c.spec->display());
  } else if (!project.study_area.empty()) {
    c.spec = *project.find_layer(project.study_area);
    c.description =
        fmt::format("the study area \"{}\" ({})", project.study_area, c.spec->display());
  } else if (!project.breakdowns.empty()) {
    c.from_breakdown = true;
    c.description =
        fmt::format("the footprint of the land-use coverage \"{}\"", project.breakdowns[0].id);
  } else {
    c.description = "the extents of the rule layers";
  }
  return c;
}

// A polygon per extent: the coverage of last resort.
engine::RuleLayer extent_coverage(const std::vector<gis::Extent>& extents,
                                  const gis::GeosContext& ctx) {
  engine::RuleLayer layer;
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

}  // namespace

void register_clearance(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "clearance", "batch land-clearance check: overlaps, verdicts and their legal basis");
  sub->add_option("--parcels", g_args.parcels, "parcel layer, PATH[:LAYER]")->required();
  sub->add_option("--id-field", g_args.id_field, "field holding the parcel id (default: FID)");
  sub->add_option("--name-field", g_args.name_field, "field holding the parcel name (for reports)");
  sub->add_option("--encoding", g_args.encoding,
                  "attribute encoding of a legacy parcel shapefile without .cpg, e.g. GBK");
  sub->add_option("--rules", g_args.rules, "rule file, e.g. layers/clearance-default.toml");
  sub->add_option("--constraint", g_args.constraints, "ad-hoc rule ID=PATH:LAYER[:SEVERITY]");
  sub->add_option("--breakdown", g_args.breakdowns, "composition by attribute ID=PATH:LAYER:FIELD");
  sub->add_option("--layer", g_args.layers, "bind a rule file's layer: ID=PATH[:LAYER]");
  sub->add_option("--data", g_args.data,
                  "data set whose layers are named like the rule file's layer ids (e.g. yjjbnt)");
  sub->add_option("--crs", g_args.crs, "working CRS (default: the rule file's, else the parcels')");
  sub->add_option(
      "--parcels-crs", g_args.parcels_crs,
      "CRS of the parcels' coordinates (supplies a missing .prj, overrides a wrong one)");
  sub->add_option("--coverage", g_args.coverage,
                  "polygons where the rule data are complete, PATH[:LAYER]; parcels reaching "
                  "outside are 'unchecked' (default: [project] coverage, else study_area)");
  sub->add_option("--out", g_args.out, "output folder")->required();
  sub->add_option("--threads", g_args.threads, "worker threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  sub->add_option("--min-overlap-m2", g_args.min_overlap_m2,
                  "ignore overlaps smaller than this (floating-point slivers)")
      ->check(CLI::Range(0.0, 1e12));
  sub->add_flag("--no-gpkg", g_args.no_gpkg, "skip clearance.gpkg (faster on huge batches)");
  sub->add_option("--keep-fields", g_args.keep_fields,
                  "parcel fields carried into parcels.csv/.xlsx, the GeoPackage and the report: "
                  "F1,F2 or none (default: every field)");
  sub->add_option("--group-field", g_args.group_field,
                  "parcel field to summarise the report by (乡镇, 权属单位 ...)");
  sub->add_option("--map", g_args.map,
                  "PNG to embed in report.html (default: DIR/map.png when it exists)");
}

int run_clearance() {
  const auto t0 = std::chrono::steady_clock::now();
  auto since_start = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // 1. The whole run, validated before any data is read in bulk.
  if (g_args.rules.empty() && g_args.constraints.empty() && g_args.breakdowns.empty())
    throw UsageError(
        "clearance needs rules: --rules FILE or --constraint ID=PATH:LAYER[:SEVERITY]");
  Project project;
  if (!g_args.rules.empty()) project = load_project(g_args.rules, false);
  if (!g_args.data.empty()) {
    // Bind every layer the rules name but nobody declared to the same-named layer of --data.
    auto bind = [&](const std::string& id) {
      if (project.find_layer(id)) return;
      LayerSpec l;
      l.id = id;
      l.source = g_args.data;
      l.layer = id;
      l.pos = SourcePos{"--data " + g_args.data, 0, 0};
      project.set_layer(l);
    };
    for (const auto& r : project.rules) bind(r.layer);
    for (const auto& b : project.breakdowns) bind(b.layer);
  }
  for (const auto& text : g_args.layers) bind_layer(project, text);
  for (const auto& c : g_args.constraints) project.rules.push_back(parse_constraint(c, project));
  for (const auto& b : g_args.breakdowns) project.breakdowns.push_back(parse_breakdown(b, project));
  project.validate();
  if (project.rules.empty() && project.breakdowns.empty())
    throw InputError(fmt::format("{}: the rule file declares no [[constraint]]", g_args.rules));

  gis::GeosContext ctx;
  LayerSpec pspec = parcel_spec(project);
  if (io::is_coord_txt(pspec.source)) {  // DESIGN: a coordinate TXT's own id and name
    if (g_args.id_field.empty()) g_args.id_field = "地块编号";
    if (g_args.name_field.empty()) g_args.name_field = "地块名称";
  } else if (auto keys = io::vertex_table_keys(pspec.source, pspec.encoding, g_args.id_field)) {
    if (g_args.id_field.empty()) g_args.id_field = keys->id_field;  // and its name, if any
    if (g_args.name_field.empty()) g_args.name_field = keys->name_field;
    pspec.id_field = g_args.id_field;  // groups its rows in every open
  }

  // Working CRS.
  std::string crs_text = !g_args.crs.empty() ? g_args.crs : project.crs;
  gis::Crs work;
  if (!crs_text.empty()) {
    work = gis::Crs::from_user(crs_text,
                               g_args.crs.empty() ? g_args.rules + ": [project] crs" : "--crs");
  } else {
    io::LoadOptions probe;
    probe.keep_geometry = false;
    probe.show_progress = false;
    probe.allow_no_crs = true;
    probe.validate_only = true;  // the CRS is all we need here
    if (!pspec.crs.empty()) {
      work = gis::Crs::from_user(pspec.crs, "--parcels-crs");
    } else {
      auto p = io::load_layer(pspec, gis::Crs(), ctx, probe);
      if (p.source_crs.empty())
        throw InputError(
            fmt::format("{}: the parcel layer has no CRS and none is given; pass --parcels-crs "
                        "EPSG:... saying what its coordinates are (e.g. EPSG:4542 for CGCS2000 "
                        "3-degree GK CM 99E, EPSG:4521 when the eastings carry the zone prefix "
                        "33)",
                        pspec.display()));
      work = p.source_crs;
    }
    gis::require_projected(work, fmt::format("{} (the parcels' CRS; pass --crs to choose the "
                                             "working CRS)",
                                             pspec.display()));
  }
  gis::require_projected(work, g_args.crs.empty() ? g_args.rules + ": [project] crs" : "--crs");
  // Check every rule layer opens, has the layer, fields, a CRS its coordinates fit — before
  // reading in bulk. Their extents are the coverage of last resort.
  std::vector<gis::Extent> rule_extents;
  for (const auto& r : project.rules) {
    io::LoadOptions check;
    check.keep_geometry = false;
    check.show_progress = false;
    check.extra_where = r.where;
    check.validate_only = true;
    auto probe = io::load_layer(*project.find_layer(r.layer), work, ctx, check);
    if (probe.layer_work_extent.valid) {
      gis::Extent e = probe.layer_work_extent;
      e.minx -= r.buffer_m;
      e.miny -= r.buffer_m;
      e.maxx += r.buffer_m;
      e.maxy += r.buffer_m;
      rule_extents.push_back(e);
    }
  }
  CoveragePlan coverage = plan_coverage(project);
  if (coverage.spec) {
    io::LoadOptions check;
    check.keep_geometry = false;
    check.show_progress = false;
    check.validate_only = true;
    auto probe = io::load_layer(*coverage.spec, work, ctx, check);
    const std::string type = text::to_lower(probe.geometry_type);
    if (type.find("point") != std::string::npos || type.find("line") != std::string::npos)
      throw InputError(
          fmt::format("{}: the coverage ({}) holds {} geometries; it must be the "
                      "polygons where the rule data are complete",
                      probe.spec.display(), coverage.description, probe.geometry_type));
  }
  for (const auto& b : project.breakdowns) {
    io::LoadOptions check;
    check.keep_geometry = false;
    check.show_progress = false;
    check.fields = {b.field};
    check.validate_only = true;
    io::load_layer(*project.find_layer(b.layer), work, ctx, check);
  }
  const std::string map_png = out::find_map_png(g_args.map, g_args.out);
  // 2. Parcels, with the fields the outputs carry: the name first (the engine takes it from
  // there), then the kept fields, then the group field when it is not one of them.
  std::vector<std::string> keep;
  {
    io::LoadOptions probe;
    probe.keep_geometry = false;
    probe.show_progress = false;
    probe.allow_no_crs = true;
    probe.require_crs_fit = false;
    probe.validate_only = true;
    keep = kept_fields(io::load_layer(pspec, gis::Crs(), ctx, probe).fields);
  }
  io::LoadOptions popt;
  popt.polygons_only = true;
  popt.crs_option = "--parcels-crs {crs}";
  popt.id_field = g_args.id_field;
  if (!g_args.name_field.empty()) popt.fields = {g_args.name_field};
  const std::size_t keep_at = popt.fields.size();
  popt.fields.insert(popt.fields.end(), keep.begin(), keep.end());
  std::size_t group_at = popt.fields.size();
  if (!g_args.group_field.empty()) {
    auto it = std::find(keep.begin(), keep.end(), g_args.group_field);
    if (it != keep.end())
      group_at = keep_at + static_cast<std::size_t>(it - keep.begin());
    else
      popt.fields.push_back(g_args.group_field);
  }
  io::LoadedLayer parcels = io::load_layer(pspec, work, ctx, popt);
  const bool no_name = g_args.name_field.empty() && !popt.fields.empty();
  out::ParcelAttributes attrs;
  attrs.names = keep;
  std::vector<std::string> group_of;
  for (const auto& f : parcels.features) {
    auto at = [&](std::size_t k) { return k < f.values.size() ? f.values[k] : std::string(); };
    std::vector<std::string> row;
    for (std::size_t k = 0; k < keep.size(); ++k) row.push_back(at(keep_at + k));
    attrs.values.push_back(std::move(row));
    if (!g_args.group_field.empty()) group_of.push_back(at(group_at));
  }
  if (parcels.features.empty())
    throw InputError(
        fmt::format("{}: the parcel layer is empty; nothing to check", pspec.display()));
  if (parcels.stats.not_polygon == parcels.stats.total)
    throw InputError(
        fmt::format("{}: the parcel layer holds {} geometries; parcels must be polygons",
                    pspec.display(), parcels.geometry_type));
  if (parcels.stats.null == parcels.stats.total)
    throw InputError(fmt::format(
        "{}: none of its {} parcels has a geometry; a table (CSV, XLSX) needs its polygons as "
        "WKT in a column named WKT, geometry or geom",
        pspec.display(), parcels.stats.total));
  {
    std::map<std::string, int> seen;
    std::vector<std::string> missing;
    for (const auto& f : parcels.features) {
      if (f.key.empty()) missing.push_back(std::to_string(f.fid));
      seen[f.key]++;
    }
    if (!missing.empty()) {
      std::string list;
      for (std::size_t i = 0; i < missing.size() && i < 20; ++i)
        list += (i ? ", " : "") + missing[i];
      throw InputError(
          fmt::format("{}: {} parcels have no value in id field '{}' (FID {}{}); fill "
                      "them or choose another --id-field",
                      pspec.display(), missing.size(), g_args.id_field, list,
                      missing.size() > 20 ? ", ..." : ""));
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
                      pspec.display(), ndup, g_args.id_field, dups, ndup > 20 ? ", ..." : ""));
  }
  for (const auto& w : parcels.findings) log::warn("{}: {}", pspec.display(), w);

  out::OutputDir outdir(g_args.out);
  log::debug("parcels read at {:.2f} s", since_start());
  // Every input with its SHA-256, hashed while the parcels are checked.
  std::vector<const LayerSpec*> input_specs{&pspec};
  for (const auto& r : project.rules) input_specs.push_back(project.find_layer(r.layer));
  for (const auto& b : project.breakdowns) input_specs.push_back(project.find_layer(b.layer));
  if (coverage.spec) input_specs.push_back(&*coverage.spec);
  auto inputs_future = std::async(std::launch::async, [input_specs] {
    std::vector<engine::InputRecord> inputs;
    std::set<std::string> seen;
    for (const LayerSpec* l : input_specs) {
      if (!l || !seen.insert(l->id).second) continue;
      inputs.push_back({l->id, l->display(),
                        is_connection_string(l->source) ? "" : engine::sha256_file(l->source)});
    }
    return inputs;
  });

  // 3. Rule layers, read only near the parcels.
  gis::Extent near = parcels.work_extent;
  std::vector<gis::Extent> boxes;
  boxes.reserve(parcels.features.size());
  for (const auto& f : parcels.features)
    if (f.geom) boxes.push_back(gis::envelope(ctx, f.geom.get()));
  const gis::BoxIndex near_boxes(boxes);
  // Layers load side by side, one GEOS context per lane; the contexts own the geometries made
  // in them and so live as long as the rules (declared first, destroyed last).
  struct Job {
    const RuleSpec* rule = nullptr;
    const BreakdownSpec* breakdown = nullptr;
    std::size_t slot = 0;  // index in `rules`: rules in declaration order, then breakdowns
  };
  // Breakdowns first: a land-use coverage is usually by far the largest layer, and starting the
  // longest job first keeps the lanes evenly busy.
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < project.breakdowns.size(); ++i)
    jobs.push_back({nullptr, &project.breakdowns[i], project.rules.size() + i});
  for (std::size_t i = 0; i < project.rules.size(); ++i)
    jobs.push_back({&project.rules[i], nullptr, i});
  const unsigned lanes = static_cast<unsigned>(std::min<std::size_t>(
      jobs.size(), std::max(1u, std::min(4u, std::thread::hardware_concurrency()))));
  std::vector<std::unique_ptr<gis::GeosContext>> lane_ctx;
  for (unsigned k = 0; k < lanes; ++k) lane_ctx.push_back(std::make_unique<gis::GeosContext>());
  std::vector<engine::RuleLayer> rules(jobs.size());
  {
    std::vector<std::exception_ptr> errors(jobs.size());
    std::atomic<std::size_t> next{0};
    Progress progress(fmt::format("loading {} constraint layers", jobs.size()), jobs.size());
    engine::RuleLoadOptions lopt;
    lopt.near_boxes = &near_boxes;
    lopt.show_progress = lanes == 1;
    auto lane = [&](unsigned k) {
      const gis::GeosContext& lctx = *lane_ctx[k];
      for (std::size_t j = next++; j < jobs.size(); j = next++) {
        try {
          const auto t = std::chrono::steady_clock::now();
          const Job& job = jobs[j];
          engine::RuleLayer& layer = rules[job.slot];
          if (job.rule)
            layer = engine::make_rule_layer(*job.rule, *project.find_layer(job.rule->layer), work,
                                            lctx, near, lopt);
          else
            layer = engine::make_breakdown_layer(
                *job.breakdown, *project.find_layer(job.breakdown->layer), work, lctx, near, lopt);
          const std::size_t before = layer.geoms.size();
          engine::tile_large_features(layer, lctx);
          log::debug(
              "{}: {} features near the parcels ({} further away), {} after cutting the "
              "largest into tiles, {:.2f} s",
              layer.id, before, layer.stats.far, layer.geoms.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
        } catch (...) {
          errors[jobs[j].slot] = std::current_exception();
        }
        progress.advance();
      }
    };
    std::vector<std::thread> pool;
    for (unsigned k = 1; k < lanes; ++k) pool.emplace_back(lane, k);
    lane(0);
    for (auto& t : pool) t.join();
    for (auto& e : errors)  // the first failing layer in declaration order
      if (e) std::rethrow_exception(e);
    progress.finish();
  }
  log::debug("rule layers ready at {:.2f} s", since_start());

  // 3b. The coverage.
  engine::RuleLayer own_coverage;
  const engine::RuleLayer* coverage_layer = &own_coverage;
  if (coverage.spec) {
    RuleSpec cr;
    cr.id = "coverage";
    cr.name = "coverage";
    cr.layer = coverage.spec->id;
    cr.severity = Severity::Info;
    engine::RuleLoadOptions lopt;
    lopt.near_boxes = &near_boxes;
    lopt.show_progress = false;
    own_coverage = engine::make_rule_layer(cr, *coverage.spec, work, ctx, near, lopt);
    engine::tile_large_features(own_coverage, ctx);
  } else if (coverage.from_breakdown) {
    coverage_layer = &rules[project.rules.size() + coverage.breakdown];
  } else {
    log::warn(
        "no coverage declared (--coverage, [project] coverage or study_area): parcels are "
        "checked against {}; a parcel reaching outside them is 'unchecked'",
        coverage.description);
    own_coverage = extent_coverage(rule_extents, ctx);
  }
  log::info("coverage: {}", coverage.description);

  // 4. Compute. The GeoPackage is written by its own thread while parcels are still being
  // checked: it takes each parcel in input order as soon as that parcel is done.
  engine::ClearanceOptions copt;
  copt.threads = g_args.threads > 0 ? g_args.threads : project.threads;
  copt.min_overlap_m2 = g_args.min_overlap_m2;
  copt.keep_pieces = !g_args.no_gpkg;
  copt.coverage = coverage_layer;
  const std::size_t n = parcels.features.size();
  std::mutex done_mutex;
  std::condition_variable done_cv;
  std::vector<engine::ParcelResult*> done(n, nullptr);
  bool stop_writer = false;
  std::exception_ptr writer_error;
  std::thread writer;
  if (!g_args.no_gpkg) {
    copt.on_parcel_done = [&](std::size_t i, engine::ParcelResult& p) {
      if (no_name) p.name.clear();  // values[0] is a kept field, not a name
      {
        std::lock_guard lock(done_mutex);
        done[i] = &p;
      }
      done_cv.notify_one();
    };
    writer = std::thread([&, path = outdir.staged("clearance.gpkg")] {
      try {
        out::ClearanceGpkgWriter gpkg(path, rules, work, &attrs);
        for (std::size_t i = 0; i < n; ++i) {
          engine::ParcelResult* p = nullptr;
          {
            std::unique_lock lock(done_mutex);
            done_cv.wait(lock, [&] { return done[i] != nullptr || stop_writer; });
            if (!done[i]) return;  // checking failed: the staging folder goes away
            p = done[i];
          }
          gpkg.add(*p);
        }
        gpkg.finish();
      } catch (...) {
        writer_error = std::current_exception();
      }
    });
  }
  // Stops the writer (if it still waits for parcels that will never come) and waits for it.
  auto join_writer = [&] {
    if (!writer.joinable()) return;
    {
      std::lock_guard lock(done_mutex);
      stop_writer = true;
    }
    done_cv.notify_one();
    writer.join();
  };
  engine::ClearanceResult result;
  try {
    result = engine::run_clearance(parcels, rules, work, ctx, copt);
    if (no_name)
      for (auto& p : result.parcels) p.name.clear();
    log::debug("parcels checked at {:.2f} s", since_start());

    // 5. Write, then move into place.
    out::ClearanceMeta meta;
    meta.title = project.name.empty() ? "SitePlan 用地预审 clearance" : project.name;
    meta.parcels = pspec.display();
    meta.crs_label = work.label();
    meta.generated_by = std::string("siteplan ") + SITEPLAN_VERSION;
    meta.coverage = coverage.description;
    meta.run_date = out::run_date_utc();
    meta.inputs = inputs_future.get();
    meta.map_png = map_png;
    meta.attributes = &attrs;
    meta.group_field = g_args.group_field;
    meta.group_of = group_of;
    out::write_text(outdir.staged("overlaps.csv"), out::overlaps_csv(result));
    out::write_text(outdir.staged("parcels.csv"), out::parcels_csv(result, &attrs));
    out::write_xlsx(outdir.staged("overlaps.xlsx"), {out::overlaps_table(result)});
    std::vector<out::Table> parcel_sheets{out::parcels_table(result, &attrs)};
    if (!g_args.group_field.empty())
      parcel_sheets.push_back(
          out::groups_table(out::summarize_groups(result, group_of), g_args.group_field));
    out::write_xlsx(outdir.staged("parcels.xlsx"), parcel_sheets);
    out::write_text(outdir.staged("report.html"), out::clearance_html(result, meta));
    log::debug("text outputs written at {:.2f} s", since_start());
  } catch (...) {
    join_writer();
    throw;
  }
  join_writer();
  if (writer_error) std::rethrow_exception(writer_error);
  log::debug("GeoPackage written at {:.2f} s", since_start());
  auto files = outdir.commit();

  std::map<std::string, int> counts;
  for (const auto& p : result.parcels) counts[engine::to_string(p.verdict)]++;
  const double secs = since_start();
  const int unchecked = counts["unchecked"];
  if (unchecked)
    std::printf(
        "UNCHECKED: %d of %zu parcels reach outside the coverage (%s), where the rules "
        "have no data; they are not clear\n",
        unchecked, result.parcels.size(), coverage.description.c_str());
  std::printf(
      "%zu parcels: %d blocked, %d unchecked, %d approval, %d clear, %d invalid (%.2f s, %d "
      "threads)\n",
      result.parcels.size(), counts["blocked"], unchecked, counts["approval"], counts["clear"],
      counts["invalid"], secs, result.threads_used);
  for (const auto& f : files) std::printf("wrote %s\n", f.c_str());
  if (unchecked)
    log::warn(
        "{} parcels are unchecked (exit code 3): extend the rule data or the coverage to "
        "them",
        unchecked);
  // Every output is closed: leave the geometries to the operating system (core/exit.hpp).
  keep_until_exit(std::move(result));
  keep_until_exit(std::move(rules));
  keep_until_exit(std::move(parcels));
  keep_until_exit(std::move(own_coverage));
  keep_until_exit(std::move(lane_ctx));
  return unchecked ? 3 : 0;
}

}  // namespace siteplan::cli
