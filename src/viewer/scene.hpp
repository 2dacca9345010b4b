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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/grid.hpp"
#include "engine/suitability.hpp"
#include "export/style.hpp"
#include "io/result_reader.hpp"
#include "project/project.hpp"
#include "viewer/page.hpp"
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
  // Printed map: VTK draws the map body only (terrain, fills, conflict pieces); the page (title,
  // legends, scale, outlines, labels) is drawn by page.cpp. Hides the window's overlays.
  void set_print(bool on);
  // The body's size in pixels (sets the camera's aspect and resets the camera).
  void set_viewport(int width, int height);
  // What the page shows around and over the body. Geometry (paths, labels, scale) only when
  // `geometry`, after a render at the body size. `listing` gets one line per legend entry.
  page::Content page_content(bool geometry, int body_w, int body_h,
                             std::vector<std::string>* listing = nullptr) const;
  // Display coordinates (origin bottom-left) of a point in local coordinates.
  std::pair<double, double> to_display(double x, double y) const;

  // Display coordinates (origin bottom-left, as VTK) → parcel index (or −1); highlights it and
  // fills the info panel.
  int pick(int x, int y);
  // Display position of a parcel's label point, when visible.
  std::optional<std::pair<double, double>> locate(const std::string& id);
  const io::ResultSet* results() const { return results_; }
  std::string help_text() const;

  // What-if (scene_weights.cpp): with a suitability result that has run.json and factors.tif,
  // weights change live — the map and the candidates are re-scored in memory (engine::reweight),
  // the parcels recoloured, and the weights panel shows the weights, the AHP consistency ratio
  // and the top 10 with what changed.
  bool can_reweight() const { return static_cast<bool>(whatif_); }
  void select_factor(int step);      // the factor the weight keys act on
  void scale_weight(double factor);  // its weight × factor (AHP: its row of judgements)
  // FACTOR=W for some factors (the others keep theirs; rescaled to sum to 1). Throws InputError.
  void set_weights(const std::vector<std::pair<std::string, double>>& weights);
  std::string weights_text() const;  // the panel's text
  // The current top 10 as "rank id (was r)" lines.
  std::vector<std::string> top10() const;

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
  double lift_for(double level) const;
  void build_conflicts();
  static const std::vector<style::Rgb>& layer_palette();
  struct LayerActors;
  double layer_opacity(const LayerActors& la) const;
  void load_whatif();
  void apply_weights(const std::vector<double>& w);
  double parcel_score(std::size_t i) const;

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
  std::string crs_label_, date_;
  std::vector<std::string> rule_files_, layer_files_;
  std::map<std::string, int> deciding_;  // rule id → parcels it decides
  bool print_ = false;

  vtkSmartPointer<vtkRenderer> renderer_;
  vtkSmartPointer<vtkActor> terrain_, parcels_, parcel_lines_, highlight_, study_;
  vtkSmartPointer<vtkActor> conflicts_block_, conflicts_approval_, conflicts_warn_;
  vtkSmartPointer<vtkPolyData> terrain_pd_, parcels_pd_, parcel_lines_pd_;
  struct LayerActors {
    std::string id, name;
    std::string severity;
    style::Rgb colour;
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
  std::shared_ptr<engine::SuitabilityResult> whatif_;  // from run.json + factors.tif
  std::map<std::string, int> run_rank_;                // rank in the run as written
  std::vector<double> live_score_;                     // per results_ parcel; −1 none
  int factor_sel_ = 0;
  vtkSmartPointer<vtkTextActor> weights_;
};

// A CJK-capable font file (Noto Sans CJK, WenQuanYi Zen Hei), or "" when none is installed.
std::string find_cjk_font();

}  // namespace siteplan::viewer
