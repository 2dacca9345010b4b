#include "gis/geodesic.hpp"

#include <geodesic.h>
#include <proj.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace siteplan::gis {

struct EllipsoidalArea::Impl {
  geod_geodesic geod{};
  CoordTransformPtr to_geo;
  PJ_CONTEXT* pj_ctx = nullptr;
  PJ* projection = nullptr;  // the CRS itself, for proj_factors
  ~Impl() {
    if (projection) proj_destroy(projection);
    if (pj_ctx) proj_context_destroy(pj_ctx);
  }
};

EllipsoidalArea::EllipsoidalArea(const Crs& crs) : impl_(std::make_unique<Impl>()) {
  if (crs.empty()) throw InputError("ellipsoidal area needs a CRS");
  OGRErr err = OGRERR_NONE;
  double a = crs.srs()->GetSemiMajor(&err);
  double invf = crs.srs()->GetInvFlattening(&err);
  double f = invf > 0 ? 1.0 / invf : 0.0;
  geod_init(&impl_->geod, a, f);
  OGRSpatialReference* geo = crs.srs()->CloneGeogCS();
  geo->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  impl_->to_geo.reset(OGRCreateCoordinateTransformation(crs.srs(), geo));
  geo->Release();
  if (!impl_->to_geo) throw RuntimeError("cannot build the transformation for ellipsoidal area");
  if (crs.is_projected()) {
    // proj_factors wants a bare projection taking radians (a "+proj=tmerc ..." string), not the
    // CRS or its EPSG conversion (those take degrees in axis order and fail or, for a CRS, build a
    // transformation at every call).
    char* p4 = nullptr;
    if (crs.srs()->exportToProj4(&p4) == OGRERR_NONE && p4) {
      std::string def = p4;
      for (const char* drop : {" +type=crs", " +no_defs"}) {
        auto at = def.find(drop);
        if (at != std::string::npos) def.erase(at, std::strlen(drop));
      }
      impl_->pj_ctx = proj_context_create();
      impl_->projection = proj_create(impl_->pj_ctx, def.c_str());
    }
    CPLFree(p4);
  }
}

EllipsoidalArea::~EllipsoidalArea() = default;

namespace {
double ring_area(const geod_geodesic& geod, OGRCoordinateTransformation* ct,
                 GEOSContextHandle_t ctx, const GEOSGeometry* ring) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(ctx, seq, &n);
  if (n < 4) return 0.0;
  std::vector<double> xs(n), ys(n);
  for (unsigned i = 0; i < n; ++i) {
    GEOSCoordSeq_getXY_r(ctx, seq, i, &xs[i], &ys[i]);
  }
  if (!ct->Transform(static_cast<int>(n), xs.data(), ys.data())) return NAN;
  geod_polygon poly;
  geod_polygon_init(&poly, 0);
  for (unsigned i = 0; i + 1 < n; ++i) geod_polygon_addpoint(&geod, &poly, ys[i], xs[i]);
  double area = 0, perimeter = 0;
  geod_polygon_compute(&geod, &poly, 0, 1, &area, &perimeter);
  return std::fabs(area);
}

double polygon_area(const geod_geodesic& geod, OGRCoordinateTransformation* ct,
                    GEOSContextHandle_t ctx, const GEOSGeometry* g) {
  int t = GEOSGeomTypeId_r(ctx, g);
  if (t == GEOS_POLYGON) {
    if (GEOSisEmpty_r(ctx, g)) return 0.0;
    double a = ring_area(geod, ct, ctx, GEOSGetExteriorRing_r(ctx, g));
    int holes = GEOSGetNumInteriorRings_r(ctx, g);
    for (int i = 0; i < holes; ++i)
      a -= ring_area(geod, ct, ctx, GEOSGetInteriorRingN_r(ctx, g, i));
    return a;
  }
  if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
    double a = 0;
    int n = GEOSGetNumGeometries_r(ctx, g);
    for (int i = 0; i < n; ++i) a += polygon_area(geod, ct, ctx, GEOSGetGeometryN_r(ctx, g, i));
    return a;
  }
  return 0.0;
}
}  // namespace

