// siteplan view / siteplan map — the VTK viewer and the headless map export.
#include <cstdio>
#include <sstream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#ifdef SITEPLAN_HAS_VIEWER
#include "viewer/viewer.hpp"
#endif

namespace siteplan::cli {
namespace {
struct ViewArgs {
  std::string project, result, color = "auto", mode = "3d", out, size = "1600x1000";
  double exaggeration = 2.0;
  std::vector<std::string> locate, pick;
  int frames = 0;
} g_v;

void common(CLI::App* sub) {
  sub->add_option("project", g_v.project, "project file (.toml)")->required();
  sub->add_option("--result", g_v.result, "a suitability or clearance output folder");
  sub->add_option("--color", g_v.color, "score, verdict or auto")
      ->check(CLI::IsMember({"auto", "score", "verdict"}));
  sub->add_option("--mode", g_v.mode, "2d (top-down, north up) or 3d")
      ->check(CLI::IsMember({"2d", "3d"}));
  sub->add_option("--exaggeration", g_v.exaggeration, "vertical exaggeration")
      ->check(CLI::Range(0.1, 50.0));
  sub->add_option("--size", g_v.size, "window or image size WxH");
}

#ifdef SITEPLAN_HAS_VIEWER
viewer::ViewOptions options() {
  viewer::ViewOptions o;
  o.project = g_v.project;
  o.result_dir = g_v.result;
  o.color = g_v.color;
  o.mode = g_v.mode;
  o.exaggeration = g_v.exaggeration;
  o.out = g_v.out;
  o.locate = g_v.locate;
  o.frames = g_v.frames;
  char x = 0;
  std::istringstream ss(g_v.size);
  if (!(ss >> o.width >> x >> o.height) || x != 'x' || o.width < 64 || o.height < 64 ||
      o.width > 16384 || o.height > 16384)
    throw UsageError("--size '" + g_v.size + "': expected WxH, e.g. 1600x1000");
  for (const auto& p : g_v.pick) {
    int px = 0, py = 0;
    char comma = 0;
    std::istringstream ps(p);
    if (!(ps >> px >> comma >> py) || comma != ',')
      throw UsageError("--pick '" + p + "': expected X,Y");
    o.picks.emplace_back(px, py);
  }
  return o;
}
#endif
}  // namespace

void register_view(CLI::App& app) {
  auto* view = app.add_subcommand("view", "interactive 3D/2D viewer of candidates over terrain");
  common(view);
  auto* map = app.add_subcommand("map", "render the viewer's scene to PNG or PDF without a window");
  common(map);
  map->add_option("--out", g_v.out, "FILE.png or FILE.pdf")->required();
  map->add_option("--locate", g_v.locate,
                  "print the image position of a parcel id, or of X,Y in the working CRS");
  map->add_option("--pick", g_v.pick, "print the parcel id under image position X,Y");
  map->add_option("--frames", g_v.frames, "time N frames while rotating (benchmark)")
      ->check(CLI::Range(0, 100000));
}

int run_view_command(bool interactive) {
#ifdef SITEPLAN_HAS_VIEWER
  return interactive ? viewer::run_view(options()) : viewer::render_map(options());
#else
  (void)interactive;
  throw UsageError(
      "this siteplan was built without the viewer (-DSITEPLAN_VIEWER=ON needs libvtk9-dev)");
#endif
}

}  // namespace siteplan::cli
