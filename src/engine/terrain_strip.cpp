// The DEM row range by row range (DemReader) and Horn's slope and aspect on a window (horn_rows).
#include <fmt/core.h>
#include <gdal_utils.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "engine/terrain.hpp"

namespace siteplan::engine {

void horn_rows(const float* padded, int rows, int nx, double cell, unsigned needs, Terrain& out) {
  const std::size_t w = static_cast<std::size_t>(nx) + 2;
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(nx);
  const bool want_deg = needs & kSlopeDeg, want_pct = needs & kSlopePct,
             want_aspect = needs & kAspect;
  Raster &slope_deg = out.slope_deg, &slope_pct = out.slope_pct, &aspect_deg = out.aspect_deg;
  if (want_deg) slope_deg.assign(n, kNoData);
  if (want_pct) slope_pct.assign(n, kNoData);
  if (want_aspect) aspect_deg.assign(n, kNoData);
  const double ewres = cell, nsres = -cell;
  constexpr double kRadToDeg = 180.0 / M_PI, kDegToRad = M_PI / 180.0;
  float win[9];
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < nx; ++c) {
      const float* top = padded + static_cast<std::size_t>(r) * w + c;
      const float centre = top[w + 1];
      if (std::isnan(centre)) continue;
      for (int k = 0; k < 3; ++k)
        for (int j = 0; j < 3; ++j) {
          const float v = top[static_cast<std::size_t>(k) * w + j];
          win[k * 3 + j] = std::isnan(v) ? centre : v;
        }
      // gdaldem's GDALSlopeHornAlg and GDALAspectAlg: window sums in float, then double.
      const double dx =
          ((win[0] + win[3] + win[3] + win[6]) - (win[2] + win[5] + win[5] + win[8])) / ewres;
      const double dy =
          ((win[6] + win[7] + win[7] + win[8]) - (win[0] + win[1] + win[1] + win[2])) / nsres;
      const double key = dx * dx + dy * dy;
      const std::size_t i = static_cast<std::size_t>(r) * static_cast<std::size_t>(nx) + c;
      if (want_deg) slope_deg[i] = static_cast<float>(std::atan(std::sqrt(key) / 8.0) * kRadToDeg);
      if (want_pct) slope_pct[i] = static_cast<float>(100 * (std::sqrt(key) / 8.0));
      if (!want_aspect) continue;
      const double ax = ((win[2] + win[5] + win[5] + win[8]) - (win[0] + win[3] + win[3] + win[6]));
      const double ay = ((win[6] + win[7] + win[7] + win[8]) - (win[0] + win[1] + win[1] + win[2]));
      if (ax == 0 && ay == 0) continue;  // flat: no aspect
      float aspect = static_cast<float>(std::atan2(ay, -ax) / kDegToRad);
      aspect = aspect > 90.0f ? 450.0f - aspect : 90.0f - aspect;
      if (aspect == 360.0f) aspect = 0.0f;
      aspect_deg[i] = aspect;
    }
}

DemReader::DemReader(const LayerSpec& dem, const Grid& grid, bool force_warp)
    : spec_(dem), grid_(grid) {
  OpenedDem opened = open_dem(dem);
  src_ = std::move(opened.ds);
  src_crs_ = opened.crs;
  src_wkt_ = std::move(opened.wkt);
  int has = 0;
  nodata_ = src_->GetRasterBand(1)->GetNoDataValue(&has);
  has_nodata_ = has != 0;
  // The DEM's cells are the grid's: read them as they are (bilinear resampling at the cell
  // centres would give the same values).
  double gt[6];
  if (!force_warp && src_->GetGeoTransform(gt) == CE_None && gt[2] == 0 && gt[4] == 0 &&
      !grid.crs.empty() && src_crs_.srs()->IsSame(grid.crs.srs())) {
    const double tol = 1e-9 * grid.cell;
    const double co = (grid.x0 - gt[0]) / grid.cell, ro = (gt[3] - grid.y1) / grid.cell;
    if (std::fabs(gt[1] - grid.cell) <= tol && std::fabs(gt[5] + grid.cell) <= tol &&
        std::fabs(co - std::round(co)) < 1e-6 && std::fabs(ro - std::round(ro)) < 1e-6 &&
        std::fabs(co) < 1e9 && std::fabs(ro) < 1e9) {
      direct_ = true;
      col_off_ = static_cast<int>(std::round(co));
      row_off_ = static_cast<int>(std::round(ro));
    }
  }
  if (!direct_) {
    // The DEM's pixel size in the grid's units: its extent there over its pixels.
    const gis::Extent e = extent_in_grid();
    const double w = src_->GetRasterXSize(), h = src_->GetRasterYSize();
    if (e.valid && w > 0 && h > 0 && grid.cell > 0) {
      xscale_ = (e.maxx - e.minx) / w / grid.cell;
      yscale_ = (e.maxy - e.miny) / h / grid.cell;
    }
  }
}

