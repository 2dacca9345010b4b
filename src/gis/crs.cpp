#include "gis/crs.hpp"

#include <fmt/core.h>
#include <proj.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace siteplan::gis {

void Extent::expand(double x, double y) {
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  if (!valid) {
    minx = maxx = x;
    miny = maxy = y;
    valid = true;
    return;
  }
  minx = std::min(minx, x);
  maxx = std::max(maxx, x);
  miny = std::min(miny, y);
  maxy = std::max(maxy, y);
}

void Extent::expand(const Extent& e) {
  if (!e.valid) return;
  expand(e.minx, e.miny);
  expand(e.maxx, e.maxy);
}

Crs Crs::from_user(const std::string& text, const std::string& what) {
  init_gdal();
  Crs c;
  auto* s = new OGRSpatialReference();
  GdalErrorCapture capture;
  if (s->SetFromUserInput(text.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS) !=
      OGRERR_NONE) {
    s->Release();
    throw InputError(fmt::format("{}: unknown CRS '{}' (use e.g. 'EPSG:4542')", what, text));
  }
  s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  c.srs_.reset(s, SrsDeleter{});
  return c;
}

Crs Crs::from_srs(const OGRSpatialReference* srs) {
  Crs c;
  if (!srs) return c;
  // GeoPackage srs_id 0 / -1: "Undefined geographic SRS" / "Undefined Cartesian SRS" mean none.
  const char* name = srs->GetName();
  if (name && std::string(name).rfind("Undefined ", 0) == 0) return c;
  OGRSpatialReference* s = srs->Clone();
  s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  c.srs_.reset(s, SrsDeleter{});
  return c;
}

std::string Crs::epsg() const {
  if (!srs_) return {};
  const char* auth = srs_->GetAuthorityName(nullptr);
  const char* code = srs_->GetAuthorityCode(nullptr);
  if (auth && code) return fmt::format("{}:{}", auth, code);
  // Try to identify (e.g. shapefile .prj without authority).
  OGRSpatialReference copy(*srs_);
  if (copy.AutoIdentifyEPSG() == OGRERR_NONE) {
    auth = copy.GetAuthorityName(nullptr);
    code = copy.GetAuthorityCode(nullptr);
    if (auth && code) return fmt::format("{}:{}", auth, code);
  }
  int confidence_best = 0;
  std::string best;
  int n = 0;
  int* confidences = nullptr;
  OGRSpatialReferenceH* matches = srs_->FindMatches(nullptr, &n, &confidences);
  for (int i = 0; i < n; ++i) {
    if (confidences[i] > confidence_best && confidences[i] >= 90) {
      auto* m = OGRSpatialReference::FromHandle(matches[i]);
      if (m->GetAuthorityName(nullptr) && m->GetAuthorityCode(nullptr)) {
        confidence_best = confidences[i];
        best = fmt::format("{}:{}", m->GetAuthorityName(nullptr), m->GetAuthorityCode(nullptr));
      }
    }
  }
  OSRFreeSRSArray(matches);
  CPLFree(confidences);
  return best;
}

std::string Crs::name() const {
  if (!srs_) return {};
  const char* n = srs_->GetName();
  return n ? n : "";
}

std::string Crs::label() const {
  if (!srs_) return "(none)";
  std::string e = epsg();
  return e.empty() ? name() : e + " " + name();
}

bool Crs::is_geographic() const {
  return srs_ && srs_->IsGeographic();
}
bool Crs::is_projected() const {
  return srs_ && srs_->IsProjected();
}

bool Crs::same_as(const Crs& other) const {
  if (empty() || other.empty()) return empty() == other.empty();
  const char* opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT",
                        nullptr};
  return srs_->IsSame(other.srs_.get(), opts);
}

std::optional<Crs::TransverseMercator> Crs::transverse_mercator() const {
  if (!srs_ || !srs_->IsProjected()) return std::nullopt;
  const char* method = srs_->GetAttrValue("PROJECTION");
  if (!method || std::string(method) != SRS_PT_TRANSVERSE_MERCATOR) return std::nullopt;
  TransverseMercator tm;
  tm.central_meridian = srs_->GetProjParm(SRS_PP_CENTRAL_MERIDIAN, 0.0);
  tm.false_easting = srs_->GetProjParm(SRS_PP_FALSE_EASTING, 0.0);
  return tm;
}

