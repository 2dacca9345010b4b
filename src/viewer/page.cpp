// The map page with cairo + pango: see page.hpp. All drawing is in points (1/72 in); an image
// surface is scaled by dpi/72, a PDF surface is in points already.
#include "viewer/page.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/core.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "core/error.hpp"

namespace siteplan::viewer::page {

namespace {

constexpr double kPtPerMm = 72.0 / 25.4;

// Text sizes and spacing (points), the same on every page up to A3; larger sheets grow a little.
struct Metrics {
  double k = 1.0;
  double margin = 10 * kPtPerMm, gap = 3 * kPtPerMm;
  double title = 16, warning = 9.5, subtitle = 8, footer = 6.5, legend = 7, legend_title = 8,
         label = 7.5;
  double panel_w = 60 * kPtPerMm;
  explicit Metrics(double page_w_pt, double page_h_pt) {
    double short_mm = std::min(page_w_pt, page_h_pt) / kPtPerMm;
    k = short_mm >= 400 ? 1.25 : 1.0;
    margin = std::clamp(0.04 * short_mm, 4.0, 12.0) * kPtPerMm;
    gap = std::clamp(0.015 * short_mm, 2.0, 4.0) * kPtPerMm;
    for (double* v : {&title, &warning, &subtitle, &footer, &legend, &legend_title, &label})
      *v *= k;
    panel_w = std::clamp(0.22 * page_w_pt, 42 * kPtPerMm, 70 * kPtPerMm * k);
    panel_w = std::min(panel_w, 0.36 * page_w_pt);
  }
};

void set_rgb(cairo_t* cr, const style::Rgb& c, double a = 1.0) {
  cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, a);
}

std::string font_families() {
  std::string f;
  for (const auto& name : style::styles().fonts) f += (f.empty() ? "" : ",") + name;
  return f.empty() ? "Noto Sans CJK SC" : f;
}

// A pango layout for `cr`: absolute size in points (user units), wrapped at `wrap` points when
// > 0, unhinted metrics so the page looks the same at every dpi and in PDF.
struct Text {
  PangoLayout* layout = nullptr;
  double w = 0, h = 0;
  Text(cairo_t* cr, const std::string& text, double size, bool bold, double wrap = 0) {
    layout = pango_cairo_create_layout(cr);
    PangoContext* ctx = pango_layout_get_context(layout);
    cairo_font_options_t* fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(ctx, 72.0);
    pango_layout_context_changed(layout);
    PangoFontDescription* fd = pango_font_description_from_string(font_families().c_str());
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    if (wrap > 0) {
      pango_layout_set_width(layout, static_cast<int>(wrap * PANGO_SCALE));
      pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(layout, text.c_str(), -1);
    PangoRectangle ink, logical;
    pango_layout_get_extents(layout, &ink, &logical);
    w = static_cast<double>(logical.width) / PANGO_SCALE;
    h = static_cast<double>(logical.height) / PANGO_SCALE;
  }
  ~Text() { g_object_unref(layout); }
  Text(const Text&) = delete;
  Text& operator=(const Text&) = delete;
  void show(cairo_t* cr, double x, double y, const style::Rgb& c = {25, 25, 25}) const {
    cairo_move_to(cr, x, y);
    set_rgb(cr, c);
    pango_cairo_update_layout(cr, layout);
    pango_cairo_show_layout(cr, layout);
  }
  // Text with a white halo (stroked outline under the real text), for labels on the map.
  void show_halo(cairo_t* cr, double x, double y, double halo) const {
    cairo_move_to(cr, x, y);
    pango_cairo_update_layout(cr, layout);
    pango_cairo_layout_path(cr, layout);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, halo);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    show(cr, x, y);
  }
};

// Title block height: title, the red warning line, subtitle.
double header_height(cairo_t* cr, const Metrics& m, const Content& c, double width) {
  double h = Text(cr, c.title, m.title, true, width).h;
  if (!c.warning.empty()) h += Text(cr, c.warning, m.warning, true, width).h;
  if (!c.subtitle.empty()) h += Text(cr, c.subtitle, m.subtitle, false, width).h;
  return h;
}
double footer_height(cairo_t* cr, const Metrics& m, const Content& c, double width) {
  double h = 0;
  if (!c.source.empty()) h += Text(cr, c.source, m.footer, false, width).h;
  if (!c.note.empty()) h += Text(cr, c.note, m.footer, false, width).h;
  return h;
}

struct Scratch {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 4, 4);
  cairo_t* cr = cairo_create(s);
  ~Scratch() {
    cairo_destroy(cr);
    cairo_surface_destroy(s);
  }
};

