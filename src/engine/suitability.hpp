#pragma once
// Suitability: where should the park / PV plant go? Hard exclusions (block rules) remove land;
// weighted factors score what is left on a grid (the map) and for each candidate (given parcels
// and derived contiguous regions); approval/warn overlaps are listed and may carry a penalty.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ahp.hpp"
#include "engine/clearance.hpp"
#include "engine/factor.hpp"
#include "engine/grid.hpp"
#include "engine/inputs.hpp"
#include "engine/strips.hpp"
#include "project/project.hpp"

namespace siteplan::engine {

class MpiWorld;

struct Candidate {
  std::string id, name, origin;  // origin: "given" | "derived"
  io::GeomStatus status = io::GeomStatus::Valid;
  std::string problem;                  // why it is not scored, when it is not
  gis::OgrGeomPtr geometry;             // working CRS
  double area_m2 = 0, compactness = 0;  // Polsby–Popper 4πA/P²
  std::vector<FactorValue> values;      // one per factor
  std::vector<double> parts;            // weight × score, one per factor (sum = base_score)
  double base_score = 0, penalty = 0, score = 0;
  bool blocked = false;                 // a given parcel touching blocked land
  std::vector<Overlap> overlaps;        // rule overlaps (rule_index into SuitabilityResult::rules)
  int rank = 0;                         // 1 = best; 0 = not ranked (invalid)
  double robust_share = -1;             // share of sensitivity runs in the top K (−1 = not run)
  std::vector<std::string> attributes;  // a given parcel's own fields (SuitabilityResult::
                                        // attribute_names), carried into the outputs
};

// A what-if: the weights before, and the candidates in the top K before or after with their
// ranks (0 = not ranked), best new rank first.
struct RankMove {
  std::string id;
  int old_rank = 0, new_rank = 0;
};
struct WhatIfChange {
  std::vector<double> old_weights;
  std::vector<RankMove> moves;
};

struct SuitabilityOptions {
  int threads = 0;
  const ProgressFn* progress = nullptr;
  int sensitivity_runs = -1;  // −1: the profile's value
  double sensitivity_spread = -1;
  std::uint64_t seed = 20261125;
  int strip_rows =
      256;  // rows per strip of the map (engine/strips.hpp); results do not depend on it
};

struct SuitabilityResult {
  // Owns the GEOS geometries of `rules` (declared first, destroyed last).
  std::shared_ptr<const gis::GeosContext> geos;
  std::string name;
  Grid grid;
  Raster score_map;     // NaN outside the study area, −1 on blocked land
  FactorStack factors;  // every factor's score per cell (quantised) and the cell states
  std::vector<std::string> factor_ids, factor_names, factor_units, score_functions;
  std::vector<double> weights;
  std::optional<AhpResult> ahp;
  std::vector<std::string> ahp_ids;             // the factors the AHP matrix compares
  std::vector<std::vector<double>> ahp_matrix;  // as given (empty: direct weights)
  std::vector<RuleLayer> rules;
  std::vector<std::pair<std::string, gis::OgrGeomPtr>> blocked;  // per block rule, in study area
  std::vector<Candidate> candidates;                             // ranked order
  std::vector<InputRecord> inputs;
  std::vector<std::string> attribute_names;  // the given parcels' own fields (乡镇, 用地单位 ...)
  int top_k = 10;
  int sensitivity_runs = 0;
  double sensitivity_spread = 0;
  double min_area_ha = 0;
  std::optional<WhatIfChange> what_if;  // set by reweight()
};

// Weights of the project's factors: AHP when a matrix is given (refusing CR > 0.10), else the
// declared weights (which must sum to 1 unless normalize = true). Throws InputError.
std::vector<double> resolve_weights(const Project& project, std::optional<AhpResult>& ahp_out);

// The suitability job, the same shape as the clearance job (clearance_job.hpp): a request (plain
// data), validate() before any bulk read, run() with a progress/cancel function, and a sink.
struct SuitabilityRequest {
  Project project;
  SuitabilityOptions options;
};
// How a job computes its map: rows [0, ny) of the plan's grid as compute_rows(plan, 0, ny) gives
// them (the factors' full grids filled when plan.keep_grids). A distributed run
// (engine/mpi_suitability.hpp, banded_map_rows) computes one band per rank and hands rank 0 the
// whole map.
using MapRowsFn = std::function<MapRows(MapPlan& plan, int ny)>;

class SuitabilitySink {
 public:
  virtual ~SuitabilitySink() = default;
  virtual void end(SuitabilityResult& result) { (void)result; }
};
class SuitabilityJob {
 public:
  explicit SuitabilityJob(SuitabilityRequest request);
  ~SuitabilityJob();
  SuitabilityJob(SuitabilityJob&&) noexcept;
  SuitabilityJob& operator=(SuitabilityJob&&) noexcept;
  void validate();
  // `progress` overrides the request's options.progress.
  SuitabilityResult run(SuitabilitySink& sink, const ProgressFn* progress = nullptr);

