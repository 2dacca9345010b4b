// Vertex tables (界址点坐标表): CSV text written to a temporary folder and opened through
// io::open_source — the axis conventions (survey X = northing, GIS x = easting, 北坐标/东坐标,
// degrees), rings (圈号 holes and parts, unclosed rings, 点号 order), attributes, GBK bytes, and
// every refused case with its message.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <iconv.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/source.hpp"
#include "io/vertex_table.hpp"
#include "support/temp_dir.hpp"

using namespace siteplan;
using siteplan::test::TempDir;

namespace {

std::string error_of(const std::string& path, const std::string& id_field = "",
                     const std::string& encoding = "") {
  try {
    io::open_source(path, encoding, "", id_field);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

OGRFeatureUniquePtr feature(OGRLayer& l, const std::string& field, const std::string& value) {
  l.ResetReading();
  for (auto& f : l)
    if (f->GetFieldAsString(field.c_str()) == value) return OGRFeatureUniquePtr(f.release());
  return nullptr;
}

double area(const OGRFeature& f) {
  const OGRGeometry* g = f.GetGeometryRef();
  if (wkbFlatten(g->getGeometryType()) == wkbPolygon) return g->toPolygon()->get_Area();
  return g->toMultiPolygon()->get_Area();
}

const char* kSurvey =
    "地块编号,地块名称,点号,X,Y,备注\n"
    "P1,一号地块,J1,2899000,620000,甲\n"
    "P1,一号地块,J2,2899000,620100,乙\n"
    "P1,一号地块,J3,2899100,620100,\n"
    "P1,一号地块,J4,2899100,620000,\n"
    "P1,一号地块,J1,2899000,620000,\n"
    "P2,二号地块,J1,2899000,620200,\n"
    "P2,二号地块,J2,2899000,620300,\n"
    "P2,二号地块,J3,2899050,620300,\n";  // unclosed

}  // namespace

TEST(VertexTable, SurveyTableXIsNorthing) {
  TempDir d;
  const auto path = d.write("survey.csv", kSurvey);
  auto ds = io::open_source(path, "", "");
  ASSERT_STREQ(ds->GetDriver()->GetDescription(), "Memory");
  ASSERT_EQ(ds->GetLayerCount(), 1);
  OGRLayer* l = ds->GetLayer(0);
  EXPECT_STREQ(l->GetName(), "survey");
  EXPECT_EQ(l->GetSpatialRef(), nullptr);  // the caller declares the CRS
  EXPECT_EQ(l->GetFeatureCount(), 2);
  // Coordinate and point columns are dropped; the others keep the first row's value.
  OGRFeatureDefn* defn = l->GetLayerDefn();
  ASSERT_EQ(defn->GetFieldCount(), 3);
  EXPECT_STREQ(defn->GetFieldDefn(0)->GetNameRef(), "地块编号");
  EXPECT_STREQ(defn->GetFieldDefn(1)->GetNameRef(), "地块名称");
  EXPECT_STREQ(defn->GetFieldDefn(2)->GetNameRef(), "备注");
  auto p1 = feature(*l, "地块编号", "P1");
  ASSERT_TRUE(p1);
  EXPECT_STREQ(p1->GetFieldAsString("地块名称"), "一号地块");
  EXPECT_STREQ(p1->GetFieldAsString("备注"), "甲");
  EXPECT_DOUBLE_EQ(area(*p1), 10000.0);
  OGREnvelope env;
  p1->GetGeometryRef()->getEnvelope(&env);
  EXPECT_DOUBLE_EQ(env.MinX, 620000.0);  // x = easting
  EXPECT_DOUBLE_EQ(env.MinY, 2899000.0);
  // The unclosed ring of P2 is closed.
  auto p2 = feature(*l, "地块编号", "P2");
  ASSERT_TRUE(p2);
  const OGRLinearRing* r = p2->GetGeometryRef()->toPolygon()->getExteriorRing();
  ASSERT_EQ(r->getNumPoints(), 4);
  EXPECT_EQ(r->getX(0), r->getX(3));
  EXPECT_EQ(r->getY(0), r->getY(3));
  EXPECT_DOUBLE_EQ(area(*p2), 2500.0);

  auto keys = io::vertex_table_keys(path, "", "");
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->id_field, "地块编号");
  EXPECT_EQ(keys->name_field, "地块名称");
}

TEST(VertexTable, GisTableXIsEastingAndRowsGiveTheOrder) {
  TempDir d;
  // Zone-prefixed eastings; point numbers shared with neighbours (county-wide numbering) do not
  // reorder the rows: the ring is read as the rows run.
  const auto path = d.write("gis.csv",
                            "parcel_id,point_no,x,y\n"
                            "A,101,33620000,2899000\n"
                            "A,57,33620100,2899000\n"
                            "A,102,33620100,2899100\n"
                            "A,56,33620000,2899100\n");
  auto ds = io::open_source(path, "", "");
  ASSERT_STREQ(ds->GetDriver()->GetDescription(), "Memory");
  OGRLayer* l = ds->GetLayer(0);
  auto a = feature(*l, "parcel_id", "A");
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(area(*a), 10000.0);  // a square, as the rows run
  EXPECT_TRUE(a->GetGeometryRef()->IsValid());
  OGREnvelope env;
  a->GetGeometryRef()->getEnvelope(&env);
  EXPECT_DOUBLE_EQ(env.MinX, 33620000.0);
  EXPECT_DOUBLE_EQ(env.MinY, 2899000.0);
}

TEST(VertexTable, NamedAxesAndDegrees) {
  TempDir d;
  // 北坐标/东坐标 decide by name, whatever the values.
  auto ds = io::open_source(d.write("named.csv",
                                    "宗地号,东坐标,北坐标\n"
                                    "Z1,500,100\nZ1,600,100\nZ1,600,200\nZ1,500,200\n"),
                            "", "");
  ASSERT_STREQ(ds->GetDriver()->GetDescription(), "Memory");
  auto z1 = feature(*ds->GetLayer(0), "宗地号", "Z1");
  ASSERT_TRUE(z1);
  OGREnvelope env;
  z1->GetGeometryRef()->getEnvelope(&env);
  EXPECT_DOUBLE_EQ(env.MinX, 500.0);
  EXPECT_DOUBLE_EQ(env.MaxY, 200.0);
  // X/Y in degrees: x = longitude.
  ds = io::open_source(d.write("deg.csv",
                               "编号,X,Y\n"
                               "1,100.1,26.5\n1,100.2,26.5\n1,100.2,26.6\n"),
                       "", "");
  ASSERT_STREQ(ds->GetDriver()->GetDescription(), "Memory");
  auto one = feature(*ds->GetLayer(0), "编号", "1");
  ASSERT_TRUE(one);
  one->GetGeometryRef()->getEnvelope(&env);
  EXPECT_DOUBLE_EQ(env.MinX, 100.1);
  EXPECT_DOUBLE_EQ(env.MaxY, 26.6);
}

TEST(VertexTable, HolesAndPartsByRingNumber) {
  TempDir d;
  // P8: ring 2 inside ring 1 (a hole), listed first; P9: ring 2 beside ring 1 (a second part).
  // The rows of P9 are not contiguous.
  const auto path = d.write("rings.csv",
                            "地块编号,点号,圈号,X,Y\n"
                            "P8,J5,2,2899025,620425\n"
                            "P8,J6,2,2899025,620475\n"
                            "P8,J7,2,2899075,620475\n"
                            "P8,J8,2,2899075,620425\n"
                            "P8,J1,1,2899000,620400\n"
                            "P8,J2,1,2899000,620500\n"
                            "P8,J3,1,2899100,620500\n"
                            "P8,J4,1,2899100,620400\n"
                            "P8,J1,1,2899000,620400\n"
                            "P9,J1,1,2899000,620600\n"
                            "P9,J2,1,2899000,620650\n"
                            "P9,J3,1,2899050,620650\n"
                            "P9,J4,1,2899050,620600\n"
                            "P8X,J1,1,2899000,620800\n"
                            "P8X,J2,1,2899000,620850\n"
                            "P8X,J3,1,2899050,620850\n"
                            "P9,J5,2,2899000,620700\n"
                            "P9,J6,2,2899000,620750\n"
                            "P9,J7,2,2899050,620750\n"
                            "P9,J8,2,2899050,620700\n");
  auto ds = io::open_source(path, "", "");
  OGRLayer* l = ds->GetLayer(0);
  EXPECT_EQ(l->GetLayerDefn()->GetFieldCount(), 1);  // 点号 and 圈号 dropped
  // Parcels in order of first appearance.
  l->ResetReading();
  std::vector<std::string> ids;
  for (auto& f : *l) ids.push_back(f->GetFieldAsString(0));
  EXPECT_EQ(ids, (std::vector<std::string>{"P8", "P9", "P8X"}));
  auto p8 = feature(*l, "地块编号", "P8");
  ASSERT_EQ(wkbFlatten(p8->GetGeometryRef()->getGeometryType()), wkbPolygon);
  EXPECT_EQ(p8->GetGeometryRef()->toPolygon()->getNumInteriorRings(), 1);
  EXPECT_DOUBLE_EQ(area(*p8), 7500.0);
  auto p9 = feature(*l, "地块编号", "P9");
  ASSERT_EQ(wkbFlatten(p9->GetGeometryRef()->getGeometryType()), wkbMultiPolygon);
  EXPECT_EQ(p9->GetGeometryRef()->toMultiPolygon()->getNumGeometries(), 2);
  EXPECT_DOUBLE_EQ(area(*p9), 5000.0);
}

TEST(VertexTable, RingsClosedByRepeatWithoutRingNumbers) {
  TempDir d;
  // No 圈号: a repeated first point ends a ring; the next rows start another (here a hole).
  auto ds = io::open_source(d.write("closed.csv",
                                    "地块编号,X,Y\n"
                                    "P,2899000,620000\nP,2899000,620100\nP,2899100,620100\n"
                                    "P,2899100,620000\nP,2899000,620000\n"
                                    "P,2899025,620025\nP,2899025,620075\nP,2899075,620075\n"
                                    "P,2899075,620025\n"),
                            "", "");
  auto p = feature(*ds->GetLayer(0), "地块编号", "P");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->GetGeometryRef()->toPolygon()->getNumInteriorRings(), 1);
  EXPECT_DOUBLE_EQ(area(*p), 7500.0);
}

