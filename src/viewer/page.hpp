#pragma once
// The printed map page (`siteplan map`), drawn with cairo + pango: the map body rendered by VTK as
// an image inside a frame, and over it, as vectors and real text, the title block, the legend
// panel beside the frame, scale bar, north arrow, parcel outlines, labels, source line and notes.
// PNG (cairo image surface) and PDF (cairo PDF surface, CJK font embedded as a subset) come from
// the same drawing code, so they look the same. Sizes are in points and millimetres; the page's
// dpi turns them into pixels. Free of VTK: the scene hands over plain data.
#include <string>
#include <utility>
#include <vector>

#include "export/style.hpp"

namespace siteplan::viewer::page {

struct Swatch {
  enum Kind { Fill, Outline, Line, Ramp } kind = Fill;
  style::Rgb fill, line;
  double fill_alpha = 1.0;
  double line_mm = 0.3;
  bool dashed = false;
  std::vector<style::Rgb> ramp;  // Ramp: colours low → high
};
struct LegendItem {
  Swatch swatch;
  std::string text;
};
struct LegendSection {
  std::string title;
  std::vector<LegendItem> items;
};

// A polyline set in map-body pixels (origin top-left, as the body image).
struct Path {
  std::vector<std::vector<std::pair<double, double>>> rings;
  style::Rgb colour;
  double width_mm = 0.3;
  bool dashed = false;  // dash-dot, the boundary convention
  bool casing = false;  // a white casing under the line, to read on any background
};
struct Label {
  double x = 0, y = 0;  // anchor in map-body pixels
  std::string text;
};

struct Content {
  std::string title, warning, subtitle, source, note;
  std::vector<LegendSection> legend;
  std::vector<Path> paths;
  std::vector<Label> labels;  // in priority order: earlier labels win a contested place
  double metres_per_px = 0;   // body pixel size on the ground at the centre
  bool planar = true;         // 2D top-down: the scale holds everywhere (1:N is printed)
  double north_deg = 0;       // direction of north on the page, degrees counter-clockwise from up
};

struct Layout {
  int page_w = 0, page_h = 0;  // pixels
  double dpi = 96;
  int frame_x = 0, frame_y = 0, frame_w = 0, frame_h = 0;  // the map body, pixels
};

// Places the frame on a page of page_w × page_h pixels at `dpi`: title block above, legend
// panel to the right, source line and notes below. Needs the texts of `c` (not its geometry).
Layout layout(int page_w, int page_h, double dpi, const Content& c);

struct Drawn {
  int labels_placed = 0, labels_dropped = 0;
  double title_pt = 0;     // the title's font size
  long scale_denom = 0;    // 1:N printed (0 when not planar)
  double scale_bar_m = 0;  // the scale bar's length on the ground
};
// Writes the page to `path` (PNG or PDF). `rgb` is the body image, frame_w × frame_h, 3 bytes a
// pixel, rows bottom-up (as VTK reads them).
Drawn draw(const std::string& path, bool pdf, const Layout& l, const Content& c,
           const unsigned char* rgb);

// 1-2-5 steps: the largest of 1, 2, 5 × 10^k not above x.
double nice_floor(double x);
// A map scale denominator rounded to two significant figures (47 312 → 47 000).
long round_scale(double denom);

}  // namespace siteplan::viewer::page