void require_projected(const Crs& crs, const std::string& what) {
  if (crs.is_projected()) return;
  throw InputError(
      fmt::format("{}: working CRS {} is not projected; areas need a metric CRS such "
                  "as EPSG:4542 (CGCS2000 3-degree GK CM 99E)",
                  what, crs.label()));
}

Crs working_crs(const std::string& text, const std::string& what) {
  Crs c = Crs::from_user(text, what);
  require_projected(c, what);
  return c;
}

Transform::Transform(const Crs& from, const Crs& to) {
  if (from.empty() || to.empty() || from.same_as(to)) return;
  GdalErrorCapture capture;
  ct_.reset(OGRCreateCoordinateTransformation(from.srs(), to.srs()));
  if (!ct_)
    throw InputError(fmt::format("cannot transform from {} to {}: {}", from.label(), to.label(),
                                 capture.first_error()));
}

bool Transform::apply(OGRGeometry& g) const {
  if (!ct_) return true;
  return g.transform(ct_.get()) == OGRERR_NONE;
}

bool Transform::apply(double& x, double& y) const {
  if (!ct_) return true;
  return ct_->Transform(1, &x, &y) != 0;
}

Extent Transform::apply(const Extent& e) const {
  if (!ct_ || !e.valid) return e;
  Extent out;
  const int n = 21;
  for (int i = 0; i < n; ++i) {
    double t = static_cast<double>(i) / (n - 1);
    double xs[4] = {e.minx + t * (e.maxx - e.minx), e.minx + t * (e.maxx - e.minx), e.minx, e.maxx};
    double ys[4] = {e.miny, e.maxy, e.miny + t * (e.maxy - e.miny), e.miny + t * (e.maxy - e.miny)};
    int ok[4] = {0, 0, 0, 0};
    ct_->Transform(4, xs, ys, nullptr, ok);
    for (int k = 0; k < 4; ++k)
      if (ok[k]) out.expand(xs[k], ys[k]);
  }
  return out;
}

std::optional<int> cgcs2000_gk3_epsg(int cm, bool prefixed) {
  if (cm < 75 || cm > 135 || cm % 3 != 0) return std::nullopt;
  int index = (cm - 75) / 3;  // 0..20
  return prefixed ? 4513 + index : 4534 + index;
}

bool absurd_coordinates(double minx, double miny, double maxx, double maxy) {
  constexpr double limit = 1e8;
  for (double v : {minx, miny, maxx, maxy})
    if (!std::isfinite(v) || std::fabs(v) > limit) return true;
  return false;
}

namespace {
// RAII for the PROJ objects of ballpark_warning.
struct ProjCtx {
  PJ_CONTEXT* c = proj_context_create();
  ~ProjCtx() { proj_context_destroy(c); }
};
struct ProjObj {
  PJ* p = nullptr;
  ~ProjObj() {
    if (p) proj_destroy(p);
  }
};

std::string datum_name(const Crs& crs) {
  const char* d = crs.srs()->GetAttrValue("DATUM");
  return d ? d : "";
}

// Datums within a few centimetres of each other (PROJ may still call the step "ballpark").
bool wgs84_like(const std::string& datum) {
  return datum == "WGS_1984" || datum == "World Geodetic System 1984" ||
         datum.find("China_2000") != std::string::npos ||
         datum.find("China 2000") != std::string::npos;
}
}  // namespace

std::string ballpark_warning(const Crs& from, const Crs& to) {
  if (from.empty() || to.empty()) return "";
  const std::string da = datum_name(from), db = datum_name(to);
  if (da == db || (wgs84_like(da) && wgs84_like(db))) return "";
  char* wa = nullptr;
  char* wb = nullptr;
  const char* wkt2[] = {"FORMAT=WKT2_2019", nullptr};
  from.srs()->exportToWkt(&wa, wkt2);
  to.srs()->exportToWkt(&wb, wkt2);
  const std::string sa = wa ? wa : "", sb = wb ? wb : "";
  CPLFree(wa);
  CPLFree(wb);
  ProjCtx ctx;
  ProjObj a{proj_create(ctx.c, sa.c_str())}, b{proj_create(ctx.c, sb.c_str())};
  if (!a.p || !b.p) return "";
  PJ_OPERATION_FACTORY_CONTEXT* fc = proj_create_operation_factory_context(ctx.c, nullptr);
  if (!fc) return "";
  proj_operation_factory_context_set_grid_availability_use(
      ctx.c, fc, PROJ_GRID_AVAILABILITY_DISCARD_OPERATION_IF_MISSING_GRID);
  PJ_OBJ_LIST* ops = proj_create_operations(ctx.c, a.p, b.p, fc);
  bool ballpark = true;
  if (ops && proj_list_get_count(ops) > 0) {
    ProjObj op{proj_list_get(ctx.c, ops, 0)};
    ballpark = op.p && proj_coordoperation_has_ballpark_transformation(ctx.c, op.p) == 1;
  }
  if (ops) proj_list_destroy(ops);
  proj_operation_factory_context_destroy(fc);
  if (!ballpark) return "";
  return fmt::format(
      "PROJ knows no datum shift from {} ({}) to {} ({}): the transformation is "
      "a ballpark one and positions may be off by tens to hundreds of metres; "
      "convert the data to {} with the local transformation parameters first",
      from.label(), da, to.label(), db, to.label());
}

