#include "viewer/scene.hpp"

#include <fmt/core.h>
#include <ogr_api.h>
#include <vtkAppendPolyData.h>
#include <vtkBillboardTextActor3D.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkCellPicker.h>
#include <vtkContourTriangulator.h>
#include <vtkCoordinate.h>
#include <vtkFloatArray.h>
#include <vtkIntArray.h>
#include <vtkLegendBoxActor.h>
#include <vtkLight.h>
#include <vtkLookupTable.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkPolyDataNormals.h>
#include <vtkProperty.h>
#include <vtkProperty2D.h>
#include <vtkScalarBarActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "engine/rule_layer.hpp"
#include "engine/terrain.hpp"
#include "export/style.hpp"
#include "io/layer.hpp"
#include "io/raster.hpp"

namespace siteplan::viewer {

std::string find_cjk_font() {
  for (const char* p : {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                        "/usr/share/fonts/truetype/arphic/uming.ttc"})
    if (std::filesystem::exists(p)) return p;
  return "";
}

namespace {

void use_font(vtkTextProperty* tp, const std::string& font, int size) {
  if (!font.empty()) {
    tp->SetFontFamily(VTK_FONT_FILE);
    tp->SetFontFile(font.c_str());
  }
  tp->SetFontSize(size);
  tp->SetColor(0.1, 0.1, 0.1);
}

void rgb(const style::Rgb& c, double out[3]) {
  out[0] = c.r / 255.0;
  out[1] = c.g / 255.0;
  out[2] = c.b / 255.0;
}

style::Rgb ramp_at(const std::vector<style::Rgb>& ramp, double t) {
  t = std::clamp(t, 0.0, 1.0) * static_cast<double>(ramp.size() - 1);
  std::size_t i = std::min(ramp.size() - 2, static_cast<std::size_t>(t));
  double f = t - static_cast<double>(i);
  return {static_cast<int>(std::lround(ramp[i].r + f * (ramp[i + 1].r - ramp[i].r))),
          static_cast<int>(std::lround(ramp[i].g + f * (ramp[i + 1].g - ramp[i].g))),
          static_cast<int>(std::lround(ramp[i].b + f * (ramp[i + 1].b - ramp[i].b)))};
}

vtkSmartPointer<vtkPolyData> square_symbol() {
  auto pts = vtkSmartPointer<vtkPoints>::New();
  pts->InsertNextPoint(0, 0, 0);
  pts->InsertNextPoint(1, 0, 0);
  pts->InsertNextPoint(1, 1, 0);
  pts->InsertNextPoint(0, 1, 0);
  auto polys = vtkSmartPointer<vtkCellArray>::New();
  vtkIdType ids[4] = {0, 1, 2, 3};
  polys->InsertNextCell(4, ids);
  auto pd = vtkSmartPointer<vtkPolyData>::New();
  pd->SetPoints(pts);
  pd->SetPolys(polys);
  return pd;
}

void collect_polygons(const OGRGeometry* g, std::vector<const OGRPolygon*>& out) {
  if (!g) return;
  auto t = wkbFlatten(g->getGeometryType());
  if (t == wkbPolygon) {
    out.push_back(g->toPolygon());
  } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
    for (const auto* part : *g->toGeometryCollection()) collect_polygons(part, out);
  }
}

// A point inside the geometry (for labels and picking tests).
std::optional<std::pair<double, double>> label_point(const OGRGeometry& g) {
  OGRGeometryH pt = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
  if (!pt) return std::nullopt;
  std::pair<double, double> xy{OGR_G_GetX(pt, 0), OGR_G_GetY(pt, 0)};
  OGR_G_DestroyGeometry(pt);
  return xy;
}

}  // namespace

Scene::Scene(const Project& project, const io::ResultSet* results, const ViewOptions& options)
    : results_(results), opt_(options), mode_(options.mode), exaggeration_(options.exaggeration) {
  font_file_ = find_cjk_font();
  for (const auto& r : project.rules)
    rule_info_[r.id] = {r.name.empty() ? r.id : r.name,
                        fmt::format("[{}] {}", to_string(r.severity), r.basis)};
  title_text_ =
      project.name.empty() ? std::filesystem::path(project.path).stem().string() : project.name;
  if (font_file_.empty())
    log::warn("no CJK font found: Chinese labels will show as boxes; install fonts-noto-cjk");
  color_ = opt_.color;
  if (color_ == "auto")
    color_ = results_ && results_->has_scores
                 ? "score"
                 : (results_ && results_->has_verdicts ? "verdict" : "score");
  if (project.crs.empty()) throw InputError(project.path + ": [project] needs crs");
  gis::Crs work = gis::Crs::from_user(project.crs, project.path + ": [project] crs");

  // What to show: the result parcels, else the study area.
  if (results_)
    for (const auto& p : results_->parcels)
      if (p.geometry) {
        OGREnvelope e;
        p.geometry->getEnvelope(&e);
        extent_.expand(e.MinX, e.MinY);
        extent_.expand(e.MaxX, e.MaxY);
      }
  if (!project.study_area.empty()) {
    gis::GeosContext ctx;
    io::LoadOptions o;
    o.show_progress = false;
    o.polygons_only = true;
    auto study = io::load_layer(*project.find_layer(project.study_area), work, ctx, o);
    for (auto& f : study.features)
      if (f.geom)
        study_geoms_.emplace_back(OGRGeometryFactory::createFromGEOS(ctx.get(), f.geom.get()));
    if (!extent_.valid) extent_ = study.work_extent;
  }
  if (!extent_.valid) throw InputError("nothing to show: no result parcels and no study area");
  double w = extent_.maxx - extent_.minx, h = extent_.maxy - extent_.miny;
  double margin = std::max(300.0, 0.08 * std::max(w, h));
  extent_.minx -= margin;
  extent_.miny -= margin;
  extent_.maxx += margin;
  extent_.maxy += margin;
  x0_ = extent_.minx;
  y0_ = extent_.miny;

  renderer_ = vtkSmartPointer<vtkRenderer>::New();
  renderer_->SetBackground(0.97, 0.97, 0.96);
  renderer_->AutomaticLightCreationOff();
  auto sun = vtkSmartPointer<vtkLight>::New();
  sun->SetLightTypeToSceneLight();
  sun->SetPositional(false);
  sun->SetPosition(-1.0, 1.0, 1.4);  // from the north-west, high: the cartographic convention
  sun->SetFocalPoint(0, 0, 0);
  sun->SetIntensity(1.0);
  renderer_->AddLight(sun);

  build_terrain(project);
  build_layers(project);
  build_parcels();
  build_overlays();
  recolor();
  set_mode(mode_);
}

