#include "io/info.hpp"

#include "io/source.hpp"

#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace siteplan::io {

namespace {

void cross_layer_findings(InfoReport& r) {
  std::map<std::string, std::vector<std::string>> by_crs;
  for (const auto& l : r.layers) by_crs[l.source_crs.label()].push_back(l.spec.id);
  if (by_crs.size() > 1) {
    std::string parts;
    for (const auto& [crs, ids] : by_crs) {
      std::string list;
      for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
      parts += fmt::format("{}{} ({})", parts.empty() ? "" : "; ", crs, list);
    }
    r.findings.push_back(fmt::format(
        "layers come in {} different CRSs: {}; all are reprojected to {}, check each is declared "
        "right",
        by_crs.size(), parts, r.work.label()));
  }
}

// The data's own CRS when projected, else the CGCS2000 3-degree GK zone of its centre.
gis::Crs auto_work_crs(const gis::Crs& crs, const gis::Extent& extent) {
  if (crs.empty() || !extent.valid) return {};
  if (crs.is_projected()) return crs;
  gis::Transform to_geo(crs, gis::Crs::from_user("EPSG:4490", "internal"));
  gis::Extent g = to_geo.apply(extent);
  if (!g.valid) return {};
  int cm = static_cast<int>(std::lround((g.minx + g.maxx) / 2.0 / 3.0)) * 3;
  if (auto code = gis::cgcs2000_gk3_epsg(cm, false))
    return gis::Crs::from_user(fmt::format("EPSG:{}", *code), "internal");
  return {};
}

LoadOptions info_options() {
  LoadOptions o;
  o.keep_geometry = false;
  o.require_crs_fit = false;  // info reports a misfit as a warning instead of refusing
  return o;
}

}  // namespace

InfoReport info_for_project(const Project& project, const gis::GeosContext& ctx) {
  InfoReport r;
  r.title = project.name.empty() ? project.path : project.name + " (" + project.path + ")";
  if (project.crs.empty())
    throw InputError(
        fmt::format("{}: [project] has no crs; set the working CRS, e.g. crs = "
                    "\"EPSG:4542\"",
                    project.path));
  r.work = gis::working_crs(project.crs, project.path + ": [project] crs");
  for (const auto& spec : project.layers) {
    if (is_raster_source(spec.source))
      r.rasters.push_back(describe_raster(spec, r.work));
    else
      r.layers.push_back(load_layer(spec, r.work, ctx, info_options()));
  }
  cross_layer_findings(r);
  return r;
}

InfoReport info_for_dataset(const std::string& source, const std::string& only_layer,
                            const std::string& work_crs, const std::string& encoding,
                            const gis::GeosContext& ctx) {
  InfoReport r;
  r.title = source;
  if (only_layer.empty() && is_raster_source(source)) {
    LayerSpec spec;
    spec.id = std::filesystem::path(source).stem().string();
    spec.source = source;
    RasterInfo probe = describe_raster(spec, gis::Crs(), true);
    if (!work_crs.empty())
      r.work = gis::Crs::from_user(work_crs, "--crs");
    else
      r.work = auto_work_crs(probe.source_crs, probe.native_extent);
    r.rasters.push_back(r.work.empty() ? probe : describe_raster(spec, r.work, true));
    return r;
  }
  std::vector<std::string> names = {only_layer};
  if (only_layer.empty()) names = list_layers(source);
  if (!work_crs.empty()) r.work = gis::Crs::from_user(work_crs, "--crs");
  for (const auto& name : names) {
    LayerSpec spec;
    spec.id = name;
    spec.source = source;
    spec.layer = name;
    spec.encoding = encoding;
    if (r.work.empty()) {
      // Pick a working CRS from the first layer with a CRS.
      LoadedLayer probe = load_layer(spec, gis::Crs(), ctx, info_options());
      r.work = auto_work_crs(probe.source_crs, probe.native_extent);
    }
    LoadOptions o = info_options();
    o.allow_no_crs = true;
    r.layers.push_back(load_layer(spec, r.work, ctx, o));
  }
  cross_layer_findings(r);
  return r;
}

namespace {
std::string extent_text(const gis::Extent& e) {
  if (!e.valid) return "(none)";
  return fmt::format("x {:.3f} .. {:.3f}, y {:.3f} .. {:.3f}", e.minx, e.maxx, e.miny, e.maxy);
}
}  // namespace

