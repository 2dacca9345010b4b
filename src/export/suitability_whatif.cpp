// What a what-if needs, kept beside a suitability run's outputs: factors.tif (every factor's
// score per cell, quantised, and the cell states) and run.json (weights, rules, candidates with
// their factor values and overlaps). `siteplan rescore` and the viewer read them back
// (read_suitability_run) and re-weight without recomputing any factor.
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/threads.hpp"
#include "export/map_tiles.hpp"
#include "export/suitability_outputs.hpp"
#include "gis/gdal.hpp"
#include "io/result_schema.hpp"

namespace siteplan::out {

namespace {
using nlohmann::json;

json num(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}
double num_of(const json& j) {
  return j.is_number() ? j.get<double>() : std::nan("");
}

}  // namespace

void write_factors_tif(const std::string& path, const engine::SuitabilityResult& r) {
  const engine::FactorStack& st = r.factors;
  if (st.scores.empty() || st.r0 != 0 || st.r1 != st.grid.ny) return;
  write_factors_rows(path, engine::view_rows(st, nullptr, 0, st.grid.ny), map_header(r));
}

MapHeader map_header(const engine::SuitabilityResult& r) {
  return {r.name, r.factor_names, r.weights};
}

void write_factors_rows(const std::string& path, const engine::MapRowsView& rows,
                        const MapHeader& h) {
  const engine::Grid& g = *rows.grid;
  const int ny = rows.r1 - rows.r0;
  gis::GdalErrorCapture capture;
  GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
  if (!gtiff) throw RuntimeError("GDAL has no GTiff driver");
  const int bands = static_cast<int>(rows.scores.size()) + 1;
  CPLStringList co;
  co.SetNameValue("TILED", "YES");
  co.SetNameValue("BLOCKXSIZE", "256");
  co.SetNameValue("BLOCKYSIZE", "256");
  co.SetNameValue("COMPRESS", "ZSTD");
  // ZSTD level 1, no predictor: 166 MB for a 10 m county, read back in half the time the
  // predictor's undoing takes (rescore reads every band).
  co.SetNameValue("ZSTD_LEVEL", "1");
  co.SetNameValue("INTERLEAVE", "BAND");
  // Tiles are compressed independently and written in order: the same bytes for any count.
  co.SetNameValue("NUM_THREADS", std::to_string(std::max(1u, thread_budget())).c_str());
  GDALDatasetUniquePtr ds(gtiff->Create(path.c_str(), g.nx, ny, bands, GDT_UInt16, co.List()));
  if (!ds) throw RuntimeError(fmt::format("{}: cannot create: {}", path, capture.first_error()));
  double gt[6];
  g.geotransform(gt);
  gt[3] += rows.r0 * gt[5];  // rows [r0, r1): whole multiples of the cell size, exact
  ds->SetGeoTransform(gt);
  if (!g.crs.empty()) ds->SetSpatialRef(g.crs.srs());
  ds->SetMetadataItem("SITEPLAN_SCORE_STEPS", "65534");
  ds->SetMetadataItem("SITEPLAN_STATE_BAND", std::to_string(bands).c_str());
  for (std::size_t k = 0; k < rows.scores.size(); ++k) {
    GDALRasterBand* b = ds->GetRasterBand(static_cast<int>(k) + 1);
    describe_factor_band(*b, (*rows.ids)[k], k < h.names.size() ? h.names[k] : "",
                         k < h.weights.size() ? h.weights[k] : std::nan(""));
    if (b->RasterIO(GF_Write, 0, 0, g.nx, ny, const_cast<std::uint16_t*>(rows.scores[k]), g.nx, ny,
                    GDT_UInt16, 0, 0) != CE_None)
      throw RuntimeError(path + ": write failed");
  }
  GDALRasterBand* sb = ds->GetRasterBand(bands);
  describe_state_band(*sb);
  if (sb->RasterIO(GF_Write, 0, 0, g.nx, ny, const_cast<std::uint8_t*>(rows.state), g.nx, ny,
                   GDT_Byte, 0, 0) != CE_None)
    throw RuntimeError(path + ": write failed");
  ds.reset();
  if (capture.has_error()) throw RuntimeError(fmt::format("{}: {}", path, capture.first_error()));
}

void describe_factor_band(GDALRasterBand& b, const std::string& id, const std::string& name,
                          double weight) {
  b.SetDescription(id.c_str());
  b.SetNoDataValue(engine::kScoreNoData);
  b.SetScale(1.0 / 65534.0);
  b.SetOffset(0.0);
  if (!name.empty()) b.SetMetadataItem("NAME", name.c_str());
  if (!std::isnan(weight)) b.SetMetadataItem("WEIGHT", fmt::format("{:.17g}", weight).c_str());
}

void describe_state_band(GDALRasterBand& b) {
  b.SetDescription("state");
  b.SetMetadataItem("VALUES", "0 = outside the study area, 1 = blocked, 2 = open");
}

std::string run_json(const engine::SuitabilityResult& r) {
  json j;
  j["format"] = "siteplan-suitability-run";
  j["version"] = 1;
  j["name"] = r.name;
  j["factors"] = json::array();
  for (std::size_t k = 0; k < r.factor_ids.size(); ++k)
    j["factors"].push_back({{"id", r.factor_ids[k]},
                            {"name", k < r.factor_names.size() ? r.factor_names[k] : ""},
                            {"units", k < r.factor_units.size() ? r.factor_units[k] : ""},
                            {"score", k < r.score_functions.size() ? r.score_functions[k] : ""},
                            {"weight", k < r.weights.size() ? r.weights[k] : 0.0}});
  if (!r.ahp_matrix.empty()) j["ahp"] = {{"factors", r.ahp_ids}, {"matrix", r.ahp_matrix}};
  j["rules"] = json::array();
  for (const auto& rl : r.rules)
    j["rules"].push_back({{"id", rl.id},
                          {"name", rl.name},
                          {"severity", to_string(rl.severity)},
                          {"basis", rl.basis},
                          {"penalty_per_share", rl.penalty_per_share},
                          {"source", rl.source},
                          {"breakdown", rl.breakdown}});
  j["top_k"] = r.top_k;
  j["sensitivity_runs"] = r.sensitivity_runs;
  j["sensitivity_spread"] = r.sensitivity_spread;
  j["min_area_ha"] = r.min_area_ha;
  j["attribute_names"] = r.attribute_names;
  j["inputs"] = json::array();
  for (const auto& in : r.inputs)
    j["inputs"].push_back({{"id", in.id}, {"source", in.source}, {"sha256", in.sha256}});
  j["candidates"] = json::array();
  for (const auto& c : r.candidates) {
    json jc = {{"id", c.id},
               {"name", c.name},
               {"origin", c.origin},
               {"status", static_cast<int>(c.status)},
               {"problem", c.problem},
               {"area_m2", c.area_m2},
               {"compactness", c.compactness},
               {"blocked", c.blocked},
               {"rank", c.rank},
               {"score", c.score},
               {"robust_share", c.robust_share},
               {"attributes", c.attributes}};
    jc["values"] = json::array();
    for (const auto& v : c.values)
      jc["values"].push_back(
          {{"raw", num(v.raw)}, {"raw_text", v.raw_text}, {"score", num(v.score)}});
    jc["overlaps"] = json::array();
    for (const auto& o : c.overlaps)
      jc["overlaps"].push_back({{"rule", o.rule_index},
                                {"class", o.class_value},
                                {"area_m2", o.area_m2},
                                {"ellipsoidal_m2", o.ellipsoidal_m2},
                                {"pct", o.pct}});
    j["candidates"].push_back(std::move(jc));
  }
  return j.dump(1);
}

namespace {

void read_factors_tif(const std::string& path, engine::SuitabilityResult& r) {
  gis::init_gdal();
  gis::GdalErrorCapture capture;
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds)
    throw InputError(fmt::format("{}: cannot open (a suitability run's factors.tif): {}", path,
                                 capture.first_error()));
  const int bands = ds->GetRasterCount();
  if (bands != static_cast<int>(r.factor_ids.size()) + 1)
    throw InputError(fmt::format("{}: {} bands, but run.json lists {} factors (+ the state band)",
                                 path, bands, r.factor_ids.size()));
  engine::FactorStack& st = r.factors;
  engine::Grid& g = st.grid;
  double gt[6];
  ds->GetGeoTransform(gt);
  g.x0 = gt[0];
  g.y1 = gt[3];
  g.cell = gt[1];
  g.nx = ds->GetRasterXSize();
  g.ny = ds->GetRasterYSize();
  g.crs = gis::Crs::from_srs(ds->GetSpatialRef());
  st.r0 = 0;
  st.r1 = g.ny;
  st.ids.clear();
  st.scores.clear();
  for (int k = 1; k < bands; ++k) {
    const std::string id = ds->GetRasterBand(k)->GetDescription();
    if (id != r.factor_ids[static_cast<std::size_t>(k - 1)])
      throw InputError(fmt::format("{}: band {} is '{}', run.json says '{}'", path, k, id,
                                   r.factor_ids[static_cast<std::size_t>(k - 1)]));
    st.ids.push_back(id);
    st.scores.emplace_back(g.size());
  }
  st.state.resize(g.size());
  // The bands side by side, each lane with its own handle (a dataset is not thread-safe).
  std::atomic<int> next{1};
  run_lanes(std::max(1u, thread_budget()), [&](unsigned) {
    GDALDatasetUniquePtr own(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!own) throw InputError(fmt::format("{}: cannot open", path));
    for (int k = next++; k <= bands; k = next++) {
      void* to = k < bands ? static_cast<void*>(st.scores[static_cast<std::size_t>(k - 1)].data())
                           : static_cast<void*>(st.state.data());
      if (own->GetRasterBand(k)->RasterIO(GF_Read, 0, 0, g.nx, g.ny, to, g.nx, g.ny,
                                          k < bands ? GDT_UInt16 : GDT_Byte, 0, 0) != CE_None)
        throw InputError(fmt::format("{}: cannot read band {}", path, k));
    }
  });
}

void read_geometries(const std::string& path, engine::SuitabilityResult& r) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) return;  // the map and ranking do not need them
  if (OGRLayer* b = ds->GetLayerByName(io::schema::blocked::layer)) {
    const int rf = b->GetLayerDefn()->GetFieldIndex("rule_id");
    for (auto& f : *b)
      if (rf >= 0 && f->GetGeometryRef())
        r.blocked.emplace_back(f->GetFieldAsString(rf),
                               gis::OgrGeomPtr(f->GetGeometryRef()->clone()));
  }
  OGRLayer* l = ds->GetLayerByName(io::schema::candidates::layer);
  if (!l) return;
  std::map<std::string, engine::Candidate*> by_id;
  for (auto& c : r.candidates) by_id[c.id] = &c;
  const int idf = l->GetLayerDefn()->GetFieldIndex(io::schema::candidates::id);
  if (idf < 0) return;
  for (auto& f : *l) {
    auto it = by_id.find(f->GetFieldAsString(idf));
    if (it == by_id.end() || !f->GetGeometryRef()) continue;
    it->second->geometry.reset(f->GetGeometryRef()->clone());
  }
}

}  // namespace