double Scene::z_at(double x, double y) const {
  if (elevation_.empty() || mode_ == "2d") return 0.0;  // 2D: a flat, layered map
  // x, y local; grid cells are centred at grid_.cx / cy.
  double gx = (x + x0_ - grid_.x0) / grid_.cell - 0.5;
  double gy = (grid_.y1 - (y + y0_)) / grid_.cell - 0.5;
  int c = std::clamp(static_cast<int>(std::floor(gx)), 0, grid_.nx - 1);
  int r = std::clamp(static_cast<int>(std::floor(gy)), 0, grid_.ny - 1);
  int c1 = std::min(c + 1, grid_.nx - 1), r1 = std::min(r + 1, grid_.ny - 1);
  double fx = std::clamp(gx - c, 0.0, 1.0), fy = std::clamp(gy - r, 0.0, 1.0);
  auto at = [&](int rr, int cc) {
    float v = elevation_[static_cast<std::size_t>(rr) * grid_.nx + cc];
    return std::isnan(v) ? zmin_ : static_cast<double>(v);
  };
  double v = (1 - fy) * ((1 - fx) * at(r, c) + fx * at(r, c1)) +
             fy * ((1 - fx) * at(r1, c) + fx * at(r1, c1));
  return (v - zmin_) * exaggeration_;
}

void Scene::build_terrain(const Project& project) {
  double w = extent_.maxx - extent_.minx, h = extent_.maxy - extent_.miny;
  // At most ~600 cells on the long side: thousands of parcels over a county stay fluid.
  double cell = std::max(w, h) / 600.0;
  const LayerSpec* dem = project.find_layer("dem");
  if (!dem)
    for (const auto& l : project.layers)
      if (io::is_raster_source(l.source)) {
        dem = &l;
        break;
      }
  gis::Crs work = gis::Crs::from_user(project.crs, "crs");
  grid_ = engine::Grid::covering(extent_, cell, work);
  if (dem) {
    try {
      dem->source.size();
      elevation_ = engine::load_terrain(*dem, grid_).elevation;
    } catch (const InputError& e) {
      log::warn("terrain not shown: {}", e.what());
      elevation_.clear();
    }
  }
  zmin_ = 1e300;
  zmax_ = -1e300;
  for (float v : elevation_)
    if (!std::isnan(v)) {
      zmin_ = std::min(zmin_, static_cast<double>(v));
      zmax_ = std::max(zmax_, static_cast<double>(v));
    }
  if (zmin_ > zmax_) zmin_ = zmax_ = 0;

  auto pts = vtkSmartPointer<vtkPoints>::New();
  auto elev = vtkSmartPointer<vtkFloatArray>::New();
  elev->SetName("elevation");
  const int nx = elevation_.empty() ? 2 : grid_.nx, ny = elevation_.empty() ? 2 : grid_.ny;
  for (int r = 0; r < ny; ++r)
    for (int c = 0; c < nx; ++c) {
      double x = elevation_.empty() ? (c ? w : 0) : grid_.cx(c) - x0_;
      double y = elevation_.empty() ? (r ? 0 : h) : grid_.cy(r) - y0_;
      float v = elevation_.empty() ? 0.0f : elevation_[static_cast<std::size_t>(r) * nx + c];
      pts->InsertNextPoint(x, y, std::isnan(v) ? 0.0 : (v - zmin_) * exaggeration_);
      elev->InsertNextValue(std::isnan(v) ? static_cast<float>(zmin_) : v);
    }
  auto polys = vtkSmartPointer<vtkCellArray>::New();
  for (int r = 0; r + 1 < ny; ++r)
    for (int c = 0; c + 1 < nx; ++c) {
      vtkIdType a = r * nx + c, b = a + 1, d = a + nx, e = d + 1;
      if (!elevation_.empty() && (std::isnan(elevation_[a]) || std::isnan(elevation_[b]) ||
                                  std::isnan(elevation_[d]) || std::isnan(elevation_[e])))
        continue;
      vtkIdType t1[3] = {a, d, b}, t2[3] = {b, d, e};
      polys->InsertNextCell(3, t1);
      polys->InsertNextCell(3, t2);
    }
  auto pd = vtkSmartPointer<vtkPolyData>::New();
  pd->SetPoints(pts);
  pd->SetPolys(polys);
  pd->GetPointData()->SetScalars(elev);
  auto normals = vtkSmartPointer<vtkPolyDataNormals>::New();
  normals->SetInputData(pd);
  normals->SplittingOff();
  normals->ConsistencyOff();
  normals->Update();
  terrain_pd_ = normals->GetOutput();
  if (mode_ == "2d") flatten_terrain();

  auto lut = vtkSmartPointer<vtkLookupTable>::New();
  const auto& ramp = style::styles().terrain_ramp;
  lut->SetNumberOfTableValues(256);
  for (int i = 0; i < 256; ++i) {
    auto c = ramp_at(ramp, i / 255.0);
    lut->SetTableValue(i, c.r / 255.0, c.g / 255.0, c.b / 255.0, 1.0);
  }
  lut->SetRange(zmin_, std::max(zmax_, zmin_ + 1));
  lut->Build();
  auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
  mapper->SetInputData(terrain_pd_);
  mapper->SetLookupTable(lut);
  mapper->SetScalarRange(zmin_, std::max(zmax_, zmin_ + 1));
  mapper->SetScalarModeToUsePointData();
  if (!terrain_) {
    terrain_ = vtkSmartPointer<vtkActor>::New();
    terrain_->GetProperty()->SetAmbient(0.35);
    terrain_->GetProperty()->SetDiffuse(0.75);
    terrain_->GetProperty()->SetSpecular(0.0);
    terrain_->PickableOff();
    renderer_->AddActor(terrain_);
  }
  terrain_->SetMapper(mapper);
}