void swatch(cairo_t* cr, const Swatch& s, double x, double y, double w, double h) {
  const double lw = std::max(0.3, s.line_mm * kPtPerMm);
  switch (s.kind) {
    case Swatch::Fill:
    case Swatch::Outline:
      cairo_rectangle(cr, x + lw / 2, y + lw / 2, w - lw, h - lw);
      set_rgb(cr, s.fill, s.fill_alpha);
      cairo_fill_preserve(cr);
      set_rgb(cr, s.line);
      cairo_set_line_width(cr, lw);
      cairo_stroke(cr);
      break;
    case Swatch::Line: {
      cairo_move_to(cr, x, y + h / 2);
      cairo_line_to(cr, x + w, y + h / 2);
      set_rgb(cr, s.line);
      cairo_set_line_width(cr, lw);
      if (s.dashed) {
        double d[] = {3 * lw, 1.2 * lw, 0.6 * lw, 1.2 * lw};
        cairo_set_dash(cr, d, 4, 0);
      }
      cairo_stroke(cr);
      cairo_set_dash(cr, nullptr, 0, 0);
      break;
    }
    case Swatch::Ramp: {
      cairo_pattern_t* p = cairo_pattern_create_linear(x, 0, x + w, 0);
      for (std::size_t i = 0; i < s.ramp.size(); ++i)
        cairo_pattern_add_color_stop_rgb(
            p,
            s.ramp.size() > 1 ? static_cast<double>(i) / static_cast<double>(s.ramp.size() - 1) : 0,
            s.ramp[i].r / 255.0, s.ramp[i].g / 255.0, s.ramp[i].b / 255.0);
      cairo_rectangle(cr, x, y, w, h);
      cairo_set_source(cr, p);
      cairo_fill_preserve(cr);
      cairo_pattern_destroy(p);
      cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
      cairo_set_line_width(cr, 0.4);
      cairo_stroke(cr);
      break;
    }
  }
}

// The legend sections, top-down from y; returns the height used. `draw` false only measures.
double legend(cairo_t* cr, const std::vector<LegendSection>& sections, double x, double y,
              double width, double size, bool draw) {
  const double sw = 2.0 * size, sh = 1.15 * size, pad = 0.45 * size;
  double y0 = y;
  for (const auto& sec : sections) {
    if (sec.items.empty()) continue;
    Text t(cr, sec.title, size * 8.0 / 7.0, true, width);
    if (draw) t.show(cr, x, y);
    y += t.h + 0.25 * size;
    for (const auto& it : sec.items) {
      Text tx(cr, it.text, size, false, width - sw - pad);
      double rowh = std::max(tx.h, sh);
      if (draw) {
        double sy = y + std::min(tx.h, sh * 1.3) / 2 - sh / 2;
        swatch(cr, it.swatch, x, sy, sw, sh);
        tx.show(cr, x + sw + pad, y);
      }
      y += rowh + 0.2 * size;
    }
    y += 0.6 * size;
  }
  return y - y0;
}

}  // namespace

double nice_floor(double x) {
  if (!(x > 0) || !std::isfinite(x)) return 0;
  double mag = std::pow(10.0, std::floor(std::log10(x)));
  double best = mag;
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (f * mag <= x * (1 + 1e-9)) best = f * mag;
  return best;
}

