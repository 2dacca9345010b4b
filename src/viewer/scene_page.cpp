// The scene as a printed map: conflict pieces in the body, and the page's content (texts, legend,
// vector outlines, labels, scale, north) handed to page.cpp.
#include <fmt/core.h>
#include <vtkBillboardTextActor3D.h>
#include <vtkCamera.h>
#include <vtkCellData.h>
#include <vtkIntArray.h>
#include <vtkLegendBoxActor.h>
#include <vtkMatrix4x4.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkScalarBarActor.h>
#include <vtkTextActor.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "viewer/scene.hpp"
#include "viewer/vtk_util.hpp"

namespace siteplan::viewer {

namespace {

const char* const kVerdicts[] = {"blocked", "unchecked", "approval", "clear", "invalid"};
const char* const kVerdictLabels[] = {"禁止 blocked", "未核查 unchecked (outside the coverage)",
                                      "需审批 approval", "可行 clear", "无效 invalid geometry"};

style::Rgb verdict_rgb(const std::string& v) {
  const auto& st = style::styles();
  auto it = st.verdict.find(v.empty() ? "invalid" : v);
  return it != st.verdict.end() ? it->second : style::Rgb{150, 150, 150};
}
style::Rgb severity_rgb(const std::string& s) {
  const auto& st = style::styles();
  auto it = st.severity.find(s);
  return it != st.severity.end() ? it->second : style::Rgb{150, 150, 150};
}
style::Rgb darker(const style::Rgb& c, double f = 0.6) {
  return {static_cast<int>(c.r * f), static_cast<int>(c.g * f), static_cast<int>(c.b * f)};
}

void rings_of(const OGRGeometry* g, std::vector<const OGRLinearRing*>& out) {
  if (!g) return;
  auto t = wkbFlatten(g->getGeometryType());
  if (t == wkbPolygon) {
    const OGRPolygon* p = g->toPolygon();
    if (p->getExteriorRing()) out.push_back(p->getExteriorRing());
    for (int i = 0; i < p->getNumInteriorRings(); ++i) out.push_back(p->getInteriorRing(i));
  } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
    for (const auto* part : *g->toGeometryCollection()) rings_of(part, out);
  }
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

void Scene::build_conflicts() {
  // The conflict pieces (parcel ∩ rule) from the result, above the parcels' wash: what makes a
  // parcel blocked is visible on the map. Block and approval pieces are opaque (drawn in VTK's
  // opaque pass, so no translucent fill can cover them), block above approval; warn pieces are
  // a translucent actor of their own (they never decide).
  if (!results_ || results_->overlaps.empty()) return;
  auto pieces = [&](const char* sev, double level) {
    std::vector<const OGRGeometry*> gs;
    for (const auto& o : results_->overlaps)
      if (o.severity == sev) gs.push_back(o.geometry.get());
    return fill_polygons(gs, {}, lift_for(level));
  };
  auto actor = [&](vtkSmartPointer<vtkActor>& a, vtkSmartPointer<vtkPolyData> pd, const char* sev,
                   double opacity) {
    auto m = vtkSmartPointer<vtkPolyDataMapper>::New();
    m->SetInputData(pd);
    m->ScalarVisibilityOff();
    m->SetResolveCoincidentTopologyToPolygonOffset();
    if (!a) {
      a = vtkSmartPointer<vtkActor>::New();
      double c[3];
      rgb(severity_rgb(sev), c);
      a->GetProperty()->SetColor(c);
      a->GetProperty()->SetOpacity(opacity);
      a->GetProperty()->LightingOff();
      a->PickableOff();
      renderer_->AddActor(a);
    }
    a->SetMapper(m);
  };
  actor(conflicts_block_, pieces("block", 2.6), "block", 1.0);
  actor(conflicts_approval_, pieces("approval", 2.5), "approval", 1.0);
  actor(conflicts_warn_, pieces("warn", 2.4), "warn", 0.47);
}

void Scene::set_print(bool on) {
  print_ = on;
  // The page draws these as vectors and text; the window keeps its own.
  for (vtkProp* p :
       std::initializer_list<vtkProp*>{scalar_bar_, verdict_legend_, layer_legend_, title_, info_,
                                       help_, north_, scale_text_, scale_bar_, weights_})
    if (p) p->SetVisibility(!on);
  if (!on) {
    recolor();
    help_->SetVisibility(false);
    layer_legend_->SetVisibility(!layers_.empty());
    if (weights_) weights_->SetVisibility(can_reweight());
  }
  for (auto& l : labels_) l->SetVisibility(!on);
  if (parcel_lines_) parcel_lines_->SetVisibility(!on);
  if (study_) study_->SetVisibility(!on);
}

void Scene::set_viewport(int width, int height) {
  opt_.width = width;
  opt_.height = height;
  reset_camera();
}

std::pair<double, double> Scene::to_display(double x, double y) const {
  vtkCamera* cam = renderer_->GetActiveCamera();
  double aspect = static_cast<double>(opt_.width) / opt_.height;
  vtkMatrix4x4* m = cam->GetCompositeProjectionTransformMatrix(aspect, -1, 1);
  double in[4] = {x, y, z_at(x, y), 1.0}, out[4];
  m->MultiplyPoint(in, out);
  if (out[3] == 0) return {-1e9, -1e9};
  return {(out[0] / out[3] + 1) * 0.5 * opt_.width, (out[1] / out[3] + 1) * 0.5 * opt_.height};
}

page::Content Scene::page_content(bool geometry, int body_w, int body_h,
                                  std::vector<std::string>* listing) const {
  page::Content c;
  const bool verdicts = results_ && color_ == "verdict";
  std::string what =
      !results_ ? "约束图层 constraint layers"
                : (verdicts ? "用地预审结论 clearance verdicts" : "适宜性评价 suitability scores");
  c.title = fmt::format("{} · {}", title_text_, what);
  int unchecked = 0;
  std::vector<std::string> not_drawn;
  std::map<std::string, int> counts;
  if (results_)
    for (const auto& p : results_->parcels) {
      ++counts[p.verdict];
      if (p.verdict == "unchecked") ++unchecked;
      std::vector<const OGRLinearRing*> rings;
      rings_of(p.geometry.get(), rings);
      if (p.verdict == "invalid" || rings.empty())
        not_drawn.push_back(
            fmt::format("{} {} ({})", p.id, p.name,
                        p.geometry_status.empty() ? "no polygon" : p.geometry_status));
    }
  if (unchecked > 0)
    c.warning = fmt::format(
        "{} 个地块未核查 — {} parcel{} UNCHECKED: outside the coverage (the rules "
        "have no data there; not cleared)",
        unchecked, unchecked, unchecked == 1 ? "" : "s");
  // The result folder by its name (the run), not the whole path.
  std::string data =
      results_
          ? (std::filesystem::path(results_->dir).lexically_normal().filename() /
             (results_->has_verdicts && (verdicts || !results_->has_scores) ? "clearance.gpkg"
                                                                            : "candidates.gpkg"))
                .string()
          : std::filesystem::path(opt_.project).filename().string();
  c.subtitle = fmt::format("数据 Data: {} · 坐标系 CRS: {} · {} · {}", data, crs_label_,
                           mode_ == "2d" ? "2D 俯视, 上北 north up" : "3D 透视 perspective", date_);
  c.source = fmt::format("来源 Sources: 规则 rules {}; 图层 layers {} · 制图 SitePlan",
                         rule_files_.empty() ? "-" : join(rule_files_),
                         layer_files_.empty() ? "-" : join(layer_files_));
  if (!not_drawn.empty())
    c.note = fmt::format("未能绘制 Not drawn (invalid geometry, {}): {}", not_drawn.size(),
                         join(not_drawn, "; "));

  // Legend.
  auto list = [&](const std::string& line) {
    if (listing) listing->push_back(line);
  };
  if (results_ && verdicts) {
    page::LegendSection sec{"地块结论 Parcel verdict", {}};
    for (int i = 0; i < 5; ++i) {
      page::Swatch s;
      s.kind = page::Swatch::Outline;
      s.fill = s.line = verdict_rgb(kVerdicts[i]);
      s.fill_alpha = 0.35;
      s.line_mm = 0.5;
      int n = counts.count(kVerdicts[i]) ? counts.at(kVerdicts[i]) : 0;
      sec.items.push_back({s, fmt::format("{} · {}", kVerdictLabels[i], n)});
      list(fmt::format("verdict {} {}", kVerdicts[i], n));
    }
    c.legend.push_back(std::move(sec));
  } else if (results_) {
    page::LegendSection sec{"适宜性 Suitability score", {}};
    page::Swatch s;
    s.kind = page::Swatch::Ramp;
    s.ramp = style::styles().score_ramp;
    sec.items.push_back({s, "0 (低 low) → 1 (高 high)"});
    page::Swatch inv;
    inv.fill = inv.line = verdict_rgb("invalid");
    sec.items.push_back({inv, "未评分 not scored"});
    c.legend.push_back(std::move(sec));
    list("score ramp");
  }
  if (results_ && !results_->overlaps.empty()) {
    page::LegendSection sec{"冲突部分 Conflict (parcel ∩ rule)", {}};
    for (const char* sev : {"block", "approval", "warn"}) {
      bool any = std::any_of(results_->overlaps.begin(), results_->overlaps.end(),
                             [&](const io::ResultOverlap& o) { return o.severity == sev; });
      if (!any) continue;
      page::Swatch s;
      s.fill = severity_rgb(sev);
      s.fill_alpha = std::string(sev) == "warn" ? 0.47 : 1.0;
      s.line = darker(s.fill);
      s.line_mm = 0.2;
      std::string label = std::string(sev) == "block"      ? "禁止占用 block"
                          : std::string(sev) == "approval" ? "需审批 approval"
                                                           : "提示 warn";
      sec.items.push_back({s, label});
      list(fmt::format("conflict {}", sev));
    }
    c.legend.push_back(std::move(sec));
  }
  {
    page::LegendSection sec{fmt::format("约束图层 Rule layers ({})", layers_.size()), {}};
    for (const auto& la : layers_) {
      page::Swatch s;
      s.fill = la.colour;
      s.line = darker(la.colour);
      s.fill_alpha = layer_opacity(la);
      s.line_mm = 0.25;
      int n = deciding_.count(la.id) ? deciding_.at(la.id) : 0;
      std::string text = fmt::format("{} [{}]", la.name, la.severity);
      if (n > 0) text += fmt::format(" — 决定 {} 个地块 decides {}", n, n);
      if (la.geoms.empty()) text += " (视图内无 none in view)";
      sec.items.push_back({s, text});
      list(fmt::format("rule {} {} decides={} drawn={} {}", la.id, la.severity, n,
                       la.geoms.empty() ? 0 : 1, la.name));
    }
    if (!study_geoms_.empty()) {
      page::Swatch s;
      s.kind = page::Swatch::Line;
      s.line = {40, 40, 40};
      s.line_mm = 0.5;
      s.dashed = true;
      sec.items.push_back({s, "研究区 / 县界 study area"});
      list("study area");
    }
    if (!sec.items.empty()) c.legend.push_back(std::move(sec));
  }
  if (!geometry) return c;

  // Geometry: outlines and labels in body pixels (origin top-left).
  const bool flat = mode_ == "2d";
  auto project_ring = [&](const OGRLinearRing* ring, double lift) {
    std::unique_ptr<OGRLinearRing> dense(ring->clone());
    if (!flat) dense->segmentize(grid_.cell);
    std::vector<std::pair<double, double>> out;
    for (int k = 0; k < dense->getNumPoints(); ++k) {
      double x = dense->getX(k) - x0_, y = dense->getY(k) - y0_;
      auto d = to_display(x, y);
      (void)lift;
      out.emplace_back(d.first, body_h - d.second);
    }
    return out;
  };
  if (!study_geoms_.empty()) {
    page::Path p;
    p.colour = {40, 40, 40};
    p.width_mm = 0.5;
    p.dashed = true;
    for (const auto& g : study_geoms_) {
      std::vector<const OGRLinearRing*> rings;
      rings_of(g.get(), rings);
      for (auto* r : rings) p.rings.push_back(project_ring(r, 0));
    }
    c.paths.push_back(std::move(p));
  }
  if (results_) {
    // Parcel outlines in their verdict colour (or dark over score fills), worst verdicts last
    // so they stay on top where parcels touch.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < results_->parcels.size(); ++i)
      if (results_->parcels[i].geometry) order.push_back(i);
    auto rank_of = [](const std::string& v) {
      for (int i = 0; i < 5; ++i)
        if (v == kVerdicts[i]) return i;
      return 5;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return rank_of(results_->parcels[a].verdict) > rank_of(results_->parcels[b].verdict);
    });
    for (std::size_t i : order) {
      const auto& p = results_->parcels[i];
      page::Path path;
      path.colour = verdicts ? verdict_rgb(p.verdict) : style::Rgb{35, 35, 35};
      path.width_mm = verdicts ? 0.6 : 0.3;
      path.casing = verdicts;
      std::vector<const OGRLinearRing*> rings;
      rings_of(p.geometry.get(), rings);
      for (auto* r : rings) path.rings.push_back(project_ring(r, 0));
      if (!path.rings.empty()) c.paths.push_back(std::move(path));
    }
    // Labels: worst verdicts (or best ranks) first; the page drops those that find no room.
    std::vector<std::size_t> lab = order;
    std::stable_sort(lab.begin(), lab.end(), [&](std::size_t a, std::size_t b) {
      const auto &pa = results_->parcels[a], &pb = results_->parcels[b];
      if (pa.rank != pb.rank)
        return (pa.rank > 0 ? pa.rank : 1 << 30) < (pb.rank > 0 ? pb.rank : 1 << 30);
      return rank_of(pa.verdict) < rank_of(pb.verdict);
    });
    if (lab.size() > 400) lab.resize(400);
    for (std::size_t i : lab) {
      const auto& p = results_->parcels[i];
      OGRGeometryH pt =
          OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(p.geometry.get())));
      if (!pt) continue;
      auto d = to_display(OGR_G_GetX(pt, 0) - x0_, OGR_G_GetY(pt, 0) - y0_);
      OGR_G_DestroyGeometry(pt);
      std::string text = p.name.empty() ? p.id : p.id + " " + p.name;
      if (p.rank > 0) text = fmt::format("#{} {}", p.rank, p.name.empty() ? p.id : p.name);
      c.labels.push_back({d.first, body_h - d.second, text});
    }
  }
  // Scale at the focal point and the direction of north on the page.
  vtkCamera* cam = renderer_->GetActiveCamera();
  c.planar = cam->GetParallelProjection() != 0;
  c.metres_per_px =
      c.planar ? 2.0 * cam->GetParallelScale() / body_h
               : 2.0 * cam->GetDistance() * std::tan(cam->GetViewAngle() * M_PI / 360.0) / body_h;
  double fp[3];
  cam->GetFocalPoint(fp);
  auto a = to_display(fp[0], fp[1]);
  auto b = to_display(fp[0], fp[1] + 100.0 * c.metres_per_px);
  double ang = std::atan2(b.second - a.second, b.first - a.first) * 180.0 / M_PI - 90.0;
  c.north_deg = std::isfinite(ang) ? ang : 0.0;
  (void)body_w;
  return c;
}

}  // namespace siteplan::viewer