vtkSmartPointer<vtkPolyData> Scene::fill_polygons(const std::vector<const OGRGeometry*>& geoms,
                                                  const std::vector<int>& ids, double lift) const {
  auto append = vtkSmartPointer<vtkAppendPolyData>::New();
  int pieces = 0;
  const double step = grid_.cell;
  for (std::size_t gi = 0; gi < geoms.size(); ++gi) {
    std::vector<const OGRPolygon*> polys;
    collect_polygons(geoms[gi], polys);
    for (const OGRPolygon* poly : polys) {
      // Rings as closed polylines (densified to the terrain cell so fills follow the relief);
      // the contour triangulator fills them and keeps holes open (vtkTriangleFilter would not).
      auto pts = vtkSmartPointer<vtkPoints>::New();
      auto lines = vtkSmartPointer<vtkCellArray>::New();
      for (int ri = -1; ri < poly->getNumInteriorRings(); ++ri) {
        const OGRLinearRing* ring = ri < 0 ? poly->getExteriorRing() : poly->getInteriorRing(ri);
        if (!ring || ring->getNumPoints() < 4) continue;
        std::unique_ptr<OGRLinearRing> dense(ring->clone());
        dense->segmentize(step);
        const int n = dense->getNumPoints() - 1;  // closed: last == first
        std::vector<vtkIdType> ids_ring;
        for (int k = 0; k < n; ++k) {
          double x = dense->getX(k) - x0_, y = dense->getY(k) - y0_;
          ids_ring.push_back(pts->InsertNextPoint(x, y, 0.0));
        }
        ids_ring.push_back(ids_ring.front());
        lines->InsertNextCell(static_cast<vtkIdType>(ids_ring.size()), ids_ring.data());
      }
      if (pts->GetNumberOfPoints() < 3) continue;
      auto in = vtkSmartPointer<vtkPolyData>::New();
      in->SetPoints(pts);
      in->SetLines(lines);
      auto tri = vtkSmartPointer<vtkContourTriangulator>::New();
      tri->SetInputData(in);
      tri->Update();
      vtkSmartPointer<vtkPolyData> out = tri->GetOutput();
      if (out->GetNumberOfCells() == 0) continue;
      vtkPoints* op = out->GetPoints();
      for (vtkIdType k = 0; k < op->GetNumberOfPoints(); ++k) {
        double p[3];
        op->GetPoint(k, p);
        op->SetPoint(k, p[0], p[1], z_at(p[0], p[1]) + lift);
      }
      auto idarr = vtkSmartPointer<vtkIntArray>::New();
      idarr->SetName("parcel");
      idarr->SetNumberOfTuples(out->GetNumberOfCells());
      idarr->Fill(ids.empty() ? static_cast<int>(gi) : ids[gi]);
      out->GetCellData()->AddArray(idarr);
      append->AddInputData(out);
      ++pieces;
    }
  }
  if (pieces == 0) return vtkSmartPointer<vtkPolyData>::New();
  append->Update();
  return append->GetOutput();
}

vtkSmartPointer<vtkPolyData> Scene::outline_polygons(const std::vector<const OGRGeometry*>& geoms,
                                                     double lift) const {
  auto pts = vtkSmartPointer<vtkPoints>::New();
  auto lines = vtkSmartPointer<vtkCellArray>::New();
  for (const OGRGeometry* g : geoms) {
    std::vector<const OGRPolygon*> polys;
    collect_polygons(g, polys);
    for (const OGRPolygon* poly : polys)
      for (int ri = -1; ri < poly->getNumInteriorRings(); ++ri) {
        const OGRLinearRing* ring = ri < 0 ? poly->getExteriorRing() : poly->getInteriorRing(ri);
        if (!ring) continue;
        std::unique_ptr<OGRLinearRing> dense(ring->clone());
        dense->segmentize(grid_.cell);
        std::vector<vtkIdType> ids;
        for (int k = 0; k < dense->getNumPoints(); ++k) {
          double x = dense->getX(k) - x0_, y = dense->getY(k) - y0_;
          ids.push_back(pts->InsertNextPoint(x, y, z_at(x, y) + lift));
        }
        if (ids.size() > 1) lines->InsertNextCell(static_cast<vtkIdType>(ids.size()), ids.data());
      }
  }
  auto pd = vtkSmartPointer<vtkPolyData>::New();
  pd->SetPoints(pts);
  pd->SetLines(lines);
  return pd;
}

