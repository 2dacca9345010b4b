#pragma once
// The suitability job's state between its steps (suitability.cpp), shared with the distributed
// candidate phase (suitability_shard.cpp). Internal to the engine.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/factor.hpp"
#include "engine/grid.hpp"
#include "engine/mpi_world.hpp"
#include "engine/strips.hpp"
#include "engine/suitability.hpp"
#include "gis/geos.hpp"
#include "io/layer.hpp"

namespace siteplan::engine {

struct SuitabilityJob::State {
  SuitabilityRequest req;
  bool validated = false;
  const ProgressFn* progress = nullptr;
  SuitabilityResult r;
  std::shared_ptr<gis::GeosContext> ctx = std::make_shared<gis::GeosContext>();
  gis::Crs work;
  std::vector<std::unique_ptr<Factor>> factors;
  gis::GeomPtr area;  // the study area
  gis::Extent ext;
  OgrShapes area_shapes;  // the study area, burnt strip by strip
  std::unique_ptr<FactorContext> fc;
  gis::GeomPtr blocked_union;
  io::LoadedLayer cand_layer;  // the candidates: given parcels, then derived regions
  std::vector<std::string> origins, names;
  std::vector<std::vector<std::string>> attributes;  // given parcels' kept fields
  std::vector<std::optional<CellSet>> cell_cache;    // per candidate: its cells, when known
  MapRowsFn map_rows;  // the map's computation (default: compute_rows over every row)
  std::function<std::vector<InputRecord>()> inputs_fn;  // set_inputs
  bool map_only = false;  // a distributed run's rank other than the first: the map band only
  // A distributed run whose candidates are shared out (set_distributed): every rank derives,
  // scores and checks its own, rank 0 puts them together.
  const MpiWorld* world = nullptr;

  // The run's threads: the options', else the project's (0: the machine's cores).
  int threads() const {
    return req.options.threads > 0 ? req.options.threads : req.project.threads;
  }
  void validate();
  void study_area();
  void prepare_factors();
  void constraints();
  void given_candidates();
  void derived_candidates();
  void score_candidates();
  void rule_overlaps();
  // Candidate i of cand_layer as far as its feature tells (no factor values, no overlaps).
  Candidate candidate_of(std::size_t i) const;
  // The rules' overlaps of layer.features[i] into *cands[i] (the clearance engine, exact).
  void check_rules(const io::LoadedLayer& layer, const std::vector<Candidate*>& cands);
  void distributed_candidates();  // suitability_shard.cpp
  void sensitivity();
};

}  // namespace siteplan::engine
