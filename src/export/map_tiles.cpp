#include "export/map_tiles.hpp"

#include <fmt/core.h>
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/log.hpp"
#include "gis/gdal.hpp"

namespace siteplan::out {

void check_tile_rows(int rows) {
  if (rows <= 0 || rows % 256 != 0)
    throw UsageError(fmt::format(
        "--map-tiles {}: the rows of a map tile must be a positive multiple of 256 (the COG's "
        "block height), e.g. 1024",
        rows));
}

std::vector<std::pair<int, int>> map_tile_ranges(int ny, int rows) {
  check_tile_rows(rows);
  std::vector<std::pair<int, int>> out;
  for (int r0 = 0; r0 < ny; r0 += rows) out.emplace_back(r0, std::min(ny, r0 + rows));
  return out;
}

std::string map_tile_name(const std::string& kind, int r0) {
  return fmt::format("{}/{}-r{:06d}.tif", kTilesDir, kind, r0);
}

void write_map_tile(const std::string& dir, const engine::MapRowsView& rows, const MapHeader& h) {
  const auto t0 = std::chrono::steady_clock::now();
  write_score_cog(dir + "/" + map_tile_name("suitability", rows.r0), *rows.grid, rows.r0, rows.r1,
                  rows.map, h.project);
  const auto t1 = std::chrono::steady_clock::now();
  write_factors_rows(dir + "/" + map_tile_name("factors", rows.r0), rows, h);
  const auto t2 = std::chrono::steady_clock::now();
  log::debug("map tile of rows [{}, {}): map {:.2f} s, factors {:.2f} s", rows.r0, rows.r1,
             std::chrono::duration<double>(t1 - t0).count(),
             std::chrono::duration<double>(t2 - t1).count());
}

void write_map_tiles(const std::string& dir, const engine::SuitabilityResult& r, int rows) {
  const engine::Grid& g = r.grid;
  if (r.score_map.size() != g.size() || r.factors.r0 != 0 || r.factors.r1 != g.ny)
    throw RuntimeError(dir + ": the map is not the grid's size (internal)");
  const MapHeader h = map_header(r);
  for (auto [r0, r1] : map_tile_ranges(g.ny, rows))
    write_map_tile(dir, engine::view_rows(r.factors, &r.score_map, r0, r1), h);
}

namespace {
struct VrtClose {
  void operator()(GDALDatasetH ds) const { GDALClose(ds); }
};
using VrtPtr = std::unique_ptr<void, VrtClose>;

// A VRT mosaic of the tiles (sources relative to the VRT, so the folder can move).
VrtPtr build_vrt(const std::string& path, const std::vector<std::string>& sources) {
  std::vector<const char*> names;
  for (const auto& s : sources) names.push_back(s.c_str());
  gis::GdalErrorCapture capture;
  const char* args[] = {"-q", nullptr};
  std::unique_ptr<GDALBuildVRTOptions, decltype(&GDALBuildVRTOptionsFree)> opt(
      GDALBuildVRTOptionsNew(const_cast<char**>(args), nullptr), GDALBuildVRTOptionsFree);
  int usage_error = 0;
  VrtPtr ds(GDALBuildVRT(path.c_str(), static_cast<int>(names.size()), nullptr, names.data(),
                         opt.get(), &usage_error));
  if (!ds) throw RuntimeError(fmt::format("{}: cannot write: {}", path, capture.first_error()));
  return ds;
}
}  // namespace

void write_map_vrts(const std::string& dir, const engine::Grid& g,
                    const std::vector<std::string>& factor_ids, const MapHeader& h, int rows) {
  gis::GdalErrorCapture capture;  // also what closing (writing) the VRTs reports
  std::vector<std::string> maps, factors;
  for (auto [r0, r1] : map_tile_ranges(g.ny, rows)) {
    maps.push_back(dir + "/" + map_tile_name("suitability", r0));
    factors.push_back(dir + "/" + map_tile_name("factors", r0));
    for (const auto& f : {maps.back(), factors.back()})
      if (!std::filesystem::exists(f))
        throw RuntimeError(fmt::format(
            "{}: a map tile is missing (every rank must see the output folder: a shared file "
            "system)",
            f));
  }
  {
    const std::string path = dir + "/suitability.vrt";
    VrtPtr ds = build_vrt(path, maps);
    auto* d = GDALDataset::FromHandle(ds.get());
    d->SetMetadataItem("SITEPLAN_BLOCKED_VALUE", "-1");
    d->SetMetadataItem("SITEPLAN_NODATA_OUTSIDE", "-9999");
    d->SetMetadataItem("SITEPLAN_PROJECT", h.project.c_str());
    d->GetRasterBand(1)->SetDescription("suitability score 0..1; -1 = blocked land");
  }
  const std::string path = dir + "/factors.vrt";
  VrtPtr ds = build_vrt(path, factors);
  auto* d = GDALDataset::FromHandle(ds.get());
  const int bands = static_cast<int>(factor_ids.size()) + 1;
  if (d->GetRasterCount() != bands)
    throw RuntimeError(fmt::format("{}: {} bands, {} expected", path, d->GetRasterCount(), bands));
  d->SetMetadataItem("SITEPLAN_SCORE_STEPS", "65534");
  d->SetMetadataItem("SITEPLAN_STATE_BAND", std::to_string(bands).c_str());
  for (std::size_t k = 0; k < factor_ids.size(); ++k)
    describe_factor_band(*d->GetRasterBand(static_cast<int>(k) + 1), factor_ids[k],
                         k < h.names.size() ? h.names[k] : "",
                         k < h.weights.size() ? h.weights[k] : std::nan(""));
  describe_state_band(*d->GetRasterBand(bands));
  ds.reset();
  if (capture.has_error()) throw RuntimeError(fmt::format("{}: {}", path, capture.first_error()));
}

std::string factors_raster(const std::string& dir) {
  for (const char* name : {"factors.tif", "factors.vrt"})
    if (std::filesystem::exists(dir + "/" + name)) return dir + "/" + name;
  return "";
}

}  // namespace siteplan::out
