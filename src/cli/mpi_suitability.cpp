// `mpirun -n N siteplan suitability ...`: every rank computes a band of rows of the map (its
// factors' halos included) and sends it to rank 0 (engine::banded_map_rows); rank 0 has then the
// map one process computes, bit for bit, and runs the rest of the job — derived regions, the
// candidates' factor values, rule overlaps, ranking, sensitivity — and writes the very files one
// process writes (docs/mpi.md).
#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "cli/mpi_commands.hpp"
#include "cli/progress_bar.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "engine/mpi_suitability.hpp"
#include "export/map_tiles.hpp"
#include "export/output_dir.hpp"
#include "export/report_common.hpp"
#include "export/suitability_outputs.hpp"

namespace siteplan::cli {

namespace {
// A test hook, as for clearance: SITEPLAN_MPI_FAIL_RANK=K makes rank K fail — another rank
// before it computes its band, rank 0 after everything is written but before the commit.
void test_failure(const engine::MpiWorld& world) {
  const char* v = std::getenv("SITEPLAN_MPI_FAIL_RANK");
  if (v && std::atoi(v) == world.rank())
    throw RuntimeError("SITEPLAN_MPI_FAIL_RANK: this rank was told to fail");
}
}  // namespace

int run_suitability_banded(engine::MpiWorld& world,
                           const std::function<engine::SuitabilityRequest()>& make_request,
                           const SuitabilityOutputOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  // Ranks other than 0 are quiet: rank 0 reports for the run (and -v shows every rank).
  if (!world.root() && log::level() > log::Level::Debug) log::set_level(log::Level::Error);
  // Every rank reads the same command line and validates the same project: bad input fails on
  // every rank before anything is read in bulk; one message, one exit code.
  std::optional<engine::SuitabilityJob> job;
  std::string map_png;
  std::optional<out::OutputDir> dir;  // rank 0's
  if (int code = agree(world, [&] {
        if (options.map_tiles) out::check_tile_rows(options.map_tiles);
        engine::SuitabilityRequest r = make_request();
        if (r.options.threads <= 0 && r.project.threads <= 0)
          r.options.threads = threads_per_rank(world);
        if (world.root()) map_png = out::find_map_png(options.map, options.out);
        job.emplace(std::move(r));
        job->validate();
        if (world.root()) dir.emplace(options.out);
      }))
    return code;
  // --map-tiles: every rank writes the tiles that start in its band into rank 0's staging
  // folder, which every rank must see (a shared file system).
  std::string tiles_dir;
  if (options.map_tiles) {
    tiles_dir = world.broadcast(world.root() ? dir->staged_dir(out::kTilesDir) : "");
    if (int code = agree(world, [&] {
          if (!std::filesystem::is_directory(tiles_dir))
            throw UsageError(fmt::format(
                "{}: rank {} does not see the output folder's staging folder: with --map-tiles "
                "every rank writes its tiles into --out, which must be on a file system every "
                "rank shares",
                tiles_dir, world.rank()));
        }))
      return code;
  }
  const out::MapHeader header = out::map_header(job->validated());
  const std::string staging = std::filesystem::path(tiles_dir).parent_path().string();
  engine::BandTiles tiles{options.map_tiles, [&](const engine::MapRowsView& t) {
                            out::write_map_tile(staging, t, header);
                          }};
  // With tiles no rank needs the whole map: the candidates are shared out too (every rank keeps
  // its band; engine/mpi_candidates.hpp). Without, rank 0 gathers the map for suitability.tif
  // and does the candidates.
  const bool distributed = options.map_tiles > 0 && job->has_candidates();
  tiles.keep_bands = distributed;
  if (distributed) job->set_distributed(&world);
  engine::MapBandTimes times;
  // The inputs' checksums: each file by one rank other than 0 (rank 0 has the blocked land's
  // union and everything after the map), sent with its band; rank 0 lists them at the end.
  engine::SharedInputHashes hashes(world, job->input_layers(), true);
  job->set_map_rows([&](engine::MapPlan& plan, int ny) {
    return engine::banded_map_rows(world, plan, ny, &times, options.map_tiles ? &tiles : nullptr,
                                   &hashes);
  });
  job->set_inputs([&hashes] { return hashes.records(); });

  int code = 0;
  bool job_done = false;  // rank 0: every rank's part is in and the outputs are written
  try {
    if (!world.root()) {
      test_failure(world);
      if (distributed)
        job->run_shard();
      else
        job->run_map_only();
    } else {
      out::SuitabilityMeta meta;
      meta.generated_by = std::string("siteplan ") + SITEPLAN_VERSION;
      meta.run_date = out::run_date_utc();
      meta.map_png = map_png;
      out::SuitabilityFiles sink(*dir, meta, {options.map_tiles, true});
      engine::SuitabilityResult r = job->run(sink, &progress_bar());
      job_done = true;
      test_failure(world);
      const auto written = dir->commit();
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::string bands, cpu, rows;
      for (double s : times.band_seconds)
        bands += fmt::format("{}{:.2f}", bands.empty() ? "" : " / ", s);
      for (double s : times.band_cpu) cpu += fmt::format("{}{:.2f}", cpu.empty() ? "" : " / ", s);
      for (std::size_t k = 0; k + 1 < times.bands.size(); ++k)
        rows += fmt::format("{}{}", rows.empty() ? "" : " / ", times.bands[k + 1] - times.bands[k]);
      std::string tile_secs;
      for (double s : times.tile_seconds)
        tile_secs += fmt::format("{}{:.2f}", tile_secs.empty() ? "" : " / ", s);
      std::string starts;  // when each rank began its band (ranks on one machine)
      for (std::size_t k = 0; k < times.band_end.size() && k < times.band_seconds.size(); ++k)
        starts += fmt::format(
            "{}{:.2f}", starts.empty() ? "" : " / ",
            std::chrono::duration<double>(times.band_end[k] - t0).count() - times.band_seconds[k]);
      const double map_at = std::chrono::duration<double>(times.start - t0).count();
      const double last = std::chrono::duration<double>(times.last_band_end - t0).count();
      log::info(
          "MPI: {} ranks; the map from {:.2f} s{}, in bands of {} rows computed in {} s (CPU {} "
          "s at their end){}; the last at {:.2f} s, {} at {:.2f} s ({:.1f} MB); then {} until "
          "{:.2f} s",
          world.size(), map_at, starts.empty() ? "" : fmt::format(" (ranks from {} s)", starts),
          rows, bands, cpu,
          options.map_tiles ? fmt::format(", each rank's tiles written in {} s", tile_secs) : "",
          last,
          times.tiled_only ? (distributed ? "every rank's checks in (the candidates shared out)"
                                          : "every rank's checks in")
                           : "every band in",
          map_at + times.gathered, static_cast<double>(times.bytes) / 1e6,
          distributed ? "the candidates on every rank, rank 0's outputs"
                      : "rank 0 alone (candidates, outputs)",
          secs);
      suitability_summary(r, secs, written);
    }
  } catch (const std::exception& e) {
    const auto* error = dynamic_cast<const Error*>(&e);
    code = error ? error->exit_code() : 1;
    // Once every band is in, the other ranks only wait for the exit code: rank 0 reports as one
    // process does (its staging folder is gone) and every rank exits with the code. Before, a
    // failing rank stops every rank at once.
    // With the candidates shared out the other ranks work (and wait on rank 0) until rank 0
    // has every candidate: a failure before that stops every rank.
    if (!world.root() || times.gathered <= 0 || (distributed && !job_done))
      abort_all(world, e.what(), code);
    std::fprintf(stderr, "siteplan: error: %s\n", e.what());
    std::fflush(stderr);
  }
  code = world.max_all(code);  // every rank exits with the run's code
  return code;
}

}  // namespace siteplan::cli