std::string format_info_text(const InfoReport& r) {
  std::string out;
  out += fmt::format("{}\n", r.title);
  out += fmt::format("working CRS: {}\n", r.work.label());
  for (const auto& l : r.layers) {
    out +=
        fmt::format("\nlayer {} ({}:{}, {})\n", l.spec.id, l.spec.source, l.layer_name, l.driver);
    if (!l.spec.where.empty()) out += fmt::format("  filter:     {}\n", l.spec.where);
    out += fmt::format("  geometry:   {}\n", l.geometry_type);
    const auto& s = l.stats;
    out += fmt::format("  features:   {} (valid {}, invalid {}, empty {}, null {}", s.total,
                       s.valid, s.repaired + s.unrepairable, s.empty, s.null);
    if (s.transform_failed) out += fmt::format(", not transformable {}", s.transform_failed);
    if (s.bad_coordinates) out += fmt::format(", corrupted coordinates {}", s.bad_coordinates);
    out += ")\n";
    out += fmt::format("  source CRS: {}{}\n", l.source_crs.label(),
                       l.crs_from_project ? " (set in the project)" : "");
    out += fmt::format("  extent:     {}\n", extent_text(l.work_extent));
    std::string fields;
    for (const auto& f : l.fields)
      fields += fmt::format("{}{} ({})", fields.empty() ? "" : ", ", f.name, f.type);
    out += fmt::format("  fields:     {}\n", fields.empty() ? "(none)" : fields);
    for (const auto& f : l.findings) out += fmt::format("  warning:    {}\n", f);
  }
  for (const auto& ras : r.rasters) {
    out += fmt::format("\nraster {} ({}, {})\n", ras.id, ras.source, ras.driver);
    out += fmt::format("  size:       {} x {} pixels, {} band(s), {}\n", ras.width, ras.height,
                       ras.bands, ras.data_type);
    out += fmt::format("  pixel:      {:.3f} x {:.3f}\n", ras.pixel_x, ras.pixel_y);
    out += fmt::format("  nodata:     {}\n",
                       ras.has_nodata ? fmt::format("{}", ras.nodata) : "(none)");
    if (ras.has_stats)
      out += fmt::format("  values:     min {:.3f}, max {:.3f}, mean {:.3f}\n", ras.min, ras.max,
                         ras.mean);
    out += fmt::format("  source CRS: {}{}\n", ras.source_crs.label(),
                       ras.crs_from_project ? " (set in the project)" : "");
    out += fmt::format("  extent:     {}\n", extent_text(ras.work_extent));
    for (const auto& f : ras.findings) out += fmt::format("  warning:    {}\n", f);
  }
  if (!r.findings.empty()) out += "\n";
  for (const auto& f : r.findings) out += fmt::format("warning: {}\n", f);
  return out;
}

std::string format_info_json(const InfoReport& r) {
  nlohmann::ordered_json j;
  j["title"] = r.title;
  j["working_crs"] = {{"epsg", r.work.epsg()}, {"name", r.work.name()}};
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : r.layers) {
    nlohmann::ordered_json lj;
    lj["id"] = l.spec.id;
    lj["source"] = l.spec.source;
    lj["layer"] = l.layer_name;
    lj["driver"] = l.driver;
    lj["geometry_type"] = l.geometry_type;
    lj["features"] = l.stats.total;
    lj["valid"] = l.stats.valid;
    lj["invalid"] = l.stats.repaired + l.stats.unrepairable;
    lj["empty"] = l.stats.empty;
    lj["null"] = l.stats.null;
    lj["source_crs"] = {{"epsg", l.source_crs.epsg()}, {"name", l.source_crs.name()}};
    if (l.work_extent.valid)
      lj["extent"] = {l.work_extent.minx, l.work_extent.miny, l.work_extent.maxx,
                      l.work_extent.maxy};
    lj["fields"] = nlohmann::ordered_json::array();
    for (const auto& f : l.fields) lj["fields"].push_back({{"name", f.name}, {"type", f.type}});
    lj["warnings"] = l.findings;
    j["layers"].push_back(lj);
  }
  j["rasters"] = nlohmann::ordered_json::array();
  for (const auto& ras : r.rasters) {
    nlohmann::ordered_json rj;
    rj["id"] = ras.id;
    rj["source"] = ras.source;
    rj["driver"] = ras.driver;
    rj["width"] = ras.width;
    rj["height"] = ras.height;
    rj["bands"] = ras.bands;
    rj["data_type"] = ras.data_type;
    rj["pixel_size"] = {ras.pixel_x, ras.pixel_y};
    if (ras.has_nodata) rj["nodata"] = ras.nodata;
    if (ras.has_stats) rj["stats"] = {{"min", ras.min}, {"max", ras.max}, {"mean", ras.mean}};
    rj["source_crs"] = {{"epsg", ras.source_crs.epsg()}, {"name", ras.source_crs.name()}};
    if (ras.work_extent.valid)
      rj["extent"] = {ras.work_extent.minx, ras.work_extent.miny, ras.work_extent.maxx,
                      ras.work_extent.maxy};
    rj["warnings"] = ras.findings;
    j["rasters"].push_back(rj);
  }
  j["warnings"] = r.findings;
  return j.dump(2) + "\n";
}

}  // namespace siteplan::io
