#pragma once
// Result → VTK scene: terrain (shaded, vertical exaggeration), parcels draped on it and coloured by
// score or verdict, constraint layers as translucent fills with outlines, the study-area outline,
// CJK labels, legend, scale bar, north arrow, info and help panels. Shared by the interactive
// window and the headless map export, so both show the same thing.
#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkPolyData.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkTextActor.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/grid.hpp"
#include "export/style.hpp"
#include "io/result_reader.hpp"
#include "project/project.hpp"
#include "viewer/viewer.hpp"

class vtkScalarBarActor;
class vtkLegendBoxActor;
class vtkBillboardTextActor3D;
class vtkLookupTable;

namespace siteplan::viewer {

class Scene {
 public:
  Scene(const Project& project, const io::ResultSet* results, const ViewOptions& options);
  vtkRenderer* renderer() const { return renderer_; }

  void set_mode(const std::string& mode);  // "2d" | "3d"; resets the camera
  const std::string& mode() const { return mode_; }
  void set_color(const std::string& color);  // "score" | "verdict"
  const std::string& color() const { return color_; }
  void set_exaggeration(double e);
  double exaggeration() const { return exaggeration_; }
  void toggle_layer(std::size_t i);
  void toggle_help();
  void reset_camera();
  // Call before each render: keeps the scale bar true to the view.
  void update_overlays(int width, int height);

  // Display coordinates (origin bottom-left, as VTK) → parcel index (or −1); highlights it and
  // fills the info panel.
  int pick(int x, int y);
  // Display position of a parcel's label point, when visible.
  std::optional<std::pair<double, double>> locate(const std::string& id);
  const io::ResultSet* results() const { return results_; }
  std::string help_text() const;

 private:
  double z_at(double x, double y) const;  // terrain height × exaggeration (local coordinates)
  vtkSmartPointer<vtkPolyData> fill_polygons(const std::vector<const OGRGeometry*>& geoms,
                                             const std::vector<int>& ids, double lift) const;
  vtkSmartPointer<vtkPolyData> outline_polygons(const std::vector<const OGRGeometry*>& geoms,
                                                double lift) const;
  void build_terrain(const Project& project);
  void build_parcels();
  void load_layers(const Project& project);  // the rules' features in view, once
  void drape_layers();                       // their fills and outlines on the terrain
  void build_overlays();
  void recolor();
  void restack();        // re-drape everything after an exaggeration or mode change
  void shade_terrain();  // normals from the relief (flattened afterwards in 2D)
  void flatten_terrain();
  double lift_for(int level) const;
  static const std::vector<style::Rgb>& layer_palette();

  const io::ResultSet* results_;
  ViewOptions opt_;
  std::string title_text_;
  std::map<std::string, std::pair<std::string, std::string>> rule_info_;  // id → (name, basis)
  std::string mode_, color_;
  double exaggeration_;
  double x0_ = 0, y0_ = 0;  // local origin (floats in VTK lose metres at 2.9e6)
  gis::Extent extent_;
  engine::Grid grid_;
  engine::Raster elevation_;
  double zmin_ = 0, zmax_ = 0;
  std::string font_file_;

  vtkSmartPointer<vtkRenderer> renderer_;
  vtkSmartPointer<vtkActor> terrain_, parcels_, parcel_lines_, highlight_, study_;
  vtkSmartPointer<vtkPolyData> terrain_pd_, parcels_pd_, parcel_lines_pd_;
  struct LayerActors {
    std::string name;
    std::string severity;
    vtkSmartPointer<vtkActor> fill, line;
    std::vector<gis::OgrGeomPtr> geoms;
    bool visible = true;
  };
  std::vector<LayerActors> layers_;
  std::vector<gis::OgrGeomPtr> study_geoms_;
  std::vector<vtkSmartPointer<vtkBillboardTextActor3D>> labels_;
  std::vector<std::size_t> label_parcel_;
  vtkSmartPointer<vtkScalarBarActor> scalar_bar_;
  vtkSmartPointer<vtkLegendBoxActor> verdict_legend_, layer_legend_;
  vtkSmartPointer<vtkTextActor> title_, info_, help_, north_, scale_text_;
  vtkSmartPointer<vtkActor2D> scale_bar_;
  vtkSmartPointer<vtkPolyData> scale_pd_;
  vtkSmartPointer<vtkLookupTable> ramp_;
  int selected_ = -1;
};

// A CJK-capable font file (Noto Sans CJK, WenQuanYi Zen Hei), or "" when none is installed.
std::string find_cjk_font();

}  // namespace siteplan::viewer
