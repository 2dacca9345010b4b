#include "io/layer.hpp"

#include "io/source.hpp"

#include <cpl_string.h>
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "core/threads.hpp"
#include "gis/gdal.hpp"

namespace siteplan::io {

const char* to_string(GeomStatus s) {
  switch (s) {
    case GeomStatus::Valid:
      return "valid";
    case GeomStatus::Repaired:
      return "repaired";
    case GeomStatus::Empty:
      return "empty";
    case GeomStatus::Null:
      return "null";
    case GeomStatus::NotPolygon:
      return "not-polygon";
    case GeomStatus::Unrepairable:
      return "unrepairable";
    case GeomStatus::TransformFailed:
      return "transform-failed";
    case GeomStatus::BadCoordinates:
      return "bad-coordinates";
  }
  return "valid";
}

void LayerStats::add(GeomStatus s) {
  ++total;
  switch (s) {
    case GeomStatus::Valid:
      ++valid;
      break;
    case GeomStatus::Repaired:
      ++repaired;
      break;
    case GeomStatus::Empty:
      ++empty;
      break;
    case GeomStatus::Null:
      ++null;
      break;
    case GeomStatus::NotPolygon:
      ++not_polygon;
      break;
    case GeomStatus::Unrepairable:
      ++unrepairable;
      break;
    case GeomStatus::TransformFailed:
      ++transform_failed;
      break;
    case GeomStatus::BadCoordinates:
      ++bad_coordinates;
      break;
  }
}

namespace {

// Features read but not yet converted: attributes, and geometries taken over from OGR as they are.
struct Batch {
  std::vector<Feature> features;
  std::vector<gis::OgrGeomPtr> geoms;
  std::vector<char> polygonal;
  gis::Extent native;

  void append(Batch&& other) {
    native.expand(other.native);
    for (auto& f : other.features) features.push_back(std::move(f));
    for (auto& g : other.geoms) geoms.push_back(std::move(g));
    polygonal.insert(polygonal.end(), other.polygonal.begin(), other.polygonal.end());
  }
};

// One load, its phases as methods: open (source, layer, encoding), fields, CRS (with the fit
// check on the whole layer's extent), reading (plain, by FID ranges, or through a GeoPackage's
// R-tree), conversion (parallel: reproject, GEOS, validate, repair), and the summary.
class Loader {
 public:
  Loader(const LayerSpec& spec, const gis::Crs& work, const gis::GeosContext& ctx,
         const LoadOptions& options)
      : spec_(spec), work_(work), ctx_(ctx), opt_(options) {
    out_.spec = spec;
  }

  LoadedLayer run() {
    open();
    read_fields();
    settle_crs();
    if (opt_.validate_only) return std::move(out_);
    set_spatial_filter();
    read();
    canonical_order();
    if (strict_ && !fit_checked_) refuse_misfit(out_.native_extent);
    convert();
    summarize();
    return std::move(out_);
  }

 private:
  void open();
  void read_fields();
  int field_index(const std::string& name, const char* role) const;
  std::string decode(const char* raw) const;
  void settle_crs();
  std::string declare(const std::string& crs) const;
  void refuse_misfit(const gis::Extent& native) const;
  void set_spatial_filter();
  void read();
  std::vector<GIntBig> near_fids_from_rtree();
  bool read_in_parts(const std::vector<GIntBig>* near_fids, GIntBig count_hint);
  void read_into(OGRLayer& layer, Batch& batch);
  void take(OGRFeature& f, Batch& batch);
  void canonical_order();
  void convert();
  void convert_one(std::size_t i, const gis::GeosContext& wctx,
                   const std::optional<gis::Transform>& tr, std::vector<char>& far);
  void summarize();

