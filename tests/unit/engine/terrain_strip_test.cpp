// Horn's slope and aspect row range by row range against gdaldem's own code (GDALDEMProcessing).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "engine/terrain.hpp"
#include "support/test_data.hpp"

using namespace siteplan;
using namespace siteplan::engine;
using siteplan::test::kData;

namespace {
// The grid of a DEM file itself (its cells), less a one-cell border.
Grid grid_of(GDALDataset& ds, const gis::Crs& crs) {
  double gt[6];
  ds.GetGeoTransform(gt);
  Grid g;
  g.cell = gt[1];
  g.x0 = gt[0] + gt[1];
  g.y1 = gt[3] - gt[1];
  g.nx = ds.GetRasterXSize() - 2;
  g.ny = ds.GetRasterYSize() - 2;
  g.crs = crs;
  return g;
}
}  // namespace

TEST(TerrainStrip, HornEqualsGdaldemOnTheHillDem) {
  gis::init_gdal();
  LayerSpec dem;
  dem.id = "dem";
  dem.source = kData + "/dem_hill.tif";
  GDALDatasetUniquePtr ds(GDALDataset::Open(dem.source.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  const gis::Crs crs = gis::Crs::from_srs(ds->GetSpatialRef());
  Grid g = grid_of(*ds, crs);
  Raster slope = dem_processing(*ds, "slope"), aspect = dem_processing(*ds, "aspect");
  DemReader reader(dem, g);
  EXPECT_TRUE(reader.direct());
  const int nx_full = ds->GetRasterXSize();
  std::size_t compared = 0;
  for (int r0 = 0; r0 < g.ny; r0 += 5) {
    const int r1 = std::min(g.ny, r0 + 5);
    Terrain t = reader.rows(r0, r1);
    for (int r = r0; r < r1; ++r)
      for (int c = 0; c < g.nx; ++c) {
        const std::size_t i = static_cast<std::size_t>(r - r0) * g.nx + c;
        const std::size_t j = static_cast<std::size_t>(r + 1) * nx_full + (c + 1);
        ASSERT_FLOAT_EQ(t.slope_deg[i], slope[j]) << r << "," << c;
        if (std::isnan(aspect[j]))
          ASSERT_TRUE(std::isnan(t.aspect_deg[i]));
        else
          ASSERT_NEAR(t.aspect_deg[i], aspect[j], 1e-4) << r << "," << c;
        ++compared;
      }
  }
  EXPECT_GT(compared, 100u);
}

TEST(TerrainStrip, DirectReadEqualsTheResampledDem) {
  gis::init_gdal();
  LayerSpec dem;
  dem.id = "dem";
  dem.source = kData + "/dem_hill.tif";
  GDALDatasetUniquePtr ds(GDALDataset::Open(dem.source.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  Grid g = grid_of(*ds, gis::Crs::from_srs(ds->GetSpatialRef()));
  DemReader direct(dem, g), warped(dem, g, true);
  ASSERT_TRUE(direct.direct());
  ASSERT_FALSE(warped.direct());
  Terrain a = direct.rows(0, g.ny), b = warped.rows(0, g.ny);
  for (std::size_t i = 0; i < a.elevation.size(); ++i) {
    ASSERT_NEAR(a.elevation[i], b.elevation[i], 1e-3) << i;
    ASSERT_NEAR(a.slope_deg[i], b.slope_deg[i], 1e-3) << i;
  }
}

TEST(TerrainStrip, ResampledRowsDoNotDependOnTheWindow) {
  // A grid of 3 DEM pixels a cell, reaching a cell beyond the DEM at the bottom and right: the
  // warper's kernel is scaled the same for every window (DemReader fixes GDAL's per-window
  // scale), so every row has the same values whichever rows it is read with — the strips of one
  // process, the bands of MPI ranks.
  gis::init_gdal();
  LayerSpec dem;
  dem.id = "dem";
  dem.source = kData + "/dem_hill.tif";
  GDALDatasetUniquePtr ds(GDALDataset::Open(dem.source.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  double gt[6];
  ds->GetGeoTransform(gt);
  Grid g;
  g.cell = 3 * gt[1];
  g.x0 = gt[0];
  g.y1 = gt[3];
  g.nx = ds->GetRasterXSize() / 3 + 1;
  g.ny = ds->GetRasterYSize() / 3 + 1;
  g.crs = gis::Crs::from_srs(ds->GetSpatialRef());
  DemReader reader(dem, g);
  ASSERT_FALSE(reader.direct());
  const Terrain whole = reader.rows(0, g.ny);
  const auto nx = static_cast<std::size_t>(g.nx);
  for (int step : {1, 2, 3, 5, 7}) {
    for (int r0 = 0; r0 < g.ny; r0 += step) {
      const int r1 = std::min(g.ny, r0 + step);
      const Terrain t = reader.rows(r0, r1);
      const std::size_t at = static_cast<std::size_t>(r0) * nx, n = t.elevation.size();
      ASSERT_EQ(std::memcmp(t.elevation.data(), whole.elevation.data() + at, n * sizeof(float)), 0)
          << "rows " << r0 << ".." << r1;
      ASSERT_EQ(std::memcmp(t.slope_deg.data(), whole.slope_deg.data() + at, n * sizeof(float)), 0)
          << "rows " << r0 << ".." << r1;
    }
  }
}
