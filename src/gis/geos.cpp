#include "gis/geos.hpp"

#include <algorithm>
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

Extent envelope(const GeosContext& ctx, const GEOSGeometry* g) {
  Extent e;
  if (!g || GEOSisEmpty_r(ctx, g)) return e;
  if (GEOSGeom_getXMin_r(ctx, g, &e.minx) && GEOSGeom_getYMin_r(ctx, g, &e.miny) &&
      GEOSGeom_getXMax_r(ctx, g, &e.maxx) && GEOSGeom_getYMax_r(ctx, g, &e.maxy))
    e.valid = true;
  return e;
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

GeomPtr polygonal_part(const GeosContext& ctx, GeomPtr g) {
  if (g) {
    const int t = GEOSGeomTypeId_r(ctx, g.get());
    if (t == GEOS_POLYGON && !GEOSisEmpty_r(ctx, g.get())) return g;
    if (t == GEOS_MULTIPOLYGON) {
      bool any_empty = false;
      const int n = GEOSGetNumGeometries_r(ctx, g.get());
      for (int i = 0; i < n && !any_empty; ++i)
        any_empty = GEOSisEmpty_r(ctx, GEOSGetGeometryN_r(ctx, g.get(), i)) != 0;
      if (!any_empty && n > 1) return g;
    }
  }
  return polygonal_part(ctx, static_cast<const GEOSGeometry*>(g.get()));
}

namespace {
GeomPtr unary_union(const GeosContext& ctx, std::vector<GeomPtr> parts) {
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
}  // namespace

GeomPtr union_all(const GeosContext& ctx, std::vector<GeomPtr> parts) {
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return std::move(parts[0]);
  // Parts whose envelopes are chained by overlaps form a group; groups lie apart, so only each
  // group needs an overlay and the groups are simply gathered (a valid MultiPolygon).
  const std::size_t n = parts.size();
  std::vector<Extent> env(n);
  std::vector<std::size_t> order(n), group(n);
  for (std::size_t i = 0; i < n; ++i) {
    env[i] = envelope(ctx, parts[i].get());
    order[i] = i;
    group[i] = i;
  }
  auto root = [&group](std::size_t i) {
    while (group[i] != i) i = group[i] = group[group[i]];
    return i;
  };
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return env[a].minx < env[b].minx; });
  for (std::size_t a = 0; a < n; ++a) {
    const Extent& ea = env[order[a]];
    for (std::size_t b = a + 1; b < n && env[order[b]].minx <= ea.maxx; ++b) {
      const Extent& eb = env[order[b]];
      if (eb.miny <= ea.maxy && ea.miny <= eb.maxy) group[root(order[b])] = root(order[a]);
    }
  }
  std::vector<std::vector<GeomPtr>> groups;
  std::vector<std::size_t> slot(n, n);
  for (std::size_t i = 0; i < n; ++i) {  // groups in the order of their first part
    const std::size_t r = root(i);
    if (slot[r] == n) {
      slot[r] = groups.size();
      groups.emplace_back();
    }
    groups[slot[r]].push_back(std::move(parts[i]));
  }
  if (groups.size() == 1) return unary_union(ctx, std::move(groups[0]));
  std::vector<GeomPtr> merged;
  for (auto& g : groups) merged.push_back(unary_union(ctx, std::move(g)));
  std::vector<GEOSGeometry*> polys;
  for (auto& m : merged) {
    const int t = GEOSGeomTypeId_r(ctx, m.get());
    if (t == GEOS_POLYGON) {
      if (!GEOSisEmpty_r(ctx, m.get())) polys.push_back(m.release());
      continue;
    }
    const int k = GEOSGetNumGeometries_r(ctx, m.get());
    for (int i = 0; i < k; ++i) {
      const GEOSGeometry* part = GEOSGetGeometryN_r(ctx, m.get(), i);
      if (GEOSGeomTypeId_r(ctx, part) == GEOS_POLYGON && !GEOSisEmpty_r(ctx, part))
        polys.push_back(GEOSGeom_clone_r(ctx, part));
    }
  }
  return wrap(ctx, GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(),
                                               static_cast<unsigned>(polys.size())));
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
