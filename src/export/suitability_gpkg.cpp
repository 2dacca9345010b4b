#include <cpl_string.h>
#include <fmt/core.h>
#include <ogrsf_frmts.h>

#include <cmath>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/threads.hpp"
#include "export/qgis_style.hpp"
#include "export/style.hpp"
#include "export/suitability_outputs.hpp"
#include "io/result_schema.hpp"

namespace siteplan::out {

namespace {
void add_field(OGRLayer* l, const std::string& name, OGRFieldType t) {
  OGRFieldDefn f(name.c_str(), t);
  if (l->CreateField(&f) != OGRERR_NONE) throw RuntimeError("cannot create field " + name);
}

// The land blocked by each block rule, in the study area.
void write_blocked_layer(GDALDataset& ds, const engine::SuitabilityResult& r,
                         const std::string& path) {
  OGRLayer* b =
      ds.CreateLayer(io::schema::blocked::layer, r.grid.crs.srs_mut(), wkbMultiPolygon, nullptr);
  add_field(b, "rule_id", OFTString);
  add_field(b, "rule_name", OFTString);
  add_field(b, "basis", OFTString);
  add_field(b, "severity", OFTString);
  add_field(b, "area_m2", OFTReal);
  for (const auto& [rule_id, geom] : r.blocked) {
    OGRFeature f(b->GetLayerDefn());
    f.SetField("rule_id", rule_id.c_str());
    for (const auto& rule : r.rules)
      if (rule.id == rule_id) {
        f.SetField("rule_name", rule.name.c_str());
        f.SetField("basis", rule.basis.c_str());
      }
    f.SetField("severity", "block");
    OGRGeometry* mp = OGRGeometryFactory::forceToMultiPolygon(geom->clone());
    f.SetField("area_m2", mp->toMultiPolygon()->get_Area());
    f.SetGeometryDirectly(mp);
    if (b->CreateFeature(&f) != OGRERR_NONE)
      throw RuntimeError(path + ": cannot write blocked land");
  }
}

}  // namespace

void write_candidates_gpkg(const std::string& path, const engine::SuitabilityResult& r) {
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  gis::GdalErrorCapture capture;
  GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw RuntimeError(fmt::format("{}: cannot create: {}", path, capture.first_error()));
  OGRLayer* l = ds->CreateLayer(io::schema::candidates::layer, r.grid.crs.srs_mut(),
                                wkbMultiPolygon, nullptr);
  if (!l) throw RuntimeError(path + ": cannot create layer candidates");
  for (const char* f : {io::schema::candidates::id, io::schema::candidates::name,
                        io::schema::candidates::label, io::schema::candidates::origin,
                        io::schema::candidates::status, io::schema::candidates::blocked})
    add_field(l, f, OFTString);
  add_field(l, io::schema::candidates::rank, OFTInteger);
  for (const char* f : {io::schema::candidates::score, io::schema::candidates::base_score,
                        io::schema::candidates::penalty, io::schema::candidates::area,
                        io::schema::candidates::compactness, io::schema::candidates::robust_share})
    add_field(l, f, OFTReal);
  for (const auto& id : r.factor_ids) {
    add_field(l, id + "_raw", OFTString);
    add_field(l, id + "_score", OFTReal);
    add_field(l, id + "_part", OFTReal);
  }
  for (const auto& rule : r.rules) {
    add_field(l, rule.id + "_m2", OFTReal);
    add_field(l, rule.id + "_pct", OFTReal);
  }
  // The given parcels' own fields after SitePlan's; a name already taken gets a "src_" prefix.
  std::vector<int> attr_fields;
  for (const auto& name : r.attribute_names) {
    std::string field = name;
    while (l->GetLayerDefn()->GetFieldIndex(field.c_str()) >= 0) field = "src_" + field;
    add_field(l, field, OFTString);
    attr_fields.push_back(l->GetLayerDefn()->GetFieldIndex(field.c_str()));
  }
  if (ds->StartTransaction() != OGRERR_NONE)
    throw RuntimeError(path + ": cannot start a transaction");
  for (const auto& c : r.candidates) {
    OGRFeature f(l->GetLayerDefn());
    f.SetField(io::schema::candidates::id, c.id.c_str());
    f.SetField(io::schema::candidates::name, c.name.c_str());
    std::string label = fmt::format("#{} {}", c.rank, c.name.empty() ? c.id : c.name);
    f.SetField(io::schema::candidates::label, label.c_str());
    f.SetField(io::schema::candidates::origin, c.origin.c_str());
    f.SetField(io::schema::candidates::status, io::to_string(c.status));
    f.SetField(io::schema::candidates::blocked, c.blocked ? "yes" : "no");
    f.SetField(io::schema::candidates::rank, c.rank);
    if (io::usable(c.status)) {
      f.SetField(io::schema::candidates::score, c.score);
      f.SetField(io::schema::candidates::base_score, c.base_score);
      f.SetField(io::schema::candidates::penalty, c.penalty);
    }
    f.SetField(io::schema::candidates::area, c.area_m2);
    f.SetField(io::schema::candidates::compactness, c.compactness);
    if (c.robust_share >= 0) f.SetField(io::schema::candidates::robust_share, c.robust_share);
    for (std::size_t k = 0; k < attr_fields.size() && k < c.attributes.size(); ++k)
      if (!c.attributes[k].empty()) f.SetField(attr_fields[k], c.attributes[k].c_str());
    for (std::size_t k = 0; k < r.factor_ids.size() && k < c.values.size(); ++k) {
      const auto& v = c.values[k];
      std::string raw =
          v.raw_text.empty() ? (std::isnan(v.raw) ? "" : fmt::format("{:.4f}", v.raw)) : v.raw_text;
      f.SetField((r.factor_ids[k] + "_raw").c_str(), raw.c_str());
      if (!std::isnan(v.score)) f.SetField((r.factor_ids[k] + "_score").c_str(), v.score);
      if (k < c.parts.size()) f.SetField((r.factor_ids[k] + "_part").c_str(), c.parts[k]);
    }
    for (std::size_t ri = 0; ri < r.rules.size(); ++ri) {
      auto [m2, pct] = engine::rule_overlap(c, ri);
      f.SetField((r.rules[ri].id + "_m2").c_str(), m2);
      f.SetField((r.rules[ri].id + "_pct").c_str(), pct);
    }
    if (c.geometry)
      f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(c.geometry->clone()));
    if (l->CreateFeature(&f) != OGRERR_NONE)
      throw RuntimeError(path + ": cannot write candidate " + c.id);
  }
  write_blocked_layer(*ds, r, path);
  if (ds->CommitTransaction() != OGRERR_NONE) throw RuntimeError(path + ": cannot commit");
  store_qgis_style(*ds, "candidates", "geom", "score", qml_candidates("label"));
  const auto& st = style::styles();
  auto it = st.severity.find("block");
  store_qgis_style(
      *ds, "blocked", "geom", "blocked",
      qml_categorized("severity",
                      {{"block", "blocked land 禁止建设区",
                        it != st.severity.end() ? it->second : style::Rgb{215, 25, 28}}},
                      st.fill_alpha));
  ds.reset();
  if (capture.has_error()) throw RuntimeError(fmt::format("{}: {}", path, capture.first_error()));
}

