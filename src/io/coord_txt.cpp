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
#include "gis/convert.hpp"
#include "gis/crs.hpp"
#include "io/coord_txt_text.hpp"

namespace fs = std::filesystem;

namespace siteplan::io {

using txt::line_of;
using txt::normalize_encoding;
using txt::recode;
using txt::Recoded;
using txt::split;
using txt::to_double;
using txt::to_long;
using txt::trim;

namespace {

// ---------------------------------------------------------------- EPSG codes (from PROJ's db)
// First code of each run: prefixed zones (3°: 25–45, 6°: 13–23), then unprefixed by CM.
struct GkCodes {
  GkDatum datum;
  int width;
  int first_prefixed;
  int first_plain;
};
constexpr GkCodes kCodes[] = {
    {GkDatum::Cgcs2000, 3, 4513, 4534},    {GkDatum::Cgcs2000, 6, 4491, 4502},
    {GkDatum::Xian1980, 3, 2349, 2370},    {GkDatum::Xian1980, 6, 2327, 2338},
    {GkDatum::Beijing1954, 3, 2401, 2422}, {GkDatum::Beijing1954, 6, 21413, 21453},
};
int first_zone(int width) {
  return width == 3 ? 25 : 13;
}
int last_zone(int width) {
  return width == 3 ? 45 : 23;
}

const std::vector<std::string> kBase = {"界址点数",     "地块面积", "地块编号", "地块名称",
                                        "记录图形属性", "图幅号",   "地块用途", "地类编码"};
const std::vector<std::string> kExtended = {
    "界址点数", "地块面积", "地块编号", "地块名称", "记录图形属性",       "图幅号",
    "地块用途", "地类编码", "图斑类型", "地类",     "改造前平均质量等别", "改造后平均质量等别",
    "备注"};

struct Pt {
  double e = 0, n = 0;  // easting (as written, prefix included), northing
  bool operator==(const Pt& o) const { return e == o.e && n == o.n; }
};
struct RawRing {
  long no = 0;
  int line = 0, last_line = 0;
  std::string first_name;
  std::vector<Pt> pts;
  bool closed = false;
};
enum class Kind { Polygon, Line, Point };
struct RawParcel {
  int line = 0;
  std::vector<std::string> values;
  Kind kind = Kind::Polygon;
  std::vector<RawRing> rings;
  long rows = 0;
};

class Parser {
 public:
  Parser(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {}
  CoordTxt run();

 private:
  [[noreturn]] void fail(int line, const std::string& what) const {
    throw InputError(fmt::format("{}:{}: {}", path_, line, what));
  }
  std::string label(const RawParcel& p) const {
    const std::string& id = p.values[2];
    const std::string& name = p.values[3];
    if (id.empty() && name.empty()) return fmt::format("parcel of line {}", p.line);
    if (name.empty()) return fmt::format("parcel {}", id);
    if (id.empty()) return fmt::format("parcel {}", name);
    return fmt::format("parcel {} ({})", id, name);
  }
  void property(int line, std::string_view s);
  void header(int line, std::string_view s);
  void point(int line, std::string_view s);
  void finish_parcel(int line);
  void check_parcel(const RawParcel& p, int line);
  void build_polygons(const RawParcel& p, CoordTxtParcel& out);
  void build_lines(const RawParcel& p, CoordTxtParcel& out);
  void settle_crs(int line);

  std::string path_;
  std::string text_;
  CoordTxt out_;
  std::string section_;
  int props_line_ = 0;
  bool seen_props_ = false, seen_coords_ = false;
  std::optional<RawParcel> cur_;
  // Zone prefix bookkeeping: the first line with and without a prefix, and the prefix's zone.
  int prefixed_line_ = 0, plain_line_ = 0;
  long prefix_zone_ = 0;
  std::optional<long> declared_zone_;
  int zone_line_ = 0;
};

void Parser::property(int line, std::string_view s) {
  auto eq = s.find('=');
  if (eq == std::string_view::npos)
    fail(line, fmt::format("'{}' is not a key=value line; [{}] holds lines such as 带号=33", s,
                           section_));
  std::string key(trim(s.substr(0, eq))), value(trim(s.substr(eq + 1)));
  if (key.empty()) fail(line, fmt::format("'{}' has no key before '='", s));
  if (section_ != "属性描述") key = section_ + "." + key;
  out_.properties.emplace_back(key, value);
  if (key == "带号" && !value.empty()) {
    auto z = to_long(value);
    if (!z)
      fail(line,
           fmt::format("带号 '{}' is not a whole number; write the zone, e.g. 带号=33", value));
    declared_zone_ = *z;
    zone_line_ = line;
  }
}

void Parser::header(int line, std::string_view s) {
  auto fields = split(s, ',');
  fields.pop_back();  // the '@'
  if (fields.size() != kBase.size() && fields.size() != kExtended.size())
    fail(line,
         fmt::format("a parcel header holds {} fields before '@', not {}; write "
                     "界址点数,地块面积,地块编号,地块名称,记录图形属性,图幅号,地块用途,地类编码,@ "
                     "(or the 13-field form that adds 图斑类型,地类,改造前平均质量等别,"
                     "改造后平均质量等别,备注)",
                     kBase.size(), fields.size()));
  RawParcel p;
  p.line = line;
  p.values = std::move(fields);
  if (p.values.size() == kExtended.size()) out_.extended = true;
  if (!p.values[0].empty() && (!to_long(p.values[0]) || *to_long(p.values[0]) < 1))
    fail(line,
         fmt::format("{}: 界址点数 '{}' is not a positive whole number", label(p), p.values[0]));
  if (!p.values[1].empty()) {
    auto a = to_double(p.values[1]);
    if (!a || !std::isfinite(*a) || *a < 0)
      fail(line,
           fmt::format("{}: 地块面积 '{}' is not a number of hectares", label(p), p.values[1]));
  }
  const std::string& kind = p.values[4];
  if (kind.empty() || kind == "面")
    p.kind = Kind::Polygon;
  else if (kind == "线")
    p.kind = Kind::Line;
  else if (kind == "点")
    p.kind = Kind::Point;
  else
    fail(line, fmt::format("{}: 记录图形属性 '{}' is not 点, 线 or 面", label(p), kind));
  cur_ = std::move(p);
}

// Long on purpose (~85 lines): one point row, and one check with its own FILE:LINE message for
// every way a row can be wrong (fields, numbers, prefix against 带号, ring order).
void Parser::point(int line, std::string_view s) {
  if (!cur_)
    fail(line,
         "a point row before any parcel header; each parcel starts with a line "
         "界址点数,地块面积,地块编号,...,@");
  RawParcel& p = *cur_;
  auto f = split(s, ',');
  if (f.size() != 4)
    fail(line, fmt::format("{}: a point row holds 4 fields (点号,圈号,X,Y), not {}: '{}'", label(p),
                           f.size(), s));
  auto ring_no = to_long(f[1]);
  if (!ring_no || *ring_no < 1)
    fail(line, fmt::format("{}: 圈号 '{}' is not a positive whole number", label(p), f[1]));
  auto x = to_double(f[2]);
  auto y = to_double(f[3]);
  if (!x || !y)
    fail(line, fmt::format("{}: point {}: coordinate '{}' is not a number", label(p), f[0],
                           !x ? f[2] : f[3]));
  if (!std::isfinite(*x) || !std::isfinite(*y))
    fail(line, fmt::format("{}: point {}: coordinate {} is not finite", label(p), f[0],
                           !std::isfinite(*x) ? f[2] : f[3]));
  if (*x >= 1e7 && *y > 0 && *y < 1e7)
    fail(line, fmt::format("{}: point {}: X {} looks like an easting and Y {} like a northing; "
                           "in this format X is the northing and Y the easting — swap the columns",
                           label(p), f[0], f[2], f[3]));
  if (*x <= 0 || *x >= 1e7)
    fail(line, fmt::format("{}: point {}: X (northing) {} is outside 0–10,000,000 m", label(p),
                           f[0], f[2]));
  if (*y <= 0 || *y >= 1e8)
    fail(line, fmt::format("{}: point {}: Y (easting) {} is neither a Gauss-Krüger easting "
                           "(0–1,000,000 m) nor one with a zone prefix",
                           label(p), f[0], f[3]));
  if (*y >= 1e6) {
    const long zone = static_cast<long>(std::floor(*y / 1e6));
    if (plain_line_)
      fail(line, fmt::format("{}: point {}: easting {} carries zone prefix {} but the easting on "
                             "line {} has none; write every easting the same way",
                             label(p), f[0], f[3], zone, plain_line_));
    if (declared_zone_ && *declared_zone_ != zone)
      fail(line, fmt::format("{}: point {}: easting {} carries zone prefix {} but 带号 (line {}) "
                             "is {}; fix 带号 or the coordinates",
                             label(p), f[0], f[3], zone, zone_line_, *declared_zone_));
    if (prefixed_line_ && prefix_zone_ != zone)
      fail(line, fmt::format("{}: point {}: easting {} carries zone prefix {} but the one on "
                             "line {} carries {}; a file holds one zone",
                             label(p), f[0], f[3], zone, prefixed_line_, prefix_zone_));
    if (!prefixed_line_) {
      prefixed_line_ = line;
      prefix_zone_ = zone;
    }
  } else {
    if (prefixed_line_)
      fail(line, fmt::format("{}: point {}: easting {} has no zone prefix but the easting on "
                             "line {} has one; write every easting the same way",
                             label(p), f[0], f[3], prefixed_line_));
    if (!plain_line_) plain_line_ = line;
  }
  const Pt pt{*y, *x};
  ++p.rows;
  auto& rings = p.rings;
  const bool polygon = p.kind == Kind::Polygon;
  bool start = rings.empty() || (polygon && rings.back().closed) ||
               (!polygon && rings.back().no != *ring_no);
  if (!start && polygon && rings.back().no != *ring_no) {
    const RawRing& r = rings.back();
    fail(r.line, fmt::format("{}: ring 圈号 {} (lines {}–{}) is not closed: its last point must "
                             "repeat its first ({}) before 圈号 {} starts on line {}",
                             label(p), r.no, r.line, r.last_line, r.first_name, *ring_no, line));
  }
  if (start) {
    RawRing r;
    r.no = *ring_no;
    r.line = line;
    r.first_name = f[0];
    rings.push_back(std::move(r));
  }
  RawRing& r = rings.back();
  r.pts.push_back(pt);
  r.last_line = line;
  if (polygon && r.pts.size() > 1 && pt == r.pts.front()) {
    r.closed = true;
    if (r.pts.size() < 4)
      fail(line, fmt::format("{}: ring 圈号 {} (lines {}–{}) has {} points; a ring needs at least "
                             "3 corners and the repeated first point",
                             label(p), r.no, r.line, line, r.pts.size()));
  }
}

// A parcel has points, closed rings, and as many points as its 界址点数 says.
void Parser::check_parcel(const RawParcel& p, int line) {
  if (p.rings.empty())
    fail(p.line, fmt::format("{} has no points; its point rows (点号,圈号,X,Y) follow the header "
                             "line",
                             label(p)));
  if (p.kind == Kind::Polygon && !p.rings.back().closed) {
    const RawRing& r = p.rings.back();
    fail(r.line, fmt::format("{}: ring 圈号 {} (lines {}–{}) is not closed: its last point must "
                             "repeat its first ({}){}",
                             label(p), r.no, r.line, r.last_line, r.first_name,
                             line > 0 ? fmt::format(" before line {}", line) : ""));
  }
  if (!p.values[0].empty()) {
    const long declared = *to_long(p.values[0]);
    const long closing = p.kind == Kind::Polygon ? static_cast<long>(p.rings.size()) : 0;
    if (declared != p.rows && declared != p.rows - closing)
      fail(p.line, fmt::format("{}: 界址点数 is {} but the parcel has {} point rows ({} without "
                               "the repeated closing points); fix 界址点数 or the points",
                               label(p), declared, p.rows, p.rows - closing));
  }
}

// The rings as polygons: a ring is a hole of the first earlier part whose shell holds it and none
// of whose holes does, otherwise a further part; the declared 地块面积 is compared with the area.
void Parser::build_polygons(const RawParcel& p, CoordTxtParcel& out) {
  std::vector<std::unique_ptr<OGRLinearRing>> rings;
  for (const auto& r : p.rings) {
    auto ring = std::make_unique<OGRLinearRing>();
    for (const auto& q : r.pts) ring->addPoint(q.e, q.n);
    rings.push_back(std::move(ring));
  }
  out.geom = gis::polygons_from_rings(std::move(rings));
  const double area = out.geom ? OGR_G_Area(OGRGeometry::ToHandle(out.geom.get())) : 0.0;
  if (!p.values[1].empty()) {
    const double declared = *to_double(p.values[1]) * 10000.0;
    if (declared > 0 && std::fabs(declared - area) > 0.001 * area)
      out_.warnings.push_back(fmt::format(
          "{}:{}: {}: 地块面积 {} ha declared but its points enclose {:.4f} ha ({:+.2f} %); "
          "usually a wrong zone or a typo",
          path_, p.line, label(p), p.values[1], area / 10000.0,
          area > 0 ? 100.0 * (declared - area) / area : 100.0));
  }
}

void Parser::build_lines(const RawParcel& p, CoordTxtParcel& out) {
  std::vector<std::unique_ptr<OGRLineString>> lines;
  for (const auto& r : p.rings) {
    if (r.pts.size() < 2)
      fail(r.line,
           fmt::format("{}: line 圈号 {} has a single point; a line needs two", label(p), r.no));
    auto ls = std::make_unique<OGRLineString>();
    for (const auto& q : r.pts) ls->addPoint(q.e, q.n);
    lines.push_back(std::move(ls));
  }
  if (lines.size() == 1) {
    out.geom.reset(lines.front().release());
  } else {
    auto ml = std::make_unique<OGRMultiLineString>();
    for (auto& l : lines) ml->addGeometryDirectly(l.release());
    out.geom.reset(ml.release());
  }
}

void Parser::finish_parcel(int line) {
  if (!cur_) return;
  RawParcel p = std::move(*cur_);
  cur_.reset();
  check_parcel(p, line);
  CoordTxtParcel out;
  out.line = p.line;
  out.values = p.values;
  if (p.kind == Kind::Polygon) {
    build_polygons(p, out);
  } else if (p.kind == Kind::Line) {
    build_lines(p, out);
  } else {
    auto mp = std::make_unique<OGRMultiPoint>();
    for (const auto& r : p.rings)
      for (const auto& q : r.pts) mp->addGeometryDirectly(new OGRPoint(q.e, q.n));
    out.geom.reset(mp.release());
  }
  out_.parcels.push_back(std::move(out));
}

void Parser::settle_crs(int line) {
  auto prop = [&](const char* key) -> std::optional<std::string> {
    for (const auto& [k, v] : out_.properties)
      if (k == key) return v;
    return std::nullopt;
  };
  GkZone z;
  const std::string datum = prop("坐标系").value_or("");
  if (datum.find("2000") != std::string::npos || datum.find("CGCS") != std::string::npos)
    z.datum = GkDatum::Cgcs2000;
  else if (datum.find("80") != std::string::npos || datum.find("西安") != std::string::npos)
    z.datum = GkDatum::Xian1980;
  else if (datum.find("54") != std::string::npos || datum.find("北京") != std::string::npos)
    z.datum = GkDatum::Beijing1954;
  else if (!datum.empty())
    fail(line, fmt::format("坐标系 is '{}'; write 坐标系=2000国家大地坐标系 (or 1980西安坐标系, "
                           "1954北京坐标系) under [属性描述]",
                           datum));
  if (auto unit = prop("计量单位"); unit && !unit->empty() && *unit != "米" && *unit != "m")
    fail(line, fmt::format("计量单位 is '{}'; coordinates must be in metres (计量单位=米)", *unit));
  if (auto proj = prop("投影类型"); proj && !proj->empty() &&
                                    proj->find("高斯") == std::string::npos &&
                                    proj->find("Gauss") == std::string::npos)
    fail(line, fmt::format("投影类型 is '{}'; only Gauss-Krüger (高斯克吕格) coordinates are read",
                           *proj));
  std::optional<long> zone = declared_zone_;
  if (!zone && prefixed_line_) zone = prefix_zone_;
  if (!zone || datum.empty()) {
    // No 带号 and no prefix (or no 坐标系): the CRS is unknown. The data set gets none, so a
    // run asks for --parcels-crs / crs = ... instead of guessing a zone.
    out_.warnings.push_back(fmt::format(
        "{}: {} is missing, so the CRS is unknown; add it under [属性描述] or declare the "
        "parcels' CRS (--parcels-crs EPSG:...)",
        path_, datum.empty() ? "坐标系" : "带号 (with eastings that carry no zone prefix)"));
    out_.epsg = 0;
    return;
  }
  const std::string width = prop("几度分带").value_or("");
  if (width.empty())
    z.width = (*zone >= 25 && *zone <= 45) ? 3 : 6;
  else if (width[0] == '3' &&
           (width.size() == 1 || !std::isdigit(static_cast<unsigned char>(width[1]))))
    z.width = 3;
  else if (width[0] == '6' &&
           (width.size() == 1 || !std::isdigit(static_cast<unsigned char>(width[1]))))
    z.width = 6;
  else
    fail(line, fmt::format("几度分带 is '{}'; write 几度分带=3 or 几度分带=6", width));
  if (*zone < first_zone(z.width) || *zone > last_zone(z.width))
    fail(zone_line_ ? zone_line_ : line,
         fmt::format("带号 {} does not exist in {}-degree zones ({}–{}){}", *zone, z.width,
                     first_zone(z.width), last_zone(z.width),
                     z.width == 3 && *zone % 3 == 0 && *zone >= 75 && *zone <= 135
                         ? fmt::format(" — {} looks like the central meridian, whose zone is {}",
                                       *zone, *zone / 3)
                         : "; check 带号 and 几度分带"));
  z.zone = static_cast<int>(*zone);
  z.prefixed = prefixed_line_ != 0;
  out_.zone = z;
  out_.epsg = *gk_epsg(z);
}

CoordTxt Parser::run() {
  out_.path = path_;
  std::string_view text = text_;
  int line = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line;
    std::string_view s = trim(raw);
    if (s.empty()) continue;
    if (s.front() == '[' && s.back() == ']') {
      finish_parcel(line);
      section_ = std::string(trim(s.substr(1, s.size() - 2)));
      if (section_ == "属性描述" && !seen_props_) {
        seen_props_ = true;
        props_line_ = line;
      }
      if (section_ == "地块坐标") {
        if (seen_coords_) fail(line, "a second [地块坐标] section; a file holds one");
        seen_coords_ = true;
      }
      continue;
    }
    if (section_.empty())
      fail(line, fmt::format("'{}' before the first section; a coordinate file starts with "
                             "[属性描述]",
                             s));
    if (section_ == "地块坐标") {
      if (s.back() == '@') {
        finish_parcel(line);
        header(line, s);
      } else {
        point(line, s);
      }
    } else {
      property(line, s);
    }
  }
  const int last = line > 1 && text.size() && text.back() == '\n' ? line - 1 : line;
  finish_parcel(0);
  if (!seen_props_)
    fail(1, "no [属性描述] section; the file must declare 坐标系, 几度分带 and 带号 there");
  if (!seen_coords_) fail(last, "no [地块坐标] section; the parcels follow a line [地块坐标]");
  if (out_.parcels.empty())
    fail(last,
         "[地块坐标] holds no parcel; each parcel is a header line ending in '@' and its "
         "point rows");
  settle_crs(props_line_);
  return std::move(out_);
}

std::string file_stem(const std::string& path) {
  return fs::path(path).stem().string();
}

// "[属性描述]" and "[地块坐标]" in UTF-8 and GBK bytes.
const std::vector<std::string>& markers() {
  static const std::vector<std::string> m = [] {
    std::vector<std::string> v = {"[属性描述]", "[地块坐标]"};
    for (std::size_t i = 0; i < 2; ++i) {
      try {
        v.push_back(recode(v[i], "UTF-8", "GBK").text);
      } catch (const Error&) {
      }
    }
    return v;
  }();
  return m;
}

}  // namespace

// ---------------------------------------------------------------- public
std::optional<int> gk_epsg(const GkZone& z) {
  if (z.width != 3 && z.width != 6) return std::nullopt;
  if (z.zone < first_zone(z.width) || z.zone > last_zone(z.width)) return std::nullopt;
  for (const auto& c : kCodes)
    if (c.datum == z.datum && c.width == z.width)
      return (z.prefixed ? c.first_prefixed : c.first_plain) + z.zone - first_zone(z.width);
  return std::nullopt;
}

std::optional<GkZone> gk_zone_of_epsg(int epsg) {
  for (const auto& c : kCodes) {
    const int n = last_zone(c.width) - first_zone(c.width) + 1;
    for (bool prefixed : {true, false}) {
      const int first = prefixed ? c.first_prefixed : c.first_plain;
      if (epsg >= first && epsg < first + n)
        return GkZone{c.datum, c.width, first_zone(c.width) + epsg - first, prefixed};
    }
  }
  return std::nullopt;
}

const char* gk_datum_label(GkDatum d) {
  switch (d) {
    case GkDatum::Cgcs2000:
      return "2000国家大地坐标系";
    case GkDatum::Xian1980:
      return "1980西安坐标系";
    case GkDatum::Beijing1954:
      return "1954北京坐标系";
  }
  return "";
}

const std::vector<std::string>& coord_txt_fields(bool extended) {
  return extended ? kExtended : kBase;
}

bool is_coord_txt(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  // An empty .txt is a coordinate file without content (a clearer message than GDAL's).
  const std::string ext = text::to_lower(fs::path(path).extension().string());
  if (ext == ".txt" && fs::file_size(path, ec) == 0 && !ec) return true;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  for (const auto& m : markers())
    if (head.find(m) != std::string::npos) return true;
  return false;
}

CoordTxt read_coord_txt(const std::string& path, const std::string& encoding) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the coordinate file", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  if (bytes.empty())
    throw InputError(
        fmt::format("{}:1: the coordinate file is empty; it needs [属性描述] and "
                    "[地块坐标] sections",
                    path));
  if (bytes.size() >= 2 &&
      ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
    throw InputError(fmt::format("{}:1: the file is UTF-16; save it as UTF-8 or GBK", path));
  if (auto nul = bytes.find('\0'); nul != std::string::npos)
    throw InputError(
        fmt::format("{}:{}: a NUL byte; the file is not text (UTF-16 or damaged); "
                    "save it as UTF-8 or GBK",
                    path, line_of(bytes, nul)));
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) bytes.erase(0, 3);
  std::string enc = normalize_encoding(encoding);
  if (enc.empty()) enc = text::valid_utf8(bytes) ? "UTF-8" : "GB18030";
  std::string text;
  if (enc == "UTF-8") {
    if (!text::valid_utf8(bytes)) {
      Recoded r = recode(bytes, "UTF-8", "UTF-8");
      throw InputError(
          fmt::format("{}:{}: bytes that are not UTF-8; give the file's encoding "
                      "(--encoding GBK) or save it as UTF-8",
                      path, line_of(bytes, r.bad)));
    }
    text = std::move(bytes);
  } else {
    Recoded r;
    try {
      r = recode(bytes, enc, "UTF-8");
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", path, e.what()));
    }
    if (r.bad != std::string::npos)
      throw InputError(
          fmt::format("{}:{}: bytes that are not {}; give the file's encoding "
                      "(--encoding UTF-8 or GBK)",
                      path, line_of(bytes, r.bad), enc));
    text = std::move(r.text);
  }
  CoordTxt txt = Parser(path, std::move(text)).run();
  txt.encoding = enc;
  return txt;
}