void Scene::build_layers(const Project& project) {
  gis::GeosContext ctx;
  (void)style::styles();
  if (layers_.empty() && !project.crs.empty()) {
    gis::Crs work = gis::Crs::from_user(project.crs, "crs");
    for (const auto& rule : project.rules) {
      if (layers_.size() >= 9) break;  // keys 1–9
      const LayerSpec* l = project.find_layer(rule.layer);
      if (!l) continue;
      LayerActors la;
      la.name = rule.name.empty() ? rule.id : rule.name;
      la.severity = to_string(rule.severity);
      try {
        auto rl = engine::make_rule_layer(rule, *l, work, ctx, extent_);
        for (auto& g : rl.geoms)
          la.geoms.emplace_back(OGRGeometryFactory::createFromGEOS(ctx.get(), g.get()));
      } catch (const InputError& e) {
        log::warn("layer {} not shown: {}", rule.id, e.what());
        continue;
      }
      layers_.push_back(std::move(la));
    }
  }
  const double lift = lift_for(1);
  const auto& palette = layer_palette();
  std::size_t li = 0;
  for (auto& la : layers_) {
    std::vector<const OGRGeometry*> gs;
    for (auto& g : la.geoms) gs.push_back(g.get());
    double c[3];
    rgb(palette[li++ % palette.size()], c);
    auto fm = vtkSmartPointer<vtkPolyDataMapper>::New();
    fm->SetInputData(fill_polygons(gs, {}, lift));
    fm->ScalarVisibilityOff();
    fm->SetResolveCoincidentTopologyToPolygonOffset();
    auto lm = vtkSmartPointer<vtkPolyDataMapper>::New();
    lm->SetInputData(outline_polygons(gs, lift * 1.5));
    if (!la.fill) {
      la.fill = vtkSmartPointer<vtkActor>::New();
      la.fill->GetProperty()->SetColor(c);
      la.fill->GetProperty()->SetOpacity(0.4);
      la.visible = la.severity == "block";  // the rest are one key away (1–9)
      la.fill->SetVisibility(la.visible);
      la.fill->GetProperty()->LightingOff();
      la.fill->PickableOff();
      la.line = vtkSmartPointer<vtkActor>::New();
      la.line->GetProperty()->SetColor(c[0] * 0.6, c[1] * 0.6, c[2] * 0.6);
      la.line->GetProperty()->SetLineWidth(1.5);
      la.line->GetProperty()->LightingOff();
      la.line->PickableOff();
      la.line->SetVisibility(la.visible);
      renderer_->AddActor(la.fill);
      renderer_->AddActor(la.line);
    }
    la.fill->SetMapper(fm);
    la.line->SetMapper(lm);
  }
  if (!study_geoms_.empty()) {
    std::vector<const OGRGeometry*> gs;
    for (auto& g : study_geoms_) gs.push_back(g.get());
    auto m = vtkSmartPointer<vtkPolyDataMapper>::New();
    m->SetInputData(outline_polygons(gs, lift_for(4)));
    if (!study_) {
      study_ = vtkSmartPointer<vtkActor>::New();
      study_->GetProperty()->SetColor(0.15, 0.15, 0.15);
      study_->GetProperty()->SetLineWidth(2.5);
      study_->GetProperty()->LightingOff();
      study_->PickableOff();
      renderer_->AddActor(study_);
    }
    study_->SetMapper(m);
  }
}

