#include "engine/tiling.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace siteplan::engine {

namespace {
std::size_t vertices(const gis::GeosContext& ctx, const GEOSGeometry* g) {
  const int n = GEOSGetNumCoordinates_r(ctx, g);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

// Returns false when a tile came out unusable.
bool cut(const gis::GeosContext& ctx, gis::GeomPtr g, std::size_t max_vertices, int depth,
         std::vector<gis::GeomPtr>& out) {
  if (vertices(ctx, g.get()) <= max_vertices || depth >= 20) {
    // Only the tiles kept are checked (intermediate halves are large and checking them costly).
    if (GEOSisValid_r(ctx, g.get()) != 1) return false;
    out.push_back(std::move(g));
    return true;
  }
  const gis::Extent e = gis::envelope(ctx, g.get());
  if (!e.valid) return false;
  // Cut a little off the middle: round coordinates (axis-parallel edges on a 1 m grid) then
  // never lie on the cut line.
  const double f = 0.5 + 1.0 / 1024.0 / M_PI;
  const double pad = std::max(e.maxx - e.minx, e.maxy - e.miny);  // the outer sides, far out
  double boxes[2][4];
  if (e.maxx - e.minx >= e.maxy - e.miny) {
    const double x = e.minx + f * (e.maxx - e.minx);
    double a[4] = {e.minx - pad, e.miny - pad, x, e.maxy + pad};
    double b[4] = {x, e.miny - pad, e.maxx + pad, e.maxy + pad};
    std::copy(a, a + 4, boxes[0]);
    std::copy(b, b + 4, boxes[1]);
  } else {
    const double y = e.miny + f * (e.maxy - e.miny);
    double a[4] = {e.minx - pad, e.miny - pad, e.maxx + pad, y};
    double b[4] = {e.minx - pad, y, e.maxx + pad, e.maxy + pad};
    std::copy(a, a + 4, boxes[0]);
    std::copy(b, b + 4, boxes[1]);
  }
  for (const auto& b : boxes) {
    GEOSGeometry* clipped = GEOSClipByRect_r(ctx, g.get(), b[0], b[1], b[2], b[3]);
    if (!clipped) return false;
    gis::GeomPtr owned = gis::wrap(ctx, clipped);
    gis::GeomPtr part = gis::polygonal_part(ctx, owned.get());
    if (GEOSisEmpty_r(ctx, part.get())) continue;
    if (!cut(ctx, std::move(part), max_vertices, depth + 1, out)) return false;
  }
  return true;
}
}  // namespace

std::vector<gis::GeomPtr> split_large(const gis::GeosContext& ctx, const GEOSGeometry* g,
                                      std::size_t max_vertices) {
  std::vector<gis::GeomPtr> tiles;
  if (!g || GEOSisEmpty_r(ctx, g) || vertices(ctx, g) <= max_vertices) {
    if (g) tiles.push_back(gis::clone(ctx, g));
    return tiles;
  }
  const double whole = gis::area(ctx, g);
  bool ok = cut(ctx, gis::clone(ctx, g), max_vertices, 0, tiles);
  if (ok) {
    double sum = 0;
    for (const auto& t : tiles) sum += gis::area(ctx, t.get());
    ok = whole > 0 && std::fabs(sum - whole) <= 1e-9 * whole;
  }
  if (!ok) {
    tiles.clear();
    tiles.push_back(gis::clone(ctx, g));
  }
  for (const auto& t : tiles) gis::warm_envelope(ctx, t.get());
  return tiles;
}

}  // namespace siteplan::engine

namespace siteplan::engine {

void tile_large_features(RuleLayer& layer, const gis::GeosContext& ctx, std::size_t max_vertices) {
  std::vector<gis::GeomPtr> geoms;
  std::vector<std::string> classes;
  std::vector<int> tile_of;
  const bool with_class = !layer.classes.empty() && layer.classes.size() == layer.geoms.size();
  for (std::size_t i = 0; i < layer.geoms.size(); ++i) {
    auto& g = layer.geoms[i];
    std::vector<gis::GeomPtr> tiles;
    if (static_cast<std::size_t>(GEOSGetNumCoordinates_r(ctx, g.get())) > max_vertices)
      tiles = split_large(ctx, g.get(), max_vertices);
    if (tiles.size() <= 1) {
      geoms.push_back(std::move(g));
      tile_of.push_back(-1);
      if (with_class) classes.push_back(std::move(layer.classes[i]));
      continue;
    }
    const int owner = static_cast<int>(layer.whole.size());
    for (auto& t : tiles) {
      geoms.push_back(std::move(t));
      tile_of.push_back(owner);
      if (with_class) classes.push_back(layer.classes[i]);
    }
    layer.whole.push_back(std::move(g));
  }
  layer.geoms = std::move(geoms);
  if (with_class) layer.classes = std::move(classes);
  if (!layer.whole.empty()) layer.tile_of = std::move(tile_of);
}

}  // namespace siteplan::engine
