#include "engine/suitability.hpp"

#include <fmt/core.h>
#include <gdal_alg.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "engine/clearance_job.hpp"
#include "engine/derive.hpp"
#include "engine/mpi_suitability.hpp"
#include "engine/score_function.hpp"
#include "engine/suitability_state.hpp"
#include "io/layer.hpp"
#include "io/raster.hpp"

namespace siteplan::engine {

namespace {

// Why a candidate's geometry cannot be a real place in the working CRS, or "" when it can: a
// coordinate beyond ±1e8 m (projected CRSs stay within ±4e7 m, zone prefix included) or a
// non-finite area.
std::string implausible_geometry(const gis::GeosContext& ctx, const GEOSGeometry* g) {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  if (!GEOSGeom_getXMin_r(ctx, g, &x0) || !GEOSGeom_getYMin_r(ctx, g, &y0) ||
      !GEOSGeom_getXMax_r(ctx, g, &x1) || !GEOSGeom_getYMax_r(ctx, g, &y1))
    return "its extent cannot be computed";
  for (double v : {x0, y0, x1, y1})
    if (!(std::fabs(v) <= kMaxCoordinate))
      return fmt::format(
          "a vertex lies at {:.3g} m in the working CRS, beyond ±{:.0e} m: not a real position "
          "(check the source coordinates and CRS)",
          v, kMaxCoordinate);
  if (!std::isfinite(gis::area(ctx, g))) return "its area is not a finite number";
  return "";
}

double compactness(const gis::GeosContext& ctx, const GEOSGeometry* g) {
  double a = gis::area(ctx, g), len = 0;
  GEOSLength_r(ctx, g, &len);
  return len > 0 ? 4.0 * M_PI * a / (len * len) : 0.0;
}

}  // namespace

// 1. The whole run, validated before reading data in bulk.
void SuitabilityJob::State::validate() {
  const Project& p = req.project;
  const SuitabilityOptions& opt = req.options;
  const auto& ss = p.suitability;
  r.name = p.name.empty() ? p.path : p.name;
  if (p.crs.empty())
    throw InputError(fmt::format("{}: [project] needs crs (e.g. \"EPSG:4542\")", p.path));
  if (p.study_area.empty())
    throw InputError(fmt::format("{}: [project] needs study_area = \"<layer id>\"", p.path));
  if (p.factors.empty()) throw InputError(fmt::format("{}: no [[factor]] declared", p.path));
  work = gis::working_crs(p.crs, p.path + ": [project] crs");
  for (const auto& f : p.factors) factors.push_back(make_factor(f));
  r.weights = resolve_weights(p, r.ahp);
  if (!ss.ahp_matrix.empty()) {
    r.ahp_matrix = ss.ahp_matrix;
    r.ahp_ids = ss.ahp_factors;
    if (r.ahp_ids.empty())
      for (const auto& f : p.factors) r.ahp_ids.push_back(f.id);
  }
  r.top_k = ss.top_k;
  r.min_area_ha = ss.min_area_ha;
  r.sensitivity_runs = opt.sensitivity_runs >= 0 ? opt.sensitivity_runs : ss.sensitivity_runs;
  r.sensitivity_spread =
      opt.sensitivity_spread >= 0 ? opt.sensitivity_spread : ss.sensitivity_spread;
  for (const auto& f : p.factors) {
    r.factor_ids.push_back(f.id);
    r.factor_names.push_back(f.name.empty() ? f.id : f.name);
  }
}

// 2. The study area, the grid over it, and which cells lie inside.
void SuitabilityJob::State::study_area() {
  const Project& p = req.project;
  std::vector<const LayerSpec*> layers;
  for (const auto& l : p.layers) layers.push_back(&l);
  if (!map_only && !inputs_fn) r.inputs = hash_inputs(layers);
  io::LoadOptions so;
  so.polygons_only = true;
  so.progress = progress;
  io::LoadedLayer study = io::load_layer(*p.find_layer(p.study_area), work, *ctx, so);
  std::vector<gis::GeomPtr> parts;
  for (auto& f : study.features)
    if (f.geom) parts.push_back(std::move(f.geom));
  if (parts.empty())
    throw InputError(fmt::format("{}: the study area layer has no usable polygon",
                                 p.find_layer(p.study_area)->display()));
  area = gis::union_all(*ctx, std::move(parts));
  ext = study.work_extent;
  r.grid = Grid::covering(ext, p.suitability.grid_m, work);
  area_shapes.add(*ctx, area.get());
}

// 3. Factors: their data read and checked (the grid is computed with the constraints).
void SuitabilityJob::State::prepare_factors() {
  fc = std::make_unique<FactorContext>(
      FactorContext{req.project, r.grid, *ctx, work, ext, 26.0, {}});
  gis::Transform to_geo(work, gis::Crs::from_user("EPSG:4490", "internal"));
  double cx = (ext.minx + ext.maxx) / 2, cy = (ext.miny + ext.maxy) / 2;
  if (to_geo.apply(cx, cy)) fc->latitude_deg = cy;
  Progress prog(progress, "preparing factors", factors.size());
  std::vector<std::string> dems_checked;
  for (auto& f : factors) {
    if (f->uses_dem() && std::find(dems_checked.begin(), dems_checked.end(), f->spec().layer) ==
                             dems_checked.end()) {
      const LayerSpec& dem = fc->layer(f->spec().layer);
      if (!DemReader(dem, r.grid).meets_grid())
        throw InputError(fmt::format(
            "{}: the DEM does not cover the study area (no cell has an elevation)", dem.source));
      dems_checked.push_back(f->spec().layer);
    }
    f->open(*fc);
    r.factor_units.push_back(f->units());
    prog.advance();
  }
  prog.finish();
  for (const auto& f : req.project.factors) r.score_functions.push_back(describe(f.score));
}

// 4. Constraints: block rules exclude land; the rest are listed (and may carry a penalty). Then
// the map, strip by strip (engine/strips.hpp): every factor's score and Σ weight · score on
// open land.
void SuitabilityJob::State::constraints() {
  const Project& p = req.project;
  const Grid& grid = r.grid;
  RuleSetOptions ro;
  ro.near = ext;
  ro.owner = ctx.get();
  ro.progress = progress;
  r.rules = load_rule_layers(p, work, ro).layers;
  for (std::size_t i = 0; i < p.rules.size(); ++i)
    r.rules[i].penalty_per_share = p.rules[i].penalty;
  OgrShapes blocked_shapes;
  std::vector<gis::GeomPtr> all_blocked;
  const auto t_union = std::chrono::steady_clock::now();
  for (const auto& rl : r.rules) {
    if (rl.severity != Severity::Block) continue;
    std::vector<gis::GeomPtr> pieces;
    for (const auto& g : rl.geoms) {
      pieces.push_back(gis::clone(*ctx, g.get()));
      blocked_shapes.add(*ctx, g.get());
    }
    // A rank computing only its band of the map needs the features, not their union (rank 0
    // writes the blocked land and derives the regions).
    if (pieces.empty() || map_only) continue;
    gis::GeomPtr u = gis::union_all(*ctx, std::move(pieces));
    gis::GeomPtr clipped = gis::wrap(*ctx, GEOSIntersection_r(*ctx, u.get(), area.get()));
    clipped = gis::polygonal_part(*ctx, clipped.get());
    if (!GEOSisEmpty_r(*ctx, clipped.get())) {
      r.blocked.emplace_back(
          rl.id, gis::OgrGeomPtr(OGRGeometryFactory::createFromGEOS(ctx->get(), clipped.get())));
      // Each rule's polygons on their own: union_all then overlays only the clusters of them
      // that meet (whole multipolygons spanning the study area would be one overlay of all).
      const int parts = GEOSGetNumGeometries_r(*ctx, clipped.get());
      for (int k = 0; k < parts; ++k)
        all_blocked.push_back(gis::clone(*ctx, GEOSGetGeometryN_r(*ctx, clipped.get(), k)));
    }
  }
  if (!all_blocked.empty()) blocked_union = gis::union_all(*ctx, std::move(all_blocked));
  log::debug("blocked land: {} rules' union in {:.2f} s", r.blocked.size(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t_union).count());

  MapPlan plan{*fc, {}, r.weights, &area_shapes, &blocked_shapes};
  for (auto& f : factors) plan.factors.push_back(f.get());
  // Candidates take zonal means of the factors' full grids; a map-only run never holds them.
  plan.keep_grids = p.suitability.derive || !p.suitability.parcels.empty();
  // A band's rank keeps its band's rows (banded_map_rows), as every rank of a distributed run.
  if (plan.keep_grids && !map_only && !world)
    for (auto& f : factors)
      if (f->evaluates_on_grid()) f->keep_grids(grid.size());
  plan.progress = progress;
  plan.strip_rows = req.options.strip_rows;
  MapRows rows = map_rows ? map_rows(plan, grid.ny) : compute_rows(plan, 0, grid.ny);
  if (map_only) return;  // this rank's band went to rank 0, which checks the whole map
  for (std::size_t k = 0; k < factors.size(); ++k) {
    const Factor& f = *factors[k];
    if (f.uses_dem() && rows.dem_cells == 0)
      throw InputError(
          fmt::format("{}: the DEM does not cover the study area (no cell has an elevation)",
                      fc->layer(f.spec().layer).source));
    if (!rows.has_value[k] && f.spec().kind != "category")
      throw InputError(
          fmt::format("{}: factor '{}' has no value inside the study area (layer "
                      "'{}'): check that the layer covers it",
                      f.spec().pos.str(), f.spec().id, f.spec().layer));
  }
  r.score_map = std::move(rows.map);
  r.factors = std::move(rows.stack);
}

// 5a. The given (proposed) parcels; a parcel no real place can hold is not scored.
void SuitabilityJob::State::given_candidates() {
  const Project& p = req.project;
  const auto& ss = p.suitability;
  if (ss.parcels.empty()) return;
  // Every field of the given parcels but the id and the name is carried into the outputs.
  const LayerSpec& spec = *p.find_layer(ss.parcels);
  {
    io::LoadOptions probe;
    probe.keep_geometry = false;
    probe.validate_only = true;
    probe.allow_no_crs = true;
    probe.require_crs_fit = false;
    std::vector<std::string> fields;
    for (const auto& f : io::load_layer(spec, gis::Crs(), *ctx, probe).fields)
      fields.push_back(f.name);
    r.attribute_names = kept_fields("", fields, ss.id_field, ss.name_field);
  }
  io::LoadOptions po;
  po.polygons_only = true;
  po.id_field = ss.id_field;
  if (!ss.name_field.empty()) po.fields = {ss.name_field};
  const std::size_t kept_at = po.fields.size();
  po.fields.insert(po.fields.end(), r.attribute_names.begin(), r.attribute_names.end());
  po.progress = progress;
  io::LoadedLayer given = io::load_layer(spec, work, *ctx, po);
  for (auto& f : given.features) {
    names.push_back(ss.name_field.empty() || f.values.empty() ? "" : f.values[0]);
    attributes.emplace_back(f.values.begin() + static_cast<std::ptrdiff_t>(kept_at),
                            f.values.end());
    origins.push_back("given");
    if (f.geom && io::usable(f.status)) {
      std::string why = implausible_geometry(*ctx, f.geom.get());
      if (!why.empty()) {
        log::warn("{}: candidate '{}' is not scored: {}", p.find_layer(ss.parcels)->display(),
                  f.key, why);
        f.status = io::GeomStatus::Unrepairable;
        f.problem = why;
        f.geom.reset();
      }
    }
    cand_layer.features.push_back(std::move(f));
    cell_cache.emplace_back();
  }
}

// 5b. Regions derived from open land (score ≥ min_score): labelled (4-connected, as
// GDALPolygonize), each region that can reach min_area_ha polygonized from its own cells, then
// made exact (∩ study area − blocked land), with ids from their place (engine/derive.hpp).
void SuitabilityJob::State::derived_candidates() {
  const auto& ss = req.project.suitability;
  if (!ss.derive) return;
  const Grid& grid = r.grid;
  std::vector<std::uint8_t> mask(grid.size());
  for (std::size_t i = 0; i < grid.size(); ++i)
    mask[i] =
        r.factors.state[i] == kOpen && !std::isnan(r.score_map[i]) && r.score_map[i] >= ss.min_score
            ? 1
            : 0;
  const BandComponents comps = label_band(mask, grid.nx, 0, grid.ny);
  std::vector<std::uint8_t>().swap(mask);
  const std::size_t min_cells = min_region_cells(ss.min_area_ha * 10000.0, grid.cell);
  std::vector<std::vector<std::size_t>> cells(comps.first.size());
  for (std::size_t k = 0; k < comps.cells.size(); ++k)
    if (comps.cells[k] >= min_cells) cells[k].reserve(comps.cells[k]);
  for (std::size_t i = 0; i < comps.label.size(); ++i)
    if (const std::int32_t l = comps.label[i]; l >= 0 && comps.cells[l] >= min_cells)
      cells[static_cast<std::size_t>(l)].push_back(i);
  const DeriveLand land(grid, *ctx, area.get(), blocked_union.get(), ss.min_area_ha * 10000.0);
  std::vector<DerivedPart> derived;
  for (auto& region : cells) {
    region_parts(land.inputs(), region, derived);
    std::vector<std::size_t>().swap(region);
  }
  order_derived(derived);
  for (auto& d : derived) {
    io::Feature f;
    f.key = std::move(d.id);
    f.geom = std::move(d.geom);
    cand_layer.features.push_back(std::move(f));
    cell_cache.push_back(std::move(d.cells));
    names.push_back("");
    origins.push_back("derived");
  }
}

// 6. Factor values per candidate.
void SuitabilityJob::State::score_candidates() {
  const gis::GeosContext& c = *ctx;
  Progress prog(progress, "scoring candidates", cand_layer.features.size());
  for (std::size_t i = 0; i < cand_layer.features.size(); ++i) {
    Candidate cand = candidate_of(i);
    if (const GEOSGeometry* g = cand_layer.features[i].geom.get()) {
      CellSet cells = cell_cache[i] ? std::move(*cell_cache[i]) : cells_of(r.grid, c, g);
      for (auto& fac : factors) cand.values.push_back(fac->evaluate(g, cells, c));
    }
    r.candidates.push_back(std::move(cand));
    prog.advance();
  }
  prog.finish();
}

Candidate SuitabilityJob::State::candidate_of(std::size_t i) const {
  const gis::GeosContext& c = *ctx;
  const auto& f = cand_layer.features[i];
  Candidate cand;
  cand.id = f.key;
  cand.name = names[i];
  cand.origin = origins[i];
  cand.status = f.status;
  cand.problem = f.problem;
  if (i < attributes.size()) cand.attributes = attributes[i];
  if (f.geom) {
    gis::warm_envelope(c, f.geom.get());
    cand.geometry.reset(OGRGeometryFactory::createFromGEOS(c.get(), f.geom.get()));
    cand.area_m2 = gis::area(c, f.geom.get());
    cand.compactness = compactness(c, f.geom.get());
  }
  return cand;
}

// 7. Constraint overlaps (exact, through the clearance engine), then scores and ranks.
void SuitabilityJob::State::rule_overlaps() {
  std::vector<Candidate*> cands;
  for (auto& cand : r.candidates) cands.push_back(&cand);
  check_rules(cand_layer, cands);
  rescore_candidates(r, r.weights);
}

void SuitabilityJob::State::check_rules(const io::LoadedLayer& layer,
                                        const std::vector<Candidate*>& cands) {
  ClearanceOptions co;
  co.threads = req.options.threads;
  co.keep_pieces = false;
  co.progress = progress;
  ClearanceResult cr = run_clearance(layer, r.rules, work, *ctx, co);
  for (std::size_t i = 0; i < cr.parcels.size() && i < cands.size(); ++i) {
    Candidate& cand = *cands[i];
    for (auto& o : cr.parcels[i].overlaps) {
      if (r.rules[o.rule_index].severity == Severity::Block) cand.blocked = true;
      cand.overlaps.push_back(std::move(o));
    }
  }
}

// 8. Sensitivity: Monte-Carlo perturbation of the weights; share of runs in the top K.
void SuitabilityJob::State::sensitivity() {
  weight_sensitivity(r, req.options.seed);
}

SuitabilityJob::SuitabilityJob(SuitabilityRequest request) : s_(std::make_unique<State>()) {
  s_->req = std::move(request);
}
SuitabilityJob::~SuitabilityJob() = default;
SuitabilityJob::SuitabilityJob(SuitabilityJob&&) noexcept = default;
SuitabilityJob& SuitabilityJob::operator=(SuitabilityJob&&) noexcept = default;

void SuitabilityJob::validate() {
  if (s_->validated) return;
  s_->validate();
  s_->validated = true;
}

SuitabilityResult SuitabilityJob::run(SuitabilitySink& sink, const ProgressFn* progress) {
  validate();
  const int threads = s_->threads();
  SuitabilityResult result;
  with_thread_budget(threads, [&] { result = run_in_budget(sink, progress); });
  return result;
}

const SuitabilityResult& SuitabilityJob::validated() const {
  if (!s_->validated) throw RuntimeError("SuitabilityJob::validated() before validate()");
  return s_->r;
}

const std::vector<LayerSpec>& SuitabilityJob::input_layers() const {
  return s_->req.project.layers;
}

void SuitabilityJob::set_inputs(std::function<std::vector<InputRecord>()> fn) {
  s_->inputs_fn = std::move(fn);
}

void SuitabilityJob::set_map_rows(MapRowsFn fn) {
  s_->map_rows = std::move(fn);
}

void SuitabilityJob::set_distributed(const MpiWorld* world) {
  s_->world = world;
}

bool SuitabilityJob::has_candidates() const {
  const auto& ss = s_->req.project.suitability;
  return ss.derive || !ss.parcels.empty();
}

void SuitabilityJob::run_shard(const ProgressFn* progress) {
  validate();
  State& s = *s_;
  if (!s.world) throw RuntimeError("SuitabilityJob::run_shard without set_distributed");
  const int threads = s.threads();
  with_thread_budget(threads, [&] {
    s.progress = progress;
    s.study_area();
    s.prepare_factors();
    s.constraints();
    s.given_candidates();
    s.distributed_candidates();
  });
}

void SuitabilityJob::run_map_only(const ProgressFn* progress) {
  validate();
  State& s = *s_;
  s.map_only = true;
  const int threads = s.threads();
  with_thread_budget(threads, [&] {
    s.progress = progress;
    s.study_area();
    s.prepare_factors();
    s.constraints();
  });
}

SuitabilityResult SuitabilityJob::run_in_budget(SuitabilitySink& sink, const ProgressFn* progress) {
  State& s = *s_;
  s.progress = progress ? progress : s.req.options.progress;
  s.study_area();
  s.prepare_factors();
  s.constraints();
  s.given_candidates();
  if (s.world) {
    s.distributed_candidates();  // rank 0: every rank's candidates, ranked
  } else {
    s.derived_candidates();
    s.score_candidates();
    s.rule_overlaps();
  }
  s.sensitivity();
  s.r.geos = s.ctx;  // the rules' geometries live in this context
  if (s.inputs_fn) s.r.inputs = s.inputs_fn();
  sink.end(s.r);
  return std::move(s.r);
}

SuitabilityResult run_suitability(const Project& p, const SuitabilityOptions& opt) {
  SuitabilityJob job({p, opt});
  SuitabilitySink none;
  return job.run(none);
}

}  // namespace siteplan::engine
