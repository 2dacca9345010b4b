#include <fmt/core.h>
#include <gtest/gtest.h>

#include <ogrsf_frmts.h>

#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "gis/box_index.hpp"
#include "gis/gdal.hpp"
#include "io/layer.hpp"
#include "support/geometry.hpp"
#include "support/test_data.hpp"

using namespace siteplan;
using siteplan::test::box;
using siteplan::test::kData;

namespace {
LayerSpec spec(const std::string& source, const std::string& layer = "") {
  LayerSpec s;
  s.id = layer.empty() ? "x" : layer;
  s.source = kData + "/" + source;
  s.layer = layer;
  return s;
}

std::string load_error(const LayerSpec& s, io::LoadOptions o = {}) {
  gis::GeosContext ctx;
  try {
    io::load_layer(s, gis::Crs::from_user("EPSG:4542", "t"), ctx, o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

struct Quiet : ::testing::Environment {};
const auto* quiet = ::testing::AddGlobalTestEnvironment(new Quiet);
}  // namespace

TEST(Layer, LoadsEveryFeatureWithItsStatus) {
  gis::GeosContext ctx;
  io::LoadOptions o;
  o.polygons_only = true;
  o.id_field = "XMBH";
  auto l = io::load_layer(spec("parcels.gpkg", "parcels"), gis::Crs::from_user("EPSG:4542", "t"),
                          ctx, o);
  ASSERT_EQ(l.features.size(), 9u);
  EXPECT_EQ(l.stats.valid, 5u);
  EXPECT_EQ(l.stats.repaired, 1u);
  EXPECT_EQ(l.stats.empty, 1u);
  EXPECT_EQ(l.stats.null, 1u);
  EXPECT_EQ(l.stats.not_polygon, 1u);
  EXPECT_EQ(l.features[3].key, "P4");
  EXPECT_EQ(l.features[3].status, io::GeomStatus::Repaired);
  EXPECT_NEAR(gis::area(ctx, l.features[3].geom.get()), 5000.0, 1e-6);
  EXPECT_NE(l.features[3].problem.find("Self-intersection"), std::string::npos);
}

TEST(Layer, ReprojectsToTheWorkingCrs) {
  gis::GeosContext ctx;
  auto l = io::load_layer(spec("constraints.gpkg", "yjjbnt"), gis::Crs::from_user("EPSG:4521", "t"),
                          ctx, {});
  ASSERT_TRUE(l.work_extent.valid);
  EXPECT_NEAR(l.work_extent.minx, 33620050.0, 1e-3);
}

TEST(Layer, ReadsGbkAttributesFromCpgOrWhenTold) {
  gis::GeosContext ctx;
  io::LoadOptions o;
  o.fields = {"DLMC"};
  auto with_cpg = io::load_layer(spec("gbk_cpg/dltb.shp"), gis::Crs(), ctx, o);
  ASSERT_EQ(with_cpg.features.size(), 2u);
  EXPECT_EQ(with_cpg.features[0].values[0], "水田");
  EXPECT_EQ(with_cpg.features[1].values[0], "乔木林地");
  auto told = spec("gbk_nocpg/dltb.shp");
  told.encoding = "GBK";
  auto l = io::load_layer(told, gis::Crs(), ctx, o);
  EXPECT_EQ(l.features[0].values[0], "水田");
}

TEST(Layer, AttributeFilterAndItsErrors) {
  gis::GeosContext ctx;
  auto s = spec("constraints.gpkg", "ldbh");
  s.where = "BHDJ = '1'";
  auto l = io::load_layer(s, gis::Crs::from_user("EPSG:4542", "t"), ctx, {});
  EXPECT_EQ(l.features.size(), 1u);
  s.where = "BHJD = '1'";
  std::string m = load_error(s);
  EXPECT_NE(m.find("bad attribute filter"), std::string::npos) << m;
  EXPECT_NE(m.find("BHDJ"), std::string::npos) << m;
}

TEST(Layer, BadInputMessagesNameTheFileLayerAndField) {
  std::string m = load_error(spec("missing.gpkg", "x"));
  EXPECT_NE(m.find("missing.gpkg: no such file"), std::string::npos) << m;
  m = load_error(spec("constraints.gpkg", "yjjbtn"));
  EXPECT_NE(m.find("no layer 'yjjbtn'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'yjjbnt'"), std::string::npos) << m;
  m = load_error(spec("constraints.gpkg"));
  EXPECT_NE(m.find("name one as PATH:LAYER"), std::string::npos) << m;
  m = load_error(spec("make_test_data.py"));
  EXPECT_NE(m.find("not a vector data set"), std::string::npos) << m;
  io::LoadOptions o;
  o.id_field = "XMBHH";
  m = load_error(spec("parcels.gpkg", "parcels"), o);
  EXPECT_NE(m.find("no field 'XMBHH'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'XMBH'"), std::string::npos) << m;
  m = load_error(spec("nocrs/parcels.shp"));
  EXPECT_NE(m.find("has no CRS and none is given"), std::string::npos) << m;
}

TEST(Layer, ProjectCrsFillsAMissingOne) {
  gis::GeosContext ctx;
  auto s = spec("nocrs/parcels.shp");
  s.crs = "EPSG:4542";
  auto l = io::load_layer(s, gis::Crs::from_user("EPSG:4542", "t"), ctx, {});
  EXPECT_TRUE(l.crs_from_project);
  EXPECT_EQ(l.features.size(), 1u);
}

TEST(Layer, NearBoxesSkipFarFeaturesOnly) {
  gis::GeosContext ctx;
  LayerSpec s;
  s.id = "yjjbnt";
  s.source = std::string(SITEPLAN_TEST_DATA) + "/constraints.gpkg";
  s.layer = "yjjbnt";
  const gis::Crs work = gis::Crs::from_user("EPSG:4542", "t");
  // F1 is x 50..150 and F2 x 100..200 (offsets from E 620000, N 2899000).
  gis::BoxIndex near({box(620010, 2899010, 620060, 2899020)});
  io::LoadOptions o;
  o.polygons_only = true;
  o.near = &near;
  auto l = io::load_layer(s, work, ctx, o);
  ASSERT_EQ(l.features.size(), 1u);
  EXPECT_EQ(l.features[0].fid, 1);
  EXPECT_EQ(l.stats.far, 1u);
  EXPECT_EQ(l.stats.total, 1u);
  // Reprojected (EPSG:4542 → the zone-prefixed EPSG:4521): the boxes are in the working CRS.
  {
    gis::BoxIndex near21({box(33620010, 2899010, 33620060, 2899020)});
    io::LoadOptions o21 = o;
    o21.near = &near21;
    auto l21 = io::load_layer(s, gis::Crs::from_user("EPSG:4521", "t"), ctx, o21);
    ASSERT_EQ(l21.features.size(), 1u);
    EXPECT_EQ(l21.features[0].fid, 1);
    EXPECT_FALSE(l21.read_through_index);
  }
  o.near_margin = 45;  // a 45 m setback reaches F2 too
  auto wide = io::load_layer(s, work, ctx, o);
  EXPECT_EQ(wide.features.size(), 2u);
  EXPECT_EQ(wide.stats.far, 0u);
}

TEST(Layer, NearBoxesThroughTheGeoPackageIndexMatchAPlainRead) {
  // 60 × 60 squares of 10 m, every 20 m; written to a GeoPackage (with its R-tree) and to
  // GeoJSON (no index). The near-parcel read must keep the same features from both.
  gis::init_gdal();
  const std::string dir = ::testing::TempDir();
  const std::string gpkg = dir + "/near_grid.gpkg", json = dir + "/near_grid.geojson";
  const gis::Crs work = gis::Crs::from_user("EPSG:4542", "t");
  for (const std::string& path : {gpkg, json}) {
    VSIUnlink(path.c_str());
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(path == gpkg ? "GPKG" : "GeoJSON");
    ASSERT_NE(drv, nullptr);
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRLayer* l = ds->CreateLayer("grid", work.srs_mut(), wkbPolygon, nullptr);
    ASSERT_NE(l, nullptr);
    OGRFieldDefn code("CODE", OFTString);
    l->CreateField(&code);
    ds->StartTransaction();
    for (int i = 0; i < 3600; ++i) {
      const double x = 620000 + (i % 60) * 20.0, y = 2899000 + (i / 60) * 20.0;
      OGRFeature f(l->GetLayerDefn());
      f.SetField("CODE", i % 3 ? "A" : "B");
      OGRGeometry* g = nullptr;
      const std::string wkt = fmt::format("POLYGON (({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))",
                                          x, y, x + 10, y + 10);
      OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g);
      f.SetGeometryDirectly(g);
      ASSERT_EQ(l->CreateFeature(&f), OGRERR_NONE);
    }
    ds->CommitTransaction();
  }
  // Two parcels: one over a 3 × 2 block of squares, one touching a single corner.
  gis::BoxIndex near(
      {box(620105, 2899105, 620155, 2899125), box(620310, 2899310, 620320, 2899320)});
  auto load = [&](const std::string& path, const std::string& where) {
    gis::GeosContext ctx;
    LayerSpec s;
    s.id = "grid";
    s.source = path;
    s.layer = "grid";
    io::LoadOptions o;
    o.polygons_only = true;
    o.near = &near;
    o.extra_where = where;
    o.fields = {"CODE"};
    auto l = io::load_layer(s, work, ctx, o);
    std::vector<std::string> keys;
    for (const auto& f : l.features)
      keys.push_back(f.values[0] + fmt::format("{:.0f}", gis::area(ctx, f.geom.get())));
    EXPECT_EQ(l.read_through_index, path == gpkg);
    return std::make_pair(keys, l.stats);
  };
  auto [a, sa] = load(gpkg, "");
  auto [b, sb] = load(json, "");
  EXPECT_EQ(a.size(), 3u * 2u + 2u * 2u);  // 3 × 2 under the first box, 2 × 2 touching the second
  EXPECT_EQ(a, b);
  EXPECT_EQ(sa.far, 3600u - a.size());
  EXPECT_EQ(sb.far, sa.far);
  auto [c, sc] = load(gpkg, "CODE = 'B'");  // the rule's filter still applies
  auto [d, sd] = load(json, "CODE = 'B'");
  EXPECT_EQ(c, d);
  EXPECT_LT(c.size(), a.size());
  VSIUnlink(gpkg.c_str());
  VSIUnlink(json.c_str());
}

TEST(Layer, EnvelopesOnlyThenABlockConverted) {
  // A sharded run: first where every parcel lies (no GEOS, no validation), then only its block.
  gis::GeosContext ctx;
  io::LoadOptions o;
  o.polygons_only = true;
  o.id_field = "XMBH";
  const auto crs = gis::Crs::from_user("EPSG:4542", "t");
  auto full = io::load_layer(spec("parcels.gpkg", "parcels"), crs, ctx, o);
  o.envelopes_only = true;
  auto placed = io::load_layer(spec("parcels.gpkg", "parcels"), crs, ctx, o);
  ASSERT_EQ(placed.features.size(), full.features.size());
  for (std::size_t i = 0; i < full.features.size(); ++i) {
    EXPECT_EQ(placed.features[i].key, full.features[i].key);
    EXPECT_FALSE(placed.features[i].geom);
    if (full.features[i].status == io::GeomStatus::Valid) {
      const gis::Extent e = gis::envelope(ctx, full.features[i].geom.get());
      ASSERT_TRUE(placed.features[i].envelope.valid) << i;
      EXPECT_EQ(placed.features[i].envelope.minx, e.minx);
      EXPECT_EQ(placed.features[i].envelope.maxy, e.maxy);
    }
  }
  EXPECT_FALSE(placed.features[4].envelope.valid);  // P5: empty
  EXPECT_EQ(placed.work_extent.minx, full.work_extent.minx);
  EXPECT_EQ(placed.stats.repaired, 0u);  // nothing was validated
  o.envelopes_only = false;
  std::vector<char> only(full.features.size(), 0);
  only[0] = only[3] = 1;  // P1 and the bow-tie P4
  o.convert_only = &only;
  auto block = io::load_layer(spec("parcels.gpkg", "parcels"), crs, ctx, o);
  ASSERT_EQ(block.features.size(), full.features.size());
  for (std::size_t i = 0; i < block.features.size(); ++i)
    EXPECT_EQ(static_cast<bool>(block.features[i].geom), i == 0 || i == 3) << i;
  EXPECT_EQ(block.features[3].status, io::GeomStatus::Repaired);
  EXPECT_EQ(block.stats.repaired, 1u);
  EXPECT_EQ(gis::area(ctx, block.features[0].geom.get()),
            gis::area(ctx, full.features[0].geom.get()));
}
