#pragma once
// The viewer's public face, free of VTK: the CLI calls these; everything VTK lives in src/viewer.
#include <string>
#include <utility>
#include <vector>

namespace siteplan::viewer {

struct ViewOptions {
  std::string project;              // project file (layers, DEM, rules)
  std::string result_dir;           // output of `suitability` or `clearance` ("" = layers only)
  std::string color = "auto";       // score | verdict | auto
  std::string mode = "3d";          // 2d | 3d
  int width = 1600, height = 1000;  // window, or the whole page of a map, in pixels
  double dpi = 96;                  // map: pixels per inch of the page (text sizes are in points)
  double exaggeration = 2.0;
  std::string out;                         // map: FILE.png | FILE.pdf
  std::vector<std::string> locate;         // map: print the image position of these parcels
  std::vector<std::pair<int, int>> picks;  // map: print the parcel under these image positions
  int frames = 0;                          // map: also time N frames while rotating (benchmark)
  std::string legend_out;                  // map: also write the legend listing to this file
  std::vector<std::pair<std::string, double>> weights;  // what-if: FACTOR=W before showing
};

// Interactive window. Returns the exit code.
int run_view(const ViewOptions& options);
// Headless render to PNG or PDF (starts a private Xvfb when there is no usable display).
int render_map(const ViewOptions& options);

}  // namespace siteplan::viewer