TEST(VertexTable, GbkBytes) {
  TempDir d;
  const std::string utf8 = kSurvey;
  std::string gbk;
  {
    // UTF-8 → GBK through iconv (text::to_utf8 only goes the other way).
    iconv_t cd = iconv_open("GBK", "UTF-8");
    ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
    std::string in = utf8, out(in.size() * 2, '\0');
    char* ip = in.data();
    char* op = out.data();
    std::size_t il = in.size(), ol = out.size();
    ASSERT_NE(iconv(cd, &ip, &il, &op, &ol), static_cast<std::size_t>(-1));
    iconv_close(cd);
    gbk = out.substr(0, out.size() - ol);
  }
  ASSERT_FALSE(text::valid_utf8(gbk));
  const auto path = d.write("gbk.csv", gbk);
  for (const std::string enc : {"", "GBK"}) {
    auto ds = io::open_source(path, enc, "");
    ASSERT_STREQ(ds->GetDriver()->GetDescription(), "Memory") << enc;
    EXPECT_STREQ(ds->GetMetadataItem("SITEPLAN_ENCODING"), enc.empty() ? "GB18030" : "GBK");
    auto p1 = feature(*ds->GetLayer(0), "地块编号", "P1");
    ASSERT_TRUE(p1) << enc;
    EXPECT_STREQ(p1->GetFieldAsString("地块名称"), "一号地块");
  }
  // Declared UTF-8, the bytes are not: the names do not decode, so no id column is found.
  EXPECT_NE(error_of(path, "", "UTF-8").find("check --encoding"), std::string::npos)
      << error_of(path, "", "UTF-8");
}

