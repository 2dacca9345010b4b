// The Ministry coordinate TXT: parsing (geometry, CRS, encodings, every malformed case with its
// line), the EPSG mapping against PROJ, writing and reading back to the millimetre, and a seeded
// mutation test of the parser. Test files: tests/data/txt (make_txt.py writes them).
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/error.hpp"
#include "gis/gdal.hpp"
#include "io/coord_txt.hpp"
#include "io/source.hpp"
#include "support/temp_dir.hpp"

using namespace siteplan;
namespace fs = std::filesystem;
using siteplan::test::TempDir;

namespace {
const std::string kTxt = std::string(SITEPLAN_TEST_DATA) + "/txt/";

std::string read_error(const std::string& file, const std::string& encoding = "") {
  try {
    io::read_coord_txt(kTxt + file, encoding);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// A fresh temporary folder, removed at the end of the test.
std::vector<std::array<double, 2>> vertices(const OGRGeometry* g) {
  std::vector<std::array<double, 2>> out;
  auto ring = [&](const OGRLinearRing* r) {
    for (int i = 0; i < r->getNumPoints(); ++i) out.push_back({r->getX(i), r->getY(i)});
  };
  auto poly = [&](const OGRPolygon* p) {
    for (const auto* r : *p) ring(r);
  };
  if (wkbFlatten(g->getGeometryType()) == wkbPolygon)
    poly(g->toPolygon());
  else
    for (const auto* p : *g->toMultiPolygon()) poly(p);
  return out;
}

const io::CoordTxtParcel& parcel(const io::CoordTxt& t, const std::string& id) {
  for (const auto& p : t.parcels)
    if (p.values[2] == id) return p;
  throw std::runtime_error("no parcel " + id);
}
}  // namespace

TEST(CoordTxt, ReadsParcelsHolesAndParts) {
  auto t = io::read_coord_txt(kTxt + "good_utf8.txt");
  ASSERT_EQ(t.parcels.size(), 5u);
  EXPECT_EQ(t.encoding, "UTF-8");
  EXPECT_EQ(t.epsg, 4521);  // prefixed eastings, zone 33
  EXPECT_TRUE(t.zone.prefixed);
  EXPECT_TRUE(t.warnings.empty());
  const auto& p1 = parcel(t, "BY-01");
  EXPECT_EQ(p1.line, 13);
  EXPECT_EQ(p1.values[3], "北衙地块一");
  ASSERT_EQ(wkbFlatten(p1.geom->getGeometryType()), wkbPolygon);
  // X = northing, Y = easting in the file; x = easting in the geometry.
  const auto* ring = p1.geom->toPolygon()->getExteriorRing();
  EXPECT_DOUBLE_EQ(ring->getX(0), 33620000.0);
  EXPECT_DOUBLE_EQ(ring->getY(0), 2899000.0);
  EXPECT_NEAR(p1.geom->toPolygon()->get_Area(), 10000.0, 1e-6);

  const auto& p2 = parcel(t, "BY-02");  // 圈号 2 inside 圈号 1: a hole
  ASSERT_EQ(wkbFlatten(p2.geom->getGeometryType()), wkbPolygon);
  EXPECT_EQ(p2.geom->toPolygon()->getNumInteriorRings(), 1);
  EXPECT_NEAR(p2.geom->toPolygon()->get_Area(), 7500.0, 1e-6);

  const auto& p3 = parcel(t, "BY-03");  // 圈号 2 outside 圈号 1: a second part
  ASSERT_EQ(wkbFlatten(p3.geom->getGeometryType()), wkbMultiPolygon);
  EXPECT_EQ(p3.geom->toMultiPolygon()->getNumGeometries(), 2);

  const auto& p4 = parcel(t, "BY-04");  // an island inside the hole: a part of its own
  ASSERT_EQ(wkbFlatten(p4.geom->getGeometryType()), wkbMultiPolygon);
  const auto* mp = p4.geom->toMultiPolygon();
  ASSERT_EQ(mp->getNumGeometries(), 2);
  EXPECT_EQ(mp->getGeometryRef(0)->getNumInteriorRings(), 1);
  EXPECT_NEAR(mp->get_Area(), 60000.0, 1e-6);

  const auto& p5 = parcel(t, "BY-05");  // a bow-tie goes through as drawn (repaired later)
  gis::GdalErrorCapture quiet;
  EXPECT_FALSE(p5.geom->IsValid());
}

TEST(CoordTxt, GbkAndPlainEastingsGiveTheSameParcels) {
  auto u = io::read_coord_txt(kTxt + "good_utf8.txt");
  auto g = io::read_coord_txt(kTxt + "plain_gbk.txt");
  EXPECT_EQ(g.encoding, "GB18030");  // detected: not valid UTF-8
  EXPECT_EQ(g.epsg, 4542);           // unprefixed eastings, 带号 33 → CM 99E
  EXPECT_FALSE(g.zone.prefixed);
  ASSERT_EQ(u.parcels.size(), g.parcels.size());
  for (std::size_t i = 0; i < u.parcels.size(); ++i) {
    EXPECT_EQ(u.parcels[i].values, g.parcels[i].values);
    auto a = vertices(u.parcels[i].geom.get()), b = vertices(g.parcels[i].geom.get());
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_DOUBLE_EQ(a[k][0] - 33e6, b[k][0]);
      EXPECT_DOUBLE_EQ(a[k][1], b[k][1]);
    }
  }
  auto explicit_gbk = io::read_coord_txt(kTxt + "plain_gbk.txt", "GBK");
  EXPECT_EQ(explicit_gbk.parcels[0].values[3], "北衙地块一");
  EXPECT_NE(read_error("plain_gbk.txt", "UTF-8").find("plain_gbk.txt:1: bytes that are not UTF-8"),
            std::string::npos);
}

TEST(CoordTxt, ThirteenFieldHeadersAndOtherDatums) {
  auto t = io::read_coord_txt(kTxt + "extended_13.txt");
  ASSERT_TRUE(t.extended);
  ASSERT_EQ(t.parcels[0].values.size(), 13u);
  EXPECT_EQ(io::coord_txt_fields(true)[8], "图斑类型");
  EXPECT_EQ(t.parcels[0].values[12], "提质改造");
  auto x = io::read_coord_txt(kTxt + "xian80_6.txt");
  EXPECT_EQ(x.epsg, 2342);  // Xian 1980 / Gauss-Kruger CM 99E
  EXPECT_EQ(x.zone.width, 6);
  EXPECT_EQ(x.zone.central_meridian(), 99);
}

TEST(CoordTxt, InMemoryDataSet) {
  auto ds = io::open_source(kTxt + "extended_13.txt", "", "");
  ASSERT_TRUE(ds);
  EXPECT_STREQ(ds->GetDriver()->GetDescription(), "Memory");
  ASSERT_EQ(ds->GetLayerCount(), 1);
  OGRLayer* l = ds->GetLayer(0);
  EXPECT_STREQ(l->GetName(), "extended_13");
  EXPECT_EQ(l->GetFeatureCount(), 2);
  const OGRSpatialReference* srs = l->GetSpatialRef();
  ASSERT_TRUE(srs);
  EXPECT_STREQ(srs->GetAuthorityCode(nullptr), "4521");
  EXPECT_EQ(srs->GetAxisMappingStrategy(), OAMS_TRADITIONAL_GIS_ORDER);
  OGRFeatureDefn* d = l->GetLayerDefn();
  for (const char* name :
       {"地块编号", "地块名称", "界址点数", "地块面积", "记录图形属性", "图幅号", "地块用途",
        "地类编码", "图斑类型", "地类", "改造前平均质量等别", "改造后平均质量等别", "备注"}) {
    int idx = d->GetFieldIndex(name);
    ASSERT_GE(idx, 0) << name;
    EXPECT_EQ(d->GetFieldDefn(idx)->GetType(), OFTString);
  }
  OGRFeatureUniquePtr f(l->GetNextFeature());
  EXPECT_STREQ(f->GetFieldAsString("地块编号"), "BY-01");
  EXPECT_STREQ(f->GetFieldAsString("地块面积"), "1.0000");
  EXPECT_STREQ(ds->GetMetadataItem("坐标系"), "2000国家大地坐标系");
  EXPECT_STREQ(ds->GetMetadataItem("带号"), "33");
  EXPECT_TRUE(io::is_coord_txt(kTxt + "plain_gbk.txt"));  // markers in GBK bytes
  EXPECT_FALSE(io::is_coord_txt(std::string(SITEPLAN_TEST_DATA) + "/parcels.gpkg"));
  EXPECT_FALSE(io::is_coord_txt(kTxt));  // a folder
}

TEST(CoordTxt, WithoutZoneTheLayerHasNoCrs) {
  // No 带号 and no zone prefix: the CRS is unknown, so the layer declares none (a run then asks
  // for --parcels-crs) and the reader says why; it never guesses a zone.
  auto txt = io::read_coord_txt(kTxt + "bad_no_zone.txt");
  EXPECT_EQ(txt.epsg, 0);
  ASSERT_FALSE(txt.warnings.empty());
  EXPECT_NE(txt.warnings.back().find("带号"), std::string::npos) << txt.warnings.back();
  auto ds = io::coord_txt_dataset(txt);
  EXPECT_EQ(ds->GetLayer(0)->GetSpatialRef(), nullptr);
}

TEST(CoordTxt, EveryMalformedCaseNamesItsLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad_empty.txt", "bad_empty.txt:1: the coordinate file is empty"},
      {"bad_no_props.txt", "bad_no_props.txt:1: no [属性描述] section"},
      {"bad_no_coords.txt", "bad_no_coords.txt:11: no [地块坐标] section"},
      {"bad_field_count.txt",
       "bad_field_count.txt:19: a parcel header holds 8 fields before '@', "
       "not 7"},
      {"bad_number.txt",
       "bad_number.txt:16: parcel BY-01 (北衙地块一): point J3: coordinate "
       "'2899100.00O' is not a number"},
      {"bad_nan.txt",
       "bad_nan.txt:16: parcel BY-01 (北衙地块一): point J3: coordinate nan is not "
       "finite"},
      {"bad_unclosed.txt",
       "bad_unclosed.txt:14: parcel BY-01 (北衙地块一): ring 圈号 1 (lines "
       "14–17) is not closed"},
      {"bad_short_ring.txt",
       "bad_short_ring.txt:16: parcel BY-01 (三点): ring 圈号 1 (lines "
       "14–16) has 3 points"},
      {"bad_count.txt",
       "bad_count.txt:13: parcel BY-01 (北衙地块一): 界址点数 is 7 but the "
       "parcel has 5 point rows"},
      {"bad_zone.txt",
       "bad_zone.txt:16: parcel BY-01 (北衙地块一): point J3: easting "
       "34620100.000 carries zone prefix 34 but 带号 (line 9) is 33"},
      {"bad_zone_width.txt", "bad_zone_width.txt:9: 带号 33 does not exist in 6-degree zones"},
      {"bad_point_fields.txt",
       "bad_point_fields.txt:15: parcel BY-01 (北衙地块一): a point row "
       "holds 4 fields"},
      {"bad_before_header.txt", "bad_before_header.txt:13: a point row before any parcel header"},
      {"bad_mixed_prefix.txt",
       "bad_mixed_prefix.txt:16: parcel BY-01 (北衙地块一): point J3: "
       "easting 620100.000 has no zone prefix"},
      {"bad_swapped.txt",
       "bad_swapped.txt:15: parcel BY-01 (北衙地块一): point J2: X "
       "33620100.000 looks like an easting"},
  };
  for (const auto& [file, want] : cases) {
    std::string got = read_error(file);
    EXPECT_NE(got.find(want), std::string::npos) << file << ": " << got;
  }
  // Through open_source too (what every command uses), and an empty .txt is recognised.
  try {
    io::open_source(kTxt + "bad_empty.txt", "", "");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is empty"), std::string::npos) << e.what();
  }
}