void Scene::build_parcels() {
  std::vector<const OGRGeometry*> gs;
  std::vector<int> ids;
  if (results_)
    for (std::size_t i = 0; i < results_->parcels.size(); ++i)
      if (results_->parcels[i].geometry) {
        gs.push_back(results_->parcels[i].geometry.get());
        ids.push_back(static_cast<int>(i));
      }
  const double lift = lift_for(2);
  parcels_pd_ = fill_polygons(gs, ids, lift);
  parcel_lines_pd_ = outline_polygons(gs, lift_for(3));
  auto fm = vtkSmartPointer<vtkPolyDataMapper>::New();
  fm->SetInputData(parcels_pd_);
  fm->SetScalarModeToUseCellData();
  fm->SetColorModeToDirectScalars();
  fm->SetResolveCoincidentTopologyToPolygonOffset();
  auto lm = vtkSmartPointer<vtkPolyDataMapper>::New();
  lm->SetInputData(parcel_lines_pd_);
  if (!parcels_) {
    parcels_ = vtkSmartPointer<vtkActor>::New();
    parcels_->GetProperty()->LightingOff();
    parcel_lines_ = vtkSmartPointer<vtkActor>::New();
    parcel_lines_->GetProperty()->SetColor(0.1, 0.1, 0.1);
    parcel_lines_->GetProperty()->SetLineWidth(1.5f);
    parcel_lines_->GetProperty()->LightingOff();
    parcel_lines_->PickableOff();
    renderer_->AddActor(parcels_);
    renderer_->AddActor(parcel_lines_);
    highlight_ = vtkSmartPointer<vtkActor>::New();
    double hc[3];
    rgb(style::styles().highlight, hc);
    highlight_->GetProperty()->SetColor(hc);
    highlight_->GetProperty()->SetLineWidth(static_cast<float>(style::styles().highlight_width));
    highlight_->GetProperty()->LightingOff();
    highlight_->PickableOff();
    highlight_->VisibilityOff();
    renderer_->AddActor(highlight_);
  }
  parcels_->SetMapper(fm);
  parcel_lines_->SetMapper(lm);

  // Labels: every parcel when there are few, else the best ranked.
  for (auto& l : labels_) renderer_->RemoveActor(l);
  labels_.clear();
  label_parcel_.clear();
  if (!results_) return;
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < results_->parcels.size(); ++i)
    if (results_->parcels[i].geometry) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    int ra = results_->parcels[a].rank > 0 ? results_->parcels[a].rank : 1 << 30;
    int rb = results_->parcels[b].rank > 0 ? results_->parcels[b].rank : 1 << 30;
    return ra < rb;
  });
  if (order.size() > 40) {
    // A crowd of labels hides the map: label the best ranked only, or none when unranked.
    bool ranked = !order.empty() && results_->parcels[order.front()].rank > 0;
    order.resize(ranked ? 15 : 0);
  }
  for (std::size_t i : order) {
    const auto& p = results_->parcels[i];
    auto pt = label_point(*p.geometry);
    if (!pt) continue;
    double x = pt->first - x0_, y = pt->second - y0_;
    auto a = vtkSmartPointer<vtkBillboardTextActor3D>::New();
    std::string text = p.name.empty() ? p.id : p.name;
    if (p.rank > 0) text = fmt::format("#{} {}", p.rank, text);
    a->SetInput(text.c_str());
    a->SetPosition(x, y, z_at(x, y) + lift_for(6));
    use_font(a->GetTextProperty(), font_file_, 13);
    a->GetTextProperty()->SetBackgroundColor(1, 1, 1);
    a->GetTextProperty()->SetBackgroundOpacity(0.6);
    a->GetTextProperty()->SetJustificationToCentered();
    a->PickableOff();
    renderer_->AddActor(a);
    labels_.push_back(a);
    label_parcel_.push_back(i);
  }
}

void Scene::build_overlays() {
  const auto& st = style::styles();
  ramp_ = vtkSmartPointer<vtkLookupTable>::New();
  ramp_->SetNumberOfTableValues(256);
  for (int i = 0; i < 256; ++i) {
    auto c = ramp_at(st.score_ramp, i / 255.0);
    ramp_->SetTableValue(i, c.r / 255.0, c.g / 255.0, c.b / 255.0, 1.0);
  }
  ramp_->SetRange(0, 1);
  ramp_->Build();

  scalar_bar_ = vtkSmartPointer<vtkScalarBarActor>::New();
  scalar_bar_->SetLookupTable(ramp_);
  scalar_bar_->SetTitle("适宜性 score");
  scalar_bar_->SetNumberOfLabels(6);
  scalar_bar_->SetLabelFormat("%.1f");
  scalar_bar_->UnconstrainedFontSizeOn();
  use_font(scalar_bar_->GetTitleTextProperty(), font_file_, 14);
  use_font(scalar_bar_->GetLabelTextProperty(), font_file_, 12);
  scalar_bar_->GetTitleTextProperty()->ItalicOff();
  scalar_bar_->GetLabelTextProperty()->ItalicOff();
  scalar_bar_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  scalar_bar_->GetPositionCoordinate()->SetValue(0.90, 0.08);
  scalar_bar_->SetWidth(0.07);
  scalar_bar_->SetHeight(0.45);
  renderer_->AddViewProp(scalar_bar_);

  auto symbol = square_symbol();
  verdict_legend_ = vtkSmartPointer<vtkLegendBoxActor>::New();
  const char* verdicts[] = {"blocked", "approval", "clear", "invalid"};
  const char* labels[] = {"禁止 blocked", "需审批 approval", "可行 clear", "无效 invalid"};
  verdict_legend_->SetNumberOfEntries(4);
  for (int i = 0; i < 4; ++i) {
    double c[3] = {0.5, 0.5, 0.5};
    auto it = st.verdict.find(verdicts[i]);
    if (it != st.verdict.end()) rgb(it->second, c);
    verdict_legend_->SetEntry(i, symbol, labels[i], c);
  }
  use_font(verdict_legend_->GetEntryTextProperty(), font_file_, 13);
  verdict_legend_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  verdict_legend_->GetPositionCoordinate()->SetValue(0.84, 0.08);
  verdict_legend_->GetPosition2Coordinate()->SetValue(0.15, 0.20);
  verdict_legend_->BorderOn();
  verdict_legend_->BoxOn();
  renderer_->AddViewProp(verdict_legend_);

  layer_legend_ = vtkSmartPointer<vtkLegendBoxActor>::New();
  layer_legend_->SetNumberOfEntries(static_cast<int>(std::max<std::size_t>(1, layers_.size())));
  use_font(layer_legend_->GetEntryTextProperty(), font_file_, 12);
  layer_legend_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  layer_legend_->GetPositionCoordinate()->SetValue(0.01, 0.08);
  layer_legend_->GetPosition2Coordinate()->SetValue(
      0.24, 0.035 * static_cast<double>(std::max<std::size_t>(1, layers_.size())));
  layer_legend_->BoxOn();
  layer_legend_->SetVisibility(!layers_.empty());
  renderer_->AddViewProp(layer_legend_);

  title_ = vtkSmartPointer<vtkTextActor>::New();
  use_font(title_->GetTextProperty(), font_file_, 20);
  title_->GetTextProperty()->BoldOn();
  title_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  title_->GetPositionCoordinate()->SetValue(0.01, 0.95);
  renderer_->AddViewProp(title_);

  info_ = vtkSmartPointer<vtkTextActor>::New();
  use_font(info_->GetTextProperty(), font_file_, 13);
  info_->GetTextProperty()->SetBackgroundColor(1, 1, 1);
  info_->GetTextProperty()->SetBackgroundOpacity(0.85);
  info_->GetTextProperty()->SetVerticalJustificationToTop();
  info_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  info_->GetPositionCoordinate()->SetValue(0.01, 0.93);
  info_->SetInput("click a parcel to see why · h: help");
  renderer_->AddViewProp(info_);

  help_ = vtkSmartPointer<vtkTextActor>::New();
  use_font(help_->GetTextProperty(), font_file_, 14);
  help_->GetTextProperty()->SetBackgroundColor(1, 1, 0.92);
  help_->GetTextProperty()->SetBackgroundOpacity(0.95);
  help_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  help_->GetPositionCoordinate()->SetValue(0.30, 0.30);
  help_->SetInput(help_text().c_str());
  help_->VisibilityOff();
  renderer_->AddViewProp(help_);

  north_ = vtkSmartPointer<vtkTextActor>::New();
  use_font(north_->GetTextProperty(), font_file_, 22);
  north_->GetTextProperty()->BoldOn();
  north_->GetTextProperty()->SetJustificationToCentered();
  north_->GetTextProperty()->SetVerticalJustificationToCentered();
  north_->SetInput("▲\nN");
  renderer_->AddViewProp(north_);

  scale_pd_ = vtkSmartPointer<vtkPolyData>::New();
  auto sm = vtkSmartPointer<vtkPolyDataMapper2D>::New();
  sm->SetInputData(scale_pd_);
  scale_bar_ = vtkSmartPointer<vtkActor2D>::New();
  scale_bar_->SetMapper(sm);
  scale_bar_->GetProperty()->SetColor(0.1, 0.1, 0.1);
  scale_bar_->GetProperty()->SetLineWidth(3);
  renderer_->AddViewProp(scale_bar_);
  scale_text_ = vtkSmartPointer<vtkTextActor>::New();
  use_font(scale_text_->GetTextProperty(), font_file_, 13);
  renderer_->AddViewProp(scale_text_);
}

