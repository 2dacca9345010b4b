#pragma once
// Parcels given as a table of boundary points (界址点坐标表) in a CSV, XLSX or ODS file: one row
// per vertex, read by GDAL's table drivers and turned into a "Memory" data set of polygons.
//
//   地块编号,地块名称,点号,圈号,X,Y          X = northing here (Chinese survey convention)
//   P1,北衙地块一,J1,1,2899000,620000
//
// Detection (only for a data set opened by the CSV, XLSX or ODS driver, with one layer, no
// geometry field and no WKT-like column — WKT, geometry, geom, the_geom, shape, wkt_geom, 几何,
// which load_layer reads): the layer has a pair of coordinate columns, by name (ASCII names
// case-insensitive, spaces and '_' ignored), tried in this order:
//   northing 北坐标 / 纵坐标 / 北向坐标 / N / Northing / North + easting 东坐标 / 横坐标 /
//            东向坐标 / E / Easting / East;
//   latitude 纬度 / lat / latitude + longitude 经度 / lon / lng / long / longitude;
//   X / X坐标 / 坐标X + Y / Y坐标 / 坐标Y — axis decided by the values: every X a Gauss-Krüger
//            northing (1,000,000 ≤ X < 10,000,000) and no Y one → X is the northing (survey
//            tables); the reverse → X is the easting (GIS exports); every |X| ≤ 180 and
//            |Y| ≤ 90 → X is the longitude; anything else is an InputError.
// Parcel id: the id field given (--id-field, [layers.ID] id_field), else the first column, in
// this priority, named 地块编号, 宗地号, 宗地编号, 宗地代码, 地块号, 地块代码, 项目编号, 编号,
// parcel_id, parcel, DKBH, ZDH, ZDDM, XMBH, id. None → InputError listing the columns.
// Point number: 点号, 界址点号, 点名, point, point_no, JZDH; ring number: 圈号, 环号, ring,
// ring_no, QH (both optional).
//
// Rows group by parcel id (parcels in order of first appearance; rows of a parcel need not be
// contiguous and keep file order), then by 圈号 (ascending; 1 is the outer ring; a later ring
// inside an earlier part is its hole, otherwise a further part). Without 圈号, a point that
// repeats its ring's first point closes the ring and the next row starts a new one. Points are
// ordered by 点号 when every 点号 of the ring is a number, else by row; a repeated closing point
// is dropped and every ring closed. Every other column becomes an attribute with the value of the
// parcel's first row. The layer (named after the file stem) has no CRS: the caller declares it.
// Text of a CSV that declares no encoding is UTF-8 when valid, else GB18030 (GBK);
// `encoding` overrides. Errors name "FILE:ROW" (the row as a spreadsheet numbers it, the header
// being row 1) and the parcel.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <optional>
#include <string>

namespace siteplan::io {

// The parcels of `ds` (just opened from `source`) when it is a vertex table, else null.
// `id_field` names the parcel-id column ("" = the first known name). Throws InputError for a
// vertex table that cannot be read (no id column, ambiguous axes, bad rows).
GDALDatasetUniquePtr open_vertex_table(GDALDataset& ds, const std::string& source,
                                       const std::string& encoding, const std::string& id_field);

struct VertexTableKeys {
  std::string id_field;  // the parcel-id column used
  std::string name_field;  // 地块名称 / 宗地名称 / 项目名称 / XMMC / name when present, else ""
};
// For callers choosing default fields: the keys of the vertex table at `source` (a .csv, .tsv,
// .xlsx or .ods file), nullopt when it is none. Reads the file (throws as open_vertex_table).
std::optional<VertexTableKeys> vertex_table_keys(const std::string& source,
                                                 const std::string& encoding,
                                                 const std::string& id_field);

}  // namespace siteplan::io