TEST(CoordTxt, AreaMismatchIsAWarningNamingTheParcel) {
  auto t = io::read_coord_txt(kTxt + "area_mismatch.txt");
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("area_mismatch.txt:13: parcel BY-01 (北衙地块一): 地块面积 1.2000 "
                               "ha declared but its points enclose 1.0000 ha"),
            std::string::npos)
      << t.warnings[0];
  EXPECT_NE(t.warnings[0].find("wrong zone or a typo"), std::string::npos);
}

TEST(CoordTxt, EpsgMappingMatchesProj) {
  gis::init_gdal();
  struct D {
    io::GkDatum datum;
    const char* name;
  };
  const D datums[] = {{io::GkDatum::Cgcs2000, "CGCS2000"},
                      {io::GkDatum::Xian1980, "Xian 1980"},
                      {io::GkDatum::Beijing1954, "Beijing 1954"}};
  int checked = 0;
  for (const auto& d : datums)
    for (int width : {3, 6})
      for (int zone = width == 3 ? 25 : 13; zone <= (width == 3 ? 45 : 23); ++zone)
        for (bool prefixed : {true, false}) {
          io::GkZone z{d.datum, width, zone, prefixed};
          auto code = io::gk_epsg(z);
          ASSERT_TRUE(code);
          OGRSpatialReference srs;
          ASSERT_EQ(srs.importFromEPSG(*code), OGRERR_NONE) << *code;
          const std::string deg = width == 3 ? "3-degree " : "";
          const std::string want =
              prefixed
                  ? fmt::format("{} / {}Gauss-Kruger zone {}", d.name, deg, zone)
                  : fmt::format("{} / {}Gauss-Kruger CM {}E", d.name, deg, z.central_meridian());
          EXPECT_EQ(srs.GetName(), want) << "EPSG:" << *code;
          EXPECT_DOUBLE_EQ(srs.GetProjParm(SRS_PP_CENTRAL_MERIDIAN), z.central_meridian());
          EXPECT_DOUBLE_EQ(srs.GetProjParm(SRS_PP_FALSE_EASTING),
                           prefixed ? zone * 1e6 + 500000.0 : 500000.0);
          auto back = io::gk_zone_of_epsg(*code);
          ASSERT_TRUE(back);
          EXPECT_EQ(back->zone, zone);
          EXPECT_EQ(back->width, width);
          EXPECT_EQ(back->prefixed, prefixed);
          EXPECT_EQ(back->datum, d.datum);
          ++checked;
        }
  EXPECT_EQ(checked, 3 * (21 + 11) * 2);
  EXPECT_EQ(*io::gk_epsg({io::GkDatum::Cgcs2000, 3, 33, false}), 4542);
  EXPECT_EQ(*io::gk_epsg({io::GkDatum::Cgcs2000, 3, 33, true}), 4521);
  EXPECT_FALSE(io::gk_epsg({io::GkDatum::Cgcs2000, 6, 33, false}));
  EXPECT_FALSE(io::gk_zone_of_epsg(4326));
  EXPECT_FALSE(io::gk_zone_of_epsg(4490));
}

