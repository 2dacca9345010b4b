#include <fmt/core.h>
#include <ogrsf_frmts.h>

#include "core/error.hpp"
#include "export/clearance_outputs.hpp"
#include "export/qgis_style.hpp"
#include "export/style.hpp"
#include "gis/gdal.hpp"
#include "io/result_schema.hpp"

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

// Lends g to `f` as a MultiPolygon (converted in place, not copied); give_back() returns it.
void lend_geometry(OGRFeature& f, gis::OgrGeomPtr& g) {
  if (!g) return;
  f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g.release()));
}
void give_back(OGRFeature& f, gis::OgrGeomPtr& g) {
  if (!g) g.reset(f.StealGeometry());
}
}  // namespace

struct ClearanceGpkgWriter::Impl {
  std::string path;
  const std::vector<engine::RuleLayer>* rules = nullptr;
  gis::GdalErrorCapture capture;
  GDALDatasetUniquePtr ds;
  OGRLayer* parcels = nullptr;
  OGRLayer* pieces = nullptr;
  const ParcelAttributes* attrs = nullptr;
  std::vector<int> attr_fields;  // field index of each kept attribute in `parcels`
  std::size_t next = 0;          // input index of the next parcel added
};

ClearanceGpkgWriter::ClearanceGpkgWriter(const std::string& path,
                                         const std::vector<engine::RuleLayer>& rules,
                                         const gis::Crs& crs, const ParcelAttributes* attrs)
    : impl_(std::make_unique<Impl>()) {
  gis::init_gdal();
  impl_->path = path;
  impl_->rules = &rules;
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!drv) throw RuntimeError("GDAL has no GPKG driver");
  impl_->ds.reset(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!impl_->ds)
    throw RuntimeError(fmt::format("{}: cannot create: {}", path, impl_->capture.first_error()));
  impl_->parcels = create_layer(*impl_->ds, path, io::schema::parcels::layer, crs,
                                {{io::schema::parcels::id, OFTString},
                                 {io::schema::parcels::name, OFTString},
                                 {io::schema::parcels::verdict, OFTString},
                                 {io::schema::parcels::area, OFTReal},
                                 {io::schema::parcels::area_ellipsoidal, OFTReal},
                                 {io::schema::parcels::outside, OFTReal},
                                 {io::schema::parcels::geometry_status, OFTString},
                                 {io::schema::parcels::deciding_rules, OFTString},
                                 {io::schema::parcels::n_block, OFTInteger},
                                 {io::schema::parcels::n_approval, OFTInteger},
                                 {io::schema::parcels::n_warn, OFTInteger},
                                 {io::schema::parcels::summary, OFTString}});
  impl_->attrs = attrs;
  if (attrs) {
    // Kept attributes after SitePlan's own fields; a name already taken gets a "src_" prefix.
    OGRFeatureDefn* defn = impl_->parcels->GetLayerDefn();
    for (const auto& name : attrs->names) {
      std::string field = name;
      while (defn->GetFieldIndex(field.c_str()) >= 0) field = "src_" + field;
      OGRFieldDefn f(field.c_str(), OFTString);
      if (impl_->parcels->CreateField(&f) != OGRERR_NONE)
        throw RuntimeError(fmt::format("{}: cannot create field parcels.{}", path, field));
      impl_->attr_fields.push_back(defn->GetFieldIndex(field.c_str()));
    }
  }
  impl_->pieces = create_layer(*impl_->ds, path, io::schema::overlaps::layer, crs,
                               {{io::schema::overlaps::parcel_id, OFTString},
                                {io::schema::overlaps::rule_id, OFTString},
                                {io::schema::overlaps::rule_name, OFTString},
                                {io::schema::overlaps::severity, OFTString},
                                {io::schema::overlaps::area, OFTReal},
                                {io::schema::overlaps::pct, OFTReal},
                                {io::schema::overlaps::basis, OFTString}});
  if (impl_->ds->StartTransaction() != OGRERR_NONE)
    throw RuntimeError(path + ": cannot start a transaction");
}