void Scene::recolor() {
  const auto& st = style::styles();
  scalar_bar_->SetVisibility(color_ == "score");
  verdict_legend_->SetVisibility(color_ == "verdict");
  std::string what =
      !results_ ? ""
                : (color_ == "score" ? " · 适宜性评分 suitability" : " · 用地预审结论 clearance");
  std::string title = fmt::format("{}{} · {}", title_text_, what, mode_ == "2d" ? "2D" : "3D");
  title_->SetInput(title.c_str());
  if (!parcels_pd_ || parcels_pd_->GetNumberOfCells() == 0) return;
  auto colors = vtkSmartPointer<vtkUnsignedCharArray>::New();
  colors->SetName("colors");
  colors->SetNumberOfComponents(3);
  auto* ids = vtkIntArray::SafeDownCast(parcels_pd_->GetCellData()->GetArray("parcel"));
  colors->SetNumberOfTuples(parcels_pd_->GetNumberOfCells());
  auto verdict_colour = [&](const std::string& v) {
    auto it = st.verdict.find(v.empty() ? "invalid" : v);
    return it != st.verdict.end() ? it->second : style::Rgb{150, 150, 150};
  };
  for (vtkIdType c = 0; c < parcels_pd_->GetNumberOfCells(); ++c) {
    const auto& p = results_->parcels[static_cast<std::size_t>(ids->GetValue(c))];
    style::Rgb col;
    if (color_ == "verdict")
      col = verdict_colour(p.verdict);
    else
      col = p.score >= 0 ? ramp_at(st.score_ramp, p.score) : verdict_colour("invalid");
    unsigned char v[3] = {static_cast<unsigned char>(col.r), static_cast<unsigned char>(col.g),
                          static_cast<unsigned char>(col.b)};
    colors->SetTypedTuple(c, v);
  }
  parcels_pd_->GetCellData()->SetScalars(colors);
  parcels_pd_->Modified();
  // Layer legend entries show on/off.
  auto symbol = square_symbol();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    double c[3];
    rgb(layer_palette()[i % layer_palette().size()], c);
    if (!layers_[i].visible) c[0] = c[1] = c[2] = 0.6;
    std::string label = fmt::format("{} {} ({}){}", i + 1, layers_[i].name, layers_[i].severity,
                                    layers_[i].visible ? "" : " · off");
    layer_legend_->SetEntry(static_cast<int>(i), symbol, label.c_str(), c);
  }
}

void Scene::set_color(const std::string& color) {
  color_ = color;
  recolor();
}

void Scene::set_mode(const std::string& mode) {
  std::string m = mode == "2d" ? "2d" : "3d";
  bool changed = m != mode_;
  mode_ = m;
  if (changed) restack();
  recolor();
  reset_camera();
}

