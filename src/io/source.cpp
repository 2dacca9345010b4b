#include "io/source.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/error.hpp"
#include "core/text.hpp"
#include "gis/gdal.hpp"
#include "io/coord_txt.hpp"
#include "io/vertex_table.hpp"
#include "project/project.hpp"

namespace fs = std::filesystem;

namespace siteplan::io {

GDALDatasetUniquePtr open_source(const std::string& source, const std::string& encoding,
                                 const std::string& what, const std::string& id_field) {
  gis::init_gdal();
  if (!is_connection_string(source)) {
    std::error_code ec;
    if (!fs::exists(source, ec))
      throw InputError(fmt::format("{}: no such file{}", source,
                                   what.empty() ? "" : fmt::format(" (layer '{}')", what)));
    // The Ministry coordinate TXT (坐标文件) is read into an in-memory data set.
    if (is_coord_txt(source)) return open_coord_txt(source, encoding);
  }
  if (!encoding.empty() && !text::encoding_known(encoding))
    throw InputError(fmt::format(
        "{}: unknown encoding '{}'; use a name iconv knows, e.g. GBK, GB18030, UTF-8, BIG5", source,
        encoding));
  CPLStringList open_options;
  if (!encoding.empty()) open_options.SetNameValue("ENCODING", encoding.c_str());
  gis::GdalErrorCapture capture;
  // Open options unknown to a driver only warn; the shapefile driver honours ENCODING.
  GDALDatasetUniquePtr ds(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                            nullptr, open_options.List(), nullptr));
  if (!ds) {
    std::string why = capture.first_error();
    throw InputError(
        fmt::format("{}: not a vector data set GDAL can read{}; check the path and format", source,
                    why.empty() ? "" : " (" + why + ")"));
  }
  // A table of boundary points (界址点坐标表) is read into an in-memory data set of parcels.
  if (auto parcels = open_vertex_table(*ds, source, encoding, id_field)) return parcels;
  return ds;
}

OGRLayer* pick_layer(GDALDataset& ds, const std::string& source, const std::string& name) {
  std::vector<std::string> names;
  for (int i = 0; i < ds.GetLayerCount(); ++i) names.push_back(ds.GetLayer(i)->GetName());
  if (name.empty()) {
    if (names.size() == 1) return ds.GetLayer(0);
    if (names.empty()) throw InputError(fmt::format("{}: the data set has no layers", source));
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw InputError(
        fmt::format("{}: the data set has {} layers ({}); name one as PATH:LAYER or "
                    "with layer = \"...\"",
                    source, names.size(), list));
  }
  if (OGRLayer* l = ds.GetLayerByName(name.c_str())) return l;
  std::string near = text::nearest(name, names);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw InputError(fmt::format("{}: no layer '{}'{}; its layers are: {}", source, name,
                               near.empty() ? "" : " (did you mean '" + near + "'?)", list));
}

// Identifiers in an OGR SQL filter that are neither fields nor SQL words.
std::vector<std::string> unknown_identifiers(const std::string& filter,
                                             const std::vector<std::string>& fields) {
  static const std::vector<std::string> words = {
      "and",     "or",      "not",    "in",     "like", "ilike",     "is",        "null",
      "between", "escape",  "true",   "false",  "cast", "as",        "character", "integer",
      "float",   "numeric", "string", "date",   "time", "timestamp", "varchar",   "substr",
      "concat",  "lower",   "upper",  "length", "abs",  "round",     "coalesce",  "case",
      "when",    "then",    "else",   "end",    "glob", "regexp"};
  std::vector<std::string> unknown;
  std::size_t i = 0;
  while (i < filter.size()) {
    char c = filter[i];
    if (c == '\'') {  // string literal
      ++i;
      while (i < filter.size() &&
             !(filter[i] == '\'' && (i + 1 >= filter.size() || filter[i + 1] != '\''))) {
        if (filter[i] == '\'') ++i;
        ++i;
      }
      ++i;
      continue;
    }
    if (c == '"') {  // quoted identifier
      std::size_t j = filter.find('"', i + 1);
      std::string id = filter.substr(i + 1, j == std::string::npos ? std::string::npos : j - i - 1);
      bool ok = false;
      for (const auto& f : fields) ok = ok || text::to_lower(f) == text::to_lower(id);
      if (!ok) unknown.push_back(id);
      i = j == std::string::npos ? filter.size() : j + 1;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
        (static_cast<unsigned char>(c) & 0x80)) {
      std::size_t j = i;
      while (j < filter.size() &&
             (std::isalnum(static_cast<unsigned char>(filter[j])) || filter[j] == '_' ||
              (static_cast<unsigned char>(filter[j]) & 0x80)))
        ++j;
      std::string id = filter.substr(i, j - i);
      std::string low = text::to_lower(id);
      bool ok = std::find(words.begin(), words.end(), low) != words.end();
      for (const auto& f : fields) ok = ok || text::to_lower(f) == low;
      // A function call (identifier followed by '(') is not a field.
      std::size_t k = j;
      while (k < filter.size() && filter[k] == ' ') ++k;
      if (k < filter.size() && filter[k] == '(') ok = true;
      if (!ok) unknown.push_back(id);
      i = j;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < filter.size() &&
             (std::isalnum(static_cast<unsigned char>(filter[i])) || filter[i] == '.'))
        ++i;
      continue;
    }
    ++i;
  }
  return unknown;
}