DemReader::~DemReader() = default;

gis::Extent DemReader::extent_in_grid() const {
  gis::Extent e;
  double gt[6];
  if (src_->GetGeoTransform(gt) != CE_None) return e;
  const double w = src_->GetRasterXSize(), h = src_->GetRasterYSize();
  for (double px : {0.0, w})
    for (double py : {0.0, h})
      e.expand(gt[0] + px * gt[1] + py * gt[2], gt[3] + px * gt[4] + py * gt[5]);
  if (!grid_.crs.empty()) {
    gis::Transform t(src_crs_, grid_.crs);
    if (!t.identity()) e = t.apply(e);
  }
  return e;
}

bool DemReader::meets_grid() const {
  double gt[6];
  if (src_->GetGeoTransform(gt) != CE_None) return true;  // cannot tell: the map will
  const gis::Extent e = extent_in_grid();
  gis::Extent g;
  g.expand(grid_.x0, grid_.y1 - grid_.ny * grid_.cell);
  g.expand(grid_.x0 + grid_.nx * grid_.cell, grid_.y1);
  return !e.valid || e.intersects(g);
}

Raster DemReader::padded_rows(int r0, int r1) {
  Grid win = rows_of(grid_, r0 - 1, r1 + 1);
  win.x0 -= grid_.cell;
  win.nx += 2;
  Raster out(win.size(), kNoData);
  if (direct_) {
    // The window in the DEM's pixels, clipped to the DEM.
    const int sx0 = col_off_ - 1, sy0 = row_off_ + r0 - 1;
    const int cx0 = std::max(0, sx0), cy0 = std::max(0, sy0);
    const int cx1 = std::min(src_->GetRasterXSize(), sx0 + win.nx);
    const int cy1 = std::min(src_->GetRasterYSize(), sy0 + win.ny);
    if (cx0 < cx1 && cy0 < cy1) {
      float* at = out.data() + static_cast<std::size_t>(cy0 - sy0) * win.nx + (cx0 - sx0);
      if (src_->GetRasterBand(1)->RasterIO(
              GF_Read, cx0, cy0, cx1 - cx0, cy1 - cy0, at, cx1 - cx0, cy1 - cy0, GDT_Float32,
              sizeof(float), static_cast<GSpacing>(win.nx) * sizeof(float), nullptr) != CE_None)
        throw RuntimeError(
            fmt::format("{}: cannot read the DEM: {}", spec_.source, gis::last_gdal_error()));
      const float nd = static_cast<float>(nodata_);
      for (int r = cy0 - sy0; r < cy1 - sy0; ++r)
        for (int c = cx0 - sx0; c < cx1 - sx0; ++c) {
          float& v = out[static_cast<std::size_t>(r) * win.nx + c];
          if (has_nodata_ && (v == nd || (std::isnan(nd) && std::isnan(v)))) v = kNoData;
        }
    }
    return out;
  }
  auto dst = win.mem(GDT_Float32);
  dst->GetRasterBand(1)->SetNoDataValue(-99999.0);
  {
    Raster fill(win.size(), -99999.0f);
    write_band(*dst, fill);
  }
  std::vector<std::string> args = {"-s_srs",     src_wkt_,
                                   "-r",         "bilinear",
                                   "-dstnodata", "-99999",
                                   "-wo",        fmt::format("XSCALE={:.17g}", xscale_),
                                   "-wo",        fmt::format("YSCALE={:.17g}", yscale_)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  gis::GdalErrorCapture capture;
  GDALWarpAppOptions* wopts = GDALWarpAppOptionsNew(argv.data(), nullptr);
  GDALDatasetH srcs[] = {GDALDataset::ToHandle(src_.get())};
  int usage_error = 0;
  GDALDatasetH res =
      GDALWarp(nullptr, GDALDataset::ToHandle(dst.get()), 1, srcs, wopts, &usage_error);
  GDALWarpAppOptionsFree(wopts);
  if (!res)
    throw RuntimeError(
        fmt::format("{}: resampling the DEM failed: {}", spec_.source, capture.first_error()));
  return read_band(*dst);
}

Terrain DemReader::rows(int r0, int r1, unsigned needs) {
  Raster p = padded_rows(r0, r1);
  Terrain t;
  const int rows = r1 - r0, nx = grid_.nx;
  if (needs) horn_rows(p.data(), rows, nx, grid_.cell, needs, t);
  t.elevation.resize(static_cast<std::size_t>(rows) * static_cast<std::size_t>(nx));
  for (int r = 0; r < rows; ++r)
    std::copy(p.begin() + static_cast<std::ptrdiff_t>((r + 1) * (nx + 2) + 1),
              p.begin() + static_cast<std::ptrdiff_t>((r + 1) * (nx + 2) + 1 + nx),
              t.elevation.begin() + static_cast<std::ptrdiff_t>(r) * nx);
  return t;
}

}  // namespace siteplan::engine
