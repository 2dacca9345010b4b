// Interactive window and headless map export over the same Scene.
#include "viewer/viewer.hpp"

#include <fmt/core.h>
#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkInteractorStyleImage.h>
#include <vtkInteractorStyleTerrain.h>
#include <vtkPNGWriter.h>
#include <vtkRenderWindow.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkWindowToImageFilter.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/result_reader.hpp"
#include "project/project.hpp"
#include "viewer/page.hpp"
#include "viewer/scene.hpp"
#include "viewer/xvfb.hpp"

namespace fs = std::filesystem;

namespace siteplan::viewer {

namespace {

struct Loaded {
  Project project;
  std::unique_ptr<io::ResultSet> results;
};

Loaded load(const ViewOptions& o) {
  Loaded l;
  l.project = load_project(o.project);
  if (!o.result_dir.empty())
    l.results = std::make_unique<io::ResultSet>(io::read_results(o.result_dir));
  if (o.color == "score" && l.results && !l.results->has_scores)
    throw UsageError(o.result_dir + ": no scores here (no candidates.gpkg); use --color verdict");
  if (o.color == "verdict" && l.results && !l.results->has_verdicts)
    throw UsageError(o.result_dir + ": no verdicts here (no clearance.gpkg); use --color score");
  return l;
}

void save_png(vtkRenderWindow* win, const std::string& path) {
  auto grab = vtkSmartPointer<vtkWindowToImageFilter>::New();
  grab->SetInput(win);
  grab->SetInputBufferTypeToRGB();
  grab->ReadFrontBufferOff();
  grab->Update();
  auto writer = vtkSmartPointer<vtkPNGWriter>::New();
  writer->SetFileName(path.c_str());
  writer->SetInputConnection(grab->GetOutputPort());
  writer->Write();
  if (!fs::exists(path) || fs::file_size(path) == 0)
    throw RuntimeError(path + ": writing the PNG failed");
}

struct Interaction {
  Scene* scene;
  vtkRenderWindowInteractor* iren;
  vtkRenderWindow* win;
};

void render(Interaction& in);

// The standard styles (pan/zoom in 2D, terrain rotation in 3D) with click-to-pick: a press and
// release at the same spot (a click, not a drag) picks the parcel under the pointer.
template <typename Base>
class PickingStyle : public Base {
 public:
  static PickingStyle* New() { return new PickingStyle; }
  Interaction* in = nullptr;
  void OnLeftButtonDown() override {
    press_ = {this->Interactor->GetEventPosition()[0], this->Interactor->GetEventPosition()[1]};
    Base::OnLeftButtonDown();
  }
  void OnLeftButtonUp() override {
    Base::OnLeftButtonUp();
    int x = this->Interactor->GetEventPosition()[0], y = this->Interactor->GetEventPosition()[1];
    if (in && std::abs(x - press_.first) + std::abs(y - press_.second) <= 3) {
      int index = in->scene->pick(x, y);
      log::debug("click at {},{} -> parcel {}", x, y, index);
      render(*in);
    }
  }

