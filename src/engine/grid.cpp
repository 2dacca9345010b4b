#include "engine/grid.hpp"

#include <gdal_alg.h>

#include <fmt/core.h>

#include <algorithm>

#include "core/error.hpp"

namespace siteplan::engine {

Grid Grid::covering(const gis::Extent& e, double cell, const gis::Crs& crs) {
  if (!e.valid) throw InputError("the study area is empty: nothing to analyse");
  if (!std::isfinite(cell) || !(cell > 0))
    throw InputError(fmt::format("grid_m = {} is not a cell size; use e.g. 30 (metres)", cell));
  if (!std::isfinite(e.minx) || !std::isfinite(e.maxx) || !std::isfinite(e.miny) ||
      !std::isfinite(e.maxy))
    throw InputError("the study area has coordinates that are not finite numbers");
  Grid g;
  g.cell = cell;
  g.crs = crs;
  g.x0 = std::floor(e.minx / cell) * cell;
  double x1 = std::ceil(e.maxx / cell) * cell;
  double y0 = std::floor(e.miny / cell) * cell;
  g.y1 = std::ceil(e.maxy / cell) * cell;
  // Cell counts in double first: nothing is cast to int before it is known to fit.
  const double nx = std::max(1.0, std::round((x1 - g.x0) / cell));
  const double ny = std::max(1.0, std::round((g.y1 - y0) / cell));
  if (!std::isfinite(nx) || !std::isfinite(ny) || nx * ny > kMaxCells || nx > kMaxSide ||
      ny > kMaxSide)
    throw InputError(fmt::format(
        "the analysis grid would be {:.4g} × {:.4g} cells at {} m (more than 400 million cells or "
        "{} per side); use a larger grid_m or a smaller study area",
        nx, ny, cell, kMaxSide));
  g.nx = static_cast<int>(nx);
  g.ny = static_cast<int>(ny);
  return g;
}

namespace {
int clamped_index(double v, int n) {
  if (!(v >= 0)) return -1;  // negative or NaN
  if (v >= static_cast<double>(n)) return n;
  return static_cast<int>(v);
}
}  // namespace

int Grid::col_of(double x) const {
  return clamped_index(std::floor((x - x0) / cell), nx);
}
int Grid::row_of(double y) const {
  return clamped_index(std::floor((y1 - y) / cell), ny);
}

void Grid::geotransform(double gt[6]) const {
  gt[0] = x0;
  gt[1] = cell;
  gt[2] = 0;
  gt[3] = y1;
  gt[4] = 0;
  gt[5] = -cell;
}

GDALDatasetUniquePtr Grid::mem(GDALDataType type, int bands) const {
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(drv->Create("", nx, ny, bands, type, nullptr));
  if (!ds) throw RuntimeError("cannot allocate an in-memory raster");
  double gt[6];
  geotransform(gt);
  ds->SetGeoTransform(gt);
  if (!crs.empty()) ds->SetSpatialRef(crs.srs());
  return ds;
}

Raster read_band(GDALDataset& ds, int band) {
  const int nx = ds.GetRasterXSize(), ny = ds.GetRasterYSize();
  Raster r(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  GDALRasterBand* b = ds.GetRasterBand(band);
  if (b->RasterIO(GF_Read, 0, 0, nx, ny, r.data(), nx, ny, GDT_Float32, 0, 0) != CE_None)
    throw RuntimeError("cannot read a raster band");
  int has = 0;
  double nd = b->GetNoDataValue(&has);
  if (has)
    for (auto& v : r)
      if (v == static_cast<float>(nd) || (std::isnan(nd) && std::isnan(v))) v = kNoData;
  return r;
}

void write_band(GDALDataset& ds, const Raster& r, int band) {
  const int nx = ds.GetRasterXSize(), ny = ds.GetRasterYSize();
  GDALRasterBand* b = ds.GetRasterBand(band);
  if (b->RasterIO(GF_Write, 0, 0, nx, ny, const_cast<float*>(r.data()), nx, ny, GDT_Float32, 0,
                  0) != CE_None)
    throw RuntimeError("cannot write a raster band");
}

Grid rows_of(const Grid& grid, int r0, int r1) {
  Grid w = grid;
  w.y1 = grid.y1 - r0 * grid.cell;
  w.ny = r1 - r0;
  return w;
}

void OgrShapes::add(const gis::GeosContext& ctx, const GEOSGeometry* g, double value) {
  OGRGeometry* o = OGRGeometryFactory::createFromGEOS(ctx.get(), const_cast<GEOSGeometry*>(g));
  if (!o) return;
  owned.emplace_back(o);
  handles.push_back(OGRGeometry::ToHandle(o));
  values.push_back(value);
  o->getEnvelope(&envelopes.emplace_back());
}

namespace {
void burn_into(const Grid& window, const OgrShapes& shapes, void* out, GDALDataType type,
               bool all_touched) {
  if (shapes.handles.empty() || window.nx <= 0 || window.ny <= 0) return;
  // The shapes near the window, in order (a later shape's value wins where shapes overlap).
  const double x0 = window.x0 - window.cell, x1 = window.x0 + (window.nx + 1) * window.cell;
  const double y1 = window.y1 + window.cell, y0 = window.y1 - (window.ny + 1) * window.cell;
  std::vector<OGRGeometryH> near;
  std::vector<double> values;
  for (std::size_t i = 0; i < shapes.handles.size(); ++i) {
    if (i < shapes.envelopes.size()) {  // a shape added without its envelope is always burnt
      const OGREnvelope& e = shapes.envelopes[i];
      if (e.MaxX < x0 || e.MinX > x1 || e.MaxY < y0 || e.MinY > y1) continue;
    }
    near.push_back(shapes.handles[i]);
    values.push_back(shapes.values[i]);
  }
  if (near.empty()) return;
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(drv->Create("", window.nx, window.ny, 0, type, nullptr));
  if (!ds) throw RuntimeError("cannot create an in-memory raster");
  char ptr[64] = {};
  CPLPrintPointer(ptr, out, sizeof(ptr) - 1);
  CPLStringList opts;
  opts.SetNameValue("DATAPOINTER", ptr);
  if (ds->AddBand(type, opts.List()) != CE_None)
    throw RuntimeError("cannot wrap a buffer as a raster");
  double gt[6];
  window.geotransform(gt);
  ds->SetGeoTransform(gt);
  int band = 1;
  char* ropts[] = {const_cast<char*>(all_touched ? "ALL_TOUCHED=TRUE" : "ALL_TOUCHED=FALSE"),
                   nullptr};
  if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band,
                              static_cast<int>(near.size()), near.data(), nullptr, nullptr,
                              values.data(), ropts, nullptr, nullptr) != CE_None)
    throw RuntimeError("rasterizing failed: " + gis::last_gdal_error());
}
}  // namespace

