#pragma once
// Splitting very large polygons into tiles. A 生态保护红线 or 公益林 polygon can hold tens of
// thousands of vertices; intersecting a small parcel with it walks all of them every time.
// Cut into tiles of at most a few hundred vertices, each parcel only meets the tiles near it.
// Tiles of one polygon do not overlap, so areas add up and a union of pieces restores the shape.
#include <cstddef>
#include <vector>

#include "engine/rule_layer.hpp"
#include "gis/geos.hpp"

namespace siteplan::engine {

// The tiles of polygonal g, cut in halves along the longer side of the envelope until each has
// at most max_vertices vertices. Returns g alone (cloned) when it is small enough, or when a
// cut gives an invalid tile or loses area (more than 1e-9 relative): never a wrong answer.
std::vector<gis::GeomPtr> split_large(const gis::GeosContext& ctx, const GEOSGeometry* g,
                                      std::size_t max_vertices);

// Measured on the benchmark's layers (bench/README.md): cutting 10 生态保护红线 polygons of up to
// 13,000 vertices into tiles of at most 1,024 made their boundary overlays 8× faster; polygons of
// 1,000–2,500 vertices gained 10 %; tiles of 256 vertices were slower again (more pieces to union).
inline constexpr std::size_t kTileVertices = 1024;

// Replaces the layer's features of more than max_vertices vertices by their tiles (classes
// follow their feature; the uncut feature is kept in `whole`, see RuleLayer::tile_of). For
// overlap areas only: a map would show the cut lines.
void tile_large_features(RuleLayer& layer, const gis::GeosContext& ctx,
                         std::size_t max_vertices = kTileVertices);

}  // namespace siteplan::engine
