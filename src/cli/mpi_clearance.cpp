// `mpirun -n N siteplan clearance ...`: every rank checks a spatial block of the parcels against
// the rule data near it (engine/mpi_clearance.cpp); rank 0 merges and writes the very files one
// process would write.
#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "cli/mpi_commands.hpp"
#include "cli/progress_bar.hpp"
#include "core/error.hpp"
#include "core/exit.hpp"
#include "core/log.hpp"
#include "engine/mpi_clearance.hpp"
#include "export/clearance_outputs.hpp"
#include "export/output_dir.hpp"
#include "export/report_common.hpp"

namespace siteplan::cli {

int threads_per_rank(const engine::MpiWorld& world) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, world.local_size()));
}

int agree(const engine::MpiWorld& world, const std::function<void()>& body) {
  int code = 0;
  std::string message;
  try {
    body();
  } catch (const Error& e) {
    code = e.exit_code();
    message = e.what();
  } catch (const std::exception& e) {
    code = 1;
    message = e.what();
  }
  const int first = world.min_all(code ? world.rank() : world.size());
  if (first == world.size()) return 0;
  if (first == world.rank()) {
    if (world.rank() == 0)
      std::fprintf(stderr, "siteplan: error: %s\n", message.c_str());
    else
      std::fprintf(stderr, "siteplan: error: rank %d of %d: %s\n", world.rank(), world.size(),
                   message.c_str());
    std::fflush(stderr);
  }
  return world.max_all(code);
}

void abort_all(const engine::MpiWorld& world, const std::string& message, int code) {
  std::fprintf(stderr, "siteplan: error: rank %d of %d: %s (stopping every rank)\n", world.rank(),
               world.size(), message.c_str());
  world.abort(code);
}

namespace {
// Ranks other than 0 are quiet: rank 0 reports for the run (and -v shows every rank).
void quiet_other_ranks(const engine::MpiWorld& world) {
  if (!world.root() && log::level() > log::Level::Debug) log::set_level(log::Level::Error);
}

// A test hook: SITEPLAN_MPI_FAIL_RANK=K makes rank K fail — rank 0 after it has gathered and
// written everything but before the outputs are committed, another rank before it sends its part —
// to show that a failing rank stops the whole run with a message and a non-zero exit, and leaves
// no finished-looking output (tests/cli/test_mpi.sh).
void test_failure(const engine::MpiWorld& world) {
  const char* v = std::getenv("SITEPLAN_MPI_FAIL_RANK");
  if (v && std::atoi(v) == world.rank())
    throw RuntimeError("SITEPLAN_MPI_FAIL_RANK: this rank was told to fail");
}
}  // namespace

int run_clearance_sharded(engine::MpiWorld& world,
                          const std::function<engine::ClearanceRequest()>& make_request,
                          const ClearanceOutputOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  quiet_other_ranks(world);
  // Every rank reads the same command line and the same inputs: a bad request fails on every
  // rank before anything is read in bulk; one message, one exit code.
  std::optional<engine::ClearanceJob> job;
  if (int code = agree(world, [&] {
        engine::ClearanceRequest r = make_request();
        r.shard = {world.rank(), world.size()};
        r.hash_inputs = false;  // run_clearance_mpi shares the files out over the ranks
        if (r.threads <= 0 && r.project.threads <= 0) r.threads = threads_per_rank(world);
        job.emplace(std::move(r));
        job->validate();
      }))
    return code;

  int code = 0;
  try {
    std::optional<out::OutputDir> outdir;
    std::optional<out::ClearanceFiles> files;
    engine::ClearanceSink nothing;
    if (world.root()) {
      const std::string map_png = out::find_map_png(options.map, options.out);
      outdir.emplace(options.out);
      files.emplace(*outdir, out::ClearanceFiles::Options{options.gpkg, options.xlsx, "", map_png});
    }
    engine::MpiClearanceTimes times;
    if (!world.root()) test_failure(world);
    engine::ClearanceResult result =
        engine::run_clearance_mpi(*job, world, world.root() ? *files : nothing,
                                  world.root() ? &progress_bar() : nullptr, options.gpkg, &times);
    if (world.root()) {
      test_failure(world);
      const auto written = outdir->commit();
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::string shards, cpu;
      for (double s : times.shard_seconds)
        shards += fmt::format("{}{:.2f}", shards.empty() ? "" : " / ", s);
      for (double s : times.shard_cpu) cpu += fmt::format("{}{:.2f}", cpu.empty() ? "" : " / ", s);
      log::info(
          "MPI: {} ranks; shards checked in {} s (CPU {} s); the last at {:.2f} s; every part "
          "in at {:.2f} s "
          "({:.1f} MB); merged at {:.2f} s (merge {:.2f} s, {:.1f} % of the run); outputs "
          "written at {:.2f} s",
          world.size(), shards, cpu, times.last_shard_end, times.parts_in,
          static_cast<double>(times.bytes) / 1e6, times.merged, times.merge_seconds(),
          100.0 * times.merge_seconds() / std::max(1e-9, secs), times.written);
      code = clearance_summary(result, *job, secs, written, world.size());
      keep_until_exit(std::move(result));
    }
  } catch (const Error& e) {
    abort_all(world, e.what(), e.exit_code());
  } catch (const std::exception& e) {
    abort_all(world, e.what(), 1);
  }
  code = world.max_all(code);  // every rank exits with the run's code
  keep_until_exit(std::move(*job));
  return code;
}

}  // namespace siteplan::cli