  const LayerSpec& spec_;
  const gis::Crs& work_;
  const gis::GeosContext& ctx_;
  const LoadOptions& opt_;
  LoadedLayer out_;
  GDALDatasetUniquePtr ds_;
  OGRLayer* layer_ = nullptr;
  std::string where_label_;
  bool recode_ = false;
  int wkt_idx_ = -1, id_idx_ = -1;
  std::vector<int> keep_idx_;
  std::string filter_;
  std::optional<gis::Transform> to_work_;
  bool strict_ = false, fit_checked_ = false;
  std::optional<Progress> progress_;
  Batch batch_;
};

// Data set, layer and attribute encoding. A shapefile without .cpg or code page, or a CSV,
// declares none: its bytes decide (valid UTF-8, else GB18030), and the log says which. Formats
// that store text as UTF-8 by definition are never recoded, whatever --encoding says.
void Loader::open() {
  ds_ = open_source(spec_.source, spec_.encoding, spec_.layer,
                    opt_.id_field.empty() ? spec_.id_field : opt_.id_field);
  out_.driver = ds_->GetDriver() ? ds_->GetDriver()->GetDescription() : "";
  layer_ = pick_layer(*ds_, spec_.source, spec_.layer);
  out_.layer_name = layer_->GetName();
  where_label_ = fmt::format("{}:{}", spec_.source, out_.layer_name);
  out_.encoding = spec_.encoding;
  static const char* const utf8_drivers[] = {
      "GPKG",        "GeoJSON", "GeoJSONSeq", "XLSX",   "ODS",    "FlatGeobuf", "PostgreSQL",
      "OpenFileGDB", "FileGDB", "KML",        "LIBKML", "SQLite", "Memory"};
  if (!out_.encoding.empty() &&
      std::find_if(std::begin(utf8_drivers), std::end(utf8_drivers),
                   [&](const char* d) { return out_.driver == d; }) != std::end(utf8_drivers)) {
    if (!opt_.validate_only && out_.driver != "Memory")
      log::warn("{}: --encoding {} ignored: {} stores text as UTF-8", where_label_, out_.encoding,
                out_.driver);
    out_.encoding.clear();
  }
  if (out_.encoding.empty()) {
    out_.encoding = undeclared_encoding(*ds_, *layer_, spec_.source, out_.driver);
    if (!out_.encoding.empty()) {
      if (!opt_.validate_only)
        log::info("{}: the source declares no encoding (no .cpg, no code page); its text is {}",
                  where_label_,
                  out_.encoding == "UTF-8" ? "valid UTF-8 and read as such"
                                           : "not UTF-8 and read as GB18030 (GBK); pass "
                                             "--encoding if that is wrong");
      if (out_.driver == "ESRI Shapefile") {
        ds_ = open_source(spec_.source, out_.encoding, spec_.layer);
        layer_ = pick_layer(*ds_, spec_.source, spec_.layer);
      }
    }
  }
  // The shapefile driver decodes itself; in-memory data sets (a coordinate TXT) are already
  // UTF-8; other drivers hand over raw bytes.
  const std::string enc = text::to_lower(out_.encoding);
  recode_ = !enc.empty() && out_.driver != "ESRI Shapefile" && out_.driver != "Memory" &&
            enc != "utf-8" && enc != "utf8";
  out_.geometry_type = OGRGeometryTypeToName(layer_->GetGeomType());
}

std::string Loader::decode(const char* raw) const {
  if (!recode_ || !raw || !*raw) return raw ? raw : "";
  char* r = CPLRecode(raw, out_.encoding.c_str(), CPL_ENC_UTF8);
  std::string v = r;
  CPLFree(r);
  return v;
}

// Field names (decoded), the WKT column of a table without geometry, and the fields to keep.
void Loader::read_fields() {
  OGRFeatureDefn* defn = layer_->GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    OGRFieldDefn* f = defn->GetFieldDefn(i);
    out_.fields.push_back({decode(f->GetNameRef()), OGRFieldDefn::GetFieldTypeName(f->GetType())});
  }
  // Tables without a geometry column (CSV, XLSX, ODS) may hold the geometry as WKT text.
  if (defn->GetGeomFieldCount() == 0) {
    for (const char* name : {"WKT", "geometry", "geom", "the_geom", "shape", "wkt_geom", "几何"}) {
      for (std::size_t i = 0; i < out_.fields.size() && wkt_idx_ < 0; ++i)
        if (text::to_lower(out_.fields[i].name) == text::to_lower(name))
          wkt_idx_ = static_cast<int>(i);
      if (wkt_idx_ >= 0) break;
    }
    if (wkt_idx_ >= 0) out_.geometry_type = "Unknown (WKT)";
  }
  for (const auto& f : opt_.fields) keep_idx_.push_back(field_index(f, "requested field"));
  id_idx_ = opt_.id_field.empty() ? -1 : field_index(opt_.id_field, "id field");
}

int Loader::field_index(const std::string& name, const char* role) const {
  for (std::size_t i = 0; i < out_.fields.size(); ++i)
    if (out_.fields[i].name == name) return static_cast<int>(i);
  for (std::size_t i = 0; i < out_.fields.size(); ++i)
    if (text::to_lower(out_.fields[i].name) == text::to_lower(name)) return static_cast<int>(i);
  std::vector<std::string> names;
  for (const auto& f : out_.fields) names.push_back(f.name);
  // A name that matches once the field names are decoded as GBK: the encoding is wrong.
  std::string hint;
  OGRFeatureDefn* defn = layer_->GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount() && hint.empty(); ++i) {
    try {
      if (text::to_utf8(defn->GetFieldDefn(i)->GetNameRef(), "GB18030") == name)
        hint = "; the field names are GBK-encoded: add --encoding GBK";
    } catch (const std::exception&) {
    }
  }
  std::string near = text::nearest(name, names);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw InputError(fmt::format("{}: no field '{}' ({}){}{}; fields are: {}", where_label_, name,
                               role, near.empty() ? "" : " (did you mean '" + near + "'?)", hint,
                               list));
}

