#pragma once
// Loading one layer from any GDAL vector source into the working CRS as GEOS geometries.
// Every feature is kept — NULL, empty, non-polygonal and unrepairable geometries are recorded
// with a status, never dropped silently — and invalid polygons are repaired with make-valid.
#include <cstdint>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "gis/box_index.hpp"
#include "gis/crs.hpp"
#include "gis/geos.hpp"
#include "project/project.hpp"

namespace siteplan::io {

enum class GeomStatus {
  Valid,
  Repaired,
  Empty,
  Null,
  NotPolygon,
  Unrepairable,
  TransformFailed,
  BadCoordinates  // non-finite or absurd (|v| > 1e8) coordinates, e.g. a corrupted 7e82
};
const char* to_string(GeomStatus s);
inline bool usable(GeomStatus s) {
  return s == GeomStatus::Valid || s == GeomStatus::Repaired;
}

struct FieldInfo {
  std::string name;
  std::string type;  // OGR type name: String, Integer, Real, Date ...
};

struct Feature {
  std::int64_t fid = -1;
  std::string key;    // id_field value (or the FID as text)
  gis::GeomPtr geom;  // in the working CRS; null unless usable (or kept for info)
  GeomStatus status = GeomStatus::Valid;
  std::string problem;              // why the geometry is not valid, when it is not
  std::vector<std::string> values;  // values of LoadOptions::fields, in that order ("" = NULL)
  gis::Extent envelope;  // with LoadOptions::envelopes_only: the polygon's, in the working CRS
};

struct LayerStats {
  std::uint64_t total = 0, valid = 0, repaired = 0, empty = 0, null = 0, not_polygon = 0,
                unrepairable = 0, transform_failed = 0, bad_coordinates = 0;
  std::uint64_t far = 0;  // polygons skipped by LoadOptions::near (not in `total`)
  void add(GeomStatus s);
};

struct LoadOptions {
  bool polygons_only = false;            // lines/points become NotPolygon (parcels, constraints)
  bool keep_geometry = true;             // false: only statistics and extents (info on huge layers)
  std::vector<std::string> fields;       // attribute values to keep per feature
  std::string id_field;                  // feature key; "" = FID
  std::string extra_where;               // ANDed with the layer's own filter (rule filters)
  const ProgressFn* progress = nullptr;  // null: silent
  bool allow_no_crs = false;
  bool validate_only = false;  // open, check layer/fields/filter/CRS, read nothing
  gis::Extent spatial_filter;  // in the working CRS: read only features near it (if valid)
  // In the working CRS: polygons whose envelope, widened by near_margin, meets none of these
  // boxes are skipped before conversion and validation (counted in LayerStats::far only).
  const gis::BoxIndex* near = nullptr;
  double near_margin = 0.0;
  // Coordinates must fit their CRS when reading into a working CRS: a fatal gis::check_zone
  // finding (zone prefix present or missing, swapped axes, far outside the area of use) or a
  // failed transformation is an InputError, never a warning followed by results. `info` turns
  // this off to report instead.
  bool require_crs_fit = true;
  // How the caller's user declares this layer's CRS, for messages, with {crs} where the CRS
  // goes ("--parcels-crs {crs}"); by default `crs = "{crs}"` in [layers.ID].
  std::string crs_option;
  // Sharded runs (one block of a batch per process, engine/clearance_job.cpp): envelopes_only
  // reads and transforms every feature but keeps only its envelope (Feature::envelope; no GEOS
  // geometry, no validation); convert_only (one entry per feature, in read order; 0 = skip)
  // converts and validates the marked features only, leaving the others without geometry.
  bool envelopes_only = false;
  const std::vector<char>* convert_only = nullptr;
};

struct LoadedLayer {
  LayerSpec spec;
  std::string driver;
  std::string layer_name;
  std::string geometry_type;  // OGR name, e.g. "Multi Polygon"
  gis::Crs source_crs;        // as declared (or as set by the project when declared none)
  bool crs_from_project = false;
  std::vector<FieldInfo> fields;
  gis::Extent native_extent;  // in the source CRS
  gis::Extent work_extent;    // in the working CRS
  // The whole layer's extent as the source reports it (all features, not only those read), in
  // the working CRS; invalid when unknown.
  gis::Extent layer_work_extent;
  std::string encoding;  // attribute encoding used ("" = as the source declares / UTF-8)
  std::vector<Feature> features;
  LayerStats stats;
  std::vector<std::string> findings;  // warnings about CRS, zone, encoding
  bool read_through_index = false;    // only features near LoadOptions::near, via the R-tree
};

// Loads spec into `work` (an empty work CRS keeps source coordinates).
// Throws InputError naming file, layer and field for every bad-input case.
LoadedLayer load_layer(const LayerSpec& spec, const gis::Crs& work, const gis::GeosContext& ctx,
                       const LoadOptions& options = {});

}  // namespace siteplan::io
