// Terrain: slope and aspect of a plane, and against gdaldem on a small hill.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <cstdlib>

#include <algorithm>
#include <filesystem>
#include <string>

#include "engine/terrain.hpp"
#include "gis/gdal.hpp"
#include "support/test_data.hpp"

using namespace siteplan;
using namespace siteplan::engine;
using siteplan::test::kData;

namespace {
Grid grid_of(const std::string& path) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
  double gt[6];
  ds->GetGeoTransform(gt);
  Grid g;
  g.x0 = gt[0];
  g.y1 = gt[3];
  g.cell = gt[1];
  g.nx = ds->GetRasterXSize();
  g.ny = ds->GetRasterYSize();
  g.crs = gis::Crs::from_srs(ds->GetSpatialRef());
  return g;
}

Raster gdaldem(const std::string& mode, const std::string& dem) {
  auto out =
      (std::filesystem::temp_directory_path() / fmt::format("siteplan_{}_{}.tif", mode, ::getpid()))
          .string();
  std::string cmd = fmt::format("gdaldem {} -q -compute_edges '{}' '{}'", mode, dem, out);
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_RASTER));
  Raster r = read_band(*ds);
  ds.reset();
  std::filesystem::remove(out);
  return r;
}
}  // namespace

TEST(Terrain, SlopeAndAspectOfAPlane) {
  gis::init_gdal();
  LayerSpec dem;
  dem.id = "dem";
  dem.source = kData + "/dem_tiny.tif";
  Grid g = grid_of(dem.source);
  Terrain t = load_terrain(dem, g);
  const double expected = std::atan(10.0 / 30.0) * 180.0 / M_PI;  // 18.4349°
  for (int r = 1; r < g.ny - 1; ++r)
    for (int c = 1; c < g.nx - 1; ++c) {
      std::size_t i = static_cast<std::size_t>(r) * g.nx + c;
      ASSERT_NEAR(t.slope_deg[i], expected, 1e-3);
      ASSERT_NEAR(t.aspect_deg[i], 270.0, 1e-3);  // rises eastwards: faces west
    }
}

TEST(Terrain, AgreesWithGdaldemWithinAHundredthOfADegree) {
  gis::init_gdal();
  LayerSpec dem;
  dem.id = "dem";
  dem.source = kData + "/dem_hill.tif";
  Grid g = grid_of(dem.source);
  Terrain t = load_terrain(dem, g);
  Raster slope = gdaldem("slope", dem.source);
  Raster aspect = gdaldem("aspect", dem.source);
  ASSERT_EQ(slope.size(), t.slope_deg.size());
  double worst_slope = 0, worst_aspect = 0;
  for (int r = 1; r < g.ny - 1; ++r)
    for (int c = 1; c < g.nx - 1; ++c) {
      std::size_t i = static_cast<std::size_t>(r) * g.nx + c;
      worst_slope = std::max(worst_slope, std::fabs(double(slope[i]) - t.slope_deg[i]));
      if (!std::isnan(aspect[i])) {
        double d = std::fabs(double(aspect[i]) - t.aspect_deg[i]);
        worst_aspect = std::max(worst_aspect, std::min(d, 360.0 - d));
      }
    }
  EXPECT_LT(worst_slope, 0.01);
  EXPECT_LT(worst_aspect, 0.01);
}