engine::SuitabilityResult read_suitability_run(const std::string& dir) {
  const std::string jpath = dir + "/run.json";
  std::ifstream in(jpath);
  if (!in)
    throw InputError(fmt::format(
        "{}: no run.json: not the output folder of `siteplan suitability` (or of an older "
        "version; run it again)",
        dir));
  json j;
  try {
    j = json::parse(in);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: not valid JSON: {}", jpath, e.what()));
  }
  if (j.value("format", "") != "siteplan-suitability-run")
    throw InputError(fmt::format("{}: not a SitePlan run file", jpath));
  engine::SuitabilityResult r;
  try {
    r.name = j.at("name").get<std::string>();
    for (const auto& f : j.at("factors")) {
      r.factor_ids.push_back(f.at("id").get<std::string>());
      r.factor_names.push_back(f.at("name").get<std::string>());
      r.factor_units.push_back(f.at("units").get<std::string>());
      r.score_functions.push_back(f.at("score").get<std::string>());
      r.weights.push_back(f.at("weight").get<double>());
    }
    if (j.contains("ahp")) {
      r.ahp_ids = j["ahp"].at("factors").get<std::vector<std::string>>();
      r.ahp_matrix = j["ahp"].at("matrix").get<std::vector<std::vector<double>>>();
    }
    for (const auto& jr : j.at("rules")) {
      engine::RuleLayer rl;
      rl.id = jr.at("id").get<std::string>();
      rl.name = jr.at("name").get<std::string>();
      rl.severity = parse_severity(jr.at("severity").get<std::string>(), jpath);
      rl.basis = jr.at("basis").get<std::string>();
      rl.penalty_per_share = jr.at("penalty_per_share").get<double>();
      rl.source = jr.at("source").get<std::string>();
      rl.breakdown = jr.at("breakdown").get<bool>();
      r.rules.push_back(std::move(rl));
    }
    r.top_k = j.at("top_k").get<int>();
    r.sensitivity_runs = j.at("sensitivity_runs").get<int>();
    r.sensitivity_spread = j.at("sensitivity_spread").get<double>();
    r.min_area_ha = j.at("min_area_ha").get<double>();
    r.attribute_names = j.at("attribute_names").get<std::vector<std::string>>();
    for (const auto& ji : j.at("inputs"))
      r.inputs.push_back({ji.at("id").get<std::string>(), ji.at("source").get<std::string>(),
                          ji.at("sha256").get<std::string>()});
    for (const auto& jc : j.at("candidates")) {
      engine::Candidate c;
      c.id = jc.at("id").get<std::string>();
      c.name = jc.at("name").get<std::string>();
      c.origin = jc.at("origin").get<std::string>();
      const int status = jc.at("status").get<int>();
      if (status < 0 || status > static_cast<int>(io::GeomStatus::BadCoordinates))
        throw InputError(fmt::format("{}: candidate {}: status {} is not a geometry status", jpath,
                                     c.id, status));
      c.status = static_cast<io::GeomStatus>(status);
      c.problem = jc.at("problem").get<std::string>();
      c.area_m2 = jc.at("area_m2").get<double>();
      c.compactness = jc.at("compactness").get<double>();
      c.blocked = jc.at("blocked").get<bool>();
      c.rank = jc.at("rank").get<int>();
      c.score = jc.at("score").get<double>();
      c.robust_share = jc.at("robust_share").get<double>();
      c.attributes = jc.at("attributes").get<std::vector<std::string>>();
      for (const auto& v : jc.at("values")) {
        engine::FactorValue fv;
        fv.raw = num_of(v.at("raw"));
        fv.raw_text = v.at("raw_text").get<std::string>();
        fv.score = num_of(v.at("score"));
        c.values.push_back(std::move(fv));
      }
      for (const auto& o : jc.at("overlaps")) {
        engine::Overlap ov;
        ov.rule_index = o.at("rule").get<std::size_t>();
        if (ov.rule_index >= r.rules.size())
          throw InputError(fmt::format("{}: candidate {} overlaps rule #{}, which is not listed",
                                       jpath, c.id, ov.rule_index));
        ov.class_value = o.at("class").get<std::string>();
        ov.area_m2 = o.at("area_m2").get<double>();
        ov.ellipsoidal_m2 = o.at("ellipsoidal_m2").get<double>();
        ov.pct = o.at("pct").get<double>();
        c.overlaps.push_back(std::move(ov));
      }
      if (io::usable(c.status) && c.values.size() != r.factor_ids.size())
        throw InputError(fmt::format("{}: candidate {} has {} factor values for {} factors", jpath,
                                     c.id, c.values.size(), r.factor_ids.size()));
      r.candidates.push_back(std::move(c));
    }
  } catch (const json::exception& e) {
    throw InputError(fmt::format("{}: {}", jpath, e.what()));
  }
  const std::string factors = factors_raster(dir);
  if (factors.empty())
    throw InputError(
        fmt::format("{}: no factors.tif (or factors.vrt) — a suitability run's "
                    "folder has one; run `siteplan suitability` again",
                    dir));
  read_factors_tif(factors, r);
  r.grid = r.factors.grid;
  read_geometries(dir + "/candidates.gpkg", r);
  return r;
}

}  // namespace siteplan::out