GDALDatasetUniquePtr coord_txt_dataset(const CoordTxt& txt) {
  gis::init_gdal();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("Memory");
  if (!drv) throw RuntimeError("GDAL has no Memory driver");
  GDALDatasetUniquePtr ds(drv->Create(txt.path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw RuntimeError(gis::last_gdal_error("cannot create an in-memory data set"));
  // epsg 0: the file does not say its zone (or datum); the layer has no CRS and the caller must
  // declare one (--parcels-crs, crs = ...), never guess.
  OGRSpatialReference srs;
  if (txt.epsg && srs.importFromEPSG(txt.epsg) != OGRERR_NONE)
    throw RuntimeError(fmt::format("PROJ does not know EPSG:{}", txt.epsg));
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  bool multi = false, polygons = true;
  for (const auto& p : txt.parcels) {
    const auto t = wkbFlatten(p.geom->getGeometryType());
    multi = multi || t == wkbMultiPolygon;
    polygons = polygons && (t == wkbPolygon || t == wkbMultiPolygon);
  }
  const OGRwkbGeometryType type = !polygons ? wkbUnknown : multi ? wkbMultiPolygon : wkbPolygon;
  OGRLayer* layer =
      ds->CreateLayer(file_stem(txt.path).c_str(), txt.epsg ? &srs : nullptr, type, nullptr);
  if (!layer) throw RuntimeError(gis::last_gdal_error("cannot create an in-memory layer"));
  const auto& names = coord_txt_fields(txt.extended);
  for (const auto& n : names) {
    OGRFieldDefn f(n.c_str(), OFTString);
    layer->CreateField(&f);
  }
  for (const auto& p : txt.parcels) {
    OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
    for (std::size_t i = 0; i < p.values.size(); ++i)
      if (!p.values[i].empty()) f->SetField(static_cast<int>(i), p.values[i].c_str());
    f->SetGeometry(p.geom.get());
    if (layer->CreateFeature(f.get()) != OGRERR_NONE)
      throw RuntimeError(gis::last_gdal_error("cannot add a parcel to the in-memory layer"));
  }
  for (const auto& [k, v] : txt.properties) ds->SetMetadataItem(k.c_str(), v.c_str());
  ds->SetMetadataItem("SITEPLAN_ENCODING", txt.encoding.c_str());
  return ds;
}

GDALDatasetUniquePtr open_coord_txt(const std::string& path, const std::string& encoding) {
  CoordTxt txt = read_coord_txt(path, encoding);
  static std::mutex mutex;
  static std::set<std::string> told;
  bool first = false;
  {
    std::lock_guard lock(mutex);
    first = told.insert(path).second;
  }
  if (first) {
    log::info("{}: coordinate file, {} parcels, {}{}, EPSG:{}", path, txt.parcels.size(),
              txt.encoding, encoding.empty() ? " (detected)" : "", txt.epsg);
    for (const auto& w : txt.warnings) log::warn("{}", w);
  }
  return coord_txt_dataset(txt);
}

}  // namespace siteplan::io
