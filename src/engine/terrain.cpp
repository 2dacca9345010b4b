#include "engine/terrain.hpp"

#include <fmt/core.h>
#include <gdal_utils.h>

#include <filesystem>

#include "core/error.hpp"
#include "project/project.hpp"

namespace siteplan::engine {

Raster dem_processing(GDALDataset& src, const char* mode) {
  char* argv[] = {const_cast<char*>("-of"), const_cast<char*>("MEM"),
                  const_cast<char*>("-compute_edges"), nullptr};
  GDALDEMProcessingOptions* opts = GDALDEMProcessingOptionsNew(argv, nullptr);
  int usage_error = 0;
  GDALDatasetH out =
      GDALDEMProcessing("", GDALDataset::ToHandle(&src), mode, nullptr, opts, &usage_error);
  GDALDEMProcessingOptionsFree(opts);
  if (!out) throw RuntimeError(fmt::format("gdaldem {} failed: {}", mode, gis::last_gdal_error()));
  GDALDatasetUniquePtr owned(GDALDataset::FromHandle(out));
  return read_band(*owned);
}

OpenedDem open_dem(const LayerSpec& dem) {
  gis::init_gdal();
  if (!is_connection_string(dem.source) && !std::filesystem::exists(dem.source))
    throw InputError(fmt::format("{}: no such file (DEM layer '{}')", dem.source, dem.id));
  OpenedDem o;
  o.ds.reset(GDALDataset::Open(dem.source.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!o.ds || o.ds->GetRasterCount() == 0)
    throw InputError(
        fmt::format("{}: layer '{}' must be a raster DEM GDAL can read", dem.source, dem.id));
  o.crs = dem.crs.empty() ? gis::Crs::from_srs(o.ds->GetSpatialRef())
                          : gis::Crs::from_user(dem.crs, "layer " + dem.id);
  if (o.crs.empty())
    throw InputError(
        fmt::format("{}: the DEM has no CRS and none is given; add crs = \"EPSG:...\" "
                    "to [layers.{}]",
                    dem.source, dem.id));
  char* wkt = nullptr;
  o.crs.srs()->exportToWkt(&wkt);
  o.wkt = wkt ? wkt : "";
  CPLFree(wkt);
  return o;
}

Terrain load_terrain(const LayerSpec& dem, const Grid& grid) {
  gis::GdalErrorCapture capture;
  OpenedDem opened = open_dem(dem);
  GDALDatasetUniquePtr& src = opened.ds;
  const std::string& src_wkt = opened.wkt;
  // Warp onto the grid with a margin of one cell so Horn's 3×3 window is complete at the edges.
  Grid padded = grid;
  padded.x0 -= grid.cell;
  padded.y1 += grid.cell;
  padded.nx += 2;
  padded.ny += 2;
  auto dst = padded.mem(GDT_Float32);
  dst->GetRasterBand(1)->SetNoDataValue(-99999.0);
  {
    Raster fill(padded.size(), -99999.0f);
    write_band(*dst, fill);
  }
  std::vector<std::string> args = {"-s_srs", src_wkt, "-r", "bilinear", "-dstnodata", "-99999"};
  int src_has_nd = 0;
  src->GetRasterBand(1)->GetNoDataValue(&src_has_nd);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  GDALWarpAppOptions* wopts = GDALWarpAppOptionsNew(argv.data(), nullptr);
  GDALDatasetH srcs[] = {GDALDataset::ToHandle(src.get())};
  int usage_error = 0;
  GDALDatasetH res =
      GDALWarp(nullptr, GDALDataset::ToHandle(dst.get()), 1, srcs, wopts, &usage_error);
  GDALWarpAppOptionsFree(wopts);
  if (!res)
    throw RuntimeError(
        fmt::format("{}: resampling the DEM failed: {}", dem.source, capture.first_error()));

  Terrain t;
  Raster elev_padded = read_band(*dst);
  Raster slope_padded = dem_processing(*dst, "slope");
  Raster aspect_padded = dem_processing(*dst, "aspect");
  t.elevation.resize(grid.size());
  t.slope_deg.resize(grid.size());
  t.aspect_deg.resize(grid.size());
  std::size_t valid = 0;
  for (int r = 0; r < grid.ny; ++r)
    for (int c = 0; c < grid.nx; ++c) {
      std::size_t i = static_cast<std::size_t>(r) * grid.nx + c;
      std::size_t p = static_cast<std::size_t>(r + 1) * padded.nx + (c + 1);
      t.elevation[i] = elev_padded[p];
      t.slope_deg[i] = slope_padded[p];
      t.aspect_deg[i] = aspect_padded[p];
      if (!std::isnan(elev_padded[p])) ++valid;
    }
  if (valid == 0)
    throw InputError(fmt::format(
        "{}: the DEM does not cover the study area (no cell has an elevation)", dem.source));
  return t;
}

}  // namespace siteplan::engine