  // The map through `fn` instead of compute_rows(plan, 0, ny) (set before run()).
  void set_map_rows(MapRowsFn fn);
  // A rank of a distributed run other than the first: the study area, the factors and the
  // constraints, then the map through set_map_rows's function (which computes this rank's band
  // and sends it); no input hashes, no candidates, no sink.
  void run_map_only(const ProgressFn* progress = nullptr);
  // A distributed run whose candidates are shared out over the ranks (mpi_candidates.hpp; set
  // on every rank, with a map_rows function that leaves every rank its band: banded_map_rows
  // with BandTiles::keep_bands). Rank 0 then runs run(), the other ranks run_shard().
  void set_distributed(const MpiWorld* world);
  void run_shard(const ProgressFn* progress = nullptr);
  // Whether the run has candidates (given parcels or derived regions).
  bool has_candidates() const;
  // After validate(): the result as far as validation fills it (name, factor ids and names,
  // weights) — what a rank writing map tiles describes them with.
  const SuitabilityResult& validated() const;
  // The layers whose files the report lists with their SHA-256.
  const std::vector<LayerSpec>& input_layers() const;
  // The inputs' records from `fn`, called when the outputs are written, instead of hashing the
  // files at the start (a distributed run shares the hashing out over its ranks).
  void set_inputs(std::function<std::vector<InputRecord>()> fn);

 private:
  SuitabilityResult run_in_budget(SuitabilitySink& sink, const ProgressFn* progress);
  struct State;
  std::unique_ptr<State> s_;
};

// The job without a sink.
SuitabilityResult run_suitability(const Project& project, const SuitabilityOptions& options);

// Candidate coordinates beyond this (metres, working CRS) are no real place: not scored.
constexpr double kMaxCoordinate = 1e8;

// Cell states of the map.
enum CellState : std::uint8_t { kOutside = 0, kBlocked = 1, kOpen = 2 };
// The map for given weights: Σ wᵢ·scoreᵢ on open cells, −1 on blocked, NaN outside or where a
// factor has no data. The what-if path: factor scores are computed once, weights change.
void weighted_map(const std::vector<const Raster*>& scores, const std::vector<double>& weights,
                  const std::vector<std::uint8_t>& state, Raster& out);
// Candidate scores and ranks for new weights (parts, penalties and ranks recomputed).
void rescore_candidates(SuitabilityResult& result, const std::vector<double>& weights);

// The what-if: new weights on a computed run — the map from its factor stack, the candidates'
// scores and ranks, and what moved in the top K (result.what_if). No factor is recomputed.
void reweight(SuitabilityResult& result, const std::vector<double>& weights);
// Monte-Carlo perturbation of the weights (sensitivity_runs, ±sensitivity_spread): each
// candidate's share of runs in the top K (robust_share).
void weight_sensitivity(SuitabilityResult& result, std::uint64_t seed);

// Overlap of a candidate with rule `rule_index`: (m², % of the candidate); (0, 0) when none.
std::pair<double, double> rule_overlap(const Candidate& c, std::size_t rule_index);

}  // namespace siteplan::engine