std::optional<Extent> area_of_use(const Crs& crs) {
  if (crs.empty()) return std::nullopt;
  double w = 0, s = 0, e = 0, n = 0;
  const char* name = nullptr;
  if (!crs.srs()->GetAreaOfUse(&w, &s, &e, &n, &name)) return std::nullopt;
  if (!(w >= -180 && e <= 180 && s >= -90 && n <= 90)) return std::nullopt;
  Extent a;
  a.expand(w, s);
  a.expand(e, n);
  // An area crossing the antimeridian (w > e) is not checked.
  if (w > e) return std::nullopt;
  return a;
}

namespace {

std::string epsg_text(std::optional<int> code) {
  return code ? fmt::format("EPSG:{}", *code) : std::string();
}

// The CGCS2000 Gauss-Krüger CRS whose prefixed eastings carry `zone`: 3-degree zones 25–45
// (EPSG:4513–4533) or 6-degree zones 13–23 (EPSG:4491–4501); "" for other numbers.
std::string prefixed_crs_of_zone(double zone) {
  if (zone >= 25 && zone <= 45)
    return epsg_text(cgcs2000_gk3_epsg(static_cast<int>(zone) * 3, true));
  if (zone >= 13 && zone <= 23) return fmt::format("EPSG:{}", 4491 + static_cast<int>(zone) - 13);
  return "";
}

// Zone-prefix checks for a Gauss-Krüger / transverse Mercator CRS.
std::optional<CrsFinding> check_prefix_cgcs(const Crs& crs, const Crs::TransverseMercator& tm,
                                            const Extent& e) {
  const bool declared_prefixed = tm.false_easting >= 1'000'000.0;
  const int cm = static_cast<int>(std::lround(tm.central_meridian));
  // In China a Gauss-Krüger northing is 1–10 million metres, an easting below 1 million (plain)
  // or above 10 million (zone prefix): x values that can only be northings, with y values that
  // can only be eastings, are the two swapped (Chinese survey tables write X for the northing).
  auto easting_like = [](double lo, double hi) { return hi < 1'000'000.0 || lo >= 10'000'000.0; };
  if (e.minx >= 1'000'000.0 && e.maxx < 10'000'000.0 && e.miny >= 0 && easting_like(e.miny, e.maxy))
    return CrsFinding{fmt::format("x {:.0f} .. {:.0f} are northings and y {:.0f} .. {:.0f} "
                                  "eastings in {}: X and Y are swapped (in Chinese survey tables "
                                  "X is the northing); swap the columns",
                                  e.minx, e.maxx, e.miny, e.maxy, crs.label()),
                      true, ""};
  const bool data_prefixed = e.minx >= 1'000'000.0;
  const bool data_plain = e.maxx < 1'000'000.0;
  const double zone_lo = std::floor(e.minx / 1'000'000.0);
  const double zone_hi = std::floor(e.maxx / 1'000'000.0);
  if (!declared_prefixed && data_prefixed) {
    const std::string code = zone_lo == zone_hi ? prefixed_crs_of_zone(zone_lo) : "";
    return CrsFinding{
        fmt::format("eastings {:.0f} .. {:.0f} carry a zone prefix ({}) but {} declares none "
                    "(false easting {:.0f}): the coordinates do not fit their CRS{}",
                    e.minx, e.maxx,
                    code.empty() ? std::string("?") : fmt::format("{:.0f}", zone_lo), crs.label(),
                    tm.false_easting, code.empty() ? std::string("") : "; declare " + code),
        true, code};
  }
  if (declared_prefixed && data_plain) {
    // The same zone without the prefix: 3-degree (CM 3n) or 6-degree (CM 6n−3) by the CRS's name.
    std::string code;
    if (crs.name().find("6-degree") != std::string::npos) {
      if (cm >= 75 && cm <= 135 && (cm + 3) % 6 == 0)
        code = fmt::format("EPSG:{}", 4502 + (cm - 75) / 6);
    } else {
      code = epsg_text(cgcs2000_gk3_epsg(cm, false));
    }
    return CrsFinding{
        fmt::format("eastings {:.0f} .. {:.0f} have no zone prefix but {} declares one (false "
                    "easting {:.0f}): the coordinates do not fit their CRS{}",
                    e.minx, e.maxx, crs.label(), tm.false_easting,
                    code.empty() ? std::string("") : "; declare " + code),
        true, code};
  }
  if (declared_prefixed && data_prefixed) {
    const double crs_zone = std::floor(tm.false_easting / 1'000'000.0);
    if (zone_lo != crs_zone || zone_hi != crs_zone) {
      const std::string code = zone_lo == zone_hi ? prefixed_crs_of_zone(zone_lo) : "";
      return CrsFinding{fmt::format("eastings {:.0f} .. {:.0f} carry zone prefix {:.0f} but {} is "
                                    "zone {:.0f}: the coordinates do not fit their CRS{}",
                                    e.minx, e.maxx, zone_lo, crs.label(), crs_zone,
                                    code.empty() ? std::string("") : "; declare " + code),
                        true, code};
    }
  }
  return std::nullopt;
}

// The suggested codes are CGCS2000's: for another datum (Xian 1980, Beijing 1954) the finding
// stays, without a code of the wrong datum.
std::optional<CrsFinding> check_prefix(const Crs& crs, const Crs::TransverseMercator& tm,
                                       const Extent& e) {
  auto f = check_prefix_cgcs(crs, tm, e);
  if (!f || f->fitting_crs.empty() || wgs84_like(datum_name(crs))) return f;
  const std::string code = f->fitting_crs;
  f->fitting_crs.clear();
  const std::size_t at = f->message.find("; declare " + code);
  if (at != std::string::npos)
    f->message = f->message.substr(0, at) +
                 fmt::format(
                     "; declare the CRS of the same datum ({}) whose eastings {} the zone "
                     "prefix",
                     datum_name(crs), tm.false_easting >= 1'000'000.0 ? "lack" : "carry");
  return f;
}

}  // namespace