// How the user declares this layer's CRS, with `crs` filled in.
std::string Loader::declare(const std::string& crs) const {
  std::string how = opt_.crs_option;
  if (how.empty())
    how = spec_.id.rfind("cli:", 0) == 0
              ? "a CRS in the data itself ({crs}), or a rule file declaring the layer with "
                "crs = \"{crs}\""
              : fmt::format("crs = \"{{crs}}\" in [layers.{}]", spec_.id);
  for (std::size_t at; (at = how.find("{crs}")) != std::string::npos;)
    how.replace(at, 5, crs.empty() ? "EPSG:..." : crs);
  return how;
}

void Loader::refuse_misfit(const gis::Extent& native) const {
  for (const auto& f : gis::check_zone(out_.source_crs, native)) {
    if (!f.fatal) continue;
    throw InputError(fmt::format(
        "{}: {}. Nothing was checked: {}", where_label_, f.message,
        f.fitting_crs.empty()
            ? "correct the coordinates, or declare the CRS they are in with " + declare("")
            : "declare their CRS with " + declare(f.fitting_crs)));
  }
}

// The source CRS (the project's `crs` overrides what the source declares), the filter, and —
// before anything is read near the parcels — the fit of the whole layer's extent to its CRS: a
// prefixed layer declared un-prefixed would otherwise simply have no features "near" them. An
// extent spoilt by a corrupted coordinate is not judged here; the features read are, later.
void Loader::settle_crs() {
  if (!spec_.crs.empty()) {
    out_.source_crs = gis::Crs::from_user(spec_.crs, fmt::format("layer '{}'", spec_.id));
    out_.crs_from_project = true;
  } else {
    out_.source_crs = gis::Crs::from_srs(layer_->GetSpatialRef());
  }
  if (out_.source_crs.empty() && !work_.empty() && !opt_.allow_no_crs)
    throw InputError(fmt::format(
        "{}: the layer has no CRS and none is given; declare it with {} saying what its "
        "coordinates are (e.g. EPSG:4542 for CGCS2000 3-degree GK CM 99E)",
        where_label_, declare("")));
  strict_ = opt_.require_crs_fit && !work_.empty() && !out_.source_crs.empty();

  filter_ = spec_.where;
  if (!opt_.extra_where.empty())
    filter_ =
        filter_.empty() ? opt_.extra_where : "(" + filter_ + ") AND (" + opt_.extra_where + ")";
  apply_filter(*layer_, spec_.source, filter_);

  if (!work_.empty() && !out_.source_crs.empty()) to_work_.emplace(out_.source_crs, work_);
  if (to_work_ && !to_work_->identity() && !opt_.validate_only) {
    const std::string w = gis::ballpark_warning(out_.source_crs, work_);
    if (!w.empty()) log::warn("{}: {}", where_label_, w);
  }
  if (!work_.empty() && !out_.source_crs.empty() && layer_->GetGeometryColumn()) {
    OGREnvelope env;
    gis::GdalErrorCapture quiet;
    if (layer_->GetExtent(&env, TRUE) == OGRERR_NONE &&
        !gis::absurd_coordinates(env.MinX, env.MinY, env.MaxX, env.MaxY)) {
      gis::Extent native{env.MinX, env.MinY, env.MaxX, env.MaxY, true};
      if (strict_) refuse_misfit(native);
      fit_checked_ = true;
      out_.layer_work_extent = to_work_ ? to_work_->apply(native) : native;
    }
  }
}

