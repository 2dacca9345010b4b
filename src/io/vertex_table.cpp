#include "io/vertex_table.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "gis/convert.hpp"
#include "gis/gdal.hpp"
#include "io/source.hpp"

namespace fs = std::filesystem;

namespace siteplan::io {
namespace {

// ---------------------------------------------------------------- column names
// Lower-case ASCII without spaces, '_' and '-' (Chinese names unchanged).
std::string norm(std::string_view s) {
  if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.remove_prefix(3);  // BOM
  std::string out;
  for (char c : text::to_lower(s))
    if (c != ' ' && c != '_' && c != '-' && c != '\t') out += c;
  return out;
}

const std::vector<std::string> kWkt = {"wkt",   "geometry", "geom", "thegeom",
                                       "shape", "wktgeom",  "几何"};
const std::vector<std::string> kNorthing = {"北坐标", "纵坐标",   "北向坐标",
                                            "n",      "northing", "north"};
const std::vector<std::string> kEasting = {"东坐标", "横坐标", "东向坐标", "e", "easting", "east"};
const std::vector<std::string> kLat = {"纬度", "lat", "latitude"};
const std::vector<std::string> kLon = {"经度", "lon", "lng", "long", "longitude"};
const std::vector<std::string> kX = {"x", "x坐标", "坐标x"};
const std::vector<std::string> kY = {"y", "y坐标", "坐标y"};
const std::vector<std::string> kId = {"地块编号", "宗地号",   "宗地编号", "宗地代码", "地块号",
                                      "地块代码", "项目编号", "编号",     "parcelid", "parcel",
                                      "dkbh",     "zdh",      "zddm",     "xmbh",     "id"};
const std::vector<std::string> kName = {"地块名称", "宗地名称", "项目名称", "xmmc",
                                        "dkmc",     "name",     "名称"};
const std::vector<std::string> kPoint = {"点号", "界址点号", "点名", "point", "pointno", "jzdh"};
const std::vector<std::string> kRing = {"圈号", "环号", "ring", "ringno", "qh"};

// Index of the first column whose name is one of `names` (in the order of `names`), or -1.
int find_column(const std::vector<std::string>& columns, const std::vector<std::string>& names) {
  for (const auto& n : names)
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (norm(columns[i]) == n) return static_cast<int>(i);
  return -1;
}

std::string list(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c;
  return out;
}

std::optional<double> to_number(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// ---------------------------------------------------------------- the table
struct Pt {
  double a = 0, b = 0;  // the values of the first and second coordinate column
  long row = 0;
  std::string point;               // 点号 as written
  std::optional<double> point_no;  // 点号 when numeric
};
struct Ring {
  long no = 0;
  std::vector<Pt> pts;
};
struct Parcel {
  std::string id;
  long row = 0;               // first row
  OGRFeatureUniquePtr first;  // its first row (attributes)
  std::vector<Ring> rings;    // in 圈号 order (or order of closing, without 圈号)
  bool open_ring = false;     // without 圈号: the last ring is not closed yet
};

class Reader {
 public:
  Reader(GDALDataset& ds, std::string source, std::string driver, std::string encoding)
      : ds_(ds),
        source_(std::move(source)),
        driver_(std::move(driver)),
        encoding_(std::move(encoding)) {}
  // Null when the table is no vertex table.
  GDALDatasetUniquePtr run(const std::string& id_field);
  VertexTableKeys keys;

 private:
  [[noreturn]] void fail(long row, const std::string& what) const {
    throw InputError(fmt::format("{}:{}: {}", source_, row, what));
  }
  std::string decode(const char* raw, long row) const;
  long row_of(const OGRFeature& f) const {
    // CSV FIDs count data rows from 1; the spreadsheet drivers' FIDs are the sheet's row numbers.
    return static_cast<long>(driver_ == "CSV" ? f.GetFID() + 1 : f.GetFID());
  }
  double coordinate(const OGRFeature& f, int idx, const std::string& parcel, long row) const;
  bool find_columns(const std::string& id_field);
  void read_rows();
  GDALDatasetUniquePtr make_dataset();
  void report() const;
  void decide_axes();
  OGRGeometry* build(Parcel& p) const;

  GDALDataset& ds_;
  std::string source_, driver_, encoding_;
  OGRLayer* layer_ = nullptr;
  std::vector<std::string> columns_;              // decoded names
  mutable std::vector<std::string> order_notes_;  // rings whose 点号 do not follow the rows
  bool names_decoded_ = true;
  int id_ = -1, a_ = -1, b_ = -1, point_ = -1, ring_ = -1, name_ = -1;
  enum class Pair { NorthEast, LatLon, XY } pair_ = Pair::XY;
  bool a_is_northing_ = true;  // else the first column is the easting (or the longitude)
  std::string axis_note_;
  std::vector<Parcel> parcels_;
  long rows_ = 0;
  std::string coords_;  // "'X' and 'Y'", for messages
};

std::string Reader::decode(const char* raw, long row) const {
  if (!raw) return "";
  if (encoding_.empty()) return raw;
  bool ascii = true;
  for (const char* c = raw; *c && ascii; ++c) ascii = !(static_cast<unsigned char>(*c) & 0x80);
  if (ascii) return raw;  // the same in every encoding read here
  try {
    return text::to_utf8(raw, encoding_);
  } catch (const std::exception&) {
    throw InputError(fmt::format(
        "{}:{}: bytes that are not {}; give the file's encoding (--encoding GBK or UTF-8)", source_,
        row, encoding_));
  }
}

double Reader::coordinate(const OGRFeature& f, int idx, const std::string& parcel, long row) const {
  const std::string& col = columns_[static_cast<std::size_t>(idx)];
  if (!f.IsFieldSetAndNotNull(idx) ||
      std::string_view(f.GetFieldAsString(idx)).find_first_not_of(" \t\r") == std::string::npos)
    fail(row, fmt::format("parcel {}: no value in column '{}'", parcel, col));
  const OGRFieldType t = f.GetFieldDefnRef(idx)->GetType();
  double v = 0;
  if (t == OFTReal || t == OFTInteger || t == OFTInteger64) {
    v = f.GetFieldAsDouble(idx);
  } else {
    const std::string s = decode(f.GetFieldAsString(idx), row);
    auto n = to_number(s);
    if (!n) fail(row, fmt::format("parcel {}: {} '{}' is not a number", parcel, col, s));
    v = *n;
  }
  if (!std::isfinite(v))
    fail(row, fmt::format("parcel {}: {} {} is not a finite number", parcel, col, v));
  return v;
}

void Reader::decide_axes() {
  const std::string& ca = columns_[static_cast<std::size_t>(a_)];
  const std::string& cb = columns_[static_cast<std::size_t>(b_)];
  if (pair_ == Pair::NorthEast) {
    axis_note_ = fmt::format("'{}' is the northing and '{}' the easting (by name)", ca, cb);
    return;
  }
  if (pair_ == Pair::LatLon) {
    axis_note_ = fmt::format("'{}' is the latitude and '{}' the longitude (by name)", ca, cb);
    return;
  }
  // X and Y: decided by the values.
  auto northing = [](double v) { return v >= 1e6 && v < 1e7; };
  bool all_a = true, any_a = false, all_b = true, any_b = false, degrees = true;
  double amin = INFINITY, amax = -INFINITY, bmin = INFINITY, bmax = -INFINITY;
  for (const auto& p : parcels_)
    for (const auto& r : p.rings)
      for (const auto& q : r.pts) {
        all_a = all_a && northing(q.a);
        any_a = any_a || northing(q.a);
        all_b = all_b && northing(q.b);
        any_b = any_b || northing(q.b);
        degrees = degrees && std::fabs(q.a) <= 180 && std::fabs(q.b) <= 90;
        amin = std::min(amin, q.a);
        amax = std::max(amax, q.a);
        bmin = std::min(bmin, q.b);
        bmax = std::max(bmax, q.b);
      }
  if (all_a && !any_b) {
    a_is_northing_ = true;
    axis_note_ = fmt::format(
        "'{}' read as the northing and '{}' as the easting (Chinese survey convention): every {} "
        "is in 1,000,000–10,000,000 m and no {} is",
        ca, cb, ca, cb);
  } else if (all_b && !any_a) {
    a_is_northing_ = false;
    axis_note_ = fmt::format(
        "'{}' read as the easting and '{}' as the northing (GIS convention): every {} is in "
        "1,000,000–10,000,000 m and no {} is",
        ca, cb, cb, ca);
  } else if (degrees) {
    a_is_northing_ = false;
    axis_note_ =
        fmt::format("'{}' read as the longitude and '{}' as the latitude (degrees)", ca, cb);
  } else {
    const bool swapped_degrees = std::fabs(amin) <= 90 && std::fabs(amax) <= 90 &&
                                 std::fabs(bmin) <= 180 && std::fabs(bmax) <= 180;
    throw InputError(fmt::format(
        "{}: a vertex table with coordinates in columns '{}' ({:.10g} .. {:.10g}) and '{}' "
        "({:.10g} .. {:.10g}), but which is the northing is ambiguous: a Gauss-Krüger northing "
        "is in 1,000,000–10,000,000 m, an easting below 1,000,000 m (or ≥ 10,000,000 with the "
        "zone prefix), and degrees need |{}| ≤ 180 and |{}| ≤ 90{}; rename the columns 北坐标 and "
        "东坐标 (or N and E, 纬度 and 经度) to say which is which, or fix the values",
        source_, ca, amin, amax, cb, bmin, bmax, ca, cb,
        swapped_degrees ? fmt::format(" ({} looks like latitudes and {} like longitudes)", ca, cb)
                        : ""));
  }
}

// Whether the point numbers run in the rows' order, up or down, starting anywhere (a rotation).
template <class P>
bool numbered_in_row_order(const std::vector<P>& pts) {
  const std::size_t n = pts.size();
  if (n < 3) return true;
  auto runs = [&](int dir) {
    std::size_t breaks = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double a = *pts[i].point_no, b = *pts[(i + 1) % n].point_no;
      if (!(dir > 0 ? b > a : b < a)) ++breaks;
    }
    return breaks <= 1;  // one wrap-around from the last number back to the first
  };
  return runs(1) || runs(-1);
}

// The parcel's rings, checked and in boundary order, as polygons (gis::polygons_from_rings: holes
// and further parts by containment, as in the coordinate TXT).
OGRGeometry* Reader::build(Parcel& p) const {
  std::vector<std::unique_ptr<OGRLinearRing>> rings;
  for (auto& r : p.rings) {
    std::vector<Pt>& pts = r.pts;
    const long first_row = pts.front().row, last_row = pts.back().row;
    auto same = [](const Pt& u, const Pt& v) { return u.a == v.a && u.b == v.b; };
    if (pts.size() > 1 && same(pts.front(), pts.back())) pts.pop_back();  // the closing point
    // The rows' order is the boundary's: 点号 are often numbered county-wide and shared with
    // neighbours (a parcel running 101, 102, 57, 56, 103), so sorting by them could scramble a
    // ring without a trace. Rows whose numbers go round in another order are read as they are,
    // and the log says so (a shuffled table then shows up as a repaired, self-crossing ring).
    if (std::all_of(pts.begin(), pts.end(), [](const Pt& q) { return q.point_no.has_value(); }) &&
        !numbered_in_row_order(pts))
      order_notes_.push_back(fmt::format("parcel {} (rows {}–{})", p.id, first_row, last_row));
    std::vector<Pt> ring;
    for (const auto& q : pts)
      if (ring.empty() || !same(ring.back(), q)) ring.push_back(q);
    while (ring.size() > 1 && same(ring.front(), ring.back())) ring.pop_back();
    std::set<std::pair<double, double>> distinct;
    for (const auto& q : ring) distinct.insert({q.a, q.b});
    if (distinct.size() < 3) {
      std::string hint;
      if (parcels_.size() == static_cast<std::size_t>(rows_))
        hint =
            " (every parcel id has a single row: is this a table of points rather than of "
            "parcel vertices?)";
      fail(first_row,
           fmt::format("parcel {}: ring {}(rows {}–{}) has {} distinct point{}; a ring needs at "
                       "least 3{}",
                       p.id, ring_ >= 0 ? fmt::format("圈号 {} ", r.no) : "", first_row, last_row,
                       distinct.size(), distinct.size() == 1 ? "" : "s", hint));
    }
    auto lr = std::make_unique<OGRLinearRing>();
    for (const auto& q : ring) {
      const double x = a_is_northing_ ? q.b : q.a, y = a_is_northing_ ? q.a : q.b;
      lr->addPoint(x, y);
    }
    rings.push_back(std::move(lr));
  }
  return gis::polygons_from_rings(std::move(rings)).release();
}

// Decides whether the table is a vertex table: its coordinate pair, parcel id, point, ring and
// name columns. False when it is not one.
bool Reader::find_columns(const std::string& id_field) {
  if (ds_.GetLayerCount() != 1) return false;
  layer_ = ds_.GetLayer(0);
  OGRFeatureDefn* defn = layer_->GetLayerDefn();
  if (defn->GetGeomFieldCount() != 0) return false;
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    const char* raw = defn->GetFieldDefn(i)->GetNameRef();
    std::string name = raw;
    if (!encoding_.empty()) {
      try {
        name = text::to_utf8(raw, encoding_);
      } catch (const std::exception&) {
        names_decoded_ = false;
      }
    }
    columns_.push_back(name);
  }
  if (find_column(columns_, kWkt) >= 0) return false;  // load_layer reads WKT
  // The coordinate pair: (northing, easting), (latitude, longitude) or (X, Y).
  auto pair = [&](const std::vector<std::string>& first, const std::vector<std::string>& second) {
    a_ = find_column(columns_, first);
    b_ = find_column(columns_, second);
    return a_ >= 0 && b_ >= 0;
  };
  if (pair(kNorthing, kEasting)) {
    pair_ = Pair::NorthEast;
    a_is_northing_ = true;
  } else if (pair(kLat, kLon)) {
    pair_ = Pair::LatLon;
    a_is_northing_ = true;
  } else if (pair(kX, kY)) {
    pair_ = Pair::XY;
  } else {
    return false;
  }
  coords_ = fmt::format("'{}' and '{}'", columns_[static_cast<std::size_t>(a_)],
                        columns_[static_cast<std::size_t>(b_)]);
  // The parcel id.
  if (!id_field.empty()) {
    for (std::size_t i = 0; i < columns_.size() && id_ < 0; ++i)
      if (columns_[i] == id_field) id_ = static_cast<int>(i);
    for (std::size_t i = 0; i < columns_.size() && id_ < 0; ++i)
      if (text::to_lower(columns_[i]) == text::to_lower(id_field)) id_ = static_cast<int>(i);
    if (id_ < 0) {
      const std::string near = text::nearest(id_field, columns_);
      throw InputError(fmt::format(
          "{}: a vertex table (coordinates in {}) without the parcel-id column '{}'{}; its "
          "columns are: {}",
          source_, coords_, id_field, near.empty() ? "" : " (did you mean '" + near + "'?)",
          list(columns_)));
    }
  } else {
    id_ = find_column(columns_, kId);
    if (id_ < 0)
      throw InputError(fmt::format(
          "{}: a vertex table (coordinates in {}) without a parcel-id column; its columns are: "
          "{}. Name the column that says which parcel each point belongs to with --id-field "
          "(or id_field = \"...\" in [layers.ID]){}",
          source_, coords_, list(columns_),
          names_decoded_
              ? ""
              : fmt::format("; some column names are not valid {}: check --encoding", encoding_)));
  }
  if (id_ == a_ || id_ == b_)
    throw InputError(
        fmt::format("{}: the parcel-id column '{}' holds coordinates; name another "
                    "with --id-field",
                    source_, columns_[static_cast<std::size_t>(id_)]));
  point_ = find_column(columns_, kPoint);
  ring_ = find_column(columns_, kRing);
  name_ = find_column(columns_, kName);
  if (name_ == id_ || name_ == a_ || name_ == b_) name_ = -1;
  keys.id_field = columns_[static_cast<std::size_t>(id_)];
  keys.name_field = name_ >= 0 ? columns_[static_cast<std::size_t>(name_)] : "";

