#include "gis/geos.hpp"

#include <cstdarg>
#include <cstdio>

#include "core/error.hpp"

namespace siteplan::gis {

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
  if (!handle_) throw RuntimeError("cannot initialise a GEOS context");
  GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_error, this);
  GEOSContext_setNoticeMessageHandler_r(handle_, &GeosContext::on_notice, this);
}

GeosContext::~GeosContext() {
  GEOS_finish_r(handle_);
}

void GeosContext::on_error(const char* message, void* userdata) {
  auto* self = static_cast<GeosContext*>(userdata);
  if (self && message) self->last_error_ = message;
}

void GeosContext::on_notice(const char*, void*) {}

std::string GeosContext::take_error() const {
  std::string e = std::move(last_error_);
  last_error_.clear();
  return e;
}

GeomPtr from_wkt(const GeosContext& ctx, std::string_view wkt) {
  GEOSWKTReader* reader = GEOSWKTReader_create_r(ctx);
  std::string s(wkt);
  GEOSGeometry* g = GEOSWKTReader_read_r(ctx, reader, s.c_str());
  GEOSWKTReader_destroy_r(ctx, reader);
  if (!g) throw InputError("invalid WKT: " + s.substr(0, 80));
  return wrap(ctx, g);
}

std::string to_wkt(const GeosContext& ctx, const GEOSGeometry* g, int decimals) {
  GEOSWKTWriter* writer = GEOSWKTWriter_create_r(ctx);
  GEOSWKTWriter_setRoundingPrecision_r(ctx, writer, decimals);
  GEOSWKTWriter_setTrim_r(ctx, writer, 1);
  char* text = GEOSWKTWriter_write_r(ctx, writer, g);
  std::string out = text ? text : "";
  GEOSFree_r(ctx, text);
  GEOSWKTWriter_destroy_r(ctx, writer);
  return out;
}

PreparedPtr prepare(const GeosContext& ctx, const GEOSGeometry* g) {
  return PreparedPtr(GEOSPrepare_r(ctx, g), PreparedDeleter{ctx});
}

GeomPtr clone(const GeosContext& ctx, const GEOSGeometry* g) {
  return wrap(ctx, GEOSGeom_clone_r(ctx, g));
}

double area(const GeosContext& ctx, const GEOSGeometry* g) {
  if (!g) return 0.0;
  double a = 0.0;
  if (!GEOSArea_r(ctx, g, &a)) return 0.0;
  return a;
}

void warm_envelope(const GeosContext& ctx, const GEOSGeometry* g) {
  double v;
  if (g && !GEOSisEmpty_r(ctx, g)) GEOSGeom_getXMin_r(ctx, g, &v);
}

bool is_polygonal_type(int t) {
  return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

namespace {
void collect_polygons(GEOSContextHandle_t ctx, const GEOSGeometry* g,
                      std::vector<GEOSGeometry*>& out) {
  int t = GEOSGeomTypeId_r(ctx, g);
  if (t == GEOS_POLYGON) {
    if (!GEOSisEmpty_r(ctx, g)) out.push_back(GEOSGeom_clone_r(ctx, g));
  } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(ctx, g);
    for (int i = 0; i < n; ++i) collect_polygons(ctx, GEOSGetGeometryN_r(ctx, g, i), out);
  }
}
}  // namespace

GeomPtr polygonal_part(const GeosContext& ctx, const GEOSGeometry* g) {
  std::vector<GEOSGeometry*> polys;
  if (g) collect_polygons(ctx, g, polys);
  if (polys.size() == 1) return wrap(ctx, polys[0]);
  return wrap(ctx, GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(),
                                               static_cast<unsigned>(polys.size())));
}

GeomPtr union_all(const GeosContext& ctx, std::vector<GeomPtr> parts) {
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return std::move(parts[0]);
  std::vector<GEOSGeometry*> raw;
  raw.reserve(parts.size());
  for (auto& p : parts) raw.push_back(p.release());
  GEOSGeometry* coll = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, raw.data(),
                                                   static_cast<unsigned>(raw.size()));
  GeomPtr owned = wrap(ctx, coll);
  GEOSGeometry* u = GEOSUnaryUnion_r(ctx, coll);
  if (!u) throw RuntimeError("GEOS union failed: " + ctx.take_error());
  return wrap(ctx, u);
}

ValidityResult check_valid(const GeosContext& ctx, const GEOSGeometry* g) {
  ValidityResult r;
  char* reason = nullptr;
  GEOSGeometry* location = nullptr;
  char v = GEOSisValidDetail_r(ctx, g, 0, &reason, &location);
  r.valid = (v == 1);
  if (!r.valid) {
    r.reason = reason ? reason : "invalid";
    if (location) {
      double x = 0, y = 0;
      GEOSGeomGetX_r(ctx, location, &x);
      GEOSGeomGetY_r(ctx, location, &y);
      char buf[96];
      std::snprintf(buf, sizeof buf, " at (%.3f %.3f)", x, y);
      r.reason += buf;
    }
  }
  if (reason) GEOSFree_r(ctx, reason);
  if (location) GEOSGeom_destroy_r(ctx, location);
  return r;
}

GeomPtr make_valid_polygonal(const GeosContext& ctx, const GEOSGeometry* g) {
  GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(ctx);
  GEOSMakeValidParams_setMethod_r(ctx, params, GEOS_MAKE_VALID_STRUCTURE);
  GEOSMakeValidParams_setKeepCollapsed_r(ctx, params, 0);
  GEOSGeometry* fixed = GEOSMakeValidWithParams_r(ctx, g, params);
  GEOSMakeValidParams_destroy_r(ctx, params);
  if (!fixed) {
    // Fall back to the linework method, then to buffer(0).
    fixed = GEOSMakeValid_r(ctx, g);
    if (!fixed) fixed = GEOSBuffer_r(ctx, g, 0.0, 8);
  }
  if (!fixed) return polygonal_part(ctx, nullptr);
  GeomPtr owned = wrap(ctx, fixed);
  return polygonal_part(ctx, owned.get());
}

}  // namespace siteplan::gis