void write_suitability_tif(const std::string& path, const engine::SuitabilityResult& r) {
  if (r.score_map.size() != r.grid.size())
    throw RuntimeError(path + ": the map is not the grid's size (internal)");
  write_score_cog(path, r.grid, 0, r.grid.ny, r.score_map.data(), r.name);
}

void write_score_cog(const std::string& path, const engine::Grid& g, int r0, int r1,
                     const float* map, const std::string& project) {
  gis::GdalErrorCapture capture;
  const int ny = r1 - r0;
  // The band is built in memory, then copied by the COG driver: tiles, DEFLATE, and the
  // overviews in front of the full-resolution data, so QGIS and web clients read only what they
  // show.
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
  if (!mem || !cog) throw RuntimeError("GDAL has no MEM or COG driver");
  // The band wraps one copy of the rows (nodata −9999 instead of NaN); no second copy.
  engine::Raster out(map, map + static_cast<std::size_t>(ny) * static_cast<std::size_t>(g.nx));
  for (auto& v : out)
    if (std::isnan(v)) v = -9999.0f;
  GDALDatasetUniquePtr src(mem->Create("", g.nx, ny, 0, GDT_Float32, nullptr));
  if (!src) throw RuntimeError(fmt::format("{}: cannot create: {}", path, capture.first_error()));
  {
    char ptr[64] = {};
    CPLPrintPointer(ptr, out.data(), sizeof(ptr) - 1);
    CPLStringList bo;
    bo.SetNameValue("DATAPOINTER", ptr);
    if (src->AddBand(GDT_Float32, bo.List()) != CE_None)
      throw RuntimeError(fmt::format("{}: cannot create: {}", path, capture.first_error()));
  }
  double gt[6];
  g.geotransform(gt);
  gt[3] += r0 * gt[5];  // rows [r0, r1): whole multiples of the cell size, exact
  src->SetGeoTransform(gt);
  src->SetSpatialRef(g.crs.srs());
  GDALRasterBand* band = src->GetRasterBand(1);
  band->SetNoDataValue(-9999.0);
  band->SetDescription("suitability score 0..1; -1 = blocked land");
  // Overviews by nearest neighbour built in memory (the COG driver's own pass writes the full
  // resolution to a temporary file and reads it back: 1.5 s more at 10 m on a county).
  std::vector<int> levels;
  for (int f = 2; std::max(g.nx, ny) / f >= 256 / 2 && f <= 1 << 20; f *= 2) levels.push_back(f);
  if (!levels.empty() &&
      src->BuildOverviews("NEAREST", static_cast<int>(levels.size()), levels.data(), 0, nullptr,
                          nullptr, nullptr) != CE_None)
    throw RuntimeError(fmt::format("{}: overviews failed: {}", path, capture.first_error()));
  src->SetMetadataItem("SITEPLAN_BLOCKED_VALUE", "-1");
  src->SetMetadataItem("SITEPLAN_NODATA_OUTSIDE", "-9999");
  src->SetMetadataItem("SITEPLAN_PROJECT", project.c_str());
  CPLStringList co;
  co.SetNameValue("BLOCKSIZE", "256");
  co.SetNameValue("COMPRESS", "DEFLATE");
  co.SetNameValue("LEVEL", "1");  // 3 % larger than level 6, a third faster
  co.SetNameValue("PREDICTOR", "YES");
  // Nearest neighbour so −1 (blocked) and nodata never blend into scores.
  co.SetNameValue("RESAMPLING", "NEAREST");
  co.SetNameValue("OVERVIEW_RESAMPLING", "NEAREST");
  co.SetNameValue("OVERVIEWS", "AUTO");
  // Tiles are compressed independently and written in order: the same bytes for any number of
  // threads (checked), and the write is the largest part of a 10 m run.
  co.SetNameValue("NUM_THREADS", std::to_string(std::max(1u, thread_budget())).c_str());
  GDALDatasetUniquePtr ds(
      cog->CreateCopy(path.c_str(), src.get(), FALSE, co.List(), nullptr, nullptr));
  if (!ds) throw RuntimeError(fmt::format("{}: cannot write: {}", path, capture.first_error()));
  ds.reset();
  if (capture.has_error()) throw RuntimeError(fmt::format("{}: {}", path, capture.first_error()));
}

std::string suitability_qml() {
  return qml_score_raster();
}

}  // namespace siteplan::out