void apply_filter(OGRLayer& layer, const std::string& source, const std::string& filter) {
  if (filter.empty()) return;
  std::vector<std::string> names;
  OGRFeatureDefn* defn = layer.GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i)
    names.push_back(defn->GetFieldDefn(i)->GetNameRef());
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  auto unknown = unknown_identifiers(filter, names);
  if (!unknown.empty()) {
    std::string near = text::nearest(unknown[0], names);
    throw InputError(
        fmt::format("{}:{}: bad attribute filter \"{}\": unknown field '{}'{}; fields are: {}",
                    source, layer.GetName(), filter, unknown[0],
                    near.empty() ? "" : " (did you mean '" + near + "'?)", list));
  }
  gis::GdalErrorCapture capture;
  bool ok = layer.SetAttributeFilter(filter.c_str()) == OGRERR_NONE;
  if (ok) {
    // Some drivers (GPKG, PostgreSQL) only parse the filter when reading: try one feature.
    layer.ResetReading();
    OGRFeatureUniquePtr probe(layer.GetNextFeature());
    layer.ResetReading();
    ok = !capture.has_error();
  }
  if (ok) return;
  std::string why = capture.first_error();
  throw InputError(fmt::format("{}:{}: bad attribute filter \"{}\": {}; fields are: {}", source,
                               layer.GetName(), filter, why.empty() ? "syntax error" : why, list));
}

namespace {
// Whether every string value and field name of the layer is valid UTF-8 (reads attributes only).
bool layer_is_utf8(OGRLayer& layer) {
  OGRFeatureDefn* defn = layer.GetLayerDefn();
  std::vector<int> strings;
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    if (!text::valid_utf8(defn->GetFieldDefn(i)->GetNameRef())) return false;
    if (defn->GetFieldDefn(i)->GetType() == OFTString) strings.push_back(i);
  }
  if (strings.empty()) return true;
  const char* no_geometry[] = {"OGR_GEOMETRY", nullptr};
  layer.SetIgnoredFields(no_geometry);
  layer.ResetReading();
  bool ok = true;
  for (auto& f : layer) {
    for (int i : strings)
      if (f->IsFieldSetAndNotNull(i) && !text::valid_utf8(f->GetFieldAsString(i))) ok = false;
    if (!ok) break;
  }
  layer.SetIgnoredFields(nullptr);
  layer.ResetReading();
  return ok;
}
}  // namespace

namespace {
std::string decide_encoding(OGRLayer& layer, const std::string& source, const std::string& driver);
}

// A run opens a layer several times (checks, then reading): the bytes are scanned once.
std::string undeclared_encoding(GDALDataset& ds, OGRLayer& layer, const std::string& source,
                                const std::string& driver) {
  (void)ds;
  static std::mutex mutex;
  static std::map<std::string, std::string> decided;
  const std::string key = source + '\n' + layer.GetName();
  {
    std::lock_guard lock(mutex);
    if (auto it = decided.find(key); it != decided.end()) return it->second;
  }
  std::string enc = decide_encoding(layer, source, driver);
  std::lock_guard lock(mutex);
  decided.emplace(key, enc);
  return enc;
}

namespace {
std::string decide_encoding(OGRLayer& layer, const std::string& source, const std::string& driver) {
  if (driver == "CSV") return layer_is_utf8(layer) ? "" : "GB18030";
  if (driver != "ESRI Shapefile") return "";
  const char* cpg = layer.GetMetadataItem("ENCODING_FROM_CPG", "SHAPEFILE");
  const char* ldid = layer.GetMetadataItem("ENCODING_FROM_LDID", "SHAPEFILE");
  if (cpg && *cpg) return "";
  // LDID 87 ("ANSI") is read by GDAL as ISO-8859-1, but on a Chinese Windows ANSI is GBK:
  // treat it, like no code page at all, as undeclared.
  if (ldid && *ldid && std::string(ldid) != "ISO-8859-1" && std::string(ldid) != "CP1252")
    return "";
  // Read the attributes raw (no recoding) to decide.
  CPLStringList raw_options;
  raw_options.SetNameValue("ENCODING", "");
  gis::GdalErrorCapture quiet;
  GDALDatasetUniquePtr raw(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                             nullptr, raw_options.List(), nullptr));
  OGRLayer* rl = raw ? raw->GetLayerByName(layer.GetName()) : nullptr;
  if (!rl) return "";
  return layer_is_utf8(*rl) ? "UTF-8" : "GB18030";
}

}  // namespace

std::vector<std::string> list_layers(const std::string& source) {
  auto ds = open_source(source, "", "");
  std::vector<std::string> names;
  for (int i = 0; i < ds->GetLayerCount(); ++i) names.push_back(ds->GetLayer(i)->GetName());
  return names;
}

}  // namespace siteplan::io
