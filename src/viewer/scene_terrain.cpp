// The relief under the scene: the DEM resampled to the view's extent, its heights (with the
// vertical exaggeration), hill shading, and the flat version used by the 2D map.
#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkLookupTable.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataNormals.h>
#include <vtkProperty.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/log.hpp"
#include "engine/terrain.hpp"
#include "io/raster.hpp"
#include "viewer/scene.hpp"
#include "viewer/vtk_util.hpp"

namespace siteplan::viewer {

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
  terrain_pd_ = pd;
  shade_terrain();

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

void Scene::set_exaggeration(double e) {
  exaggeration_ = std::clamp(e, 0.1, 50.0);
  restack();
}

void Scene::restack() {
  // Heights of the terrain from its elevations, then everything draped on it.
  auto* pts = terrain_pd_->GetPoints();
  auto* elev = vtkFloatArray::SafeDownCast(terrain_pd_->GetPointData()->GetArray("elevation"));
  for (vtkIdType i = 0; i < pts->GetNumberOfPoints(); ++i) {
    double p[3];
    pts->GetPoint(i, p);
    pts->SetPoint(i, p[0], p[1], (elev->GetValue(i) - zmin_) * exaggeration_);
  }
  shade_terrain();
  vtkPolyDataMapper::SafeDownCast(terrain_->GetMapper())->SetInputData(terrain_pd_);
  drape_layers();
  build_parcels();
  recolor();
  selected_ = -1;
  highlight_->VisibilityOff();
  renderer_->ResetCameraClippingRange();
}

void Scene::shade_terrain() {
  auto normals = vtkSmartPointer<vtkPolyDataNormals>::New();
  normals->SetInputData(terrain_pd_);
  normals->SplittingOff();
  normals->ConsistencyOff();
  normals->Update();
  terrain_pd_ = normals->GetOutput();
  if (mode_ == "2d") flatten_terrain();
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

}  // namespace siteplan::viewer
