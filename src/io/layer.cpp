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

LoadedLayer load_layer(const LayerSpec& spec, const gis::Crs& work, const gis::GeosContext& ctx,
                       const LoadOptions& options) {
  LoadedLayer out;
  out.spec = spec;
  auto ds = open_source(spec.source, spec.encoding, spec.layer,
                        options.id_field.empty() ? spec.id_field : options.id_field);
  out.driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
  OGRLayer* layer = pick_layer(*ds, spec.source, spec.layer);
  out.layer_name = layer->GetName();
  const std::string where_label = fmt::format("{}:{}", spec.source, out.layer_name);

  // Attribute encoding. A shapefile without .cpg or code page, or a CSV, declares none: its
  // bytes decide (valid UTF-8, else GB18030), and the log says which.
  out.encoding = spec.encoding;
  if (out.encoding.empty()) {
    out.encoding = undeclared_encoding(*ds, *layer, spec.source, out.driver);
    if (!out.encoding.empty()) {
      if (!options.validate_only)
        log::info("{}: the source declares no encoding (no .cpg, no code page); its text is {}",
                  where_label,
                  out.encoding == "UTF-8" ? "valid UTF-8 and read as such"
                                          : "not UTF-8 and read as GB18030 (GBK); pass "
                                            "--encoding if that is wrong");
      if (out.driver == "ESRI Shapefile") {
        ds = open_source(spec.source, out.encoding, spec.layer);
        layer = pick_layer(*ds, spec.source, spec.layer);
      }
    }
  }
  // The shapefile driver decodes itself; other drivers hand over raw bytes.
  // In-memory data sets (a coordinate TXT) are already UTF-8.
  const bool recode = !out.encoding.empty() && out.driver != "ESRI Shapefile" &&
                      out.driver != "Memory" && text::to_lower(out.encoding) != "utf-8" &&
                      text::to_lower(out.encoding) != "utf8";
  auto decode = [&](const char* raw) -> std::string {
    if (!recode || !raw || !*raw) return raw ? raw : "";
    char* r = CPLRecode(raw, out.encoding.c_str(), CPL_ENC_UTF8);
    std::string v = r;
    CPLFree(r);
    return v;
  };
  out.geometry_type = OGRGeometryTypeToName(layer->GetGeomType());

  OGRFeatureDefn* defn = layer->GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    OGRFieldDefn* f = defn->GetFieldDefn(i);
    out.fields.push_back({decode(f->GetNameRef()), OGRFieldDefn::GetFieldTypeName(f->GetType())});
  }
  auto field_index = [&](const std::string& name, const char* role) {
    for (std::size_t i = 0; i < out.fields.size(); ++i)
      if (out.fields[i].name == name) return static_cast<int>(i);
    for (std::size_t i = 0; i < out.fields.size(); ++i)
      if (text::to_lower(out.fields[i].name) == text::to_lower(name)) return static_cast<int>(i);
    std::vector<std::string> names;
    for (const auto& f : out.fields) names.push_back(f.name);
    // A name that matches once the field names are decoded as GBK: the encoding is wrong.
    std::string hint;
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
    throw InputError(fmt::format("{}: no field '{}' ({}){}{}; fields are: {}", where_label, name,
                                 role, near.empty() ? "" : " (did you mean '" + near + "'?)", hint,
                                 list));
  };
  // Tables without a geometry column (CSV, XLSX, ODS) may hold the geometry as WKT text.
  int wkt_idx = -1;
  if (defn->GetGeomFieldCount() == 0) {
    for (const char* name : {"WKT", "geometry", "geom", "the_geom", "shape", "wkt_geom", "几何"}) {
      for (std::size_t i = 0; i < out.fields.size() && wkt_idx < 0; ++i)
        if (text::to_lower(out.fields[i].name) == text::to_lower(name))
          wkt_idx = static_cast<int>(i);
      if (wkt_idx >= 0) break;
    }
    if (wkt_idx >= 0) out.geometry_type = "Unknown (WKT)";
  }
  std::vector<int> keep_idx;
  for (const auto& f : options.fields) keep_idx.push_back(field_index(f, "requested field"));
  int id_idx = options.id_field.empty() ? -1 : field_index(options.id_field, "id field");

  // Source CRS: the project's `crs` overrides; otherwise what the source declares.
  if (!spec.crs.empty()) {
    out.source_crs = gis::Crs::from_user(spec.crs, fmt::format("layer '{}'", spec.id));
    out.crs_from_project = true;
  } else {
    out.source_crs = gis::Crs::from_srs(layer->GetSpatialRef());
  }
  // How the user declares this layer's CRS, with `crs` filled in.
  auto declare = [&](const std::string& crs) {
    std::string how = options.crs_option;
    if (how.empty())
      how = spec.id.rfind("cli:", 0) == 0
                ? "a CRS in the data itself ({crs}), or a rule file declaring the layer with "
                  "crs = \"{crs}\""
                : fmt::format("crs = \"{{crs}}\" in [layers.{}]", spec.id);
    for (std::size_t at; (at = how.find("{crs}")) != std::string::npos;)
      how.replace(at, 5, crs.empty() ? "EPSG:..." : crs);
    return how;
  };
  if (out.source_crs.empty() && !work.empty() && !options.allow_no_crs)
    throw InputError(fmt::format(
        "{}: the layer has no CRS and none is given; declare it with {} saying what its "
        "coordinates are (e.g. EPSG:4542 for CGCS2000 3-degree GK CM 99E)",
        where_label, declare("")));
  const bool strict = options.require_crs_fit && !work.empty() && !out.source_crs.empty();
  auto refuse_misfit = [&](const gis::Extent& native) {
    for (const auto& f : gis::check_zone(out.source_crs, native)) {
      if (!f.fatal) continue;
      throw InputError(fmt::format(
          "{}: {}. Nothing was checked: {}", where_label, f.message,
          f.fitting_crs.empty()
              ? "correct the coordinates, or declare the CRS they are in with " + declare("")
              : "declare their CRS with " + declare(f.fitting_crs)));
    }
  };

  std::string filter = spec.where;
  if (!options.extra_where.empty())
    filter =
        filter.empty() ? options.extra_where : "(" + filter + ") AND (" + options.extra_where + ")";
  apply_filter(*layer, spec.source, filter);

  std::optional<gis::Transform> to_work;
  if (!work.empty() && !out.source_crs.empty()) to_work.emplace(out.source_crs, work);

  // The whole layer's extent as the source reports it: the coordinates must fit their CRS
  // before anything is read near the parcels (a prefixed layer declared un-prefixed would
  // otherwise simply have no features "near" them). An extent spoilt by a corrupted coordinate
  // is not judged here; the features read are, below.
  bool fit_checked = false;
  if (!work.empty() && !out.source_crs.empty() && layer->GetGeometryColumn()) {
    OGREnvelope env;
    gis::GdalErrorCapture quiet;
    if (layer->GetExtent(&env, TRUE) == OGRERR_NONE &&
        !gis::absurd_coordinates(env.MinX, env.MinY, env.MaxX, env.MaxY)) {
      gis::Extent native{env.MinX, env.MinY, env.MaxX, env.MaxY, true};
      if (strict) refuse_misfit(native);
      fit_checked = true;
      out.layer_work_extent = to_work ? to_work->apply(native) : native;
    }
  }

  if (options.validate_only) return out;

  if (options.spatial_filter.valid && to_work) {
    gis::Transform back(work, out.source_crs);
    gis::Extent e = back.apply(options.spatial_filter);
    if (e.valid) layer->SetSpatialFilterRect(e.minx, e.miny, e.maxx, e.maxy);
  } else if (options.spatial_filter.valid) {
    const auto& e = options.spatial_filter;
    layer->SetSpatialFilterRect(e.minx, e.miny, e.maxx, e.maxy);
  }

  const GIntBig count_hint = layer->GetFeatureCount(FALSE);
  Progress progress(fmt::format("loading {}", spec.id),
                    count_hint > 0 ? static_cast<std::uint64_t>(count_hint) : 0,
                    options.show_progress);
  const auto read_start = std::chrono::steady_clock::now();
  // Phase 1: attributes, and geometries taken over unconverted. Large GeoPackage layers are read
  // in FID ranges by one connection per core; the ranges are joined in FID order, so the result
  // is the same as one serial read.
  std::vector<gis::OgrGeomPtr> pending;
  std::vector<char> pending_polygonal;
  auto read_into = [&](OGRLayer* lyr, std::vector<Feature>& feats,
                       std::vector<gis::OgrGeomPtr>& pend, std::vector<char>& poly,
                       gis::Extent& native) {
    for (auto& f : *lyr) {
      Feature feat;
      feat.fid = f->GetFID();
      if (id_idx >= 0) {
        if (!f->IsFieldSetAndNotNull(id_idx))
          feat.key.clear();
        else
          feat.key = decode(f->GetFieldAsString(id_idx));
      } else {
        feat.key = std::to_string(feat.fid);
      }
      for (int idx : keep_idx)
        feat.values.push_back(f->IsFieldSetAndNotNull(idx) ? decode(f->GetFieldAsString(idx)) : "");
      gis::OgrGeomPtr g(f->StealGeometry());
      bool wkt_unreadable = false;
      if (!g && wkt_idx >= 0 && f->IsFieldSetAndNotNull(wkt_idx)) {
        OGRGeometry* parsed = nullptr;
        const char* wkt = f->GetFieldAsString(wkt_idx);
        if (OGRGeometryFactory::createFromWkt(wkt, nullptr, &parsed) == OGRERR_NONE && parsed) {
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
                                   out.fields[static_cast<std::size_t>(wkt_idx)].name);
      } else if (!g) {
        feat.status = GeomStatus::Null;
      } else if (g->IsEmpty()) {
        feat.status = GeomStatus::Empty;
        g.reset();
      } else if (g->getEnvelope(&env),
                 gis::absurd_coordinates(env.MinX, env.MinY, env.MaxX, env.MaxY)) {
        feat.status = GeomStatus::BadCoordinates;
        feat.problem = fmt::format(
            "coordinates out of any range (x {:g} .. {:g}, y {:g} .. {:g}): corrupted values",
            env.MinX, env.MaxX, env.MinY, env.MaxY);
        g.reset();
      } else {
        native.expand(env.MinX, env.MinY);
        native.expand(env.MaxX, env.MaxY);
        const OGRwkbGeometryType flat = wkbFlatten(g->getGeometryType());
        polygonal = flat == wkbPolygon || flat == wkbMultiPolygon || flat == wkbCurvePolygon ||
                    flat == wkbMultiSurface || flat == wkbPolyhedralSurface || flat == wkbTIN;
        if (options.polygons_only && !polygonal) {
          feat.status = GeomStatus::NotPolygon;
          feat.problem = OGRGeometryTypeToName(g->getGeometryType());
          g.reset();
        }
      }
      pend.push_back(std::move(g));
      poly.push_back(polygonal ? 1 : 0);
      feats.push_back(std::move(feat));
      progress.advance();
    }
  };
  const std::string fid_column = layer->GetFIDColumn() ? layer->GetFIDColumn() : "";
  const unsigned cores = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  const bool gpkg_file =
      out.driver == "GPKG" && !fid_column.empty() && !is_connection_string(spec.source);
  // A GeoPackage's spatial index (its rtree table) holds every feature's envelope: read it first
  // and fetch only the features near some parcel, so far ones are never even parsed. Only when
  // no reprojection is needed (the index is in the layer's CRS) and the layer holds more than
  // 2,000 features (below that a plain read is as fast).
  std::vector<GIntBig> near_fids;
  bool by_fid = false;
  if (gpkg_file && options.near && to_work && to_work->identity() && layer->GetGeometryColumn() &&
      *layer->GetGeometryColumn()) {
    const std::string sql = fmt::format("SELECT id, minx, maxx, miny, maxy FROM \"rtree_{}_{}\"",
                                        out.layer_name, layer->GetGeometryColumn());
    gis::GdalErrorCapture quiet;  // no index: read as usual
    OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (r) {
      const double m = options.near_margin;
      std::size_t rows = 0;
      for (auto& f : *r) {
        ++rows;
        gis::Extent e{f->GetFieldAsDouble(1) - m, f->GetFieldAsDouble(3) - m,
                      f->GetFieldAsDouble(2) + m, f->GetFieldAsDouble(4) + m, true};
        if (options.near->intersects_any(e))
          near_fids.push_back(f->GetFieldAsInteger64(0));
        else
          ++out.stats.far;
      }
      ds->ReleaseResultSet(r);
      by_fid = !quiet.has_error() && rows > 2000;  // small layers: a plain read is as fast
      if (!by_fid) {
        near_fids.clear();
        out.stats.far = 0;
      }
      std::sort(near_fids.begin(), near_fids.end());
      out.read_through_index = by_fid;
    }
  }
  bool ranged = false;
  if (gpkg_file && (by_fid || (count_hint > 20000 && cores > 1))) {
    GIntBig lo = 0, hi = -1;
    if (!by_fid) {
      std::string sql =
          fmt::format("SELECT MIN(\"{0}\"), MAX(\"{0}\") FROM \"{1}\"", fid_column, out.layer_name);
      OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
      if (r) {
        OGRFeatureUniquePtr f(r->GetNextFeature());
        if (f && f->IsFieldSetAndNotNull(0) && f->IsFieldSetAndNotNull(1)) {
          lo = f->GetFieldAsInteger64(0);
          hi = f->GetFieldAsInteger64(1);
        }
        ds->ReleaseResultSet(r);
      }
    }
    if (by_fid || hi >= lo + static_cast<GIntBig>(cores)) {
      ranged = true;
      struct Part {
        std::vector<Feature> feats;
        std::vector<gis::OgrGeomPtr> pend;
        std::vector<char> poly;
        gis::Extent native;
        std::string error;
      };
      const unsigned nparts =
          by_fid ? static_cast<unsigned>(std::clamp<std::size_t>(near_fids.size() / 4096, 1, cores))
                 : cores;
      std::vector<Part> parts(nparts);
      const GIntBig span = (hi - lo + 1 + nparts - 1) / nparts;
      OGRGeometry* sf = layer->GetSpatialFilter();
      std::unique_ptr<OGRGeometry> spatial(sf && !by_fid ? sf->clone() : nullptr);
      auto run_part = [&](unsigned k) {
        try {
          gis::GdalErrorCapture part_capture;
          auto pds = open_source(spec.source, spec.encoding, spec.layer);
          OGRLayer* pl = pds->GetLayerByName(out.layer_name.c_str());
          auto read_where = [&](const std::string& fids) {
            std::string f = filter.empty() ? fids : "(" + filter + ") AND " + fids;
            if (pl->SetAttributeFilter(f.c_str()) != OGRERR_NONE)
              throw InputError("bad FID filter");
            if (spatial) pl->SetSpatialFilter(spatial.get());
            read_into(pl, parts[k].feats, parts[k].pend, parts[k].poly, parts[k].native);
          };
          if (by_fid) {
            // This part's share of the wanted FIDs, in lists of at most 2,000.
            const std::size_t per = (near_fids.size() + nparts - 1) / nparts;
            const std::size_t from = std::min(near_fids.size(), per * k);
            const std::size_t to = std::min(near_fids.size(), from + per);
            for (std::size_t i = from; i < to; i += 2000) {
              std::string list;
              for (std::size_t j = i; j < std::min(to, i + 2000); ++j) {
                if (j > i) list += ',';
                list += std::to_string(near_fids[j]);
              }
              read_where(fmt::format("\"{}\" IN ({})", fid_column, list));
            }
          } else {
            GIntBig a = lo + span * k, b = std::min(hi, a + span - 1);
            read_where(fmt::format("\"{}\" BETWEEN {} AND {}", fid_column, a, b));
          }
          if (part_capture.has_error()) parts[k].error = part_capture.first_error();
        } catch (const std::exception& e) {
          parts[k].error = e.what();
        }
      };
      std::vector<std::thread> pool;
      for (unsigned k = 1; k < nparts; ++k) pool.emplace_back(run_part, k);
      run_part(0);
      for (auto& t : pool) t.join();
      for (auto& part : parts) {
        if (!part.error.empty())
          throw InputError(fmt::format("{}: reading failed: {}", where_label, part.error));
        out.native_extent.expand(part.native);
        for (auto& f : part.feats) out.features.push_back(std::move(f));
        for (auto& g : part.pend) pending.push_back(std::move(g));
        pending_polygonal.insert(pending_polygonal.end(), part.poly.begin(), part.poly.end());
      }
    }
  }
  if (!ranged) {
    layer->ResetReading();
    gis::GdalErrorCapture capture;
    read_into(layer, out.features, pending, pending_polygonal, out.native_extent);
    if (capture.has_error())
      throw InputError(fmt::format("{}: reading failed: {}", where_label, capture.first_error()));
  }

  log::debug("{}: {} features read in {:.2f} s", where_label, out.features.size(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - read_start).count());
  // One canonical order — by FID — whatever the driver's or the spatial index's reading order,
  // so sums over features never depend on how the layer was read.
  {
    std::vector<std::size_t> order(out.features.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return out.features[a].fid < out.features[b].fid;
    });
    bool sorted = true;
    for (std::size_t i = 0; i < order.size() && sorted; ++i) sorted = order[i] == i;
    if (!sorted) {
      std::vector<Feature> f2;
      std::vector<gis::OgrGeomPtr> p2;
      std::vector<char> q2;
      f2.reserve(order.size());
      p2.reserve(order.size());
      q2.reserve(order.size());
      for (std::size_t i : order) {
        f2.push_back(std::move(out.features[i]));
        p2.push_back(std::move(pending[i]));
        q2.push_back(pending_polygonal[i]);
      }
      out.features = std::move(f2);
      pending = std::move(p2);
      pending_polygonal = std::move(q2);
    }
  }

  if (strict && !fit_checked) refuse_misfit(out.native_extent);

  // Phase 2 (parallel): reproject, convert to GEOS, validate and repair. Each worker has its own
  // GEOS context and PROJ transformation; results land by index, so order never depends on threads.
  const std::size_t n = out.features.size();
  std::vector<char> far(n, 0);
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::string first_error;
  auto worker = [&](bool is_main) {
    try {
      std::optional<gis::GeosContext> own;
      if (!is_main) own.emplace();
      const gis::GeosContext& wctx = is_main ? ctx : *own;
      std::optional<gis::Transform> tr;
      if (to_work && !to_work->identity()) tr.emplace(out.source_crs, work);
      for (;;) {
        std::size_t begin = next.fetch_add(64);
        if (begin >= n) break;
        for (std::size_t i = begin; i < std::min(n, begin + 64); ++i) {
          if (!pending[i]) continue;
          Feature& feat = out.features[i];
          OGRGeometry* og = pending[i].get();
          if (og->getCoordinateDimension() > 2 || og->IsMeasured()) og->flattenTo2D();
          if (tr && !tr->apply(*og)) {
            feat.status = GeomStatus::TransformFailed;
            feat.problem = "coordinates cannot be transformed to the working CRS";
            continue;
          }
          if (options.near && pending_polygonal[i]) {
            OGREnvelope env;
            og->getEnvelope(&env);
            const double m = options.near_margin;
            gis::Extent e{env.MinX - m, env.MinY - m, env.MaxX + m, env.MaxY + m, true};
            if (!options.near->intersects_any(e)) {
              far[i] = 1;
              pending[i].reset();
              continue;
            }
          }
          GEOSGeometry* gg = og->exportToGEOS(wctx.get());
          pending[i].reset();
          if (!gg) {
            feat.status = GeomStatus::Unrepairable;
            feat.problem = "GEOS cannot read the geometry";
            continue;
          }
          // Owned through the caller's context: destroying a geometry does not depend on the
          // context that made it, and the caller's outlives the workers.
          gis::GeomPtr geos = gis::wrap(ctx, gg);
          if (pending_polygonal[i]) {
            auto v = gis::check_valid(wctx, geos.get());
            if (!v.valid) {
              feat.problem = v.reason;
              auto fixed = gis::make_valid_polygonal(wctx, geos.get());
              if (GEOSisEmpty_r(wctx, fixed.get())) {
                feat.status = GeomStatus::Unrepairable;
              } else {
                feat.status = GeomStatus::Repaired;
                geos = gis::wrap(ctx, fixed.release());
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
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(error_mutex);
      if (first_error.empty()) first_error = e.what();
      next = n;
    }
  };
  const unsigned threads =
      n < 256 ? 1u : std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, false);
  worker(true);
  for (auto& t : pool) t.join();
  if (!first_error.empty()) throw RuntimeError(fmt::format("{}: {}", where_label, first_error));
  if (options.near) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (far[i]) {
        ++out.stats.far;
        continue;
      }
      if (kept != i) out.features[kept] = std::move(out.features[i]);
      ++kept;
    }
    out.features.resize(kept);
  }
  for (auto& feat : out.features) {
    if (feat.geom) {
      double x0, y0, x1, y1;
      if (GEOSGeom_getXMin_r(ctx, feat.geom.get(), &x0) &&
          GEOSGeom_getYMin_r(ctx, feat.geom.get(), &y0) &&
          GEOSGeom_getXMax_r(ctx, feat.geom.get(), &x1) &&
          GEOSGeom_getYMax_r(ctx, feat.geom.get(), &y1)) {
        out.work_extent.expand(x0, y0);
        out.work_extent.expand(x1, y1);
      }
      if (!options.keep_geometry) feat.geom.reset();
    }
    out.stats.add(feat.status);
  }
  if (strict && out.stats.transform_failed) {
    std::string list;
    int shown = 0;
    for (const auto& feat : out.features)
      if (feat.status == GeomStatus::TransformFailed && shown++ < 10)
        list += (list.empty() ? "" : ", ") + feat.key;
    throw InputError(fmt::format(
        "{}: {} features cannot be transformed from {} to {} ({}{}): their coordinates do not "
        "fit the declared CRS. Nothing was checked: declare the right one with {}",
        where_label, out.stats.transform_failed, out.source_crs.label(), work.label(), list,
        out.stats.transform_failed > 10 ? ", ..." : "", declare("")));
  }
  progress.finish(out.stats.far ? fmt::format("{} features near the parcels ({} further away)",
                                              out.stats.total, out.stats.far)
                                : fmt::format("{} features", out.stats.total));

  // Findings about the coordinates.
  for (auto& f : gis::check_zone(out.source_crs, out.native_extent))
    out.findings.push_back(f.message);
  if (out.stats.bad_coordinates)
    out.findings.push_back(
        fmt::format("{} features have corrupted coordinates (non-finite or "
                    "beyond 1e8) and are unusable",
                    out.stats.bad_coordinates));
  if (!work.empty() && !work.same_as(out.source_crs) && work.transverse_mercator() &&
      out.work_extent.valid) {
    for (auto& f : gis::check_zone(work, out.work_extent))
      out.findings.push_back("in the working CRS: " + f.message);
  }
  if (out.stats.repaired)
    out.findings.push_back(
        fmt::format("{} invalid geometries repaired with make-valid", out.stats.repaired));
  return out;
}

}  // namespace siteplan::io