double EllipsoidalArea::area(const GeosContext& ctx, const GEOSGeometry* g) const {
  if (!g) return 0.0;
  return polygon_area(impl_->geod, impl_->to_geo.get(), ctx, g);
}

namespace {
// Areal scale of the projection at planar (x, y), or NaN.
double areal_scale_at(OGRCoordinateTransformation* to_geo, PJ* projection, double x, double y) {
  if (!to_geo->Transform(1, &x, &y)) return NAN;
  PJ_COORD lp = proj_coord(proj_torad(x), proj_torad(y), 0, 0);
  PJ_FACTORS f = proj_factors(projection, lp);
  if (proj_errno(projection) != 0 || !(f.areal_scale > 0)) {
    proj_errno_reset(projection);
    return NAN;
  }
  return f.areal_scale;
}

bool centroid_of(const GeosContext& ctx, const GEOSGeometry* g, double& x, double& y) {
  GEOSGeometry* c = GEOSGetCentroid_r(ctx, g);
  if (!c) return false;
  const bool ok =
      !GEOSisEmpty_r(ctx, c) && GEOSGeomGetX_r(ctx, c, &x) && GEOSGeomGetY_r(ctx, c, &y);
  GEOSGeom_destroy_r(ctx, c);
  return ok;
}
}  // namespace

EllipsoidalArea::LocalScale EllipsoidalArea::local_scale(const Extent& around) const {
  LocalScale m;
  if (!impl_->projection || !around.valid) return m;
  m.x0 = 0.5 * (around.minx + around.maxx);
  m.y0 = 0.5 * (around.miny + around.maxy);
  // Sample half a box out (at least 100 m, so the differences stay well above rounding).
  const double hx = std::max(100.0, 0.5 * (around.maxx - around.minx));
  const double hy = std::max(100.0, 0.5 * (around.maxy - around.miny));
  auto* ct = impl_->to_geo.get();
  const double c = areal_scale_at(ct, impl_->projection, m.x0, m.y0);
  const double e = areal_scale_at(ct, impl_->projection, m.x0 + hx, m.y0);
  const double w = areal_scale_at(ct, impl_->projection, m.x0 - hx, m.y0);
  const double n = areal_scale_at(ct, impl_->projection, m.x0, m.y0 + hy);
  const double so = areal_scale_at(ct, impl_->projection, m.x0, m.y0 - hy);
  if (!(c > 0 && e > 0 && w > 0 && n > 0 && so > 0)) return m;
  m.s0 = c;
  m.ax = (e - w) / (2 * hx);
  m.axx = (e - 2 * c + w) / (2 * hx * hx);
  m.ay = (n - so) / (2 * hy);
  m.ayy = (n - 2 * c + so) / (2 * hy * hy);
  m.valid = true;
  return m;
}

double EllipsoidalArea::area_from_scale(const GeosContext& ctx, const GEOSGeometry* g,
                                        const LocalScale& scale) const {
  if (!g) return 0.0;
  if (!scale.valid) return area_from_scale(ctx, g);
  const double planar = gis::area(ctx, g);
  if (planar <= 0) return 0.0;
  double x = 0, y = 0;
  if (!centroid_of(ctx, g, x, y)) return area_from_scale(ctx, g);
  const double s = scale.at(x, y);
  return s > 0 ? planar / s : area_from_scale(ctx, g);
}

double EllipsoidalArea::area_from_scale(const GeosContext& ctx, const GEOSGeometry* g) const {
  if (!g) return 0.0;
  if (!impl_->projection) return area(ctx, g);
  const double planar = gis::area(ctx, g);
  if (planar <= 0) return 0.0;
  // At the area centroid the linear part of the scale's variation integrates to zero.
  double x = 0, y = 0;
  if (!centroid_of(ctx, g, x, y)) return area(ctx, g);
  const double s = areal_scale_at(impl_->to_geo.get(), impl_->projection, x, y);
  return s > 0 ? planar / s : area(ctx, g);
}

}  // namespace siteplan::gis
