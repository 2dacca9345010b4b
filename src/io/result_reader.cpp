#include "io/result_reader.hpp"

#include "io/result_schema.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <map>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace siteplan::io {

namespace {
GDALDatasetUniquePtr open_gpkg(const std::string& path) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) throw InputError(fmt::format("{}: cannot read the result GeoPackage", path));
  return ds;
}

std::string field(OGRFeature& f, const char* name) {
  int i = f.GetFieldIndex(name);
  return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsString(i) : "";
}
double number(OGRFeature& f, const char* name, double fallback) {
  int i = f.GetFieldIndex(name);
  return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsDouble(i) : fallback;
}
}  // namespace

namespace {

// candidates.gpkg: every candidate with its score, rank and factor breakdown.
void read_candidates(const std::string& cand, ResultSet& rs,
                     std::map<std::string, std::size_t>& index) {
  auto ds = open_gpkg(cand);
  OGRLayer* l = ds->GetLayerByName(schema::candidates::layer);
  if (!l) throw InputError(cand + ": no layer 'candidates'");
  rs.crs = gis::Crs::from_srs(l->GetSpatialRef());
  rs.has_scores = true;
  OGRFeatureDefn* defn = l->GetLayerDefn();
  for (auto& f : *l) {
    ResultParcel p;
    p.id = field(*f, schema::candidates::id);
    p.name = field(*f, schema::candidates::name);
    p.score = number(*f, schema::candidates::score, -1);
    p.rank = static_cast<int>(number(*f, schema::candidates::rank, 0));
    p.area_m2 = number(*f, schema::candidates::area, 0);
    if (f->GetGeometryRef()) p.geometry.reset(f->GetGeometryRef()->clone());
    p.explain.push_back(fmt::format("#{} {} {}  ({}, {:.2f} ha)", p.rank, p.id, p.name,
                                    field(*f, schema::candidates::origin), p.area_m2 / 1e4));
    p.explain.push_back(p.score >= 0
                            ? fmt::format("score {:.4f} = base {:.4f} - penalty {:.4f}", p.score,
                                          number(*f, schema::candidates::base_score, 0),
                                          number(*f, schema::candidates::penalty, 0))
                            : "not scored (" + field(*f, schema::candidates::status) + ")");
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      std::string name = defn->GetFieldDefn(i)->GetNameRef();
      if (name.size() > 5 &&
          name.compare(name.size() - 5, 5, schema::candidates::part_suffix) == 0) {
        std::string id = name.substr(0, name.size() - 5);
        p.explain.push_back(
            fmt::format("  {}: {} -> score {:.3f}, part {:.4f}", id,
                        field(*f, (id + schema::candidates::raw_suffix).c_str()),
                        number(*f, (id + schema::candidates::score_suffix).c_str(), 0),
                        number(*f, name.c_str(), 0)));
      }
    }
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      std::string name = defn->GetFieldDefn(i)->GetNameRef();
      if (name.size() > 4 &&
          name.compare(name.size() - 4, 4, schema::candidates::pct_suffix) == 0 &&
          number(*f, name.c_str(), 0) > 0)
        p.explain.push_back(fmt::format("  overlaps {}: {:.2f}%", name.substr(0, name.size() - 4),
                                        number(*f, name.c_str(), 0)));
    }
    index[p.id] = rs.parcels.size();
    rs.parcels.push_back(std::move(p));
  }
}

// clearance.gpkg: verdicts (joined to the candidates by id when both exist) and overlaps.
void read_clearance(const std::string& clear, ResultSet& rs,
                    std::map<std::string, std::size_t>& index) {
  auto ds = open_gpkg(clear);
  OGRLayer* l = ds->GetLayerByName(schema::parcels::layer);
  OGRLayer* o = ds->GetLayerByName(schema::overlaps::layer);
  if (!l) throw InputError(fmt::format("{}: no layer '{}'", clear, schema::parcels::layer));
  if (rs.crs.empty()) rs.crs = gis::Crs::from_srs(l->GetSpatialRef());
  rs.has_verdicts = true;
  for (auto& f : *l) {
    std::string id = field(*f, schema::parcels::id);
    auto it = index.find(id);
    if (it == index.end()) {
      ResultParcel p;
      p.id = id;
      p.name = field(*f, schema::parcels::name);
      p.area_m2 = number(*f, schema::parcels::area, 0);
      if (f->GetGeometryRef()) p.geometry.reset(f->GetGeometryRef()->clone());
      p.explain.push_back(fmt::format("{} {}  ({:.2f} ha, {})", p.id, p.name, p.area_m2 / 1e4,
                                      field(*f, schema::parcels::geometry_status)));
      index[id] = rs.parcels.size();
      rs.parcels.push_back(std::move(p));
      it = index.find(id);
    }
    auto& p = rs.parcels[it->second];
    p.verdict = field(*f, schema::parcels::verdict);
    p.geometry_status = field(*f, schema::parcels::geometry_status);
    p.outside_m2 = number(*f, schema::parcels::outside, 0);
    p.deciding_rules.clear();
    std::string rules = field(*f, schema::parcels::deciding_rules);
    for (std::size_t s = 0; s < rules.size();) {
      std::size_t e = rules.find(';', s);
      if (e == std::string::npos) e = rules.size();
      if (e > s) p.deciding_rules.push_back(rules.substr(s, e - s));
      s = e + 1;
    }
    p.explain.push_back("verdict: " + p.verdict +
                        (field(*f, schema::parcels::deciding_rules).empty()
                             ? ""
                             : " (" + field(*f, schema::parcels::deciding_rules) + ")"));
  }
  if (o)
    for (auto& f : *o) {
      auto it = index.find(field(*f, schema::overlaps::parcel_id));
      if (it == index.end()) continue;
      std::string sev = field(*f, schema::overlaps::severity);
      if (sev == "info") continue;
      if (f->GetGeometryRef()) {
        ResultOverlap ov;
        ov.parcel_id = field(*f, schema::overlaps::parcel_id);
        ov.rule_id = field(*f, schema::overlaps::rule_id);
        ov.rule_name = field(*f, schema::overlaps::rule_name);
        ov.severity = sev;
        ov.geometry.reset(f->GetGeometryRef()->clone());
        rs.overlaps.push_back(std::move(ov));
      }
      rs.parcels[it->second].explain.push_back(fmt::format(
          "  [{}] {} {:.2f}% ({:.2f} ha) - {}", sev, field(*f, schema::overlaps::rule_name),
          number(*f, schema::overlaps::pct, 0), number(*f, schema::overlaps::area, 0) / 1e4,
          field(*f, schema::overlaps::basis)));
    }
}

}  // namespace

ResultSet read_results(const std::string& dir) {
  gis::init_gdal();
  ResultSet rs;
  rs.dir = dir;
  const std::string cand = (fs::path(dir) / "candidates.gpkg").string();
  const std::string clear = (fs::path(dir) / "clearance.gpkg").string();
  const bool has_cand = fs::exists(cand), has_clear = fs::exists(clear);
  if (!has_cand && !has_clear)
    throw InputError(
        fmt::format("{}: no candidates.gpkg or clearance.gpkg here; run `siteplan "
                    "suitability` or `siteplan clearance` with --out {} first",
                    dir, dir));
  std::map<std::string, std::size_t> index;
  if (has_cand) read_candidates(cand, rs, index);
  if (has_clear) read_clearance(clear, rs, index);
  return rs;
}

}  // namespace siteplan::io
