#include "engine/derive.hpp"

#include <fmt/core.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "gis/gdal.hpp"

namespace siteplan::engine {

// A geometry far larger than the grid is clipped to the grid (plus a cell) before it is
// rasterized, so no coordinate handed to GDAL is far outside the raster.
CellSet cells_of(const Grid& grid, const gis::GeosContext& ctx, const GEOSGeometry* g) {
  CellSet cs;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  if (!GEOSGeom_getXMin_r(ctx, g, &x0) || !GEOSGeom_getYMin_r(ctx, g, &y0) ||
      !GEOSGeom_getXMax_r(ctx, g, &x1) || !GEOSGeom_getYMax_r(ctx, g, &y1))
    return cs;
  const int c0 = std::max(0, grid.col_of(x0));
  const int c1 = std::min(grid.nx - 1, grid.col_of(x1));
  const int r0 = std::max(0, grid.row_of(y1));
  const int r1 = std::min(grid.ny - 1, grid.row_of(y0));
  if (c0 <= c1 && r0 <= r1) {
    Grid win = grid;
    win.x0 = grid.x0 + c0 * grid.cell;
    win.y1 = grid.y1 - r0 * grid.cell;
    win.nx = c1 - c0 + 1;
    win.ny = r1 - r0 + 1;
    const double wx1 = win.x0 + win.nx * grid.cell, wy0 = win.y1 - win.ny * grid.cell;
    gis::GeomPtr clipped;
    const GEOSGeometry* burn = g;
    if (x0 < win.x0 - grid.cell || x1 > wx1 + grid.cell || y0 < wy0 - grid.cell ||
        y1 > win.y1 + grid.cell) {
      clipped = gis::wrap(ctx, GEOSClipByRect_r(ctx, g, win.x0 - grid.cell, wy0 - grid.cell,
                                                wx1 + grid.cell, win.y1 + grid.cell));
      burn = clipped.get();
    }
    if (burn) {
      Raster m = rasterize(win, ctx, {burn}, {}, 0.0f, false);
      for (int r = 0; r < win.ny; ++r)
        for (int c = 0; c < win.nx; ++c)
          if (m[static_cast<std::size_t>(r) * win.nx + c] > 0.5f)
            cs.cells.push_back(static_cast<std::size_t>(r + r0) * grid.nx + (c + c0));
    }
  }
  if (cs.cells.empty()) {
    // Smaller than a cell: take the cell under a point inside it.
    GEOSGeometry* pt = GEOSPointOnSurface_r(ctx, g);
    double px = 0, py = 0;
    if (pt) {
      GEOSGeomGetX_r(ctx, pt, &px);
      GEOSGeomGetY_r(ctx, pt, &py);
      GEOSGeom_destroy_r(ctx, pt);
      const int c = grid.col_of(px), r = grid.row_of(py);
      if (c >= 0 && c < grid.nx && r >= 0 && r < grid.ny)
        cs.cells.push_back(static_cast<std::size_t>(r) * grid.nx + c);
    }
  }
  return cs;
}

// The stable id of a derived region: "D-r<row>c<col>" of its first cell in reading order (the
// top-most row, then the left-most column) on the analysis grid, which is snapped to multiples of
// the cell size around the study area. It depends on where the region is, not on its rank, so
// it stays the same when weights, penalties or other candidates change.
std::string derived_id(const Grid& grid, const CellSet& cells, const gis::GeosContext& ctx,
                       const GEOSGeometry* g) {
  if (!cells.cells.empty()) {
    std::size_t first = *std::min_element(cells.cells.begin(), cells.cells.end());
    const auto nx = static_cast<std::size_t>(grid.nx);
    return fmt::format("D-r{}c{}", first / nx, first % nx);
  }
  double x0 = 0, y1 = 0;
  GEOSGeom_getXMin_r(ctx, g, &x0);
  GEOSGeom_getYMax_r(ctx, g, &y1);
  return fmt::format("D-r{}c{}", grid.row_of(y1), grid.col_of(x0));
}

std::size_t min_region_cells(double min_area, double cell) {
  if (!(min_area > 0)) return 1;
  // A hair below, so that a region of exactly min_area is not lost to rounding; its polygon's
  // area is checked exactly afterwards.
  const double n = std::ceil(min_area / (cell * cell) * (1.0 - 1e-9));
  return static_cast<std::size_t>(std::max(1.0, n));
}

namespace {
// The region's polygon(s): its cells alone in a window of their extent, polygonized (4-connected,
// GDALPolygonize's default) with the window's corner on the grid.
std::vector<gis::GeomPtr> region_polygons(const Grid& grid, const gis::GeosContext& ctx,
                                          const std::vector<std::size_t>& cells) {
  const auto nx = static_cast<std::size_t>(grid.nx);
  std::size_t r0 = cells.front() / nx, r1 = cells.back() / nx, c0 = nx, c1 = 0;
  for (std::size_t i : cells) {
    c0 = std::min(c0, i % nx);
    c1 = std::max(c1, i % nx);
  }
  const auto wx = static_cast<int>(c1 - c0 + 1), wy = static_cast<int>(r1 - r0 + 1);
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(wx) * static_cast<std::size_t>(wy), 0);
  for (std::size_t i : cells)
    mask[(i / nx - r0) * static_cast<std::size_t>(wx) + (i % nx - c0)] = 1;
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", wx, wy, 1, GDT_Byte, nullptr));
  if (!ds) throw RuntimeError("cannot create a region's mask");
  Grid win = grid;
  win.x0 = grid.x0 + static_cast<double>(c0) * grid.cell;
  win.y1 = grid.y1 - static_cast<double>(r0) * grid.cell;
  win.nx = wx;
  win.ny = wy;
  double gt[6];
  win.geotransform(gt);
  ds->SetGeoTransform(gt);
  GDALRasterBand* band = ds->GetRasterBand(1);
  if (band->RasterIO(GF_Write, 0, 0, wx, wy, mask.data(), wx, wy, GDT_Byte, 0, 0) != CE_None)
    throw RuntimeError("cannot write a region's mask");
  GDALDriver* memv = GetGDALDriverManager()->GetDriverByName("Memory");
  GDALDatasetUniquePtr vds(memv->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRLayer* polys = vds->CreateLayer("region", nullptr, wkbPolygon, nullptr);
  OGRFieldDefn fd("v", OFTInteger);
  polys->CreateField(&fd);
  if (GDALPolygonize(band, band, polys, 0, nullptr, nullptr, nullptr) != CE_None)
    throw RuntimeError("polygonizing open land failed: " + gis::last_gdal_error());
  std::vector<gis::GeomPtr> out;
  for (auto& feat : *polys)
    if (OGRGeometry* og = feat->GetGeometryRef())
      if (gis::GeomPtr g = gis::wrap(ctx, og->exportToGEOS(ctx.get()))) out.push_back(std::move(g));
  return out;
}
}  // namespace

DeriveLand::DeriveLand(const Grid& grid, const gis::GeosContext& ctx, const GEOSGeometry* area,
                       const GEOSGeometry* blocked, double min_area)
    : area_prep_(gis::prepare(ctx, area)),
      blocked_prep_(blocked ? gis::prepare(ctx, blocked) : nullptr),
      in_{grid, ctx, area, area_prep_.get(), blocked, blocked_prep_.get(), min_area} {}

void region_parts(const DeriveInputs& in, const std::vector<std::size_t>& cells,
                  std::vector<DerivedPart>& out) {
  if (cells.empty()) return;
  const gis::GeosContext& c = in.ctx;
  for (gis::GeomPtr& g : region_polygons(in.grid, c, cells)) {
    if (gis::area(c, g.get()) < in.min_area) continue;
    if (!GEOSPreparedCovers_r(c, in.area_prep, g.get()))
      g = gis::polygonal_part(c, gis::wrap(c, GEOSIntersection_r(c, g.get(), in.area)).get());
    if (in.blocked_prep && GEOSPreparedIntersects_r(c, in.blocked_prep, g.get()))
      g = gis::polygonal_part(c, gis::wrap(c, GEOSDifference_r(c, g.get(), in.blocked)).get());
    const int n = GEOSGetNumGeometries_r(c, g.get());
    for (int k = 0; k < n; ++k) {
      const GEOSGeometry* part = GEOSGetGeometryN_r(c, g.get(), k);
      const double a = gis::area(c, part);
      if (a < in.min_area) continue;
      DerivedPart d{"", a, 0, 0, gis::clone(c, part), {}};
      d.cells = cells_of(in.grid, c, d.geom.get());
      d.id = derived_id(in.grid, d.cells, c, d.geom.get());
      GEOSGeom_getXMin_r(c, d.geom.get(), &d.x);
      GEOSGeom_getYMax_r(c, d.geom.get(), &d.y);
      out.push_back(std::move(d));
    }
  }
}

void order_derived(std::vector<DerivedPart>& parts) {
  std::stable_sort(parts.begin(), parts.end(), [](const DerivedPart& a, const DerivedPart& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.area != b.area) return a.area > b.area;
    if (a.y != b.y) return a.y > b.y;
    return a.x < b.x;
  });
  std::string base;
  for (std::size_t i = 0, dup = 0; i < parts.size(); ++i) {
    dup = i > 0 && parts[i].id == base ? dup + 1 : 0;
    base = parts[i].id;
    if (dup) parts[i].id = fmt::format("{}-{}", base, dup + 1);
  }
}

}  // namespace siteplan::engine