  return true;
}

// The rows, grouped by parcel and ring, rings in 圈号 order.
void Reader::read_rows() {
  OGRFeatureDefn* defn = layer_->GetLayerDefn();
  std::map<std::string, std::size_t> index;
  std::vector<std::map<long, std::size_t>> ring_index;
  layer_->ResetReading();
  for (auto& f : *layer_) {
    const long row = row_of(*f);
    ++rows_;
    std::string id =
        f->IsFieldSetAndNotNull(id_) ? decode(f->GetFieldAsString(id_), row) : std::string();
    while (!id.empty() && (id.back() == ' ' || id.back() == '\r')) id.pop_back();
    while (!id.empty() && id.front() == ' ') id.erase(0, 1);
    // A row without any value (a blank line in a spreadsheet) is skipped.
    bool blank = true;
    for (int i = 0; i < defn->GetFieldCount() && blank; ++i)
      blank = !f->IsFieldSetAndNotNull(i) || std::string(f->GetFieldAsString(i)).empty();
    if (blank) {
      --rows_;
      continue;
    }
    if (id.empty())
      fail(row,
           fmt::format("no parcel id in column '{}'", columns_[static_cast<std::size_t>(id_)]));
    auto [it, fresh] = index.emplace(id, parcels_.size());
    if (fresh) {
      Parcel p;
      p.id = id;
      p.row = row;
      p.first.reset(f->Clone());
      parcels_.push_back(std::move(p));
      ring_index.emplace_back();
    }
    Parcel& p = parcels_[it->second];
    Pt q;
    q.row = row;
    q.a = coordinate(*f, a_, id, row);
    q.b = coordinate(*f, b_, id, row);
    if (point_ >= 0 && f->IsFieldSetAndNotNull(point_)) {
      q.point = decode(f->GetFieldAsString(point_), row);
      q.point_no = to_number(q.point);
    }
    if (ring_ >= 0) {
      const std::string v =
          f->IsFieldSetAndNotNull(ring_) ? decode(f->GetFieldAsString(ring_), row) : "";
      auto n = to_number(v);
      if (!n || *n < 1 || *n != std::floor(*n) || *n > 1e9)
        fail(row, fmt::format("parcel {}: {} '{}' is not a positive whole number", id,
                              columns_[static_cast<std::size_t>(ring_)], v));
      const long no = static_cast<long>(*n);
      auto& ri = ring_index[it->second];
      auto [r, new_ring] = ri.emplace(no, p.rings.size());
      if (new_ring) p.rings.push_back(Ring{no, {}});
      p.rings[r->second].pts.push_back(std::move(q));
    } else {
      // Without 圈号 a ring ends where its first point is repeated.
      if (!p.open_ring) {
        p.rings.push_back(Ring{static_cast<long>(p.rings.size() + 1), {}});
        p.open_ring = true;
      }
      Ring& r = p.rings.back();
      const bool closes = !r.pts.empty() && r.pts.front().a == q.a && r.pts.front().b == q.b;
      r.pts.push_back(std::move(q));
      if (closes && r.pts.size() > 3) p.open_ring = false;
    }
  }
  if (parcels_.empty())
    throw InputError(
        fmt::format("{}: a vertex table (coordinates in {}) without any row", source_, coords_));
  for (auto& p : parcels_)
    std::stable_sort(p.rings.begin(), p.rings.end(),
                     [](const Ring& u, const Ring& v) { return u.no < v.no; });
  decide_axes();
}

// The in-memory data set: one feature per parcel, its first row's other columns as attributes.
GDALDatasetUniquePtr Reader::make_dataset() {
  OGRFeatureDefn* defn = layer_->GetLayerDefn();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("Memory");
  if (!drv) throw RuntimeError("GDAL has no Memory driver");
  GDALDatasetUniquePtr out(drv->Create(source_.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!out) throw RuntimeError(gis::last_gdal_error("cannot create an in-memory data set"));
  std::vector<gis::OgrGeomPtr> geoms;
  bool multi = false;
  // Every id on a single row: a table of points (substations, settlements), one point each.
  const bool points = parcels_.size() == static_cast<std::size_t>(rows_) && rows_ > 0;
  for (auto& p : parcels_) {
    if (points) {
      const Pt& q = p.rings.front().pts.front();
      geoms.emplace_back(new OGRPoint(a_is_northing_ ? q.b : q.a, a_is_northing_ ? q.a : q.b));
      continue;
    }
    geoms.emplace_back(build(p));
    multi = multi || wkbFlatten(geoms.back()->getGeometryType()) == wkbMultiPolygon;
  }
  OGRLayer* layer = out->CreateLayer(fs::path(source_).stem().string().c_str(), nullptr,
                                     points  ? wkbPoint
                                     : multi ? wkbMultiPolygon
                                             : wkbPolygon,
                                     nullptr);
  if (!layer) throw RuntimeError(gis::last_gdal_error("cannot create an in-memory layer"));
  std::vector<int> kept;  // source column of each output field
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    if (i == a_ || i == b_ || i == point_ || i == ring_) continue;
    OGRFieldDefn fd(defn->GetFieldDefn(i));
    fd.SetName(columns_[static_cast<std::size_t>(i)].c_str());
    if (layer->CreateField(&fd) != OGRERR_NONE)
      throw RuntimeError(gis::last_gdal_error("cannot add a field to the in-memory layer"));
    kept.push_back(i);
  }
  for (std::size_t k = 0; k < parcels_.size(); ++k) {
    const Parcel& p = parcels_[k];
    OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
    for (std::size_t j = 0; j < kept.size(); ++j) {
      const int i = kept[j];
      if (!p.first->IsFieldSetAndNotNull(i)) continue;
      if (defn->GetFieldDefn(i)->GetType() == OFTString)
        f->SetField(static_cast<int>(j), decode(p.first->GetFieldAsString(i), p.row).c_str());
      else
        f->SetField(static_cast<int>(j), p.first->GetRawFieldRef(i));
    }
    f->SetGeometryDirectly(geoms[k].release());
    if (layer->CreateFeature(f.get()) != OGRERR_NONE)
      throw RuntimeError(gis::last_gdal_error("cannot add a parcel to the in-memory layer"));
  }
  out->SetMetadataItem("SITEPLAN_VERTEX_ID_FIELD", keys.id_field.c_str());
  out->SetMetadataItem("SITEPLAN_VERTEX_NAME_FIELD", keys.name_field.c_str());
  out->SetMetadataItem("SITEPLAN_ENCODING", encoding_.empty() ? "UTF-8" : encoding_.c_str());

  return out;
}

// Once per file and process: how the table was read, and rings whose numbers disagree.
void Reader::report() const {
  static std::mutex mutex;
  static std::set<std::string> told;
  bool first = false;
  {
    std::lock_guard lock(mutex);
    first = told.insert(source_).second;
  }
  if (first)
    log::info("{}: vertex table (界址点坐标表), {} parcel{} from {} rows, parcel id '{}'{}; {}",
              source_, parcels_.size(), parcels_.size() == 1 ? "" : "s", rows_, keys.id_field,
              encoding_.empty() ? "" : fmt::format(", text read as {}", encoding_), axis_note_);
  if (first && !order_notes_.empty()) {
    std::string list;
    for (std::size_t i = 0; i < order_notes_.size() && i < 10; ++i)
      list += (i ? ", " : "") + order_notes_[i];
    log::warn(
        "{}: the point numbers of {} ring{} do not follow the rows ({}{}); the rows' order "
        "is taken as the boundary's — check these parcels",
        source_, order_notes_.size(), order_notes_.size() == 1 ? "" : "s", list,
        order_notes_.size() > 10 ? ", ..." : "");
  }
}

GDALDatasetUniquePtr Reader::run(const std::string& id_field) {
  if (!find_columns(id_field)) return nullptr;
  read_rows();
  GDALDatasetUniquePtr out = make_dataset();
  report();
  return out;
}

}  // namespace