 private:
  std::pair<int, int> press_{-100, -100};
};

void apply_style(Interaction& in) {
  if (in.scene->mode() == "2d") {
    auto style = vtkSmartPointer<PickingStyle<vtkInteractorStyleImage>>::New();
    style->in = &in;
    in.iren->SetInteractorStyle(style);
  } else {
    auto style = vtkSmartPointer<PickingStyle<vtkInteractorStyleTerrain>>::New();
    style->in = &in;
    in.iren->SetInteractorStyle(style);
  }
}

void render(Interaction& in) {
  int* size = in.win->GetSize();
  in.scene->update_overlays(size[0], size[1]);
  in.win->Render();
}

void on_key(vtkObject* caller, unsigned long, void* data, void*) {
  auto* in = static_cast<Interaction*>(data);
  auto* iren = static_cast<vtkRenderWindowInteractor*>(caller);
  std::string key = iren->GetKeySym() ? iren->GetKeySym() : "";
  char ch = iren->GetKeyCode();
  Scene& s = *in->scene;
  if (ch == 'h')
    s.toggle_help();
  else if (ch == '2' && key != "KP_2") {
    s.set_mode("2d");
    apply_style(*in);
  } else if (ch == '3') {
    s.set_mode("3d");
    apply_style(*in);
  } else if (ch == 'c')
    s.set_color(s.color() == "score" ? "verdict" : "score");
  else if (ch == '+' || ch == '=')
    s.set_exaggeration(s.exaggeration() * 1.5);
  else if (ch == '-')
    s.set_exaggeration(s.exaggeration() / 1.5);
  else if (ch == 'r')
    s.reset_camera();
  else if (ch == 's') {
    save_png(in->win, "siteplan-view.png");
    log::info("saved siteplan-view.png");
  } else if (ch >= '4' && ch <= '9')
    s.toggle_layer(static_cast<std::size_t>(ch - '1'));
  else if (ch == '1')
    s.toggle_layer(0);
  else if (ch == 'w' && s.can_reweight())
    s.select_factor(1);
  else if (ch == ']' && s.can_reweight())
    s.scale_weight(1.25);
  else if (ch == '[' && s.can_reweight())
    s.scale_weight(1 / 1.25);
  else
    return;
  render(*in);
}

void on_render(vtkObject*, unsigned long, void* data, void*) {
  auto* in = static_cast<Interaction*>(data);
  int* size = in->win->GetSize();
  in->scene->update_overlays(size[0], size[1]);
}

}  // namespace

int run_view(const ViewOptions& o) {
  if (!display_usable())
    throw RuntimeError(
        "no X display: `siteplan view` needs one (DISPLAY is unset or unusable); for "
        "reports use `siteplan map ... --out map.png`, which runs headless");
  Loaded l = load(o);
  auto win = vtkSmartPointer<vtkRenderWindow>::New();
  win->SetSize(o.width, o.height);
  win->SetWindowName("SitePlan");
  Scene scene(l.project, l.results.get(), o);
  if (!o.weights.empty()) scene.set_weights(o.weights);
  win->AddRenderer(scene.renderer());
  auto iren = vtkSmartPointer<vtkRenderWindowInteractor>::New();
  iren->SetRenderWindow(win);
  Interaction in{&scene, iren, win};
  apply_style(in);
  auto key = vtkSmartPointer<vtkCallbackCommand>::New();
  key->SetCallback(on_key);
  key->SetClientData(&in);
  iren->RemoveObservers(vtkCommand::CharEvent);  // our keys replace VTK's defaults (w, s, e ...)
  iren->AddObserver(vtkCommand::CharEvent, key, 1.0);
  auto before = vtkSmartPointer<vtkCallbackCommand>::New();
  before->SetCallback(on_render);
  before->SetClientData(&in);
  scene.renderer()->AddObserver(vtkCommand::StartEvent, before);
  iren->Initialize();
  render(in);
  iren->Start();
  return 0;
}

namespace {

// Test hooks: where parcels or points land on the page (--locate), what a click picks (--pick).
// Page pixels (origin top-left) ↔ map body display coordinates (origin bottom-left).
void report_locations(const ViewOptions& o, const page::Layout& lay, Scene& scene,
                      const Loaded& l) {
  for (const auto& id : o.locate) {
    auto pos = scene.locate(id);  // a parcel id, or "X,Y" in the working CRS
    if (pos)
      std::printf("locate %s %d %d\n", id.c_str(),
                  lay.frame_x + static_cast<int>(std::lround(pos->first)),
                  lay.frame_y + static_cast<int>(std::lround(lay.frame_h - 1 - pos->second)));
    else
      std::printf("locate %s none\n", id.c_str());
  }
  for (auto [x, y] : o.picks) {
    int bx = x - lay.frame_x, by = lay.frame_h - 1 - (y - lay.frame_y);
    int idx = bx >= 0 && by >= 0 && bx < lay.frame_w && by < lay.frame_h ? scene.pick(bx, by) : -1;
    std::printf("pick %d %d %s\n", x, y,
                idx >= 0 && l.results ? l.results->parcels[static_cast<std::size_t>(idx)].id.c_str()
                                      : "none");
  }
}

// The legend listing (stdout and --legend-out) and the page's measures.
void report_page(const ViewOptions& o, const page::Layout& lay, const page::Drawn& drawn,
                 const std::vector<std::string>& listing) {
  for (const auto& line : listing) std::printf("legend: %s\n", line.c_str());
  if (!o.legend_out.empty()) {
    std::ofstream f(o.legend_out);
    for (const auto& line : listing) f << line << "\n";
    if (!f) throw RuntimeError(o.legend_out + ": cannot write the legend listing");
  }
  std::printf(
      "page %dx%d px at %g dpi (%.0fx%.0f mm), map frame %dx%d px at %d,%d; title %.1f pt\n",
      o.width, o.height, o.dpi, o.width / o.dpi * 25.4, o.height / o.dpi * 25.4, lay.frame_w,
      lay.frame_h, lay.frame_x, lay.frame_y, drawn.title_pt);
  if (drawn.scale_denom > 0)
    std::printf("scale 1:%ld, scale bar %g m\n", drawn.scale_denom, drawn.scale_bar_m);
  std::printf("labels %d placed, %d dropped (no room)\n", drawn.labels_placed,
              drawn.labels_dropped);
}

}  // namespace

int render_map(const ViewOptions& o) {
  if (o.out.empty()) throw UsageError("map needs --out FILE.png or FILE.pdf");
  std::string ext = fs::path(o.out).extension().string();
  if (ext != ".png" && ext != ".pdf") throw UsageError(o.out + ": --out must end in .png or .pdf");
  Loaded l = load(o);
  XDisplay display(o.width, o.height);
  auto t0 = std::chrono::steady_clock::now();
  // The page: VTK renders the map body at the frame's size; page.cpp draws the rest around and
  // over it (see docs/maps.md).
  Scene scene(l.project, l.results.get(), o);
  if (!o.weights.empty()) {
    scene.set_weights(o.weights);
    std::string text = scene.weights_text();
    for (std::size_t a = 0, b; a < text.size(); a = b + 1) {
      b = text.find('\n', a);
      if (b == std::string::npos) b = text.size();
      std::printf("what-if: %s\n", text.substr(a, b - a).c_str());
    }
  }
  scene.set_print(true);
  page::Layout lay = page::layout(o.width, o.height, o.dpi, scene.page_content(false, 0, 0));
  scene.set_viewport(lay.frame_w, lay.frame_h);
  auto win = vtkSmartPointer<vtkRenderWindow>::New();
  win->SetOffScreenRendering(1);
  win->SetSize(lay.frame_w, lay.frame_h);
  win->SetMultiSamples(0);
  win->AddRenderer(scene.renderer());
  win->Render();
  double first = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  report_locations(o, lay, scene, l);
  if (!o.picks.empty()) win->Render();

  auto grab = vtkSmartPointer<vtkWindowToImageFilter>::New();
  grab->SetInput(win);
  grab->SetInputBufferTypeToRGB();
  grab->ReadFrontBufferOff();
  grab->Update();
  vtkImageData* img = grab->GetOutput();
  int dims[3];
  img->GetDimensions(dims);
  if (dims[0] != lay.frame_w || dims[1] != lay.frame_h)
    throw RuntimeError(fmt::format("the map body rendered at {}x{}, not {}x{}", dims[0], dims[1],
                                   lay.frame_w, lay.frame_h));
  std::vector<std::string> listing;
  page::Content content = scene.page_content(true, lay.frame_w, lay.frame_h, &listing);

  fs::path out(o.out);
  if (!out.parent_path().empty()) fs::create_directories(out.parent_path());
  std::string tmp = (out.parent_path() / (".siteplan-partial-" + out.filename().string())).string();
  page::Drawn drawn;
  try {
    drawn = page::draw(tmp, ext == ".pdf", lay, content,
                       static_cast<const unsigned char*>(img->GetScalarPointer()));
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  fs::rename(tmp, out);
  report_page(o, lay, drawn, listing);
  if (o.frames > 0) {
    auto t1 = std::chrono::steady_clock::now();
    for (int i = 0; i < o.frames; ++i) {
      scene.renderer()->GetActiveCamera()->Azimuth(360.0 / o.frames);
      win->Render();
    }
    double per =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() / o.frames;
    std::printf(
        "first frame %.3f s (load + build + render), %.1f ms per frame while rotating (%d "
        "frames)\n",
        first, per * 1000.0, o.frames);
  }
  std::printf("wrote %s\n", o.out.c_str());
  return 0;
}

}  // namespace siteplan::viewer
