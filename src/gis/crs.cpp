#include "gis/crs.hpp"

#include <fmt/core.h>

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

std::vector<CrsFinding> check_zone(const Crs& crs, const Extent& e) {
  std::vector<CrsFinding> out;
  if (!e.valid) return out;
  if (crs.empty()) {
    out.push_back(
        {"no CRS: the source declares none; set `crs = \"EPSG:...\"` on the layer "
         "(or --crs) to say what its coordinates are"});
    return out;
  }
  if (crs.is_geographic()) {
    if (e.minx < -180.5 || e.maxx > 360.5 || e.miny < -90.5 || e.maxy > 90.5)
      out.push_back({fmt::format(
          "coordinates ({:.0f} .. {:.0f}, {:.0f} .. {:.0f}) are not degrees although the CRS {} "
          "is geographic: the declared CRS is probably wrong (projected metres?)",
          e.minx, e.maxx, e.miny, e.maxy, crs.label())});
    return out;
  }
  auto tm = crs.transverse_mercator();
  if (!tm) return out;
  const bool declared_prefixed = tm->false_easting >= 1'000'000.0;
  const bool data_prefixed = e.minx >= 1'000'000.0;
  const bool data_plain = e.maxx < 1'000'000.0;
  const int cm = static_cast<int>(std::lround(tm->central_meridian));
  if (!declared_prefixed && data_prefixed) {
    int zone = static_cast<int>(e.minx / 1'000'000.0);
    auto code = (zone >= 25 && zone <= 45) ? cgcs2000_gk3_epsg(zone * 3, true) : std::nullopt;
    out.push_back({fmt::format(
        "eastings {:.0f} .. {:.0f} carry a zone prefix ({}) but {} declares none (false easting "
        "{:.0f}): declare the prefixed CRS{}",
        e.minx, e.maxx, zone, crs.label(), tm->false_easting,
        code ? fmt::format(" EPSG:{}", *code) : std::string(""))});
    return out;
  }
  if (declared_prefixed && data_plain) {
    auto code = cgcs2000_gk3_epsg(cm, false);
    out.push_back({fmt::format(
        "eastings {:.0f} .. {:.0f} have no zone prefix but {} declares one (false easting "
        "{:.0f}): declare the un-prefixed CRS{}",
        e.minx, e.maxx, crs.label(), tm->false_easting,
        code ? fmt::format(" EPSG:{}", *code) : std::string(""))});
    return out;
  }
  if (declared_prefixed && data_prefixed) {
    int data_zone = static_cast<int>(e.minx / 1'000'000.0);
    int crs_zone = static_cast<int>(tm->false_easting / 1'000'000.0);
    if (data_zone != crs_zone)
      out.push_back({fmt::format("eastings carry zone prefix {} but {} is zone {}", data_zone,
                                 crs.label(), crs_zone)});
  }
  // Data outside the zone: more than 1.5° (plus a small tolerance) from the central meridian.
  auto geo = Crs::from_user("EPSG:4490", "internal");
  Transform to_geo(crs, geo);
  Extent g = to_geo.apply(e);
  if (g.valid) {
    const double tol = 0.05;
    double west = tm->central_meridian - 1.5, east = tm->central_meridian + 1.5;
    if (g.minx < west - tol || g.maxx > east + tol) {
      double worst = std::max(west - g.minx, g.maxx - east);
      out.push_back({fmt::format(
          "data reach longitude {:.3f}..{:.3f}°E, up to {:.2f}° outside the 3-degree zone of {} "
          "(CM {:.0f}°E, {:.1f}..{:.1f}°E): distortion grows; use the neighbouring zone's CRS or "
          "check the coordinates",
          g.minx, g.maxx, worst, crs.label(), tm->central_meridian, west, east)});
    }
  }
  return out;
}

}  // namespace siteplan::gis