long round_scale(double denom) {
  if (!(denom > 0) || !std::isfinite(denom)) return 0;
  double mag = std::pow(10.0, std::floor(std::log10(denom)) - 1);
  return static_cast<long>(std::llround(std::round(denom / mag) * mag));
}

Layout layout(int page_w, int page_h, double dpi, const Content& c) {
  Layout l;
  l.page_w = page_w;
  l.page_h = page_h;
  l.dpi = dpi;
  const double px = dpi / 72.0;  // pixels per point
  const double W = page_w / px, H = page_h / px;
  Metrics m(W, H);
  Scratch s;
  double head = header_height(s.cr, m, c, W - 2 * m.margin);
  double body_w = W - 2 * m.margin - m.panel_w - m.gap;
  double foot = footer_height(s.cr, m, c, W - 2 * m.margin);
  double top = m.margin + head + m.gap;
  double bottom = H - m.margin - (foot > 0 ? foot + m.gap : 0);
  l.frame_x = static_cast<int>(std::lround(m.margin * px));
  l.frame_y = static_cast<int>(std::lround(top * px));
  l.frame_w = std::max(16, static_cast<int>(std::floor(body_w * px)));
  l.frame_h = std::max(16, static_cast<int>(std::floor((bottom - top) * px)));
  return l;
}

