#pragma once
// GDAL/OGR set-up and RAII. GDALDatasetUniquePtr / OGRFeatureUniquePtr from GDAL are used
// for datasets and features; this header adds process-wide initialisation and error routing.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

namespace siteplan::gis {

// Registers drivers, routes CPL errors to the logger, and sets options that make runs
// reproducible (e.g. no random GPKG identifiers). Idempotent and thread-safe.
void init_gdal();

// The last CPL error message (or a fallback) for building exception texts.
std::string last_gdal_error(const std::string& fallback = "unknown GDAL error");

// Collects CPL errors raised while alive (instead of printing them) so callers can turn
// them into typed errors with context.
class GdalErrorCapture {
 public:
  GdalErrorCapture();
  ~GdalErrorCapture();
  GdalErrorCapture(const GdalErrorCapture&) = delete;
  GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;
  const std::string& first_error() const { return first_error_; }
  bool has_error() const { return !first_error_.empty(); }
  void clear() { first_error_.clear(); }

 private:
  static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum num, const char* msg);
  std::string first_error_;
};

struct OgrGeometryDeleter {
  void operator()(OGRGeometry* g) const { OGRGeometryFactory::destroyGeometry(g); }
};
using OgrGeomPtr = std::unique_ptr<OGRGeometry, OgrGeometryDeleter>;

struct CoordTransformDeleter {
  void operator()(OGRCoordinateTransformation* t) const {
    OGRCoordinateTransformation::DestroyCT(t);
  }
};
using CoordTransformPtr = std::unique_ptr<OGRCoordinateTransformation, CoordTransformDeleter>;

}  // namespace siteplan::gis