namespace {

// Geographic CRS: latitude first read as longitude, or metres declared as degrees.
std::optional<CrsFinding> check_degrees(const Crs& crs, const Extent& e) {
  if (std::fabs(e.miny) > 90.5 || std::fabs(e.maxy) > 90.5) {
    if (std::fabs(e.minx) <= 90 && std::fabs(e.maxx) <= 90 && std::fabs(e.maxy) <= 180 &&
        std::fabs(e.miny) <= 180)
      return CrsFinding{fmt::format("x {:.4f} .. {:.4f} look like latitudes and y {:.4f} .. "
                                    "{:.4f} like longitudes in {}: longitude and latitude are "
                                    "swapped; write longitude as x",
                                    e.minx, e.maxx, e.miny, e.maxy, crs.label()),
                        true, ""};
  }
  if (e.minx < -180.5 || e.maxx > 360.5 || e.miny < -90.5 || e.maxy > 90.5)
    return CrsFinding{fmt::format("coordinates ({:.0f} .. {:.0f}, {:.0f} .. {:.0f}) are not "
                                  "degrees although the CRS {} is geographic: the declared CRS is "
                                  "wrong (projected metres?)",
                                  e.minx, e.maxx, e.miny, e.maxy, crs.label()),
                      true, ""};
  return std::nullopt;
}

// Where the data lie, in degrees on the CRS's own datum (edges densified, 21 points a side);
// invalid when no point can be placed on the earth; nullopt when the CRS has no datum to use.
std::optional<Extent> degrees_of(const Crs& crs, const Extent& e) {
  if (crs.is_geographic()) return e;
  OGRSpatialReference geog;
  if (!crs.srs()->GetAttrNode("GEOGCS") || geog.CopyGeogCSFrom(crs.srs()) != OGRERR_NONE)
    return std::nullopt;
  geog.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  GdalErrorCapture quiet;
  CoordTransformPtr ct(OGRCreateCoordinateTransformation(crs.srs(), &geog));
  if (!ct) return std::nullopt;
  Extent g;
  const int n = 21;
  for (int i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / (n - 1);
    double xs[4] = {e.minx + t * (e.maxx - e.minx), e.minx + t * (e.maxx - e.minx), e.minx, e.maxx};
    double ys[4] = {e.miny, e.maxy, e.miny + t * (e.maxy - e.miny), e.miny + t * (e.maxy - e.miny)};
    int ok[4] = {0, 0, 0, 0};
    ct->Transform(4, xs, ys, nullptr, ok);
    for (int k = 0; k < 4; ++k)
      if (ok[k]) g.expand(xs[k], ys[k]);
  }
  return g;
}

// Far outside the CRS's area of use (by more than 1°, ~100 km: a county may straddle a zone
// edge, but not by that much) the coordinates belong to another CRS.
std::optional<CrsFinding> check_area_of_use(const Crs& crs, const Extent& g) {
  auto aou = area_of_use(crs);
  if (!aou) return std::nullopt;
  const double margin = 1.0;
  const double beyond =
      std::max({aou->minx - g.minx, g.maxx - aou->maxx, aou->miny - g.miny, g.maxy - aou->maxy});
  if (beyond <= margin) return std::nullopt;
  return CrsFinding{fmt::format("the data lie at {:.3f}..{:.3f}°E, {:.3f}..{:.3f}°N, up to "
                                "{:.1f}° outside the area of use of {} ({:.1f}..{:.1f}°E, "
                                "{:.1f}..{:.1f}°N): the coordinates do not fit their CRS; check "
                                "which CRS they are in",
                                g.minx, g.maxx, g.miny, g.maxy, beyond, crs.label(), aou->minx,
                                aou->maxx, aou->miny, aou->maxy),
                    true, ""};
}

// Data outside the zone: more than half a zone (1.5° for 3-degree zones, 3° for 6-degree ones)
// plus a small tolerance from the central meridian. A warning: counties on a zone edge do this.
std::optional<CrsFinding> check_zone_edge(const Crs& crs, const Crs::TransverseMercator& tm,
                                          const Extent& g) {
  const double tol = 0.05;
  const double half = crs.name().find("6-degree") != std::string::npos ? 3.0 : 1.5;
  const double west = tm.central_meridian - half, east = tm.central_meridian + half;
  if (g.minx >= west - tol && g.maxx <= east + tol) return std::nullopt;
  const double worst = std::max(west - g.minx, g.maxx - east);
  return CrsFinding{
      fmt::format("data reach longitude {:.3f}..{:.3f}°E, up to {:.2f}° outside the "
                  "zone of {} (CM {:.0f}°E, {:.1f}..{:.1f}°E): distortion grows; "
                  "use the neighbouring zone's CRS or check the coordinates",
                  g.minx, g.maxx, worst, crs.label(), tm.central_meridian, west, east),
      false, ""};
}

}  // namespace

std::vector<CrsFinding> check_zone(const Crs& crs, const Extent& e) {
  if (!e.valid) return {};
  if (crs.empty())
    return {
        {"no CRS: the source declares none; set `crs = \"EPSG:...\"` on the layer (or "
         "--parcels-crs / --crs) to say what its coordinates are",
         false, ""}};
  if (crs.is_geographic())
    if (auto f = check_degrees(crs, e)) return {*f};
  auto tm = crs.transverse_mercator();
  if (tm)
    if (auto f = check_prefix(crs, *tm, e)) return {*f};
  const std::optional<Extent> g = degrees_of(crs, e);
  if (!g) return {};
  if (!g->valid)
    return {{fmt::format("coordinates ({:.0f} .. {:.0f}, {:.0f} .. {:.0f}) cannot be placed on "
                         "the earth in {}: the declared CRS is wrong",
                         e.minx, e.maxx, e.miny, e.maxy, crs.label()),
             true, ""}};
  if (auto f = check_area_of_use(crs, *g)) return {*f};
  if (tm)
    if (auto f = check_zone_edge(crs, *tm, *g)) return {*f};
  return {};
}

}  // namespace siteplan::gis
