#pragma once
// The clearance job (用地预审 / 合规性审查) as a library object, the same shape as the suitability
// job: a request (plain data), a run that takes a progress/cancel function, and a sink for the
// results. The CLI maps its options onto a request and prints; the viewer, tests, MPI ranks and a
// service call the same job. Everything that can be checked before bulk reading is checked first
// (validate()), so a bad batch fails in seconds and writes nothing.
//
//   engine::ClearanceRequest req;
//   req.project = load_project("rules.toml");   // rules, breakdowns, layers
//   req.parcels.source = "parcels.gpkg";
//   engine::ClearanceJob job(std::move(req));
//   engine::ClearanceCollector sink;              // or out::ClearanceFiles (the exporters)
//   engine::ClearanceResult r = job.run(sink);
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "engine/clearance.hpp"
#include "engine/inputs.hpp"
#include "project/project.hpp"

namespace siteplan::engine {

struct ClearanceRequest {
  Project project;           // the rules, breakdowns and layers they use (bound, not yet read)
  std::string rules_source;  // where the project came from, for messages ("" = built here)
  LayerSpec parcels;         // the parcel layer, with its crs / encoding / where when given
  // The id and name fields; "" = the format's own (地块编号 / 地块名称 of a coordinate TXT, the
  // id column of a vertex table), else the FID and no name.
  std::string id_field, name_field;
  std::string keep_fields;  // parcel fields carried into the outputs: "" = all, "none", "F1,F2"
  std::string group_field;  // a summary per value of this field ("" = none)
  std::string work_crs;     // "" = the project's crs, else the parcels' CRS
  std::string work_crs_option = "--crs";  // how the user sets it, for messages
  // Where the rule data are complete when declared outside the project (e.g. --coverage);
  // otherwise [project] coverage, the study area, a breakdown's footprint or the rule extents.
  std::optional<LayerSpec> coverage;
  std::string coverage_option = "--coverage";
  int threads = 0;  // 0 = the project's threads, else all cores
  // A part of the batch (for sharded runs, e.g. one per MPI rank): the parcels are ordered along
  // a Morton curve of their centres and cut into `count` blocks of equal size; this run checks
  // block `index` and reads only the rule data near it. Every parcel is in exactly one block;
  // merge_shards() puts the parts back in input order. The result equals one run's.
  struct Shard {
    int index = 0;
    int count = 1;
  } shard;
  // Parcels checked per block (each block reads the rule data near its parcels, then lets them
  // go); results do not depend on it.
  std::size_t block_parcels = 5000;
  double min_overlap_m2 = 1e-6;
  bool keep_pieces = true;  // keep the rules' overlap polygons (for a GeoPackage)
  // Also a breakdown's pieces, one multipolygon per parcel and class (`--pieces all`); without
  // them a breakdown's areas are measured without an overlay per land-use cell.
  bool keep_breakdown_pieces = false;
  // The SHA-256 of every input for the report (ClearanceRun::inputs); MPI ranks other than the
  // one writing the outputs skip it (engine/mpi_clearance.cpp).
  bool hash_inputs = true;
};

// Per-parcel attributes carried through to the outputs.
struct ParcelAttributes {
  std::vector<std::string> names;                // field names, in output order
  std::vector<std::vector<std::string>> values;  // [parcel, input order][field] ("" = NULL)
  const std::string& value(std::size_t parcel, std::size_t field) const;
  std::vector<std::string> value_row(std::size_t parcel) const;
};

// What a sink learns of the run.
struct ClearanceRun {
  const ClearanceRequest* request = nullptr;
  gis::Crs work;
  std::string parcels_label;  // "parcels.gpkg:parcels"
  std::string coverage;       // where the rule data are complete, and how that was decided
  const std::vector<RuleLayer>* rules = nullptr;
  ParcelAttributes attributes;
  std::vector<std::string> group_of;  // every parcel's group value (with a group field)
  std::vector<InputRecord> inputs;    // every input with its SHA-256 (ready for end())
};

// Where results go. parcel() is called from the worker threads, in no particular order, as soon
// as each parcel is decided (must be thread-safe); end() once, with everything.
class ClearanceSink {
 public:
  virtual ~ClearanceSink() = default;
  virtual void begin(const ClearanceRun& run) { (void)run; }
  virtual void parcel(std::size_t index, ParcelResult& p) {
    (void)index;
    (void)p;
  }
  virtual void end(const ClearanceRun& run, ClearanceResult& result) {
    (void)run;
    (void)result;
  }
  // The run failed after begin(): stop (e.g. a writer thread) without finishing.
  virtual void abort() noexcept {}
};

// A sink that only keeps what end() hands over (tests, services).
class ClearanceCollector : public ClearanceSink {
 public:
  void end(const ClearanceRun& run, ClearanceResult& result) override;
  std::vector<ParcelResult> parcels;
  std::vector<std::size_t> input_index;  // a shard's input positions (empty: all, in order)
  ClearanceRun run;
};

class ClearanceJob {
 public:
  explicit ClearanceJob(ClearanceRequest request);
  ~ClearanceJob();
  ClearanceJob(ClearanceJob&&) noexcept;
  ClearanceJob& operator=(ClearanceJob&&) noexcept;

  // Checks the whole run before any bulk read: rules and layers exist and open, fields exist,
  // every CRS is known and the coordinates fit it, the coverage is polygons. Throws InputError /
  // UsageError naming file, layer and field. run() calls it when not done yet.
  void validate();
  // Reads the parcels and the rule data near them, checks every parcel, hands the results to the
  // sink. The geometries live in the job: keep it as long as the result.
  ClearanceResult run(ClearanceSink& sink, const ProgressFn* progress = nullptr);
  const ClearanceRun& context() const;
  // Every input of the run (parcels, rule and breakdown layers, coverage), in the report's order;
  // after validate(). What ClearanceRun::inputs hashes.
  std::vector<LayerSpec> input_layers() const;

 private:
  ClearanceResult run_in_budget(ClearanceSink& sink, const ProgressFn* progress);
  struct State;
  std::unique_ptr<State> s_;
};

// The input positions of the parcels in block `index` of `count` (see ClearanceRequest::shard):
// parcels with an envelope by the Morton order of its centre, the others round-robin by position.
std::vector<std::size_t> shard_parcels(const std::vector<gis::Extent>& envelopes, int count,
                                       int index);
// Parcels in blocks of about `per_block` along the Morton curve of their centres (parcels without
// an envelope join the first block). A run checks one block at a time and reads only the rule data
// near it, so memory follows the block, not the batch or the county's whole 三调.
std::vector<std::vector<std::size_t>> parcel_blocks(const std::vector<gis::Extent>& envelopes,
                                                    std::size_t per_block);
// The shards' results as one, in input order.
ClearanceResult merge_shards(std::vector<ClearanceResult> parts);

// The parcel fields kept for the outputs: `keep` ("" = all, "none", "F1,F2"), leaving out the
// id and name fields (already columns) and a table's WKT column.
std::vector<std::string> kept_fields(const std::string& keep,
                                     const std::vector<std::string>& fields,
                                     const std::string& id_field, const std::string& name_field);

}  // namespace siteplan::engine