void Scene::reset_camera() {
  vtkCamera* cam = renderer_->GetActiveCamera();
  double w = extent_.maxx - extent_.minx, h = extent_.maxy - extent_.miny;
  double zc = (zmax_ - zmin_) * exaggeration_ * 0.5;
  if (mode_ == "2d") {
    cam->ParallelProjectionOn();
    cam->SetFocalPoint(w / 2, h / 2, zc);
    cam->SetPosition(w / 2, h / 2, zc + 10 * std::max(w, h));
    cam->SetViewUp(0, 1, 0);  // north up
    double aspect = static_cast<double>(opt_.width) / opt_.height;
    cam->SetParallelScale(0.5 * std::max(h, w / aspect) * 1.02);
    renderer_->ResetCameraClippingRange();
  } else {
    cam->ParallelProjectionOff();
    cam->SetFocalPoint(w / 2, h / 2, zc * 0.5);
    cam->SetPosition(w / 2 + 0.25 * w, h / 2 - 1.25 * std::max(w, h), zc + 0.9 * std::max(w, h));
    cam->SetViewUp(0, 0, 1);
    cam->SetViewAngle(30);
    renderer_->ResetCamera();
    cam->Zoom(1.7);
    renderer_->ResetCameraClippingRange();
  }
}

void Scene::set_exaggeration(double e) {
  exaggeration_ = std::clamp(e, 0.1, 50.0);
  restack();
}

void Scene::restack() {
  // Rebuild heights of everything draped on the terrain.
  auto* pts = terrain_pd_->GetPoints();
  auto* elev = vtkFloatArray::SafeDownCast(terrain_pd_->GetPointData()->GetArray("elevation"));
  for (vtkIdType i = 0; i < pts->GetNumberOfPoints(); ++i) {
    double p[3];
    pts->GetPoint(i, p);
    pts->SetPoint(i, p[0], p[1], (elev->GetValue(i) - zmin_) * exaggeration_);
  }
  auto normals = vtkSmartPointer<vtkPolyDataNormals>::New();
  normals->SetInputData(terrain_pd_);
  normals->SplittingOff();
  normals->Update();
  terrain_pd_ = normals->GetOutput();
  if (mode_ == "2d") flatten_terrain();
  vtkPolyDataMapper::SafeDownCast(terrain_->GetMapper())->SetInputData(terrain_pd_);
  Project none;
  build_layers(none);
  build_parcels();
  recolor();
  if (selected_ >= 0) {
    int s = selected_;
    selected_ = -1;
    (void)s;
    highlight_->VisibilityOff();
  }
  renderer_->ResetCameraClippingRange();
}

double Scene::lift_for(int level) const {
  // Stacking order above the terrain: 1 layers, 2 parcels, 3 parcel outlines, 4 study outline,
  // 5 highlight, 6 labels. In 3D the lift grows with the relief shown.
  const double size = std::max(extent_.maxx - extent_.minx, extent_.maxy - extent_.miny);
  if (mode_ == "2d") return level * 0.001 * size;
  return level * (0.0015 * size + 4.0 * exaggeration_);
}

const std::vector<style::Rgb>& Scene::layer_palette() {
  // Qualitative colours (ColorBrewer Set1/Dark2-like) so layers are told apart from verdicts.
  static const std::vector<style::Rgb> p = {{55, 126, 184},  {152, 78, 163},  {255, 127, 0},
                                            {166, 86, 40},   {247, 129, 191}, {27, 158, 119},
                                            {117, 112, 179}, {102, 166, 30},  {230, 171, 2}};
  return p;
}

void Scene::flatten_terrain() {
  // Shading comes from the relief's normals (already computed); the surface itself lies flat so
  // fills and outlines stack cleanly above it in the top-down map.
  auto* pts = terrain_pd_->GetPoints();
  for (vtkIdType i = 0; i < pts->GetNumberOfPoints(); ++i) {
    double p[3];
    pts->GetPoint(i, p);
    pts->SetPoint(i, p[0], p[1], 0.0);
  }
  pts->Modified();
}

void Scene::toggle_layer(std::size_t i) {
  if (i >= layers_.size()) return;
  layers_[i].visible = !layers_[i].visible;
  layers_[i].fill->SetVisibility(layers_[i].visible);
  layers_[i].line->SetVisibility(layers_[i].visible);
  recolor();
}

void Scene::toggle_help() {
  help_->SetVisibility(!help_->GetVisibility());
}

std::string Scene::help_text() const {
  return "SitePlan viewer — keys\n"
         "  h        this help\n"
         "  2 / 3    top-down 2D map (north up) / 3D terrain\n"
         "  c        colour by score / by clearance verdict\n"
         "  + / -    vertical exaggeration up / down\n"
         "  1..9     show / hide constraint layer n (see legend)\n"
         "  r        reset the view\n"
         "  s        save a screenshot (siteplan-view.png)\n"
         "  click    a parcel: name, area, score breakdown, overlaps and legal basis\n"
         "  mouse    left drag rotate (3D) or pan (2D), wheel zoom, right drag zoom\n"
         "  q / e    quit";
}

