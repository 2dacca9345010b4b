#include "gis/gdal.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <mutex>

#include "core/log.hpp"

namespace siteplan::gis {
namespace {

void CPL_STDCALL log_handler(CPLErr cls, CPLErrorNum, const char* msg) {
  if (cls == CE_Debug) return;
  if (cls == CE_Warning)
    log::warn("GDAL: {}", msg);
  else
    log::write(log::Level::Error, std::string("GDAL: ") + msg);
}

}  // namespace

void init_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(log_handler);
    // Reproducible GeoPackages: no random UUIDs, fixed timestamps when asked by the caller.
    CPLSetConfigOption("OGR_SQLITE_JOURNAL", "MEMORY");
    // Never write .aux.xml side-car files next to inputs (statistics, etc.).
    CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");
    // Spreadsheets (XLSX, ODS): the first row names the columns. GDAL cannot tell when every
    // cell is text (a parcel table of ids, names and WKT), and reads the sheet lazily, so the
    // option must hold for the whole run. A user's own setting wins.
    if (!CPLGetConfigOption("OGR_XLSX_HEADERS", nullptr))
      CPLSetConfigOption("OGR_XLSX_HEADERS", "FORCE");
    if (!CPLGetConfigOption("OGR_ODS_HEADERS", nullptr))
      CPLSetConfigOption("OGR_ODS_HEADERS", "FORCE");
  });
}

std::string last_gdal_error(const std::string& fallback) {
  const char* msg = CPLGetLastErrorMsg();
  return (msg && *msg) ? std::string(msg) : fallback;
}

GdalErrorCapture::GdalErrorCapture() {
  CPLErrorReset();
  CPLPushErrorHandlerEx(&GdalErrorCapture::handler, this);
}

GdalErrorCapture::~GdalErrorCapture() {
  CPLPopErrorHandler();
}

void CPL_STDCALL GdalErrorCapture::handler(CPLErr cls, CPLErrorNum, const char* msg) {
  auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
  if (cls == CE_Debug) return;
  if (cls == CE_Warning) {
    log::debug("GDAL warning: {}", msg);
    return;
  }
  if (self && self->first_error_.empty() && msg) self->first_error_ = msg;
}

}  // namespace siteplan::gis
