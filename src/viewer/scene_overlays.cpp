// The scene's 2D overlays: legends, title, info and help panels, scale bar, north arrow, and the
// colours of the parcels (score ramp or verdict) that the legends explain.
#include <fmt/core.h>
#include <vtkCamera.h>
#include <vtkCellData.h>
#include <vtkCoordinate.h>
#include <vtkIntArray.h>
#include <vtkLegendBoxActor.h>
#include <vtkLookupTable.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty.h>
#include <vtkProperty2D.h>
#include <vtkScalarBarActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include "viewer/scene.hpp"
#include "viewer/vtk_util.hpp"

namespace siteplan::viewer {

namespace {
// A text actor in the scene's font, added to the renderer.
vtkSmartPointer<vtkTextActor> add_text(vtkRenderer* renderer, const std::string& font, int size) {
  auto t = vtkSmartPointer<vtkTextActor>::New();
  use_font(t->GetTextProperty(), font, size);
  renderer->AddViewProp(t);
  return t;
}

// Places an actor at (x, y) in the viewport's 0..1 coordinates.
void place(vtkActor2D* a, double x, double y) {
  a->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  a->GetPositionCoordinate()->SetValue(x, y);
}
}  // namespace

// Long on purpose (~90 lines): one block per overlay actor (scalar bar, verdict legend, layer
// legend, text panels), each a few VTK property settings that read best side by side.
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
  place(scalar_bar_, 0.90, 0.08);
  scalar_bar_->SetWidth(0.07);
  scalar_bar_->SetHeight(0.45);
  renderer_->AddViewProp(scalar_bar_);

  auto symbol = square_symbol();
  verdict_legend_ = vtkSmartPointer<vtkLegendBoxActor>::New();
  const char* verdicts[] = {"blocked", "unchecked", "approval", "clear", "invalid"};
  const char* labels[] = {"禁止 blocked", "未核查 unchecked", "需审批 approval", "可行 clear",
                          "无效 invalid"};
  verdict_legend_->SetNumberOfEntries(5);
  for (int i = 0; i < 5; ++i) {
    double c[3] = {0.5, 0.5, 0.5};
    auto it = st.verdict.find(verdicts[i]);
    if (it != st.verdict.end()) rgb(it->second, c);
    verdict_legend_->SetEntry(i, symbol, labels[i], c);
  }
  use_font(verdict_legend_->GetEntryTextProperty(), font_file_, 13);
  place(verdict_legend_, 0.84, 0.08);
  verdict_legend_->GetPosition2Coordinate()->SetValue(0.15, 0.20);
  verdict_legend_->BorderOn();
  verdict_legend_->BoxOn();
  renderer_->AddViewProp(verdict_legend_);

  layer_legend_ = vtkSmartPointer<vtkLegendBoxActor>::New();
  layer_legend_->SetNumberOfEntries(static_cast<int>(std::max<std::size_t>(1, layers_.size())));
  use_font(layer_legend_->GetEntryTextProperty(), font_file_, 12);
  place(layer_legend_, 0.01, 0.08);
  layer_legend_->GetPosition2Coordinate()->SetValue(
      0.24, std::min(0.6, 0.03 * static_cast<double>(std::max<std::size_t>(1, layers_.size()))));
  layer_legend_->BoxOn();
  layer_legend_->SetVisibility(!layers_.empty());
  renderer_->AddViewProp(layer_legend_);

  title_ = add_text(renderer_, font_file_, 20);
  title_->GetTextProperty()->BoldOn();
  place(title_, 0.01, 0.95);

  info_ = add_text(renderer_, font_file_, 13);
  info_->GetTextProperty()->SetBackgroundColor(1, 1, 1);
  info_->GetTextProperty()->SetBackgroundOpacity(0.85);
  info_->GetTextProperty()->SetVerticalJustificationToTop();
  place(info_, 0.01, 0.93);
  info_->SetInput("click a parcel to see why · h: help");

  help_ = add_text(renderer_, font_file_, 14);
  help_->GetTextProperty()->SetBackgroundColor(1, 1, 0.92);
  help_->GetTextProperty()->SetBackgroundOpacity(0.95);
  place(help_, 0.30, 0.30);
  help_->SetInput(help_text().c_str());
  help_->VisibilityOff();

  north_ = add_text(renderer_, font_file_, 22);
  north_->GetTextProperty()->BoldOn();
  north_->GetTextProperty()->SetJustificationToCentered();
  north_->GetTextProperty()->SetVerticalJustificationToCentered();
  north_->SetInput("▲\nN");

  scale_pd_ = vtkSmartPointer<vtkPolyData>::New();
  auto sm = vtkSmartPointer<vtkPolyDataMapper2D>::New();
  sm->SetInputData(scale_pd_);
  scale_bar_ = vtkSmartPointer<vtkActor2D>::New();
  scale_bar_->SetMapper(sm);
  scale_bar_->GetProperty()->SetColor(0.1, 0.1, 0.1);
  scale_bar_->GetProperty()->SetLineWidth(3);
  renderer_->AddViewProp(scale_bar_);
  scale_text_ = add_text(renderer_, font_file_, 13);

  weights_ = add_text(renderer_, font_file_, 13);
  weights_->GetTextProperty()->SetBackgroundColor(1, 1, 1);
  weights_->GetTextProperty()->SetBackgroundOpacity(0.85);
  weights_->GetTextProperty()->SetVerticalJustificationToTop();
  place(weights_, 0.70, 0.93);
  weights_->SetVisibility(false);
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
  // Layer legend entries show on/off (every entry needs its symbol: VTK complains otherwise).
  auto symbol = square_symbol();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    double c[3];
    rgb(layers_[i].colour, c);
    if (!layers_[i].visible) c[0] = c[1] = c[2] = 0.6;
    std::string key = i < 9 ? fmt::format("{} ", i + 1) : "";
    std::string label = fmt::format("{}{} ({}){}", key, layers_[i].name, layers_[i].severity,
                                    layers_[i].visible ? "" : " · off");
    layer_legend_->SetEntry(static_cast<int>(i), symbol, label.c_str(), c);
  }
  // Verdict colours show as a wash with the conflict pieces above it; scores fill the parcel.
  if (parcels_) parcels_->GetProperty()->SetOpacity(color_ == "verdict" ? 0.35 : 1.0);
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
      col = parcel_score(static_cast<std::size_t>(ids->GetValue(c))) >= 0
                ? ramp_at(st.score_ramp, parcel_score(static_cast<std::size_t>(ids->GetValue(c))))
                : verdict_colour("invalid");
    unsigned char v[3] = {static_cast<unsigned char>(col.r), static_cast<unsigned char>(col.g),
                          static_cast<unsigned char>(col.b)};
    colors->SetTypedTuple(c, v);
  }
  parcels_pd_->GetCellData()->SetScalars(colors);
  parcels_pd_->Modified();
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
         "  w        what-if: choose the factor whose weight [ and ] change\n"
         "  [ / ]    its weight down / up (AHP: its judgements), the map re-scored live\n"
         "  s        save a screenshot (siteplan-view.png)\n"
         "  click    a parcel: name, area, score breakdown, overlaps and legal basis\n"
         "  mouse    left drag rotate (3D) or pan (2D), wheel zoom, right drag zoom\n"
         "  q / e    quit";
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
