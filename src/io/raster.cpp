#include "io/raster.hpp"

#include <fmt/core.h>

#include <filesystem>

#include "core/error.hpp"
#include "gis/gdal.hpp"

namespace siteplan::io {

bool is_raster_source(const std::string& source) {
  gis::init_gdal();
  if (!is_connection_string(source) && !std::filesystem::exists(source)) return false;
  gis::GdalErrorCapture capture;
  GDALDatasetUniquePtr ds(
      GDALDataset::Open(source.c_str(), GDAL_OF_RASTER | GDAL_OF_VECTOR | GDAL_OF_READONLY));
  return ds && ds->GetRasterCount() > 0 && ds->GetLayerCount() == 0;
}

RasterInfo describe_raster(const LayerSpec& spec, const gis::Crs& work, bool allow_no_crs) {
  gis::init_gdal();
  RasterInfo r;
  r.id = spec.id;
  r.source = spec.source;
  if (!is_connection_string(spec.source) && !std::filesystem::exists(spec.source))
    throw InputError(fmt::format("{}: no such file (layer '{}')", spec.source, spec.id));
  gis::GdalErrorCapture capture;
  GDALDatasetUniquePtr ds(
      GDALDataset::Open(spec.source.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds || ds->GetRasterCount() == 0)
    throw InputError(fmt::format("{}: not a raster GDAL can read{}", spec.source,
                                 capture.has_error() ? " (" + capture.first_error() + ")" : ""));
  r.driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
  r.width = ds->GetRasterXSize();
  r.height = ds->GetRasterYSize();
  r.bands = ds->GetRasterCount();
  GDALRasterBand* band = ds->GetRasterBand(1);
  r.data_type = GDALGetDataTypeName(band->GetRasterDataType());
  int has = 0;
  double nd = band->GetNoDataValue(&has);
  r.has_nodata = has != 0;
  r.nodata = nd;
  double gt[6];
  if (ds->GetGeoTransform(gt) == CE_None) {
    r.pixel_x = gt[1];
    r.pixel_y = -gt[5];
    r.native_extent.expand(gt[0], gt[3]);
    r.native_extent.expand(gt[0] + gt[1] * r.width + gt[2] * r.height,
                           gt[3] + gt[4] * r.width + gt[5] * r.height);
  } else {
    r.findings.push_back("no georeferencing (geotransform): pixel positions are unknown");
  }
  if (!spec.crs.empty()) {
    r.source_crs = gis::Crs::from_user(spec.crs, fmt::format("layer '{}'", spec.id));
    r.crs_from_project = true;
  } else {
    r.source_crs = gis::Crs::from_srs(ds->GetSpatialRef());
  }
  if (r.source_crs.empty() && !work.empty() && !allow_no_crs)
    throw InputError(
        fmt::format("{}: the raster has no CRS and none is given; add crs = "
                    "\"EPSG:...\" to [layers.{}]",
                    spec.source, spec.id));
  double mn, mx, mean, sd;
  capture.clear();
  if (band->GetStatistics(TRUE, TRUE, &mn, &mx, &mean, &sd) == CE_None) {
    r.min = mn;
    r.max = mx;
    r.mean = mean;
    r.has_stats = true;
  }
  if (!work.empty() && !r.source_crs.empty())
    r.work_extent = gis::Transform(r.source_crs, work).apply(r.native_extent);
  else
    r.work_extent = r.native_extent;
  for (auto& f : gis::check_zone(r.source_crs, r.native_extent)) r.findings.push_back(f.message);
  return r;
}

}  // namespace siteplan::io
