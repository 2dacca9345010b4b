#pragma once
// The commands' sharded form under mpirun (docs/mpi.md): every rank builds the same request from
// the same command line and runs its shard; rank 0 writes the outputs and prints the summary.
#include <functional>
#include <string>
#include <vector>

#include "engine/clearance_job.hpp"
#include "engine/mpi_world.hpp"
#include "engine/suitability.hpp"

namespace siteplan::cli {

struct ClearanceOutputOptions {
  std::string out, map;
  bool gpkg = true, xlsx = true;
};

int run_clearance_sharded(engine::MpiWorld& world,
                          const std::function<engine::ClearanceRequest()>& make_request,
                          const ClearanceOutputOptions& options);

// The summary lines of a clearance run (cmd_clearance.cpp); returns the exit code (3 when
// parcels are unchecked).
int clearance_summary(const engine::ClearanceResult& result, const engine::ClearanceJob& job,
                      double secs, const std::vector<std::string>& written, int ranks);

// Threads per rank when neither --threads nor [project] threads says: the cores of this machine
// shared by the ranks on it.
int threads_per_rank(const engine::MpiWorld& world);

// Runs `body` on every rank; when it throws on any rank, the first failing rank prints its
// message and every rank gets the largest exit code (a collective: every rank must call it at
// the same point). 0 when it succeeded everywhere.
int agree(const engine::MpiWorld& world, const std::function<void()>& body);

struct SuitabilityOutputOptions {
  std::string out, map;
  int map_tiles = 0;  // rows per map tile (--map-tiles); 0: suitability.tif and factors.tif
};

// `mpirun -n N siteplan suitability`: every rank computes a band of the map
// (engine::banded_map_rows); rank 0 gathers it, derives, scores and ranks the candidates and
// writes the outputs one process writes.
int run_suitability_banded(engine::MpiWorld& world,
                           const std::function<engine::SuitabilityRequest()>& make_request,
                           const SuitabilityOutputOptions& options);

// The summary lines of a suitability run (cmd_suitability.cpp).
void suitability_summary(const engine::SuitabilityResult& result, double secs,
                         const std::vector<std::string>& written);

// Prints an error of this rank and ends every rank (MPI_Abort) with its exit code.
[[noreturn]] void abort_all(const engine::MpiWorld& world, const std::string& message, int code);

}  // namespace siteplan::cli
