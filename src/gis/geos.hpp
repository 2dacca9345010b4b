#pragma once
// GEOS through its reentrant C API only. One GeosContext per thread; geometries are owned by
// GeomPtr (a unique_ptr whose deleter remembers its context). Geometries created in one context
// may be read from another thread once built (GEOS geometries are immutable after construction;
// call warm_envelope() first so no lazy cache is filled concurrently).
#include <geos_c.h>

#include "gis/crs.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace siteplan::gis {

class GeosContext {
 public:
  GeosContext();
  ~GeosContext();
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;
  GEOSContextHandle_t get() const { return handle_; }
  operator GEOSContextHandle_t() const { return handle_; }
  // Last error message raised by GEOS in this context (cleared by take_error()).
  std::string take_error() const;

 private:
  static void on_error(const char* message, void* userdata);
  static void on_notice(const char* message, void* userdata);
  GEOSContextHandle_t handle_;
  mutable std::string last_error_;
};

struct GeomDeleter {
  GEOSContextHandle_t ctx = nullptr;
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(ctx, g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
  GEOSContextHandle_t ctx = nullptr;
  void operator()(const GEOSPreparedGeometry* g) const {
    if (g) GEOSPreparedGeom_destroy_r(ctx, g);
  }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

struct STRtreeDeleter {
  GEOSContextHandle_t ctx = nullptr;
  void operator()(GEOSSTRtree* t) const {
    if (t) GEOSSTRtree_destroy_r(ctx, t);
  }
};
using STRtreePtr = std::unique_ptr<GEOSSTRtree, STRtreeDeleter>;

inline GeomPtr wrap(GEOSContextHandle_t ctx, GEOSGeometry* g) {
  return GeomPtr(g, GeomDeleter{ctx});
}

GeomPtr from_wkt(const GeosContext& ctx, std::string_view wkt);
std::string to_wkt(const GeosContext& ctx, const GEOSGeometry* g, int decimals = 3);
PreparedPtr prepare(const GeosContext& ctx, const GEOSGeometry* g);
GeomPtr clone(const GeosContext& ctx, const GEOSGeometry* g);

// Area of a geometry (0 for non-areal or null).
double area(const GeosContext& ctx, const GEOSGeometry* g);

// Computes and caches the envelope so later concurrent reads never write.
void warm_envelope(const GeosContext& ctx, const GEOSGeometry* g);
// The geometry's envelope (invalid Extent for null or empty geometries).
Extent envelope(const GeosContext& ctx, const GEOSGeometry* g);

// Keeps only the polygonal parts of g (Polygon / MultiPolygon), dropping points and lines that
// make-valid or intersection may produce. Returns an empty MultiPolygon when nothing is left.
GeomPtr polygonal_part(const GeosContext& ctx, const GEOSGeometry* g);
// The same, taking g over: a Polygon or MultiPolygon is returned as it is, without a copy.
GeomPtr polygonal_part(const GeosContext& ctx, GeomPtr g);

// Union of geometries (taken by value; they are consumed). Empty input gives nullptr.
GeomPtr union_all(const GeosContext& ctx, std::vector<GeomPtr> parts);

struct ValidityResult {
  bool valid = true;
  std::string reason;  // GEOS reason text when invalid
};
ValidityResult check_valid(const GeosContext& ctx, const GEOSGeometry* g);

// GEOS make-valid (structure method: keeps polygonal area, collapses to nothing rather than
// lines) followed by polygonal_part. Never returns nullptr; may return an empty geometry.
GeomPtr make_valid_polygonal(const GeosContext& ctx, const GEOSGeometry* g);

bool is_polygonal_type(int geos_type_id);

}  // namespace siteplan::gis
