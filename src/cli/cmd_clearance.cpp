// siteplan clearance — batch land-clearance check (contract in DESIGN.md). Maps the options onto
// an engine::ClearanceRequest, runs the job into the output files, prints the summary.
#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include "cli/commands.hpp"
#include "cli/mpi_commands.hpp"
#include "cli/progress_bar.hpp"
#include "core/error.hpp"
#include "core/exit.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "engine/clearance_job.hpp"
#include "engine/mpi_world.hpp"
#include "export/clearance_outputs.hpp"
#include "export/output_dir.hpp"
#include "export/report_common.hpp"
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
  std::size_t block_parcels = 5000;
  bool no_gpkg = false;
  std::string pieces = "rules";
  bool no_xlsx = false;
  std::string keep_fields;  // "" = every field of the parcel layer, "none" = none
  std::string group_field;
  std::string map;
} g_args;

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

// The rules: a project or profile file, layers bound by --data and --layer, ad-hoc rules.
Project rules_project() {
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
  return project;
}

engine::ClearanceRequest request() {
  engine::ClearanceRequest r;
  r.project = rules_project();
  r.rules_source = g_args.rules;
  // --parcels PATH[:LAYER], or the id of a layer the rule file declares (with its own crs,
  // encoding and where); --encoding and --parcels-crs override.
  std::error_code ec;
  if (!std::filesystem::exists(g_args.parcels, ec) && r.project.find_layer(g_args.parcels)) {
    r.parcels = *r.project.find_layer(g_args.parcels);
  } else {
    SourceRef ref = split_source_ref(g_args.parcels);
    r.parcels.source = ref.path;
    r.parcels.layer = ref.layer;
    // The rule file may describe this very file ([layers.parcels] source = ..., crs = ...,
    // encoding = ...): its settings apply.
    for (const auto& l : r.project.layers) {
      std::error_code e2;
      if (!is_connection_string(l.source) && std::filesystem::equivalent(l.source, ref.path, e2) &&
          (ref.layer.empty() || l.layer.empty() || l.layer == ref.layer)) {
        r.parcels = l;
        if (!ref.layer.empty()) r.parcels.layer = ref.layer;
        break;
      }
    }
  }
  if (!g_args.encoding.empty()) r.parcels.encoding = g_args.encoding;
  if (!g_args.parcels_crs.empty()) r.parcels.crs = g_args.parcels_crs;
  r.id_field = g_args.id_field;
  r.name_field = g_args.name_field;
  r.keep_fields = g_args.keep_fields;
  r.group_field = g_args.group_field;
  r.work_crs = g_args.crs;
  if (!g_args.coverage.empty()) {
    SourceRef ref = split_source_ref(g_args.coverage);
    LayerSpec l;
    l.source = ref.path;
    l.layer = ref.layer;
    l.pos = SourcePos{"--coverage " + g_args.coverage, 0, 0};
    r.coverage = l;
  }
  r.threads = g_args.threads;
  r.min_overlap_m2 = g_args.min_overlap_m2;
  r.block_parcels = g_args.block_parcels;
  r.keep_pieces = !g_args.no_gpkg && g_args.pieces != "none";
  r.keep_breakdown_pieces = g_args.pieces == "all";
  return r;
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
  sub->add_option("--block-parcels", g_args.block_parcels,
                  "parcels checked per block; each block reads only the rule data near it "
                  "(memory follows the block; the results do not change)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--min-overlap-m2", g_args.min_overlap_m2,
                  "ignore overlaps smaller than this (floating-point slivers)")
      ->check(CLI::Range(0.0, 1e12));
  sub->add_flag("--no-gpkg", g_args.no_gpkg, "skip clearance.gpkg (faster on huge batches)");
  sub->add_option("--pieces", g_args.pieces,
                  "overlap polygons in clearance.gpkg: rules (default: each rule's conflict "
                  "area), all (also every land-use class of a breakdown), none (rows only)")
      ->check(CLI::IsMember({"none", "rules", "all"}));
  sub->add_flag("--no-xlsx", g_args.no_xlsx,
                "skip overlaps.xlsx and parcels.xlsx (faster on huge batches)");
  sub->add_option("--keep-fields", g_args.keep_fields,
                  "parcel fields carried into parcels.csv/.xlsx, the GeoPackage and the report: "
                  "F1,F2 or none (default: every field)");
  sub->add_option("--group-field", g_args.group_field,
                  "parcel field to summarise the report by (乡镇, 权属单位 ...)");
  sub->add_option("--map", g_args.map,
                  "PNG to embed in report.html (default: DIR/map.png when it exists)");
}

int clearance_summary(const engine::ClearanceResult& result, const engine::ClearanceJob& job,
                      double secs, const std::vector<std::string>& written, int ranks) {
  std::map<std::string, int> counts;
  for (const auto& p : result.parcels) counts[engine::to_string(p.verdict)]++;
  const int unchecked = counts["unchecked"];
  if (unchecked)
    std::printf(
        "UNCHECKED: %d of %zu parcels reach outside the coverage (%s), where the rules "
        "have no data; they are not clear\n",
        unchecked, result.parcels.size(), job.context().coverage.c_str());
  const std::string mpi = ranks > 1 ? fmt::format("{} MPI ranks × ", ranks) : std::string();
  std::printf(
      "%zu parcels: %d blocked, %d unchecked, %d approval, %d clear, %d invalid (%.2f s, %s%d "
      "threads)\n",
      result.parcels.size(), counts["blocked"], unchecked, counts["approval"], counts["clear"],
      counts["invalid"], secs, mpi.c_str(), result.threads_used);
  for (const auto& f : written) std::printf("wrote %s\n", f.c_str());
  if (unchecked)
    log::warn(
        "{} parcels are unchecked (exit code 3): extend the rule data or the coverage to "
        "them",
        unchecked);
  return unchecked ? 3 : 0;
}

int run_clearance() {
  const auto t0 = std::chrono::steady_clock::now();
  engine::MpiWorld world;  // MPI only when started by mpirun / srun (docs/mpi.md)
  if (world.size() > 1)
    return run_clearance_sharded(world, request,
                                 {g_args.out, g_args.map, !g_args.no_gpkg, !g_args.no_xlsx});
  engine::ClearanceJob job(request());
  job.validate();  // the whole run, before any data is read in bulk and anything is written
  const std::string map_png = out::find_map_png(g_args.map, g_args.out);
  out::OutputDir outdir(g_args.out);
  out::ClearanceFiles files(outdir, {!g_args.no_gpkg, !g_args.no_xlsx, "", map_png});
  engine::ClearanceResult result = job.run(files, &progress_bar());
  const auto written = outdir.commit();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int code = clearance_summary(result, job, secs, written, 1);
  // Every output is closed: leave the geometries to the operating system (core/exit.hpp).
  keep_until_exit(std::move(result));
  keep_until_exit(std::move(job));
  return code;
}

}  // namespace siteplan::cli
