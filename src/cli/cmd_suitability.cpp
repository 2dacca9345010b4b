// siteplan suitability PROJECT.toml --out DIR — scored, ranked, explained candidate sites.
#include <chrono>
#include <cstdio>

#include <gdal.h>

#include "cli/commands.hpp"
#include "cli/mpi_commands.hpp"
#include "cli/progress_bar.hpp"
#include "core/error.hpp"
#include "engine/suitability.hpp"
#include "export/map_tiles.hpp"
#include "export/output_dir.hpp"
#include "export/report_common.hpp"
#include "export/suitability_outputs.hpp"
#include "project/project.hpp"

namespace siteplan::cli {
namespace {
struct SuitabilityArgs {
  std::string project;
  std::string out;
  int sensitivity = -1;
  double spread = -1;
  int threads = 0;
  std::vector<std::string> layers;
  std::string map;
  int map_tiles = 0;
} g_s;
}  // namespace

void register_suitability(CLI::App& app) {
  auto* sub = app.add_subcommand("suitability",
                                 "score and rank candidate sites; write the suitability map");
  sub->add_option("project", g_s.project, "project or profile file (.toml)")->required();
  sub->add_option("--out", g_s.out, "output folder")->required();
  sub->add_option("--sensitivity", g_s.sensitivity, "Monte-Carlo weight perturbations (0 = none)")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--spread", g_s.spread, "weight perturbation, ±fraction (default 0.2)")
      ->check(CLI::Range(0.0, 0.99));
  sub->add_option("--layer", g_s.layers, "bind or replace a layer: ID=PATH[:LAYER]");
  sub->add_option("--threads", g_s.threads, "worker threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  sub->add_option("--map-tiles", g_s.map_tiles,
                  "write the map and factors as tiles of ROWS rows (a multiple of 256) plus "
                  "suitability.vrt / factors.vrt, not one .tif each; under mpirun every rank "
                  "writes its own tiles (docs/mpi.md)")
      ->option_text("ROWS");
  sub->add_option("--map", g_s.map,
                  "PNG to embed in report.html (default: DIR/map.png when it exists)");
}

namespace {
engine::SuitabilityRequest make_request() {
  // GDAL's block cache would otherwise keep every DEM tile read (5 % of RAM by default); 64 MB
  // holds a strip's DEM tiles for both lanes.
  if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(GIntBig{64} << 20);
  Project p = load_project(g_s.project, false);
  for (const auto& text : g_s.layers) bind_layer(p, text);
  p.validate();
  engine::SuitabilityRequest req;
  req.project = std::move(p);
  req.options.threads = g_s.threads;
  req.options.sensitivity_runs = g_s.sensitivity;
  req.options.sensitivity_spread = g_s.spread;
  return req;
}

int run_suitability_job() {
  auto t0 = std::chrono::steady_clock::now();
  engine::SuitabilityJob job(make_request());
  const std::string map_png = out::find_map_png(g_s.map, g_s.out);
  if (g_s.map_tiles) out::check_tile_rows(g_s.map_tiles);
  job.validate();  // before anything is read in bulk or written
  out::OutputDir dir(g_s.out);
  out::SuitabilityMeta meta;
  meta.generated_by = std::string("siteplan ") + SITEPLAN_VERSION;
  meta.run_date = out::run_date_utc();
  meta.map_png = map_png;
  out::SuitabilityFiles sink(dir, meta, {g_s.map_tiles, false});
  engine::SuitabilityResult r = job.run(sink, &progress_bar());
  auto files = dir.commit();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  suitability_summary(r, secs, files);
  return 0;
}
}  // namespace

void suitability_summary(const engine::SuitabilityResult& r, double secs,
                         const std::vector<std::string>& written) {
  int ranked = 0;
  for (const auto& c : r.candidates) ranked += c.rank > 0;
  std::printf("%s: %d candidates ranked (%zu in all), grid %d x %d at %.0f m (%.2f s)\n",
              r.name.c_str(), ranked, r.candidates.size(), r.grid.nx, r.grid.ny, r.grid.cell, secs);
  int shown = 0;
  for (const auto& c : r.candidates) {
    if (c.rank == 0 || shown++ >= 5) continue;
    std::printf("  #%d %s %s score %.4f, %.1f ha%s\n", c.rank, c.id.c_str(), c.name.c_str(),
                c.score, c.area_m2 / 1e4, c.blocked ? " (touches blocked land)" : "");
  }
  for (const auto& f : written) std::printf("wrote %s\n", f.c_str());
}

int run_suitability() {
  engine::MpiWorld world;  // MPI only when started by mpirun / srun (docs/mpi.md)
  if (world.size() > 1)
    return run_suitability_banded(world, make_request, {g_s.out, g_s.map, g_s.map_tiles});
  return run_suitability_job();
}

}  // namespace siteplan::cli