TEST(CoordTxt, WriteThenReadGivesTheSameVerticesToTheMillimetre) {
  TempDir tmp;
  gis::init_gdal();
  // A layer with arbitrary decimals, a hole and a two-part parcel, in EPSG:4542.
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("Memory");
  GDALDatasetUniquePtr ds(mem->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRSpatialReference srs;
  srs.importFromEPSG(4542);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRLayer* l = ds->CreateLayer("p", &srs, wkbUnknown, nullptr);
  for (const char* n : {"XMBH", "XMMC", "YT", "DLBM"}) {
    OGRFieldDefn f(n, OFTString);
    l->CreateField(&f);
  }
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(-0.4999, 0.4999);
  auto j = [&] { return jitter(rng); };
  std::vector<std::string> wkts;
  for (int i = 0; i < 6; ++i) {
    const double e = 620000.123456 + i * 300, n = 2899000.987654;
    auto sq = [&](double x0, double y0, double s) {
      return fmt::format("({} {},{} {},{} {},{} {},{} {})", x0, y0, x0 + s + j(), y0 + j(),
                         x0 + s + j(), y0 + s + j(), x0 + j(), y0 + s + j(), x0, y0);
    };
    std::string w = i % 3 == 0 ? fmt::format("POLYGON ({})", sq(e, n, 100))
                    : i % 3 == 1
                        ? fmt::format("POLYGON ({},{})", sq(e, n, 100), sq(e + 30, n + 30, 20))
                        : fmt::format("MULTIPOLYGON (({}),({}))", sq(e, n, 50), sq(e + 100, n, 50));
    wkts.push_back(w);
    OGRFeatureUniquePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
    f->SetField("XMBH", fmt::format("P{}", i + 1).c_str());
    f->SetField("XMMC", fmt::format("地块{}", i + 1).c_str());
    f->SetField("YT", "工业用地");
    f->SetField("DLBM", "0601");
    OGRGeometry* g = nullptr;
    ASSERT_EQ(OGRGeometryFactory::createFromWkt(w.c_str(), &srs, &g), OGRERR_NONE);
    f->SetGeometryDirectly(g);
    ASSERT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
  }
  for (bool prefixed : {false, true})
    for (const char* enc : {"GBK", "UTF-8"}) {
      io::CoordTxtWriteOptions o;
      o.id_field = "XMBH";
      o.name_field = "XMMC";
      o.use_field = "YT";
      o.class_field = "DLBM";
      o.prefixed = prefixed;
      o.encoding = enc;
      o.date = "2024-5-1";
      const std::string out = tmp.file(fmt::format("out_{}_{}.txt", prefixed, enc));
      ASSERT_EQ(io::write_coord_txt(*l, "p", out, o), 6u);
      auto t = io::read_coord_txt(out);
      EXPECT_EQ(t.encoding, std::string(enc) == "GBK" ? "GB18030" : "UTF-8");
      EXPECT_EQ(t.epsg, prefixed ? 4521 : 4542);
      EXPECT_TRUE(t.warnings.empty()) << t.warnings[0];
      ASSERT_EQ(t.parcels.size(), 6u);
      l->ResetReading();
      std::size_t i = 0;
      for (auto& f : *l) {
        const auto& p = t.parcels[i++];
        EXPECT_EQ(p.values[2], f->GetFieldAsString("XMBH"));
        EXPECT_EQ(p.values[3], f->GetFieldAsString("XMMC"));
        EXPECT_EQ(p.values[6], "工业用地");
        EXPECT_EQ(p.values[7], "0601");
        auto a = vertices(f->GetGeometryRef()), b = vertices(p.geom.get());
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t k = 0; k < a.size(); ++k) {
          EXPECT_NEAR(a[k][0] + (prefixed ? 33e6 : 0.0), b[k][0], 0.0005 + 1e-7);
          EXPECT_NEAR(a[k][1], b[k][1], 0.0005 + 1e-7);
        }
        EXPECT_EQ(p.geom->getGeometryType(), f->GetGeometryRef()->getGeometryType());
      }
      // Rewriting what was read gives the same bytes (nothing drifts).
      if (!prefixed && std::string(enc) == "GBK") {
        auto back = io::open_coord_txt(out, "");
        o.id_field = o.name_field = o.use_field = o.class_field = "";  // the TXT's own names
        const std::string again = tmp.file("again.txt");
        io::write_coord_txt(*back->GetLayer(0), "again", again, o);
        std::ifstream x(out, std::ios::binary), y(again, std::ios::binary);
        std::stringstream sx, sy;
        sx << x.rdbuf();
        sy << y.rdbuf();
        EXPECT_EQ(sx.str(), sy.str());
      }
    }
  // Reprojection to a given CRS; a CRS with no coordinate-file form is refused with a hint.
  io::CoordTxtWriteOptions o;
  o.crs = "EPSG:4521";
  const std::string out = tmp.file("reprojected.txt");
  io::write_coord_txt(*l, "p", out, o);
  EXPECT_EQ(io::read_coord_txt(out).epsg, 4521);
  o.crs = "EPSG:32647";
  try {
    io::write_coord_txt(*l, "p", tmp.file("utm.txt"), o);
    FAIL() << "UTM accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--crs EPSG:4542"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp.file("utm.txt")));
  for (const auto& entry : fs::directory_iterator(tmp.path))  // no temporary left behind
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
}

