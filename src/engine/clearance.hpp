#pragma once
// Batch land clearance (用地预审 / 合规性审查): for every parcel, the exact overlap with each
// rule's land (area of parcel ∩ union of the rule's features, so overlapping features never count
// twice), a verdict, and the rules that decided it. Work is split by parcel over threads, each
// with its own GEOS context and STRtrees; results do not depend on the number of threads.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/rule_layer.hpp"
#include "gis/crs.hpp"
#include "gis/gdal.hpp"
#include "io/layer.hpp"

namespace siteplan::engine {

// Unchecked: not blocked, but part of the parcel (more than ClearanceOptions::
// coverage_tolerance_m2) lies outside the run's coverage, where the rules have no data — a
// parcel is never `clear` there.
enum class Verdict { Blocked, Approval, Clear, Invalid, Unchecked };
const char* to_string(Verdict v);

struct Overlap {
  std::size_t rule_index = 0;  // into ClearanceInput::rules
  std::string class_value;     // breakdown class ("" for rules)
  double area_m2 = 0;          // planar, working CRS
  double ellipsoidal_m2 = 0;   // geodesic on the CRS's ellipsoid
  double pct = 0;              // 100 · area / parcel area
  gis::OgrGeomPtr piece;       // the overlap polygon(s), when kept
};

struct ParcelResult {
  std::string id;
  std::string name;
  io::GeomStatus status = io::GeomStatus::Valid;
  std::string problem;
  double area_m2 = 0;
  double ellipsoidal_m2 = 0;
  double outside_m2 = 0;  // planar area outside the coverage (0 without one)
  Verdict verdict = Verdict::Clear;
  std::vector<std::string> deciding_rules;
  std::vector<Overlap> overlaps;  // rules in declaration order, then breakdown classes sorted
  gis::OgrGeomPtr geometry;       // repaired parcel in the working CRS (null when invalid)
};

struct ClearanceOptions {
  int threads = 0;               // 0 = hardware concurrency
  double min_overlap_m2 = 1e-6;  // smaller intersections are floating-point noise (1 mm²)
  bool keep_pieces = true;       // rules' overlap polygons for the GeoPackage
  // A breakdown's pieces too (one multipolygon per class); without them its areas come from the
  // boundaries, without an overlay per land-use cell.
  bool keep_breakdown_pieces = false;
  const ProgressFn* progress = nullptr;
  // Where the rule data are complete (polygons); may be one of the rules (a wall-to-wall 三调
  // breakdown). Null: no coverage check.
  const RuleLayer* coverage = nullptr;
  double coverage_tolerance_m2 = 1.0;  // more than this outside → unchecked
  int name_value = 0;  // index of the parcel's name among Feature::values (−1: no name)
  // Results into (*into)[(*into_index)[i]] instead of ClearanceResult::parcels (a block of a
  // larger batch); on_parcel_done then gets that position too.
  std::vector<ParcelResult>* into = nullptr;
  const std::vector<std::size_t>* into_index = nullptr;
  // Called from the worker threads as soon as parcel i is complete (verdict included), in no
  // particular order. Must be thread-safe.
  std::function<void(std::size_t, ParcelResult&)> on_parcel_done;
};

struct ClearanceResult {
  std::vector<RuleLayer> const* rules = nullptr;
  std::vector<ParcelResult> parcels;
  int threads_used = 1;
  // For a shard of a batch (ClearanceRequest::shard): the input position of parcels[i].
  // Empty: every parcel, in input order.
  std::vector<std::size_t> input_index;
};

// parcels: loaded with polygons_only; its features keep their GEOS geometries (created in
// `ctx`). rules: indexed layers. Geometries are only read by the workers.
ClearanceResult run_clearance(const io::LoadedLayer& parcels, const std::vector<RuleLayer>& rules,
                              const gis::Crs& work, const gis::GeosContext& ctx,
                              const ClearanceOptions& options);

}  // namespace siteplan::engine