GDALDatasetUniquePtr open_vertex_table(GDALDataset& ds, const std::string& source,
                                       const std::string& encoding, const std::string& id_field) {
  const std::string driver = ds.GetDriver() ? ds.GetDriver()->GetDescription() : "";
  if (driver != "CSV" && driver != "XLSX" && driver != "ODS") return nullptr;
  if (ds.GetLayerCount() != 1) return nullptr;
  // Spreadsheets hold Unicode; a CSV holds bytes in the encoding given, or detected.
  std::string enc;
  if (driver == "CSV") {
    enc = encoding;
    if (enc.empty()) enc = undeclared_encoding(ds, *ds.GetLayer(0), source, driver);
    const std::string low = text::to_lower(enc);
    if (low == "utf-8" || low == "utf8") enc = "UTF-8";  // still checked while decoding
  }
  Reader reader(ds, source, driver, enc);
  return reader.run(id_field);
}

std::optional<VertexTableKeys> vertex_table_keys(const std::string& source,
                                                 const std::string& encoding,
                                                 const std::string& id_field) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) return std::nullopt;
  const std::string ext = text::to_lower(fs::path(source).extension().string());
  if (ext != ".csv" && ext != ".tsv" && ext != ".xlsx" && ext != ".ods") return std::nullopt;
  auto ds = open_source(source, encoding, "", id_field);
  const char* id = ds->GetMetadataItem("SITEPLAN_VERTEX_ID_FIELD");
  if (!id) return std::nullopt;
  const char* name = ds->GetMetadataItem("SITEPLAN_VERTEX_NAME_FIELD");
  return VertexTableKeys{id, name ? name : ""};
}

}  // namespace siteplan::io