void burn(const Grid& window, const OgrShapes& shapes, float* out, bool all_touched) {
  burn_into(window, shapes, out, GDT_Float32, all_touched);
}
void burn(const Grid& window, const OgrShapes& shapes, std::uint8_t* out, bool all_touched) {
  burn_into(window, shapes, out, GDT_Byte, all_touched);
}

Raster rasterize(const Grid& grid, const gis::GeosContext& ctx,
                 const std::vector<const GEOSGeometry*>& geoms, const std::vector<double>& values,
                 float fill, bool all_touched) {
  auto ds = grid.mem(GDT_Float32);
  Raster init(grid.size(), fill);
  write_band(*ds, init);
  if (!geoms.empty()) {
    std::vector<gis::OgrGeomPtr> owned;
    std::vector<OGRGeometryH> handles;
    std::vector<double> burn;
    for (std::size_t i = 0; i < geoms.size(); ++i) {
      OGRGeometry* g =
          OGRGeometryFactory::createFromGEOS(ctx.get(), const_cast<GEOSGeometry*>(geoms[i]));
      if (!g) continue;
      owned.emplace_back(g);
      handles.push_back(OGRGeometry::ToHandle(g));
      burn.push_back(values.empty() ? 1.0 : values[i]);
    }
    int band = 1;
    char* opts[] = {const_cast<char*>(all_touched ? "ALL_TOUCHED=TRUE" : "ALL_TOUCHED=FALSE"),
                    nullptr};
    double gt[6];
    grid.geotransform(gt);
    if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band,
                                static_cast<int>(handles.size()), handles.data(), nullptr, nullptr,
                                burn.data(), opts, nullptr, nullptr) != CE_None)
      throw RuntimeError("rasterizing failed: " + gis::last_gdal_error());
  }
  Raster out = read_band(*ds);
  return out;
}

}  // namespace siteplan::engine