int Scene::pick(int x, int y) {
  auto picker = vtkSmartPointer<vtkCellPicker>::New();
  picker->SetTolerance(0.0005);
  picker->PickFromListOn();
  picker->AddPickList(parcels_);
  if (!picker->Pick(x, y, 0, renderer_) || picker->GetCellId() < 0) {
    highlight_->VisibilityOff();
    selected_ = -1;
    info_->SetInput("no parcel here · h: help");
    return -1;
  }
  auto* ids = vtkIntArray::SafeDownCast(parcels_pd_->GetCellData()->GetArray("parcel"));
  int index = ids->GetValue(picker->GetCellId());
  selected_ = index;
  const auto& p = results_->parcels[static_cast<std::size_t>(index)];
  std::string text;
  for (const auto& line : p.explain) {
    // Suitability results name rules by id: add their name, severity and legal basis.
    const std::string tag = "  overlaps ";
    if (line.rfind(tag, 0) == 0) {
      auto colon = line.find(':', tag.size());
      auto it = rule_info_.find(line.substr(tag.size(), colon - tag.size()));
      if (colon != std::string::npos && it != rule_info_.end()) {
        text += fmt::format("  {} {}{} - {}\n",
                            it->second.second.substr(0, it->second.second.find(']') + 1),
                            it->second.first, line.substr(colon),
                            it->second.second.substr(it->second.second.find(']') + 2));
        continue;
      }
    }
    text += line + "\n";
  }
  if (!text.empty()) text.pop_back();
  info_->SetInput(text.c_str());
  auto m = vtkSmartPointer<vtkPolyDataMapper>::New();
  m->SetInputData(outline_polygons({p.geometry.get()}, lift_for(5)));
  highlight_->SetMapper(m);
  highlight_->VisibilityOn();
  return index;
}

std::optional<std::pair<double, double>> Scene::locate(const std::string& id) {
  auto to_display = [&](double x, double y) {
    auto c = vtkSmartPointer<vtkCoordinate>::New();
    c->SetCoordinateSystemToWorld();
    c->SetValue(x, y, z_at(x, y));
    double* d = c->GetComputedDoubleDisplayValue(renderer_);
    return std::make_pair(d[0], d[1]);
  };
  if (auto comma = id.find(','); comma != std::string::npos) {
    try {
      double wx = std::stod(id.substr(0, comma)), wy = std::stod(id.substr(comma + 1));
      return to_display(wx - x0_, wy - y0_);
    } catch (...) {
    }
  }
  if (!results_) return std::nullopt;
  for (const auto& p : results_->parcels) {
    if (p.id != id || !p.geometry) continue;
    auto pt = label_point(*p.geometry);
    if (!pt) return std::nullopt;
    double x = pt->first - x0_, y = pt->second - y0_;
    auto c = vtkSmartPointer<vtkCoordinate>::New();
    c->SetCoordinateSystemToWorld();
    c->SetValue(x, y, z_at(x, y));
    double* d = c->GetComputedDoubleDisplayValue(renderer_);
    return std::make_pair(d[0], d[1]);
  }
  return std::nullopt;
}

void Scene::update_overlays(int width, int height) {
  vtkCamera* cam = renderer_->GetActiveCamera();
  // Metres per pixel at the focal point.
  double mpp;
  if (cam->GetParallelProjection()) {
    mpp = 2.0 * cam->GetParallelScale() / height;
  } else {
    mpp = 2.0 * cam->GetDistance() * std::tan(cam->GetViewAngle() * M_PI / 360.0) / height;
  }
  double target = 0.18 * width * mpp;
  double mag = std::pow(10.0, std::floor(std::log10(target)));
  double nice = mag;
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (f * mag <= target) nice = f * mag;
  double px = nice / mpp;
  auto pts = vtkSmartPointer<vtkPoints>::New();
  const double bx = 20, by = 24;
  pts->InsertNextPoint(bx, by + 6, 0);
  pts->InsertNextPoint(bx, by, 0);
  pts->InsertNextPoint(bx + px, by, 0);
  pts->InsertNextPoint(bx + px, by + 6, 0);
  auto lines = vtkSmartPointer<vtkCellArray>::New();
  vtkIdType ids[4] = {0, 1, 2, 3};
  lines->InsertNextCell(4, ids);
  scale_pd_->SetPoints(pts);
  scale_pd_->SetLines(lines);
  scale_pd_->Modified();
  std::string label =
      nice >= 1000 ? fmt::format("{:g} km", nice / 1000) : fmt::format("{:g} m", nice);
  if (!cam->GetParallelProjection()) label = "≈ " + label + " (at centre)";
  scale_text_->SetInput(label.c_str());
  scale_text_->SetDisplayPosition(static_cast<int>(bx), static_cast<int>(by + 9));
  // North arrow: the direction of +y at the focal point on screen.
  double fp[3];
  cam->GetFocalPoint(fp);
  auto c = vtkSmartPointer<vtkCoordinate>::New();
  c->SetCoordinateSystemToWorld();
  c->SetValue(fp[0], fp[1], fp[2]);
  double* a = c->GetComputedDoubleDisplayValue(renderer_);
  double ax = a[0], ay = a[1];
  c->SetValue(fp[0], fp[1] + 100.0 * mpp, fp[2]);
  double* b = c->GetComputedDoubleDisplayValue(renderer_);
  double angle = std::atan2(b[1] - ay, b[0] - ax) * 180.0 / M_PI - 90.0;
  north_->GetTextProperty()->SetOrientation(std::isfinite(angle) ? angle : 0.0);
  north_->SetDisplayPosition(width - 60, height - 70);
}

}  // namespace siteplan::viewer
