#pragma once
// Coordinate reference systems: parsing user text ("EPSG:4542", WKT, PROJ strings), naming,
// transformations (PROJ through OGR, always in traditional GIS axis order: x = easting or
// longitude), and the checks Chinese data needs: 3-degree Gauss-Krüger zone prefixes and
// data outside a zone.
#include <ogr_spatialref.h>

#include <memory>
#include <optional>
#include <string>

#include "gis/gdal.hpp"

namespace siteplan::gis {

struct Extent {
  double minx = 0, miny = 0, maxx = 0, maxy = 0;
  bool valid = false;
  void expand(double x, double y);
  void expand(const Extent& e);
  // Whether e meets this extent (touching counts) / lies within it widened by `margin`.
  bool intersects(const Extent& e) const {
    return minx <= e.maxx && e.minx <= maxx && miny <= e.maxy && e.miny <= maxy;
  }
  bool contains(const Extent& e, double margin = 0.0) const {
    return e.minx >= minx - margin && e.miny >= miny - margin && e.maxx <= maxx + margin &&
           e.maxy <= maxy + margin;
  }
};

class Crs {
 public:
  Crs() = default;
  // Parses "EPSG:4542", WKT or PROJ text. Throws InputError naming `what` on failure.
  static Crs from_user(const std::string& text, const std::string& what);
  static Crs from_srs(const OGRSpatialReference* srs);  // clones; null → empty Crs

  bool empty() const { return !srs_; }
  const OGRSpatialReference* srs() const { return srs_.get(); }
  OGRSpatialReference* srs_mut() const { return srs_.get(); }  // GDAL 3.6 CreateLayer wants it
  // "EPSG:4542" when identifiable, else "" .
  std::string epsg() const;
  std::string name() const;
  // "EPSG:4542 CGCS2000 / 3-degree Gauss-Kruger CM 99E" or the name alone.
  std::string label() const;
  bool is_geographic() const;
  bool is_projected() const;
  bool same_as(const Crs& other) const;

  // Transverse Mercator parameters when the CRS is one (Gauss-Krüger is TM).
  struct TransverseMercator {
    double central_meridian = 0;
    double false_easting = 0;
  };
  std::optional<TransverseMercator> transverse_mercator() const;

 private:
  struct SrsDeleter {
    void operator()(OGRSpatialReference* s) const { s->Release(); }
  };
  std::shared_ptr<OGRSpatialReference> srs_;
};

// The working CRS of a run: areas and distances need metres, so it must be projected. Throws
// InputError naming `what` (e.g. "project.toml: [project] crs") otherwise. The one home of this
// rule for every command and the viewer.
void require_projected(const Crs& crs, const std::string& what);
Crs working_crs(const std::string& text, const std::string& what);

// Transformation between two CRSs; identity when they are the same.
class Transform {
 public:
  Transform(const Crs& from, const Crs& to);
  bool identity() const { return !ct_; }
  OGRCoordinateTransformation* get() const { return ct_.get(); }
  // Transforms in place; returns false when any point failed.
  bool apply(OGRGeometry& g) const;
  bool apply(double& x, double& y) const;
  // Transforms an extent by densifying its edges (21 points a side).
  Extent apply(const Extent& e) const;

 private:
  CoordTransformPtr ct_;
};

// CGCS2000 3-degree Gauss-Krüger EPSG code for a central meridian (75..135, multiple of 3).
// prefixed = true gives the zone-prefixed easting variant (EPSG:4513–4533), else 4534–4554.
std::optional<int> cgcs2000_gk3_epsg(int central_meridian, bool prefixed);

// Findings about how data coordinates fit their declared CRS (empty when all is fine).
// A fatal finding means the coordinates cannot be what the CRS says (a zone prefix present or
// missing, northing and easting swapped, metres declared as degrees, data far outside the CRS's
// area of use): a run must refuse them instead of computing verdicts. The others (data a little
// outside a 3-degree zone) are warnings.
struct CrsFinding {
  std::string message;  // one line, says what looks wrong and what to do
  bool fatal = false;
  std::string fitting_crs;  // "EPSG:4521" when a CRS that fits is known, else ""
};
std::vector<CrsFinding> check_zone(const Crs& crs, const Extent& native_extent);

// Coordinates no CRS can hold: non-finite, or beyond ±1e8 (a corrupted value such as 7e82).
// A feature with such a coordinate is invalid, whatever its CRS.
bool absurd_coordinates(double minx, double miny, double maxx, double maxy);

// When PROJ knows no datum shift between the two CRSs' datums (a "ballpark" transformation,
// e.g. Xian 1980 or Beijing 1954 to CGCS2000 without local parameters), a one-line warning:
// positions may be off by tens to hundreds of metres. "" when the transformation is exact enough
// (the same datum, or CGCS2000 ↔ WGS 84, which differ by centimetres).
std::string ballpark_warning(const Crs& from, const Crs& to);

// The CRS's area of use (degrees, west/south/east/north) when PROJ knows it.
std::optional<Extent> area_of_use(const Crs& crs);

}  // namespace siteplan::gis
