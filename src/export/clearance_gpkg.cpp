#include <fmt/core.h>
#include <ogrsf_frmts.h>

#include "core/error.hpp"
#include "export/clearance_outputs.hpp"
#include "export/qgis_style.hpp"
#include "export/style.hpp"
#include "gis/gdal.hpp"

namespace siteplan::out {

namespace {
struct FieldSpec {
  const char* name;
  OGRFieldType type;
};

OGRLayer* create_layer(GDALDataset& ds, const std::string& path, const char* name,
                       const gis::Crs& crs, std::initializer_list<FieldSpec> fields) {
  const char* lco[] = {"SPATIAL_INDEX=YES", nullptr};
  OGRLayer* layer = ds.CreateLayer(name, crs.srs_mut(), wkbMultiPolygon, const_cast<char**>(lco));
  if (!layer) throw RuntimeError(fmt::format("{}: cannot create layer {}", path, name));
  for (const auto& spec : fields) {
    OGRFieldDefn f(spec.name, spec.type);
    if (layer->CreateField(&f) != OGRERR_NONE)
      throw RuntimeError(fmt::format("{}: cannot create field {}.{}", path, name, spec.name));
  }
  return layer;
}

OGRGeometry* as_multipolygon(const OGRGeometry* g) {
  if (!g) return nullptr;
  OGRGeometry* c = g->clone();
  return OGRGeometryFactory::forceToMultiPolygon(c);
}
}  // namespace

void write_clearance_gpkg(const std::string& path, const engine::ClearanceResult& r,
                          const gis::Crs& crs) {
  gis::init_gdal();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!drv) throw RuntimeError("GDAL has no GPKG driver");
  gis::GdalErrorCapture capture;
  GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw RuntimeError(fmt::format("{}: cannot create: {}", path, capture.first_error()));
  const auto& rules = *r.rules;
  OGRLayer* parcels = create_layer(*ds, path, "parcels", crs,
                                   {{"parcel_id", OFTString},
                                    {"name", OFTString},
                                    {"verdict", OFTString},
                                    {"area_m2", OFTReal},
                                    {"area_ellipsoidal_m2", OFTReal},
                                    {"geometry_status", OFTString},
                                    {"deciding_rules", OFTString},
                                    {"n_block", OFTInteger},
                                    {"n_approval", OFTInteger},
                                    {"n_warn", OFTInteger},
                                    {"summary", OFTString}});
  OGRLayer* pieces = create_layer(*ds, path, "overlaps", crs,
                                  {{"parcel_id", OFTString},
                                   {"rule_id", OFTString},
                                   {"rule_name", OFTString},
                                   {"severity", OFTString},
                                   {"area_m2", OFTReal},
                                   {"overlap_pct", OFTReal},
                                   {"basis", OFTString}});

  if (ds->StartTransaction() != OGRERR_NONE)
    throw RuntimeError(path + ": cannot start a transaction");
  for (const auto& p : r.parcels) {
    OGRFeature f(parcels->GetLayerDefn());
    int nb = 0, na = 0, nw = 0;
    std::string summary;
    for (const auto& o : p.overlaps) {
      const auto& rule = rules[o.rule_index];
      if (rule.breakdown) continue;
      nb += rule.severity == Severity::Block;
      na += rule.severity == Severity::Approval;
      nw += rule.severity == Severity::Warn;
      summary += fmt::format("{}{} {:.2f}%", summary.empty() ? "" : "; ", rule.name, o.pct);
    }
    std::string deciding;
    for (const auto& d : p.deciding_rules) deciding += (deciding.empty() ? "" : ";") + d;
    f.SetField("parcel_id", p.id.c_str());
    f.SetField("name", p.name.c_str());
    f.SetField("verdict", engine::to_string(p.verdict));
    f.SetField("area_m2", p.area_m2);
    f.SetField("area_ellipsoidal_m2", p.ellipsoidal_m2);
    f.SetField("geometry_status", io::to_string(p.status));
    f.SetField("deciding_rules", deciding.c_str());
    f.SetField("n_block", nb);
    f.SetField("n_approval", na);
    f.SetField("n_warn", nw);
    f.SetField("summary", summary.c_str());
    if (p.geometry) f.SetGeometryDirectly(as_multipolygon(p.geometry.get()));
    if (parcels->CreateFeature(&f) != OGRERR_NONE)
      throw RuntimeError(fmt::format("{}: cannot write parcel {}", path, p.id));
    for (const auto& o : p.overlaps) {
      const auto& rule = rules[o.rule_index];
      OGRFeature g(pieces->GetLayerDefn());
      g.SetField("parcel_id", p.id.c_str());
      std::string rid = rule.breakdown ? rule.id + ":" + o.class_value : rule.id;
      g.SetField("rule_id", rid.c_str());
      g.SetField("rule_name", rule.name.c_str());
      g.SetField("severity", to_string(rule.severity));
      g.SetField("area_m2", o.area_m2);
      g.SetField("overlap_pct", o.pct);
      g.SetField("basis", rule.basis.c_str());
      if (o.piece) g.SetGeometryDirectly(as_multipolygon(o.piece.get()));
      if (pieces->CreateFeature(&g) != OGRERR_NONE)
        throw RuntimeError(fmt::format("{}: cannot write an overlap of parcel {}", path, p.id));
    }
  }
  if (ds->CommitTransaction() != OGRERR_NONE) throw RuntimeError(path + ": cannot commit");

  const auto& st = style::styles();
  std::vector<Category> verdicts;
  for (const char* v : {"blocked", "approval", "clear", "invalid"}) {
    auto it = st.verdict.find(v);
    verdicts.push_back({v, v, it != st.verdict.end() ? it->second : style::Rgb{128, 128, 128}});
  }
  store_qgis_style(*ds, "parcels", "geom", "verdict",
                   qml_categorized("verdict", verdicts, 200, "name"));
  std::vector<Category> severities;
  for (const char* v : {"block", "approval", "warn", "info"}) {
    auto it = st.severity.find(v);
    severities.push_back({v, v, it != st.severity.end() ? it->second : style::Rgb{128, 128, 128}});
  }
  store_qgis_style(*ds, "overlaps", "geom", "severity",
                   qml_categorized("severity", severities, st.fill_alpha));
  ds.reset();  // close: flush to disk before the file is moved into place
  if (capture.has_error()) throw RuntimeError(fmt::format("{}: {}", path, capture.first_error()));
}

}  // namespace siteplan::out
