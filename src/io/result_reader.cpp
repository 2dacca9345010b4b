#include "io/result_reader.hpp"

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
  if (has_cand) {
    auto ds = open_gpkg(cand);
    OGRLayer* l = ds->GetLayerByName("candidates");
    if (!l) throw InputError(cand + ": no layer 'candidates'");
    rs.crs = gis::Crs::from_srs(l->GetSpatialRef());
    rs.has_scores = true;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    for (auto& f : *l) {
      ResultParcel p;
      p.id = field(*f, "cand_id");
      p.name = field(*f, "name");
      p.score = number(*f, "score", -1);
      p.rank = static_cast<int>(number(*f, "rank", 0));
      p.area_m2 = number(*f, "area_m2", 0);
      if (f->GetGeometryRef()) p.geometry.reset(f->GetGeometryRef()->clone());
      p.explain.push_back(fmt::format("#{} {} {}  ({}, {:.2f} ha)", p.rank, p.id, p.name,
                                      field(*f, "origin"), p.area_m2 / 1e4));
      p.explain.push_back(p.score >= 0
                              ? fmt::format("score {:.4f} = base {:.4f} - penalty {:.4f}", p.score,
                                            number(*f, "base_score", 0), number(*f, "penalty", 0))
                              : "not scored (" + field(*f, "status") + ")");
      for (int i = 0; i < defn->GetFieldCount(); ++i) {
        std::string name = defn->GetFieldDefn(i)->GetNameRef();
        if (name.size() > 5 && name.compare(name.size() - 5, 5, "_part") == 0) {
          std::string id = name.substr(0, name.size() - 5);
          p.explain.push_back(fmt::format(
              "  {}: {} -> score {:.3f}, part {:.4f}", id, field(*f, (id + "_raw").c_str()),
              number(*f, (id + "_score").c_str(), 0), number(*f, name.c_str(), 0)));
        }
      }
      for (int i = 0; i < defn->GetFieldCount(); ++i) {
        std::string name = defn->GetFieldDefn(i)->GetNameRef();
        if (name.size() > 4 && name.compare(name.size() - 4, 4, "_pct") == 0 &&
            number(*f, name.c_str(), 0) > 0)
          p.explain.push_back(fmt::format("  overlaps {}: {:.2f}%", name.substr(0, name.size() - 4),
                                          number(*f, name.c_str(), 0)));
      }
      index[p.id] = rs.parcels.size();
      rs.parcels.push_back(std::move(p));
    }
  }
  if (has_clear) {
    auto ds = open_gpkg(clear);
    OGRLayer* l = ds->GetLayerByName("parcels");
    OGRLayer* o = ds->GetLayerByName("overlaps");
    if (!l) throw InputError(clear + ": no layer 'parcels'");
    if (rs.crs.empty()) rs.crs = gis::Crs::from_srs(l->GetSpatialRef());
    rs.has_verdicts = true;
    for (auto& f : *l) {
      std::string id = field(*f, "parcel_id");
      auto it = index.find(id);
      if (it == index.end()) {
        ResultParcel p;
        p.id = id;
        p.name = field(*f, "name");
        p.area_m2 = number(*f, "area_m2", 0);
        if (f->GetGeometryRef()) p.geometry.reset(f->GetGeometryRef()->clone());
        p.explain.push_back(fmt::format("{} {}  ({:.2f} ha, {})", p.id, p.name, p.area_m2 / 1e4,
                                        field(*f, "geometry_status")));
        index[id] = rs.parcels.size();
        rs.parcels.push_back(std::move(p));
        it = index.find(id);
      }
      auto& p = rs.parcels[it->second];
      p.verdict = field(*f, "verdict");
      p.geometry_status = field(*f, "geometry_status");
      p.outside_m2 = number(*f, "outside_m2", 0);
      p.deciding_rules.clear();
      std::string rules = field(*f, "deciding_rules");
      for (std::size_t s = 0; s < rules.size();) {
        std::size_t e = rules.find(';', s);
        if (e == std::string::npos) e = rules.size();
        if (e > s) p.deciding_rules.push_back(rules.substr(s, e - s));
        s = e + 1;
      }
      p.explain.push_back(
          "verdict: " + p.verdict +
          (field(*f, "deciding_rules").empty() ? "" : " (" + field(*f, "deciding_rules") + ")"));
    }
    if (o)
      for (auto& f : *o) {
        auto it = index.find(field(*f, "parcel_id"));
        if (it == index.end()) continue;
        std::string sev = field(*f, "severity");
        if (sev == "info") continue;
        if (f->GetGeometryRef()) {
          ResultOverlap ov;
          ov.parcel_id = field(*f, "parcel_id");
          ov.rule_id = field(*f, "rule_id");
          ov.rule_name = field(*f, "rule_name");
          ov.severity = sev;
          ov.geometry.reset(f->GetGeometryRef()->clone());
          rs.overlaps.push_back(std::move(ov));
        }
        rs.parcels[it->second].explain.push_back(fmt::format(
            "  [{}] {} {:.2f}% ({:.2f} ha) - {}", sev, field(*f, "rule_name"),
            number(*f, "overlap_pct", 0), number(*f, "area_m2", 0) / 1e4, field(*f, "basis")));
      }
  }
  return rs;
}

}  // namespace siteplan::io
