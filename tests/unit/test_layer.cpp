#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/layer.hpp"

using namespace siteplan;

namespace {
const std::string kData = SITEPLAN_TEST_DATA;

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
