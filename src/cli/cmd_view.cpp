// siteplan view / siteplan map — the VTK viewer and the headless map export.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
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
  std::string paper, legend_out;
  bool landscape = false;
  double dpi = 0;  // 0: 150 for --paper, else from --size (see below)
  CLI::Option* size_opt = nullptr;
  double exaggeration = 2.0;
  std::vector<std::string> locate, pick;
  std::vector<std::string> weights;
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
  g_v.size_opt = sub->add_option("--size", g_v.size, "window or image size WxH (pixels)");
  sub->add_option(
      "--weight", g_v.weights,
      "what-if FACTOR=WEIGHT on a suitability result (repeatable; re-scored in memory)");
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
  o.legend_out = g_v.legend_out;
  for (const auto& text : g_v.weights) {
    const auto eq = text.find('=');
    double v = 0;
    try {
      v = eq == std::string::npos ? -1 : std::stod(text.substr(eq + 1));
    } catch (const std::exception&) {
      v = -1;
    }
    if (eq == std::string::npos || !(v >= 0))
      throw UsageError(fmt::format("--weight {}: expected FACTOR=WEIGHT, e.g. road=0.3", text));
    o.weights.emplace_back(text.substr(0, eq), v);
  }
  if (!g_v.paper.empty()) {
    // ISO A sizes in mm (portrait); text and lines are sized in points, so the dpi only changes
    // the sharpness.
    if (g_v.size_opt && g_v.size_opt->count() > 0)
      throw UsageError("--paper and --size: give one of them");
    double w = g_v.paper == "A4" ? 210 : (g_v.paper == "A3" ? 297 : 420);
    double h = g_v.paper == "A4" ? 297 : (g_v.paper == "A3" ? 420 : 594);
    if (g_v.landscape) std::swap(w, h);
    o.dpi = g_v.dpi > 0 ? g_v.dpi : 150;
    o.width = static_cast<int>(std::lround(w / 25.4 * o.dpi));
    o.height = static_cast<int>(std::lround(h / 25.4 * o.dpi));
    if (o.width > 16384 || o.height > 16384)
      throw UsageError(
          fmt::format("--paper {} at --dpi {:g} is {}x{} pixels, over 16384: lower "
                      "--dpi",
                      g_v.paper, o.dpi, o.width, o.height));
  } else {
    char x = 0;
    std::istringstream ss(g_v.size);
    if (!(ss >> o.width >> x >> o.height) || x != 'x' || o.width < 64 || o.height < 64 ||
        o.width > 16384 || o.height > 16384)
      throw UsageError("--size '" + g_v.size + "': expected WxH, e.g. 1600x1000");
    if (g_v.landscape) throw UsageError("--landscape goes with --paper");
    // A bare pixel size is read as a page at least as large as A4's short side (8.27 in), so
    // 3508x2480 is A4 at 300 dpi and 800x600 a small page at 96 dpi.
    o.dpi = g_v.dpi > 0 ? g_v.dpi : std::max(96.0, std::min(o.width, o.height) / (210 / 25.4));
  }
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
  map->add_option("--paper", g_v.paper, "page size: A4, A3 or A2 (portrait unless --landscape)")
      ->check(CLI::IsMember({"A4", "A3", "A2"}));
  map->add_flag("--landscape", g_v.landscape, "with --paper: the long side across");
  map->add_option("--dpi", g_v.dpi, "pixels per inch of the page (default 150 with --paper)")
      ->check(CLI::Range(50.0, 1200.0));
  map->add_option("--legend-out", g_v.legend_out,
                  "also write the legend's entries (one per line) to this text file");
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
