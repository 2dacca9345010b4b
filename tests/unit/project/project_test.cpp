#include <fmt/core.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "project/project.hpp"

using namespace siteplan;

namespace {
std::string message_of(const std::string& toml) {
  try {
    parse_project(toml, "/tmp/p/project.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Project, ParsesLayersRulesAndBreakdowns) {
  auto p = parse_project(R"(
[project]
name = "北衙多金属循环利用产业园选址"
crs = "EPSG:4542"
study_area = "boundary"

[layers.boundary]
source = "data/heqing.gpkg"
layer = "boundary"

[layers.dltb]
source = "/abs/dltb.shp"
encoding = "GBK"
where = "DLBM <> '1101'"

[[constraint]]
id = "forest-grade-1"
name = "Ⅰ级保护林地"
layer = "dltb"
where = "BHDJ = '1'"
buffer_m = 50
severity = "approval"
basis = "国家林业局令35号"

[[breakdown]]
id = "dlbm"
layer = "dltb"
field = "DLBM"
)",
                         "/tmp/p/project.toml");
  EXPECT_EQ(p.name, "北衙多金属循环利用产业园选址");
  EXPECT_EQ(p.crs, "EPSG:4542");
  ASSERT_EQ(p.layers.size(), 2u);
  EXPECT_EQ(p.layers[0].source, "/tmp/p/data/heqing.gpkg");  // relative to the project file
  EXPECT_EQ(p.layers[1].source, "/abs/dltb.shp");
  EXPECT_EQ(p.layers[1].encoding, "GBK");
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].severity, Severity::Approval);
  EXPECT_DOUBLE_EQ(p.rules[0].buffer_m, 50.0);
  EXPECT_EQ(p.rules[0].basis, "国家林业局令35号");
  EXPECT_EQ(p.rules[0].pos.line, 16);  // the [[constraint]] header
  ASSERT_EQ(p.breakdowns.size(), 1u);
  EXPECT_EQ(p.breakdowns[0].field, "DLBM");
}

TEST(Project, UnknownKeySuggestsNearestWithLineAndColumn) {
  std::string m = message_of("[project]\ncrs = \"EPSG:4542\"\nstudy_aera = \"x\"\n");
  EXPECT_NE(m.find("project.toml:3:1"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'study_area'"), std::string::npos) << m;
  m = message_of("[layers.a]\nsource = \"a.gpkg\"\nlayr = \"x\"\n");
  EXPECT_NE(m.find("did you mean 'layer'"), std::string::npos) << m;
  m = message_of("[[constraints]]\nid = \"x\"\n");
  EXPECT_NE(m.find("did you mean 'constraint'"), std::string::npos) << m;
}

TEST(Project, SyntaxErrorNamesLineAndColumn) {
  std::string m = message_of("[project]\nname = \"unterminated\n");
  EXPECT_NE(m.find("project.toml:2:"), std::string::npos) << m;
  EXPECT_NE(m.find("TOML syntax error"), std::string::npos) << m;
}

TEST(Project, RejectsUnknownSeverityAndDanglingLayer) {
  std::string m = message_of(
      "[layers.a]\nsource = \"a.gpkg\"\n[[constraint]]\nid = \"r\"\nlayer = \"a\"\nseverity = "
      "\"blok\"\n");
  EXPECT_NE(m.find("unknown severity 'blok'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'block'"), std::string::npos) << m;
  m = message_of(
      "[layers.yjjbnt]\nsource = \"a.gpkg\"\n[[constraint]]\nid = \"r\"\nlayer = \"yjjbtn\"\n");
  EXPECT_NE(m.find("did you mean 'yjjbnt'"), std::string::npos) << m;
  m = message_of(
      "[layers.a]\nsource = \"a.gpkg\"\n[[constraint]]\nid = \"r\"\nlayer = \"a\"\n"
      "[[constraint]]\nid = \"r\"\nlayer = \"a\"\n");
  EXPECT_NE(m.find("duplicate rule id 'r'"), std::string::npos) << m;
  m = message_of(
      "[layers.a]\nsource = \"a.gpkg\"\n[[constraint]]\nid = \"r\"\nlayer = \"a\"\nbuffer_m = "
      "\"x\"\n");
  EXPECT_NE(m.find("must be a number"), std::string::npos) << m;
}

TEST(Project, SplitsSourceReferences) {
  auto r = split_source_ref("samples/heqing.gpkg:dltb");
  EXPECT_EQ(r.path, "samples/heqing.gpkg");
  EXPECT_EQ(r.layer, "dltb");
  r = split_source_ref("plain.shp");
  EXPECT_EQ(r.path, "plain.shp");
  EXPECT_EQ(r.layer, "");
  r = split_source_ref("PG:dbname=gis:parcels");
  EXPECT_EQ(r.path, "PG:dbname=gis");
  EXPECT_EQ(r.layer, "parcels");
}

TEST(Project, SeverityNames) {
  EXPECT_EQ(parse_severity("Approval", "x"), Severity::Approval);
  EXPECT_STREQ(to_string(Severity::Warn), "warn");
  EXPECT_THROW(parse_severity("forbidden", "x"), InputError);
}

TEST(ProjectFiles, DirectoriesDevicesAndHugeFilesAreRefused) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("siteplan_files_{}", ::getpid());
  fs::create_directories(dir / "sub.toml");
  auto message = [](const std::string& path) {
    try {
      load_project(path);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message((dir / "sub.toml").string()).find("is a directory"), std::string::npos);
  { std::ofstream(dir / "p.toml") << "profile = \"/dev/zero\"\n"; }
  EXPECT_NE(message((dir / "p.toml").string()).find("not a regular file"), std::string::npos);
  { std::ofstream(dir / "q.toml") << "profile = \"sub.toml\"\n"; }
  EXPECT_NE(message((dir / "q.toml").string()).find("is a directory"), std::string::npos);
  { std::ofstream(dir / "big.toml") << "# big\n"; }
  fs::resize_file(dir / "big.toml", 17u << 20);  // sparse: cheap
  EXPECT_NE(message((dir / "big.toml").string()).find("16 MiB"), std::string::npos);
  { std::ofstream(dir / "r.toml") << "profile = [\"a.toml\", 3]\n"; }
  EXPECT_NE(message((dir / "r.toml").string()).find("r.toml:1:"), std::string::npos);
  fs::remove_all(dir);
}
