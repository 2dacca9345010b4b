#include "viewer/scene.hpp"

#include "viewer/vtk_util.hpp"

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
#include <vtkIntArray.h>
#include <vtkLight.h>
#include <vtkPoints.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <set>

#include "core/error.hpp"
#include "core/log.hpp"
#include "engine/rule_layer.hpp"
#include "export/style.hpp"
#include "io/layer.hpp"

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
  crs_label_ = work.label();
  {
    // The map's date: SOURCE_DATE_EPOCH when set (reproducible images), else today.
    std::time_t t = std::time(nullptr);
    if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) t = std::atoll(e);
    char buf[16];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    date_ = buf;
  }
  {
    std::set<std::string> seen;
    auto add = [&](std::vector<std::string>& to, const std::string& path) {
      std::string name = std::filesystem::path(path).filename().string();
      if (!name.empty() && seen.insert(name).second) to.push_back(name);
    };
    for (const auto& r : project.rules) add(rule_files_, r.pos.file);
    for (const auto& r : project.rules)
      if (const LayerSpec* l = project.find_layer(r.layer)) add(layer_files_, l->source);
  }
  if (results_)
    for (const auto& p : results_->parcels)
      for (const auto& r : p.deciding_rules) ++deciding_[r];

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
  load_layers(project);
  drape_layers();
  build_parcels();
  build_overlays();
  load_whatif();
  recolor();
  set_mode(mode_);
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

void Scene::load_layers(const Project& project) {
  gis::GeosContext ctx;
  gis::Crs work = gis::Crs::from_user(project.crs, "crs");
  // The same loader as clearance and suitability: features near the view only, uncut.
  engine::RuleSetOptions ro;
  ro.near = extent_;
  ro.owner = &ctx;
  ro.keep_going = true;  // a layer that cannot be read is left off the map, with a warning
  engine::RuleSet set = engine::load_rule_layers(project, work, ro);
  for (std::size_t i = 0; i < project.rules.size(); ++i) {
    // Every rule is drawn (a rule that decides a parcel must be on the map); keys 1–9 toggle
    // the first nine.
    const RuleSpec& rule = project.rules[i];
    if (!set.errors[i].empty()) {
      log::warn("layer {} not shown: {}", rule.id, set.errors[i]);
      continue;
    }
    LayerActors la;
    la.id = rule.id;
    la.colour = layer_palette()[layers_.size() % layer_palette().size()];
    la.name = rule.name.empty() ? rule.id : rule.name;
    la.severity = to_string(rule.severity);
    for (auto& g : set.layers[i].geoms)
      la.geoms.emplace_back(OGRGeometryFactory::createFromGEOS(ctx.get(), g.get()));
    layers_.push_back(std::move(la));
  }
}

void Scene::drape_layers() {
  const double lift = lift_for(1);
  for (auto& la : layers_) {
    std::vector<const OGRGeometry*> gs;
    for (auto& g : la.geoms) gs.push_back(g.get());
    double c[3];
    rgb(la.colour, c);
    auto fm = vtkSmartPointer<vtkPolyDataMapper>::New();
    fm->SetInputData(fill_polygons(gs, {}, lift));
    fm->ScalarVisibilityOff();
    fm->SetResolveCoincidentTopologyToPolygonOffset();
    auto lm = vtkSmartPointer<vtkPolyDataMapper>::New();
    lm->SetInputData(outline_polygons(gs, lift * 1.5));
    if (!la.fill) {
      la.fill = vtkSmartPointer<vtkActor>::New();
      la.fill->GetProperty()->SetColor(c);
      la.fill->GetProperty()->SetOpacity(layer_opacity(la));
      la.visible = true;
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
  build_conflicts();

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
    // Fit the view's extent, not every actor: rule layers reach far beyond it (whole-county
    // features), and all of them are drawn.
    double bounds[6] = {0, w, 0, h, 0, std::max(1.0, (zmax_ - zmin_) * exaggeration_)};
    renderer_->ResetCamera(bounds);
    cam->Zoom(1.7);
    renderer_->ResetCameraClippingRange();
  }
}

double Scene::lift_for(double level) const {
  // Stacking order above the terrain: 1 layers, 2 parcels, 2.5 conflict pieces, 3 parcel
  // outlines, 4 study outline, 5 highlight, 6 labels. In 3D the lift grows with the relief shown.
  const double size = std::max(extent_.maxx - extent_.minx, extent_.maxy - extent_.miny);
  if (mode_ == "2d") return level * 0.001 * size;
  return level * (0.0015 * size + 4.0 * exaggeration_);
}

double Scene::layer_opacity(const LayerActors& la) const {
  // Block layers strongest; a rule that decides some parcel next; the rest (approval, warn,
  // info that decide nothing here) nearly outlines only, so a full profile stays readable.
  if (la.severity == "block") return 0.36;
  if (deciding_.count(la.id)) return 0.2;
  return la.severity == "approval" && !results_ ? 0.15 : 0.06;
}

const std::vector<style::Rgb>& Scene::layer_palette() {
  // Qualitative colours (ColorBrewer Set1/Dark2-like) so layers are told apart from verdicts.
  // Eighteen, so a full clearance profile repeats no colour.
  static const std::vector<style::Rgb> p = {
      {55, 126, 184}, {152, 78, 163},  {255, 127, 0},  {166, 86, 40}, {247, 129, 191},
      {27, 158, 119}, {117, 112, 179}, {102, 166, 30}, {230, 171, 2}, {31, 120, 180},
      {106, 61, 154}, {177, 89, 40},   {0, 139, 139},  {128, 128, 0}, {199, 21, 133},
      {70, 130, 180}, {85, 107, 47},   {139, 69, 19}};
  return p;
}

void Scene::toggle_layer(std::size_t i) {
  if (i >= layers_.size()) return;
  layers_[i].visible = !layers_[i].visible;
  layers_[i].fill->SetVisibility(layers_[i].visible);
  layers_[i].line->SetVisibility(layers_[i].visible);
  recolor();
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

}  // namespace siteplan::viewer