ClearanceGpkgWriter::~ClearanceGpkgWriter() = default;

void ClearanceGpkgWriter::add(engine::ParcelResult& p) {
  const auto& rules = *impl_->rules;
  const std::string& path = impl_->path;
  OGRFeature f(impl_->parcels->GetLayerDefn());
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
  f.SetField(io::schema::parcels::id, p.id.c_str());
  f.SetField(io::schema::parcels::name, p.name.c_str());
  f.SetField(io::schema::parcels::verdict, engine::to_string(p.verdict));
  f.SetField(io::schema::parcels::area, p.area_m2);
  f.SetField(io::schema::parcels::area_ellipsoidal, p.ellipsoidal_m2);
  f.SetField(io::schema::parcels::outside, p.outside_m2);
  f.SetField(io::schema::parcels::geometry_status, io::to_string(p.status));
  f.SetField(io::schema::parcels::deciding_rules, deciding.c_str());
  f.SetField(io::schema::parcels::n_block, nb);
  f.SetField(io::schema::parcels::n_approval, na);
  f.SetField(io::schema::parcels::n_warn, nw);
  f.SetField(io::schema::parcels::summary, summary.c_str());
  const std::size_t index = impl_->next++;
  for (std::size_t k = 0; k < impl_->attr_fields.size(); ++k) {
    const std::string& v = impl_->attrs->value(index, k);
    if (!v.empty()) f.SetField(impl_->attr_fields[k], v.c_str());
  }
  lend_geometry(f, p.geometry);
  const OGRErr err = impl_->parcels->CreateFeature(&f);
  give_back(f, p.geometry);
  if (err != OGRERR_NONE) throw RuntimeError(fmt::format("{}: cannot write parcel {}", path, p.id));
  for (auto& o : p.overlaps) {
    const auto& rule = rules[o.rule_index];
    OGRFeature g(impl_->pieces->GetLayerDefn());
    g.SetField(io::schema::overlaps::parcel_id, p.id.c_str());
    const std::string rid = overlap_rule_id(rule, o);
    const std::string rname = overlap_rule_name(rule, o);
    g.SetField(io::schema::overlaps::rule_id, rid.c_str());
    g.SetField(io::schema::overlaps::rule_name, rname.c_str());
    g.SetField(io::schema::overlaps::severity, to_string(rule.severity));
    g.SetField(io::schema::overlaps::area, o.area_m2);
    g.SetField(io::schema::overlaps::pct, o.pct);
    g.SetField(io::schema::overlaps::basis, rule.basis.c_str());
    lend_geometry(g, o.piece);
    const OGRErr perr = impl_->pieces->CreateFeature(&g);
    give_back(g, o.piece);
    if (perr != OGRERR_NONE)
      throw RuntimeError(fmt::format("{}: cannot write an overlap of parcel {}", path, p.id));
  }
}

void ClearanceGpkgWriter::finish() {
  const std::string& path = impl_->path;
  auto& ds = impl_->ds;
  if (ds->CommitTransaction() != OGRERR_NONE) throw RuntimeError(path + ": cannot commit");
  const auto& st = style::styles();
  std::vector<Category> verdicts;
  for (const char* v : {"blocked", "unchecked", "approval", "clear", "invalid"}) {
    auto it = st.verdict.find(v);
    verdicts.push_back({v, v, it != st.verdict.end() ? it->second : style::Rgb{128, 128, 128}});
  }
  store_qgis_style(*ds, "parcels", "geom", "verdict",
                   qml_categorized("verdict", verdicts, 200, "name"));
  store_qgis_style(*ds, "overlaps", "geom", "severity", qml_overlaps_by_severity());
  ds.reset();  // close: flush to disk before the file is moved into place
  if (impl_->capture.has_error())
    throw RuntimeError(fmt::format("{}: {}", path, impl_->capture.first_error()));
}

}  // namespace siteplan::out
