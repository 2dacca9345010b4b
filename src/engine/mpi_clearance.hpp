#pragma once
// A clearance batch over MPI ranks (docs/mpi.md). Every rank runs the same ClearanceJob on its
// shard (ClearanceRequest::shard = {rank, size}: a spatial block of parcels, the rule data read
// near it only), collects its results, and sends them to rank 0 as bytes — every number bit for
// bit, the parcel and overlap polygons as WKB when the GeoPackage needs them. Rank 0 merges the
// parts into input order and hands them to its sink exactly as one process would, so every
// output file equals the one-process output byte for byte.
#include <string>
#include <string_view>
#include <vector>

#include "engine/clearance_job.hpp"
#include "engine/mpi_world.hpp"

namespace siteplan::engine {

// One shard's results with what the outputs need of its parcels.
struct ClearanceShardPart {
  ClearanceResult result;  // parcels of the shard; input_index = their input positions
  std::vector<std::vector<std::string>> values;  // kept attributes, per parcel of the shard
  std::vector<std::string> groups;               // group values (with a group field)
};

// A collector's shard as bytes; `geometry` adds the parcel and overlap polygons (WKB).
std::string encode_clearance_part(const ClearanceCollector& shard, bool geometry);
ClearanceShardPart decode_clearance_part(std::string_view bytes);
ClearanceShardPart take_clearance_part(ClearanceCollector& shard);

// The parts as one run: `base` is a rank's run context (labels, rules, inputs); attributes and
// groups are put back in input order like the parcels (merge_shards).
struct MergedClearance {
  ClearanceRun run;
  ClearanceResult result;
};
MergedClearance merge_clearance_parts(const ClearanceRun& base,
                                      std::vector<ClearanceShardPart> parts);

// Where rank 0's time went (seconds since run_clearance_mpi started).
struct MpiClearanceTimes {
  double shard_done = 0;              // its own shard checked
  double parts_in = 0;                // every other rank's part received (waiting included)
  double merged = 0;                  // decoded and merged
  double written = 0;                 // the sink has everything
  std::size_t bytes = 0;              // received from the other ranks
  std::vector<double> shard_seconds;  // every rank's time to check its shard, in rank order
  std::vector<double> shard_cpu;      // and the CPU time its process had used by then
  // When the last rank finished its shard (on one machine, whose monotonic clock every rank
  // shares; else when the last part was in): the merge is what rank 0 does after it — receive,
  // decode, merge — and what one process would not do.
  double last_shard_end = 0;
  double merge_seconds() const { return merged - last_shard_end; }
};

// Runs this rank's shard of `job` (whose request must have shard = {world.rank(), world.size()},
// and hash_inputs = false: the inputs' SHA-256 are computed here, each file by one rank).
// Rank 0 gathers and merges every part and feeds `sink` (begin, parcel in input order, end) as a
// single process would and returns the merged result; the other ranks send their part and return
// an empty result. `geometry`: the parcels' and pieces' polygons travel too (a GeoPackage is
// written; the pieces are there when the request keeps them). The returned result's geometries live
// in the job (rank 0's own) and in the result itself.
ClearanceResult run_clearance_mpi(ClearanceJob& job, const MpiWorld& world, ClearanceSink& sink,
                                  const ProgressFn* progress, bool geometry = true,
                                  MpiClearanceTimes* times = nullptr);

}  // namespace siteplan::engine