// Random byte and line mutations of a valid file: the parser returns a data set or throws
// siteplan::Error, never anything else (and, under ASan/UBSan, never touches bad memory).
TEST(CoordTxt, SeededMutationsNeverCrash) {
  TempDir tmp;
  std::ifstream in(kTxt + "good_utf8.txt", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string valid = ss.str();
  std::mt19937 rng(20240501);
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n ? n - 1 : 0)(rng);
  };
  const std::string alphabet = ",@\n\r.-+0123456789eE[]=J面线点 \t\xFF\xE5\x80";
  int parsed = 0, rejected = 0;
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s = valid;
    const int edits = 1 + static_cast<int>(pick(3));
    for (int e = 0; e < edits && !s.empty(); ++e) {
      std::vector<std::size_t> starts = {0};  // line starts, for line edits
      for (std::size_t i = 0; i + 1 < s.size(); ++i)
        if (s[i] == '\n') starts.push_back(i + 1);
      auto line_at = [&](std::size_t k) {
        std::size_t a = starts[k], b = s.find('\n', a);
        return std::pair{a, b == std::string::npos ? s.size() : b + 1};
      };
      switch (pick(7)) {
        case 0:  // flip a byte
          s[pick(s.size())] = static_cast<char>(pick(256));
          break;
        case 1:  // delete a byte
          s.erase(pick(s.size()), 1);
          break;
        case 2:  // insert a format character
          s.insert(pick(s.size() + 1), 1, alphabet[pick(alphabet.size())]);
          break;
        case 3: {  // delete a line
          auto [a, b] = line_at(pick(starts.size()));
          s.erase(a, b - a);
          break;
        }
        case 4: {  // duplicate a line
          auto [a, b] = line_at(pick(starts.size()));
          s.insert(a, s.substr(a, b - a));
          break;
        }
        case 5: {  // swap two lines
          auto [a, b] = line_at(pick(starts.size()));
          std::string l1 = s.substr(a, b - a);
          s.erase(a, b - a);
          std::size_t at = s.find('\n', pick(s.size() + 1));
          s.insert(at == std::string::npos ? s.size() : at + 1, l1);
          break;
        }
        default:  // cut the file short
          s.resize(pick(s.size()));
      }
    }
    const std::string file = tmp.file("m.txt");
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(s.data(), static_cast<std::streamsize>(s.size()));
    }
    try {
      auto t = io::read_coord_txt(file);
      auto ds = io::coord_txt_dataset(t);
      ASSERT_TRUE(ds);
      ++parsed;
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      FAIL() << "iteration " << iter << ": not a siteplan::Error: " << e.what();
    }
  }
  EXPECT_EQ(parsed + rejected, 2000);
  EXPECT_GT(rejected, 500);  // most mutations break something
  EXPECT_GT(parsed, 50);     // and some leave a readable file
}
