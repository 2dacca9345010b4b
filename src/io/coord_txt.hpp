#pragma once
// The Ministry coordinate TXT (建设用地报批 / 勘测定界 坐标文件): reading it as a GDAL in-memory
// vector data set and writing any polygon layer as one.
//
//   [属性描述]                       key=value lines: 坐标系, 几度分带, 带号, 计量单位, ...
//   [地块坐标]
//   5,1.2345,BY-01,北衙地块一,面,,工业用地,0601,@      one header line per parcel, ending in @
//   J1,1,2899547.078,33619942.482                      点号,圈号,X (northing),Y (easting)
//
// Parcel header lines hold 8 attributes (界址点数, 地块面积 in ha, 地块编号, 地块名称,
// 记录图形属性, 图幅号, 地块用途, 地类编码) or 13 (the land-consolidation variant adds 图斑类型,
// 地类, 改造前平均质量等别, 改造后平均质量等别, 备注). Every ring repeats its first point at its
// end; 圈号 1 is the outer ring, later rings are holes of an earlier ring that contains them or
// further parts. Eastings may carry the zone prefix (33619942.482 in zone 33).
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gis/gdal.hpp"

namespace siteplan::io {

// Gauss-Krüger CRSs of Chinese surveys and their EPSG codes.
enum class GkDatum { Cgcs2000, Xian1980, Beijing1954 };
struct GkZone {
  GkDatum datum = GkDatum::Cgcs2000;
  int width = 3;  // 3 or 6 (degrees)
  int zone = 0;   // 带号: 25–45 for 3-degree zones (CM 3n), 13–23 for 6-degree (CM 6n−3)
  bool prefixed = false;  // eastings carry the zone number (zone·10⁶ + easting)
  int central_meridian() const { return width == 3 ? 3 * zone : 6 * zone - 3; }
};
// The EPSG code, or nullopt when the zone does not exist for that width.
std::optional<int> gk_epsg(const GkZone& z);
// The inverse: which Chinese GK CRS an EPSG code is (nullopt when none).
std::optional<GkZone> gk_zone_of_epsg(int epsg);
// "2000国家大地坐标系", "1980西安坐标系", "1954北京坐标系".
const char* gk_datum_label(GkDatum d);

// Whether `path` is a regular file whose first KB hold "[属性描述]" or "[地块坐标]" (UTF-8 or GBK).
bool is_coord_txt(const std::string& path);

// Attribute names of a parcel header line, in file order.
const std::vector<std::string>& coord_txt_fields(bool extended);

struct CoordTxtParcel {
  int line = 0;                     // line of its header
  std::vector<std::string> values;  // header attributes, in file order (8 or 13)
  gis::OgrGeomPtr geom;  // Polygon / MultiPolygon (LineString / MultiPoint for 线 / 点)
};

struct CoordTxt {
  std::string path;
  std::string encoding;                                         // "UTF-8" or the one used
  std::vector<std::pair<std::string, std::string>> properties;  // [属性描述] (and other sections)
  GkZone zone;
  int epsg = 0;
  bool extended = false;  // some header had 13 attributes
  std::vector<CoordTxtParcel> parcels;
  std::vector<std::string> warnings;  // declared and computed areas that differ
};

// Parses a coordinate file. `encoding` "" detects (valid UTF-8, else GB18030). Throws InputError
// "FILE:LINE: what is wrong; what to do" for every malformed case.
CoordTxt read_coord_txt(const std::string& path, const std::string& encoding = "");
// The parcels as a "Memory" data set: one layer named after the file stem, the file's CRS
// (traditional GIS axis order: x = easting), string fields named as the header, and the
// [属性描述] items as data set metadata.
GDALDatasetUniquePtr coord_txt_dataset(const CoordTxt& txt);
// read_coord_txt + coord_txt_dataset; logs the encoding and area warnings once per file.
GDALDatasetUniquePtr open_coord_txt(const std::string& path, const std::string& encoding);

struct CoordTxtWriteOptions {
  std::string id_field;  // 地块编号 (default: the 地块编号 field when present, else 1, 2, ...)
  std::string name_field;   // 地块名称 (default: the 地块名称 field when present)
  std::string use_field;    // 地块用途 (default: the 地块用途 field when present)
  std::string class_field;  // 地类编码 (default: the 地类编码 field when present)
  std::string crs;          // target CRS (EPSG:4542 ...); "" = the layer's own
  bool prefixed = false;    // write zone-prefixed eastings even for an unprefixed CRS
  std::string encoding = "GBK";
  std::string producer;  // 数据产生单位
  std::string date;      // 数据产生日期 (default: today, as 2024-5-1)
};
// Writes every feature of `layer` (polygons only) to `out_path` (temporary name, then rename).
// `source` names the layer in messages. Returns the number of parcels written.
std::size_t write_coord_txt(OGRLayer& layer, const std::string& source, const std::string& out_path,
                            const CoordTxtWriteOptions& options);

}  // namespace siteplan::io