void Loader::set_spatial_filter() {
  if (!opt_.spatial_filter.valid) return;
  gis::Extent e = opt_.spatial_filter;
  if (to_work_) e = gis::Transform(work_, out_.source_crs).apply(opt_.spatial_filter);
  if (e.valid) layer_->SetSpatialFilterRect(e.minx, e.miny, e.maxx, e.maxy);
}

// Phase 1: attributes, and geometries taken over unconverted. Large GeoPackage layers are read
// in FID ranges (or, near the parcels, in lists of FIDs from the R-tree) by one connection per
// core; the parts are joined in order, so the result is the same as one serial read.
void Loader::read() {
  const GIntBig count_hint = layer_->GetFeatureCount(FALSE);
  progress_.emplace(opt_.progress, fmt::format("loading {}", spec_.id),
                    count_hint > 0 ? static_cast<std::uint64_t>(count_hint) : 0);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<GIntBig> near_fids = near_fids_from_rtree();
  if (!read_in_parts(out_.read_through_index ? &near_fids : nullptr, count_hint)) {
    layer_->ResetReading();
    gis::GdalErrorCapture capture;
    read_into(*layer_, batch_);
    if (capture.has_error())
      throw InputError(fmt::format("{}: reading failed: {}", where_label_, capture.first_error()));
  }
  log::debug("{}: {} features read in {:.2f} s", where_label_, batch_.features.size(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

// A GeoPackage's spatial index (its rtree table) holds every feature's envelope: read it first
// and fetch only the features near some parcel, so far ones are never even parsed. Only when no
// reprojection is needed (the index is in the layer's CRS) and the layer holds more than 2,000
// features (below that a plain read is as fast). Sets out_.read_through_index when used.
std::vector<GIntBig> Loader::near_fids_from_rtree() {
  std::vector<GIntBig> near_fids;
  const char* geom_column = layer_->GetGeometryColumn();
  if (out_.driver != "GPKG" || !layer_->GetFIDColumn() || !*layer_->GetFIDColumn() ||
      is_connection_string(spec_.source) || !opt_.near || !to_work_ || !to_work_->identity() ||
      !geom_column || !*geom_column)
    return near_fids;
  const std::string sql = fmt::format("SELECT id, minx, maxx, miny, maxy FROM \"rtree_{}_{}\"",
                                      out_.layer_name, geom_column);
  gis::GdalErrorCapture quiet;  // no index: read as usual
  OGRLayer* r = ds_->ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (!r) return near_fids;
  const double m = opt_.near_margin;
  std::size_t rows = 0;
  std::uint64_t far = 0;
  for (auto& f : *r) {
    ++rows;
    gis::Extent e{f->GetFieldAsDouble(1) - m, f->GetFieldAsDouble(3) - m,
                  f->GetFieldAsDouble(2) + m, f->GetFieldAsDouble(4) + m, true};
    if (opt_.near->intersects_any(e))
      near_fids.push_back(f->GetFieldAsInteger64(0));
    else
      ++far;
  }
  ds_->ReleaseResultSet(r);
  if (quiet.has_error() || rows <= 2000) return {};  // small layers: a plain read is as fast
  std::sort(near_fids.begin(), near_fids.end());
  out_.stats.far = far;
  out_.read_through_index = true;
  return near_fids;
}

// Reads a GeoPackage in parts, one connection each: the given FIDs, or FID ranges for a large
// layer. Returns false when the layer is not read this way.
bool Loader::read_in_parts(const std::vector<GIntBig>* near_fids, GIntBig count_hint) {
  const std::string fid_column = layer_->GetFIDColumn() ? layer_->GetFIDColumn() : "";
  const unsigned cores = std::min(8u, thread_budget());
  if (out_.driver != "GPKG" || fid_column.empty() || is_connection_string(spec_.source))
    return false;
  if (!near_fids && !(count_hint > 20000 && cores > 1)) return false;
  GIntBig lo = 0, hi = -1;
  if (!near_fids) {
    const std::string sql =
        fmt::format("SELECT MIN(\"{0}\"), MAX(\"{0}\") FROM \"{1}\"", fid_column, out_.layer_name);
    if (OGRLayer* r = ds_->ExecuteSQL(sql.c_str(), nullptr, nullptr)) {
      OGRFeatureUniquePtr f(r->GetNextFeature());
      if (f && f->IsFieldSetAndNotNull(0) && f->IsFieldSetAndNotNull(1)) {
        lo = f->GetFieldAsInteger64(0);
        hi = f->GetFieldAsInteger64(1);
      }
      ds_->ReleaseResultSet(r);
    }
    if (hi < lo + static_cast<GIntBig>(cores)) return false;
  }
  const unsigned nparts =
      near_fids ? static_cast<unsigned>(std::clamp<std::size_t>(near_fids->size() / 4096, 1, cores))
                : cores;
  std::vector<Batch> parts(nparts);
  std::vector<std::string> errors(nparts);
  const GIntBig span = (hi - lo + 1 + nparts - 1) / nparts;
  OGRGeometry* sf = layer_->GetSpatialFilter();
  std::unique_ptr<OGRGeometry> spatial(sf && !near_fids ? sf->clone() : nullptr);
  auto run_part = [&](unsigned k) {
    try {
      gis::GdalErrorCapture capture;
      auto pds = open_source(spec_.source, spec_.encoding, spec_.layer);
      OGRLayer* pl = pds->GetLayerByName(out_.layer_name.c_str());
      auto read_where = [&](const std::string& fids) {
        std::string f = filter_.empty() ? fids : "(" + filter_ + ") AND " + fids;
        if (pl->SetAttributeFilter(f.c_str()) != OGRERR_NONE) throw InputError("bad FID filter");
        if (spatial) pl->SetSpatialFilter(spatial.get());
        read_into(*pl, parts[k]);
      };
      if (near_fids) {
        // This part's share of the wanted FIDs, in lists of at most 2,000.
        const std::size_t per = (near_fids->size() + nparts - 1) / nparts;
        const std::size_t from = std::min(near_fids->size(), per * k);
        const std::size_t to = std::min(near_fids->size(), from + per);
        for (std::size_t i = from; i < to; i += 2000) {
          std::string list;
          for (std::size_t j = i; j < std::min(to, i + 2000); ++j) {
            if (j > i) list += ',';
            list += std::to_string((*near_fids)[j]);
          }
          read_where(fmt::format("\"{}\" IN ({})", fid_column, list));
        }
      } else {
        const GIntBig a = lo + span * k, b = std::min(hi, a + span - 1);
        read_where(fmt::format("\"{}\" BETWEEN {} AND {}", fid_column, a, b));
      }
      if (capture.has_error()) errors[k] = capture.first_error();
    } catch (const std::exception& e) {
      errors[k] = e.what();
    }
  };
  run_lanes(nparts, run_part);
  for (unsigned k = 0; k < nparts; ++k) {
    if (!errors[k].empty())
      throw InputError(fmt::format("{}: reading failed: {}", where_label_, errors[k]));
    batch_.append(std::move(parts[k]));
  }
  return true;
}

void Loader::read_into(OGRLayer& layer, Batch& batch) {
  for (auto& f : layer) {
    take(*f, batch);
    progress_->advance();
  }
}

// One feature: its key and kept values, and its geometry sorted into usable or not (NULL, empty,
// unreadable WKT, corrupted coordinates, not a polygon where polygons are wanted).
void Loader::take(OGRFeature& f, Batch& batch) {
  Feature feat;
  feat.fid = f.GetFID();
  if (id_idx_ >= 0)
    feat.key = f.IsFieldSetAndNotNull(id_idx_) ? decode(f.GetFieldAsString(id_idx_)) : "";
  else
    feat.key = std::to_string(feat.fid);
  for (int idx : keep_idx_)
    feat.values.push_back(f.IsFieldSetAndNotNull(idx) ? decode(f.GetFieldAsString(idx)) : "");
  gis::OgrGeomPtr g(f.StealGeometry());
  bool wkt_unreadable = false;
  if (!g && wkt_idx_ >= 0 && f.IsFieldSetAndNotNull(wkt_idx_)) {
    OGRGeometry* parsed = nullptr;
    if (OGRGeometryFactory::createFromWkt(f.GetFieldAsString(wkt_idx_), nullptr, &parsed) ==
            OGRERR_NONE &&
        parsed) {
      g.reset(parsed);
    } else {
      delete parsed;
      wkt_unreadable = true;
    }
  }
  bool polygonal = false;
  OGREnvelope env;
  if (wkt_unreadable) {
    feat.status = GeomStatus::Unrepairable;
    feat.problem = fmt::format("field '{}' does not hold readable WKT",
                               out_.fields[static_cast<std::size_t>(wkt_idx_)].name);
  } else if (!g) {
    feat.status = GeomStatus::Null;
  } else if (g->IsEmpty()) {
    feat.status = GeomStatus::Empty;
    g.reset();
  } else if (g->getEnvelope(&env),
             gis::absurd_coordinates(env.MinX, env.MinY, env.MaxX, env.MaxY)) {
    feat.status = GeomStatus::BadCoordinates;
    feat.problem = fmt::format(
        "coordinates out of any range (x {:g} .. {:g}, y {:g} .. {:g}): corrupted values", env.MinX,
        env.MaxX, env.MinY, env.MaxY);
    g.reset();
  } else {
    batch.native.expand(env.MinX, env.MinY);
    batch.native.expand(env.MaxX, env.MaxY);
    const OGRwkbGeometryType flat = wkbFlatten(g->getGeometryType());
    polygonal = flat == wkbPolygon || flat == wkbMultiPolygon || flat == wkbCurvePolygon ||
                flat == wkbMultiSurface || flat == wkbPolyhedralSurface || flat == wkbTIN;
    if (opt_.polygons_only && !polygonal) {
      feat.status = GeomStatus::NotPolygon;
      feat.problem = OGRGeometryTypeToName(g->getGeometryType());
      g.reset();
    }
  }
  batch.geoms.push_back(std::move(g));
  batch.polygonal.push_back(polygonal ? 1 : 0);
  batch.features.push_back(std::move(feat));
}

// One canonical order — by FID — whatever the driver's or the spatial index's reading order, so
// sums over features never depend on how the layer was read.
void Loader::canonical_order() {
  out_.native_extent = batch_.native;
  std::vector<std::size_t> order(batch_.features.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return batch_.features[a].fid < batch_.features[b].fid;
  });
  bool sorted = true;
  for (std::size_t i = 0; i < order.size() && sorted; ++i) sorted = order[i] == i;
  if (sorted) return;
  Batch b;
  b.native = batch_.native;
  b.features.reserve(order.size());
  b.geoms.reserve(order.size());
  b.polygonal.reserve(order.size());
  for (std::size_t i : order) {
    b.features.push_back(std::move(batch_.features[i]));
    b.geoms.push_back(std::move(batch_.geoms[i]));
    b.polygonal.push_back(batch_.polygonal[i]);
  }
  batch_ = std::move(b);
}

// Phase 2 (parallel): reproject, convert to GEOS, validate and repair. Each worker has its own
// GEOS context and PROJ transformation; results land by index, so order never depends on threads.
void Loader::convert() {
  const std::size_t n = batch_.features.size();
  std::vector<char> far(n, 0);
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::string first_error;
  // Lane 0 works in the caller's context (the caller waits for the lanes), the others in their own.
  auto worker = [&](unsigned lane) {
    try {
      std::optional<gis::GeosContext> own;
      if (lane > 0) own.emplace();
      const gis::GeosContext& wctx = lane == 0 ? ctx_ : *own;
      std::optional<gis::Transform> tr;
      if (to_work_ && !to_work_->identity()) tr.emplace(out_.source_crs, work_);
      for (std::size_t begin; (begin = next.fetch_add(64)) < n;)
        for (std::size_t i = begin; i < std::min(n, begin + 64); ++i) convert_one(i, wctx, tr, far);
    } catch (const std::exception& e) {
      std::lock_guard lock(error_mutex);
      if (first_error.empty()) first_error = e.what();
      next = n;
    }
  };
  run_lanes(n < 256 ? 1u : std::min(8u, thread_budget()), worker);
  if (!first_error.empty()) throw RuntimeError(fmt::format("{}: {}", where_label_, first_error));
  out_.features = std::move(batch_.features);
  if (opt_.near) {  // features found far from every parcel only once reprojected
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (far[i]) {
        ++out_.stats.far;
        continue;
      }
      if (kept != i) out_.features[kept] = std::move(out_.features[i]);
      ++kept;
    }
    out_.features.resize(kept);
  }
}

void Loader::convert_one(std::size_t i, const gis::GeosContext& wctx,
                         const std::optional<gis::Transform>& tr, std::vector<char>& far) {
  gis::OgrGeomPtr& pending = batch_.geoms[i];
  if (!pending) return;
  if (opt_.convert_only && (i >= opt_.convert_only->size() || !(*opt_.convert_only)[i])) {
    pending.reset();  // another process's feature
    return;
  }
  Feature& feat = batch_.features[i];
  OGRGeometry* og = pending.get();
  if (og->getCoordinateDimension() > 2 || og->IsMeasured()) og->flattenTo2D();
  if (tr && !tr->apply(*og)) {
    feat.status = GeomStatus::TransformFailed;
    feat.problem = "coordinates cannot be transformed to the working CRS";
    return;
  }
  const bool polygonal = batch_.polygonal[i] != 0;
  if (opt_.envelopes_only) {
    if (polygonal && !og->IsEmpty()) {
      OGREnvelope env;
      og->getEnvelope(&env);
      feat.envelope = {env.MinX, env.MinY, env.MaxX, env.MaxY, true};
    }
    pending.reset();
    return;
  }
  if (opt_.near && polygonal) {
    OGREnvelope env;
    og->getEnvelope(&env);
    const double m = opt_.near_margin;
    if (!opt_.near->intersects_any(
            {env.MinX - m, env.MinY - m, env.MaxX + m, env.MaxY + m, true})) {
      far[i] = 1;
      pending.reset();
      return;
    }
  }
  GEOSGeometry* gg = og->exportToGEOS(wctx.get());
  pending.reset();
  if (!gg) {
    feat.status = GeomStatus::Unrepairable;
    feat.problem = "GEOS cannot read the geometry";
    return;
  }
  // Owned through the caller's context: destroying a geometry does not depend on the context
  // that made it, and the caller's outlives the workers.
  gis::GeomPtr geos = gis::wrap(ctx_, gg);
  if (polygonal) {
    auto v = gis::check_valid(wctx, geos.get());
    if (!v.valid) {
      feat.problem = v.reason;
      auto fixed = gis::make_valid_polygonal(wctx, geos.get());
      if (GEOSisEmpty_r(wctx, fixed.get())) {
        feat.status = GeomStatus::Unrepairable;
      } else {
        feat.status = GeomStatus::Repaired;
        geos = gis::wrap(ctx_, fixed.release());
      }
    }
    if (feat.status != GeomStatus::Unrepairable && gis::area(wctx, geos.get()) <= 0.0) {
      feat.status = GeomStatus::Empty;
      feat.problem = "zero area";
    }
  }
  if (usable(feat.status)) {
    gis::warm_envelope(wctx, geos.get());
    feat.geom = std::move(geos);
  }
}

// Extents and statistics; a feature that cannot be transformed refuses the run (its coordinates
// do not fit the declared CRS); findings about the coordinates.
void Loader::summarize() {
  for (auto& feat : out_.features) {
    if (feat.geom) {
      double x0, y0, x1, y1;
      if (GEOSGeom_getXMin_r(ctx_, feat.geom.get(), &x0) &&
          GEOSGeom_getYMin_r(ctx_, feat.geom.get(), &y0) &&
          GEOSGeom_getXMax_r(ctx_, feat.geom.get(), &x1) &&
          GEOSGeom_getYMax_r(ctx_, feat.geom.get(), &y1)) {
        out_.work_extent.expand(x0, y0);
        out_.work_extent.expand(x1, y1);
      }
      if (!opt_.keep_geometry) feat.geom.reset();
    } else if (feat.envelope.valid) {
      out_.work_extent.expand(feat.envelope.minx, feat.envelope.miny);
      out_.work_extent.expand(feat.envelope.maxx, feat.envelope.maxy);
    }
    out_.stats.add(feat.status);
  }
  if (strict_ && out_.stats.transform_failed) {
    std::string list;
    int shown = 0;
    for (const auto& feat : out_.features)
      if (feat.status == GeomStatus::TransformFailed && shown++ < 10)
        list += (list.empty() ? "" : ", ") + feat.key;
    throw InputError(fmt::format(
        "{}: {} features cannot be transformed from {} to {} ({}{}): their coordinates do not "
        "fit the declared CRS. Nothing was checked: declare the right one with {}",
        where_label_, out_.stats.transform_failed, out_.source_crs.label(), work_.label(), list,
        out_.stats.transform_failed > 10 ? ", ..." : "", declare("")));
  }
  progress_->finish(out_.stats.far ? fmt::format("{} features near the parcels ({} further away)",
                                                 out_.stats.total, out_.stats.far)
                                   : fmt::format("{} features", out_.stats.total));
  for (auto& f : gis::check_zone(out_.source_crs, out_.native_extent))
    out_.findings.push_back(f.message);
  if (out_.stats.bad_coordinates)
    out_.findings.push_back(fmt::format(
        "{} features have corrupted coordinates (non-finite or beyond 1e8) and are unusable",
        out_.stats.bad_coordinates));
  if (!work_.empty() && !work_.same_as(out_.source_crs) && work_.transverse_mercator() &&
      out_.work_extent.valid) {
    for (auto& f : gis::check_zone(work_, out_.work_extent))
      out_.findings.push_back("in the working CRS: " + f.message);
  }
  if (out_.stats.repaired)
    out_.findings.push_back(
        fmt::format("{} invalid geometries repaired with make-valid", out_.stats.repaired));
}

}  // namespace

LoadedLayer load_layer(const LayerSpec& spec, const gis::Crs& work, const gis::GeosContext& ctx,
                       const LoadOptions& options) {
  return Loader(spec, work, ctx, options).run();
}

}  // namespace siteplan::io