TEST(VertexTable, IdColumnChoice) {
  TempDir d;
  // 地块编号 comes before 编号 in the priority order.
  const auto path = d.write("ids.csv",
                            "编号,地块编号,X,Y\n"
                            "1,A,2899000,620000\n2,A,2899000,620100\n3,A,2899100,620100\n");
  auto ds = io::open_source(path, "", "");
  EXPECT_EQ(ds->GetLayer(0)->GetFeatureCount(), 1);
  EXPECT_STREQ(ds->GetMetadataItem("SITEPLAN_VERTEX_ID_FIELD"), "地块编号");
  // A table without a known id name needs --id-field; with it, it reads.
  const auto noid = d.write("noid.csv",
                            "宗地,X,Y\n"
                            "A,2899000,620000\nA,2899000,620100\nA,2899100,620100\n");
  const std::string e = error_of(noid);
  EXPECT_NE(e.find("noid.csv: a vertex table (coordinates in 'X' and 'Y') without a parcel-id "
                   "column; its columns are: 宗地, X, Y. Name the column"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("--id-field"), std::string::npos);
  ds = io::open_source(noid, "", "", "宗地");
  EXPECT_EQ(ds->GetLayer(0)->GetFeatureCount(), 1);
  const std::string e2 = error_of(noid, "宗地号");
  EXPECT_NE(e2.find("without the parcel-id column '宗地号' (did you mean '宗地'?)"),
            std::string::npos)
      << e2;
  EXPECT_NE(error_of(noid, "X").find("the parcel-id column 'X' holds coordinates"),
            std::string::npos);
}

TEST(VertexTable, NotVertexTables) {
  TempDir d;
  // A WKT column is load_layer's business; a table without coordinate columns stays a table.
  auto ds = io::open_source(d.write("wkt.csv",
                                    "地块编号,X,Y,WKT\n"
                                    "P,1,2,\"POLYGON ((0 0,1 0,1 1,0 0))\"\n"),
                            "", "");
  EXPECT_STREQ(ds->GetDriver()->GetDescription(), "CSV");
  ds = io::open_source(d.write("plain.csv", "地块编号,面积\nP,1\n"), "", "");
  EXPECT_STREQ(ds->GetDriver()->GetDescription(), "CSV");
  EXPECT_FALSE(io::vertex_table_keys(d.write("plain2.csv", "a,b\n1,2\n"), "", ""));
  EXPECT_FALSE(io::vertex_table_keys(std::string(SITEPLAN_TEST_DATA) + "/parcels.gpkg", "", ""));
}

TEST(VertexTable, AmbiguousAxes) {
  TempDir d;
  // Both columns below 1,000,000 and not degrees.
  const auto path = d.write("amb.csv",
                            "地块编号,X,Y\n"
                            "P,500000,620000\nP,500100,620000\nP,500100,620100\n");
  const std::string e = error_of(path);
  EXPECT_NE(e.find("amb.csv: a vertex table with coordinates in columns 'X' (500000 .. 500100) "
                   "and 'Y' (620000 .. 620100), but which is the northing is ambiguous"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("rename the columns 北坐标 and 东坐标"), std::string::npos);
  // Both in the northing range.
  EXPECT_NE(error_of(d.write("amb2.csv",
                             "地块编号,X,Y\n"
                             "P,2899000,2899000\nP,2899100,2899000\nP,2899100,2899100\n"))
                .find("is ambiguous"),
            std::string::npos);
  // Latitude in X, longitude in Y: said so.
  const std::string e3 =
      error_of(d.write("amb3.csv", "地块编号,X,Y\nP,26.5,100.1\nP,26.5,100.2\nP,26.6,100.2\n"));
  EXPECT_NE(e3.find("(X looks like latitudes and Y like longitudes)"), std::string::npos) << e3;
}

TEST(VertexTable, BrokenRows) {
  TempDir d;
  const std::string e1 = error_of(d.write("nan.csv",
                                          "地块编号,X,Y\n"
                                          "P,2899000,620000\nP,abc,620100\nP,2899100,620100\n"));
  EXPECT_NE(e1.find("nan.csv:3: parcel P: X 'abc' is not a number"), std::string::npos) << e1;
  const std::string e2 = error_of(d.write("inf.csv",
                                          "地块编号,X,Y\n"
                                          "P,2899000,620000\nP,2899000,inf\nP,2899100,620100\n"));
  EXPECT_NE(e2.find("inf.csv:3: parcel P: Y inf is not a finite number"), std::string::npos) << e2;
  const std::string e3 = error_of(d.write("empty.csv",
                                          "地块编号,X,Y\n"
                                          "P,2899000,620000\nP,,620100\nP,2899100,620100\n"));
  EXPECT_NE(e3.find("empty.csv:3: parcel P: no value in column 'X'"), std::string::npos) << e3;
  // Two distinct points (the third repeats the first).
  const std::string e4 =
      error_of(d.write("short.csv",
                       "地块编号,X,Y\n"
                       "A,2899000,620000\nA,2899000,620100\nA,2899100,620100\n"
                       "B,2899000,620000\nB,2899000,620100\nB,2899000,620000\n"));
  EXPECT_NE(e4.find("short.csv:5: parcel B: ring (rows 5–7) has 2 distinct points; a ring needs "
                    "at least 3"),
            std::string::npos)
      << e4;
  // One row per id: a table of points (substations, settlements), read as points.
  {
    auto ds = io::open_source(d.write("points.csv",
                                      "编号,X,Y\n"
                                      "1,2899000,620000\n2,2899000,620100\n"),
                              "", "");
    OGRLayer* l = ds->GetLayer(0);
    EXPECT_EQ(wkbFlatten(l->GetGeomType()), wkbPoint);
    ASSERT_EQ(l->GetFeatureCount(), 2);
    OGRFeatureUniquePtr f(l->GetNextFeature());
    const auto* pt = f->GetGeometryRef()->toPoint();
    EXPECT_DOUBLE_EQ(pt->getX(), 620000.0);
    EXPECT_DOUBLE_EQ(pt->getY(), 2899000.0);
  }
  const std::string e6 = error_of(d.write("noid.csv",
                                          "地块编号,X,Y\n"
                                          "A,2899000,620000\n,2899000,620100\n"));
  EXPECT_NE(e6.find("noid.csv:3: no parcel id in column '地块编号'"), std::string::npos) << e6;
  const std::string e7 = error_of(d.write("ring.csv",
                                          "地块编号,圈号,X,Y\n"
                                          "A,1,2899000,620000\nA,外,2899000,620100\n"));
  EXPECT_NE(e7.find("ring.csv:3: parcel A: 圈号 '外' is not a positive whole number"),
            std::string::npos)
      << e7;
}
