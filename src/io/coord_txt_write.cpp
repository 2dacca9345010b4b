// Writing any polygon layer as a Ministry coordinate TXT (coord_txt.hpp); coord_txt.cpp reads it.
#include "io/coord_txt.hpp"

#include <fmt/core.h>
#include <iconv.h>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "gis/crs.hpp"
#include "io/coord_txt_text.hpp"

namespace fs = std::filesystem;

namespace siteplan::io {

using txt::normalize_encoding;
using txt::recode;
using txt::Recoded;
using txt::to_long;
using txt::trim;

namespace {

std::string clean_value(const std::string& v, bool& changed) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == ',') {
      out += "，";
      changed = true;
    } else if (c == '\r' || c == '\n') {
      out += ' ';
      changed = true;
    } else {
      out += c;
    }
  }
  return std::string(trim(out));
}

std::string today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return fmt::format("{}-{}-{}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

}  // namespace

std::size_t write_coord_txt(OGRLayer& layer, const std::string& source, const std::string& out_path,
                            const CoordTxtWriteOptions& o) {
  gis::init_gdal();
  const gis::Crs src = gis::Crs::from_srs(layer.GetSpatialRef());
  const gis::Crs dst = o.crs.empty() ? src : gis::Crs::from_user(o.crs, "--crs");
  if (dst.empty())
    throw InputError(
        fmt::format("{}: the layer has no CRS; pass --crs with the Gauss-Krüger CRS "
                    "of its coordinates (e.g. --crs EPSG:4542)",
                    source));
  std::optional<GkZone> zone;
  {
    const std::string e = dst.epsg();
    if (e.rfind("EPSG:", 0) == 0)
      if (auto code = to_long(std::string_view(e).substr(5)))
        zone = gk_zone_of_epsg(static_cast<int>(*code));
  }
  if (!zone) {
    std::string hint = "e.g. --crs EPSG:4542 (CGCS2000 3-degree Gauss-Kruger CM 99E)";
    OGREnvelope env;
    if (!src.empty() && layer.GetExtent(&env, TRUE) == OGRERR_NONE) {
      double x = (env.MinX + env.MaxX) / 2, y = (env.MinY + env.MaxY) / 2;
      gis::Transform to_ll(src, gis::Crs::from_user("EPSG:4490", "CGCS2000"));
      if (to_ll.apply(x, y) && x > 73.5 && x < 136.5) {
        const int cm = static_cast<int>(std::lround(x / 3.0)) * 3;
        if (auto c = gis::cgcs2000_gk3_epsg(cm, false))
          hint = fmt::format(
              "--crs EPSG:{} (CGCS2000 3-degree Gauss-Kruger CM {}E, the zone of "
              "the data)",
              *c, cm);
      }
    }
    throw InputError(
        fmt::format("{}: a coordinate file needs a Chinese Gauss-Krüger CRS "
                    "(CGCS2000, Xian 1980 or Beijing 1954, 3- or 6-degree zones), "
                    "not {}; pass the target CRS, {}",
                    source, dst.label(), hint));
  }
  std::optional<gis::Transform> to_dst;
  if (!src.empty() && !src.same_as(dst)) to_dst.emplace(src, dst);
  const double add = o.prefixed && !zone->prefixed ? zone->zone * 1e6 : 0.0;

  OGRFeatureDefn* defn = layer.GetLayerDefn();
  std::vector<std::string> names;
  for (int i = 0; i < defn->GetFieldCount(); ++i)
    names.push_back(defn->GetFieldDefn(i)->GetNameRef());
  auto field = [&](const std::string& given, const char* fallback, const char* option) {
    if (given.empty()) return defn->GetFieldIndex(fallback);
    int idx = defn->GetFieldIndex(given.c_str());
    if (idx < 0) {
      std::string near = text::nearest(given, names), list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UsageError(fmt::format("{}: no field '{}' ({}){}; fields are: {}", source, given,
                                   option, near.empty() ? "" : " (did you mean '" + near + "'?)",
                                   list));
    }
    return idx;
  };
  const int id_idx = field(o.id_field, "地块编号", "--id-field");
  const int name_idx = field(o.name_field, "地块名称", "--name-field");
  const int use_idx = field(o.use_field, "地块用途", "--use-field");
  const int class_idx = field(o.class_field, "地类编码", "--class-field");

  std::string body;
  std::size_t count = 0;
  bool changed = false;
  layer.ResetReading();
  for (auto& f : layer) {
    ++count;
    auto value = [&](int idx) {
      return idx >= 0 && f->IsFieldSetAndNotNull(idx)
                 ? clean_value(f->GetFieldAsString(idx), changed)
                 : std::string();
    };
    const std::string id = id_idx >= 0 ? value(id_idx) : std::to_string(count);
    const OGRGeometry* g0 = f->GetGeometryRef();
    if (!g0 || g0->IsEmpty())
      throw InputError(
          fmt::format("{}: feature {} (FID {}) has no geometry; a coordinate file "
                      "holds polygons only — drop or fix it, or choose the parcels with --where "
                      "(e.g. \"verdict <> 'invalid'\" for a clearance result)",
                      source, id, f->GetFID()));
    const auto t = wkbFlatten(g0->getGeometryType());
    if (t != wkbPolygon && t != wkbMultiPolygon)
      throw InputError(
          fmt::format("{}: feature {} (FID {}) is a {}; a coordinate file holds "
                      "polygons only",
                      source, id, f->GetFID(), OGRGeometryTypeToName(t)));
    gis::OgrGeomPtr g(g0->clone());
    if (to_dst && !to_dst->apply(*g))
      throw InputError(fmt::format("{}: feature {} (FID {}) cannot be transformed to {}", source,
                                   id, f->GetFID(), dst.label()));
    std::vector<const OGRPolygon*> polys;
    if (t == wkbPolygon)
      polys.push_back(g->toPolygon());
    else
      for (const auto* p : *g->toMultiPolygon()) polys.push_back(p);
    std::string rows;
    long n = 0, k = 0;
    for (const auto* poly : polys) {
      for (const auto* ring : *poly) {
        if (ring->getNumPoints() < 3)
          throw InputError(fmt::format("{}: feature {} (FID {}) has a ring of {} points", source,
                                       id, f->GetFID(), ring->getNumPoints()));
        ++k;
        const long first = n + 1;
        int npts = ring->getNumPoints();
        const bool closed = ring->get_IsClosed();
        if (closed) --npts;
        for (int i = 0; i < npts; ++i) {
          ++n;
          rows += fmt::format("J{},{},{:.3f},{:.3f}\r\n", n, k, ring->getY(i), ring->getX(i) + add);
        }
        rows +=
            fmt::format("J{},{},{:.3f},{:.3f}\r\n", first, k, ring->getY(0), ring->getX(0) + add);
      }
    }
    const long nrows = n + k;
    double area = 0;
    for (const auto* poly : polys) area += poly->get_Area();
    body += fmt::format("{},{:.4f},{},{},面,,{},{},@\r\n", nrows, area / 10000.0, id,
                        value(name_idx), value(use_idx), value(class_idx));
    body += rows;
  }
  if (count == 0) throw InputError(fmt::format("{}: the layer is empty; nothing to write", source));
  if (changed)
    log::warn(
        "{}: commas and line breaks in attribute values were replaced (，and a space): the "
        "coordinate file separates fields with commas",
        source);
  std::string head = "[属性描述]\r\n";
  head += "格式版本号=1.01版本\r\n";
  head += fmt::format("数据产生单位={}\r\n", o.producer);
  head += fmt::format("数据产生日期={}\r\n", o.date.empty() ? today() : o.date);
  head += fmt::format("坐标系={}\r\n", gk_datum_label(zone->datum));
  head += fmt::format("几度分带={}\r\n", zone->width);
  head += "投影类型=高斯克吕格\r\n";
  head += "计量单位=米\r\n";
  head += fmt::format("带号={}\r\n", zone->zone);
  head += "精度=0.001\r\n";
  head += "转换参数=,,,,,,\r\n";
  head += "[地块坐标]\r\n";
  std::string text = head + body;
  const std::string enc = normalize_encoding(o.encoding.empty() ? "GBK" : o.encoding);
  if (enc != "UTF-8") {
    Recoded r;
    try {
      r = recode(text, "UTF-8", enc);
    } catch (const InputError& e) {
      throw UsageError(fmt::format("--encoding: {}", e.what()));
    }
    if (r.bad != std::string::npos) {
      std::size_t from = text.rfind('\n', r.bad);
      from = from == std::string::npos ? 0 : from + 1;
      std::size_t to = text.find('\r', r.bad);
      throw InputError(
          fmt::format("{}: the text '{}' cannot be written in {}; pass --encoding "
                      "UTF-8 (or GB18030)",
                      source, text.substr(from, to - from), enc));
    }
    text = std::move(r.text);
  }
  // Atomic: a temporary name in the same folder, renamed when complete.
  const fs::path target(out_path);
  const fs::path tmp =
      target.parent_path() / fmt::format(".{}.tmp-{}", target.filename().string(), ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw RuntimeError(
          fmt::format("{}: cannot write (check the folder exists and is writable)", out_path));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw RuntimeError(fmt::format("{}: write failed (disk full?)", out_path));
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw RuntimeError(fmt::format("{}: cannot move the finished file into place", out_path));
  }
  return count;
}

}  // namespace siteplan::io