Drawn draw(const std::string& path, bool pdf, const Layout& l, const Content& c,
           const unsigned char* rgb) {
  Drawn d;
  const double px = l.dpi / 72.0;
  const double W = l.page_w / px, H = l.page_h / px;
  Metrics m(W, H);
  d.title_pt = m.title;
  cairo_surface_t* surface =
      pdf ? cairo_pdf_surface_create(path.c_str(), W, H)
          : cairo_image_surface_create(CAIRO_FORMAT_RGB24, l.page_w, l.page_h);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
    throw RuntimeError(path + ": cannot create the page (" +
                       cairo_status_to_string(cairo_surface_status(surface)) + ")");
  if (pdf) {
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, c.title.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "SitePlan");
  }
  cairo_t* cr = cairo_create(surface);
  if (!pdf) cairo_scale(cr, px, px);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);

  const double fx = l.frame_x / px, fy = l.frame_y / px, fw = l.frame_w / px, fh = l.frame_h / px;
  // The map body image, one image pixel per page pixel.
  {
    cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, l.frame_w, l.frame_h);
    cairo_surface_flush(img);
    unsigned char* data = cairo_image_surface_get_data(img);
    const int stride = cairo_image_surface_get_stride(img);
    for (int r = 0; r < l.frame_h; ++r) {
      const unsigned char* src = rgb + static_cast<std::size_t>(l.frame_h - 1 - r) * l.frame_w * 3;
      auto* dst = reinterpret_cast<uint32_t*>(data + static_cast<std::size_t>(r) * stride);
      for (int x = 0; x < l.frame_w; ++x)
        dst[x] = (uint32_t{src[3 * x]} << 16) | (uint32_t{src[3 * x + 1]} << 8) | src[3 * x + 2];
    }
    cairo_surface_mark_dirty(img);
    cairo_save(cr);
    cairo_translate(cr, fx, fy);
    cairo_scale(cr, 1 / px, 1 / px);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), pdf ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST);
    cairo_rectangle(cr, 0, 0, l.frame_w, l.frame_h);
    cairo_fill(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
  }

  // Vector lines over the body, clipped to the frame.
  cairo_save(cr);
  cairo_rectangle(cr, fx, fy, fw, fh);
  cairo_clip(cr);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  auto trace = [&](const Path& p) {
    for (const auto& ring : p.rings) {
      for (std::size_t i = 0; i < ring.size(); ++i) {
        double x = fx + ring[i].first / px, y = fy + ring[i].second / px;
        if (i == 0)
          cairo_move_to(cr, x, y);
        else
          cairo_line_to(cr, x, y);
      }
    }
  };
  for (const auto& p : c.paths) {
    const double lw = p.width_mm * kPtPerMm * m.k;
    if (p.casing) {
      trace(p);
      cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
      cairo_set_line_width(cr, lw + 0.25 * kPtPerMm);
      cairo_stroke(cr);
    }
    trace(p);
    set_rgb(cr, p.colour);
    cairo_set_line_width(cr, lw);
    if (p.dashed) {
      double dash[] = {4 * kPtPerMm, 1 * kPtPerMm, 0.4 * kPtPerMm, 1 * kPtPerMm};
      cairo_set_dash(cr, dash, 4, 0);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
  }

  // Labels: greedy placement, each in the first free spot around its anchor (centre, above,
  // below, right, left, diagonals), never over another label or across the frame.
  std::vector<std::array<double, 4>> boxes;
  for (const auto& lab : c.labels) {
    Text t(cr, lab.text, m.label, false);
    double ax = fx + lab.x / px, ay = fy + lab.y / px;
    const double w = t.w, h = t.h, g = 0.15 * h;
    const double cand[][2] = {
        {-w / 2, -h / 2}, {-w / 2, -h - g}, {-w / 2, g}, {g * 2, -h / 2}, {-w - g * 2, -h / 2},
        {g, -h - g},      {-w - g, -h - g}, {g, g},      {-w - g, g}};
    bool placed = false;
    for (const auto& o : cand) {
      double x0 = ax + o[0], y0 = ay + o[1];
      if (x0 < fx + 1 || y0 < fy + 1 || x0 + w > fx + fw - 1 || y0 + h > fy + fh - 1) continue;
      bool clash = false;
      for (const auto& b : boxes)
        if (x0 < b[2] && x0 + w > b[0] && y0 < b[3] && y0 + h > b[1]) {
          clash = true;
          break;
        }
      if (clash) continue;
      boxes.push_back({x0 - 1, y0 - 0.5, x0 + w + 1, y0 + h + 0.5});
      t.show_halo(cr, x0, y0, 0.7 * kPtPerMm * m.k);
      placed = true;
      break;
    }
    ++(placed ? d.labels_placed : d.labels_dropped);
  }
  cairo_restore(cr);

  // Frame.
  cairo_rectangle(cr, fx, fy, fw, fh);
  cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
  cairo_set_line_width(cr, 0.35 * kPtPerMm);
  cairo_stroke(cr);

  // Title block.
  const double tw = W - 2 * m.margin;
  double y = m.margin;
  {
    Text t(cr, c.title, m.title, true, tw);
    t.show(cr, m.margin, y);
    y += t.h;
  }
  if (!c.warning.empty()) {
    Text t(cr, c.warning, m.warning, true, tw);
    t.show(cr, m.margin, y, {200, 0, 0});
    y += t.h;
  }
  if (!c.subtitle.empty()) {
    Text t(cr, c.subtitle, m.subtitle, false, tw);
    t.show(cr, m.margin, y, {70, 70, 70});
  }
  // Footer: source line, then the note on parcels that could not be drawn.
  {
    double fyb = fy + fh + m.gap;
    if (!c.source.empty()) {
      Text t(cr, c.source, m.footer, false, tw);
      t.show(cr, m.margin, fyb, {70, 70, 70});
      fyb += t.h;
    }
    if (!c.note.empty()) {
      Text t(cr, c.note, m.footer, false, tw);
      t.show(cr, m.margin, fyb, {150, 0, 0});
    }
  }

  // Legend panel beside the frame: legends from the top, north arrow and scale at the bottom.
  const double px0 = fx + fw + m.gap, pw = W - m.margin - px0, pad = 2.2 * kPtPerMm * m.k;
  cairo_rectangle(cr, px0, fy, pw, fh);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
  cairo_set_line_width(cr, 0.35 * kPtPerMm);
  cairo_stroke(cr);

  // Scale: a bar of round length (1-2-5) at most ~80 % of the panel width.
  const double bar_max_pt = 0.8 * (pw - 2 * pad) - 12 * kPtPerMm;
  const double m_per_pt = c.metres_per_px * px;
  const double bar_m = nice_floor(bar_max_pt * m_per_pt);
  d.scale_bar_m = bar_m;
  if (c.planar) d.scale_denom = round_scale(m_per_pt * 72.0 / 0.0254);
  const double foot_h = 16 * kPtPerMm * m.k;
  const double bottom = fy + fh - pad;
  if (bar_m > 0) {
    double bar_pt = bar_m / m_per_pt, bx = px0 + pad, by = bottom - 6.5 * m.k;
    double mant = bar_m / std::pow(10.0, std::floor(std::log10(bar_m) + 1e-9));
    int segs = mant < 1.5 ? 5 : (mant < 3 ? 4 : 5);
    double bh = 1.3 * kPtPerMm * m.k;
    for (int i = 0; i < segs; ++i) {
      cairo_rectangle(cr, bx + bar_pt * i / segs, by - bh, bar_pt / segs, bh);
      if (i % 2 == 0)
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
      else
        cairo_set_source_rgb(cr, 1, 1, 1);
      cairo_fill_preserve(cr);
      cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
      cairo_set_line_width(cr, 0.25);
      cairo_stroke(cr);
    }
    auto fmt_len = [](double v) {
      return v >= 1000 ? fmt::format("{:g} km", v / 1000) : fmt::format("{:g} m", v);
    };
    Text zero(cr, "0", m.legend * 0.9, false);
    zero.show(cr, bx - zero.w / 2, by);
    Text end(cr, (c.planar ? "" : "≈ ") + fmt_len(bar_m), m.legend * 0.9, false);
    end.show(cr, bx + bar_pt - end.w / 2, by);
    std::string sc = c.planar ? fmt::format("比例尺 Scale 1:{}",
                                            [&] {
                                              std::string n = std::to_string(d.scale_denom), out;
                                              for (std::size_t i = 0; i < n.size(); ++i) {
                                                if (i && (n.size() - i) % 3 == 0) out += ' ';
                                                out += n[i];
                                              }
                                              return out;
                                            }())
                              : std::string("透视图, 比例尺按图中心 perspective: scale at centre");
    Text st(cr, sc, m.legend, true, pw - 2 * pad - 10 * kPtPerMm);
    st.show(cr, bx, by - bh - 1.0 * kPtPerMm - st.h);
  }
  // North arrow, turned to the direction of north on the page.
  {
    double ax = px0 + pw - pad - 4 * kPtPerMm * m.k, ay = bottom - 8 * kPtPerMm * m.k;
    double r = 4 * kPtPerMm * m.k;
    cairo_save(cr);
    cairo_translate(cr, ax, ay);
    cairo_rotate(cr, -c.north_deg * M_PI / 180.0);
    cairo_move_to(cr, 0, -r);
    cairo_line_to(cr, 0.45 * r, 0.6 * r);
    cairo_line_to(cr, 0, 0.3 * r);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_fill(cr);
    cairo_move_to(cr, 0, -r);
    cairo_line_to(cr, -0.45 * r, 0.6 * r);
    cairo_line_to(cr, 0, 0.3 * r);
    cairo_close_path(cr);
    cairo_set_line_width(cr, 0.3);
    cairo_stroke(cr);
    Text n(cr, "N", m.legend_title, true);
    n.show(cr, -n.w / 2, -r - n.h);
    cairo_restore(cr);
  }
  // Legends: the largest size (≤ the nominal) that fits above the scale block.
  {
    double avail = fh - 2 * pad - foot_h, size = m.legend;
    while (size > 4.0 &&
           legend(cr, c.legend, px0 + pad, fy + pad, pw - 2 * pad, size, false) > avail)
      size -= 0.25;
    legend(cr, c.legend, px0 + pad, fy + pad, pw - 2 * pad, size, true);
  }

  cairo_destroy(cr);
  cairo_status_t st = CAIRO_STATUS_SUCCESS;
  if (!pdf) st = cairo_surface_write_to_png(surface, path.c_str());
  cairo_surface_finish(surface);
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS)
    throw RuntimeError(path + ": writing the map failed (" + cairo_status_to_string(st) + ")");
  return d;
}

}  // namespace siteplan::viewer::page
