// Pure pieces of the reports and tables: 地类 names, dates, base64, group summaries, kept
// attributes in parcels.csv, Excel rows, QGIS styles.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "export/clearance_outputs.hpp"
#include "export/land_class.hpp"
#include "export/qgis_style.hpp"
#include "export/report_common.hpp"

using namespace siteplan;

TEST(LandClass, NamesOfTheSurveyClasses) {
  EXPECT_EQ(out::land_class_name("0101"), "水田");
  EXPECT_EQ(out::land_class_name("0102"), "水浇地");
  EXPECT_EQ(out::land_class_name("0103"), "旱地");
  EXPECT_EQ(out::land_class_name("0201"), "果园");
  EXPECT_EQ(out::land_class_name("0301"), "乔木林地");
  EXPECT_EQ(out::land_class_name("05H1"), "商业服务业设施用地");
  EXPECT_EQ(out::land_class_name("08h2"), "科教文卫用地");
  EXPECT_EQ(out::land_class_name("1207"), "裸岩石砾地");
  EXPECT_EQ(out::land_class_name("203"), "村庄");
  EXPECT_EQ(out::land_class_name("203A"), "村庄独立工业用地");
  EXPECT_EQ(out::land_class_name(" 1101 "), "河流水面");
  EXPECT_EQ(out::land_class_name("0104K"), "");  // 0104 is no class
  EXPECT_EQ(out::land_class_name("0201K"), "果园 (可调整)");
  EXPECT_EQ(out::land_class_name("9999"), "");
  EXPECT_EQ(out::land_class_name(""), "");
}

TEST(LandClass, Labels) {
  EXPECT_EQ(out::land_class_label("0103"), "0103 旱地");
  EXPECT_EQ(out::land_class_label("XYZ"), "XYZ");
}

TEST(ReportCommon, UtcDatesWithoutTheLocale) {
  EXPECT_EQ(out::format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(out::format_utc(1767225600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(out::format_utc(951782400), "2000-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(out::format_utc(1719835199), "2024-07-01T11:59:59Z");
  EXPECT_EQ(out::format_utc(-1), "1969-12-31T23:59:59Z");
}

TEST(ReportCommon, Base64) {
  EXPECT_EQ(out::base64(""), "");
  EXPECT_EQ(out::base64("f"), "Zg==");
  EXPECT_EQ(out::base64("fo"), "Zm8=");
  EXPECT_EQ(out::base64("foo"), "Zm9v");
  EXPECT_EQ(out::base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(out::base64(std::string("\x89PNG\r\n\x1a\n", 8)), "iVBORw0KGgo=");
}

TEST(ReportCommon, RoundTo) {
  EXPECT_DOUBLE_EQ(out::round_to(1.23456, 4), 1.2346);
  EXPECT_DOUBLE_EQ(out::round_to(0.99995, 4), 1.0);
  EXPECT_DOUBLE_EQ(out::round_to(-2.5, 0), -3.0);
}

namespace {
// Three rules (block, approval, a breakdown) and four parcels in two towns and one without.
struct Fixture {
  std::vector<engine::RuleLayer> rules;
  engine::ClearanceResult r;
  Fixture() {
    rules.resize(3);
    rules[0].id = "farmland";
    rules[0].severity = Severity::Block;
    rules[1].id = "forest";
    rules[1].severity = Severity::Approval;
    rules[2].id = "dltb";
    rules[2].severity = Severity::Info;
    rules[2].breakdown = true;
    r.rules = &rules;
    r.parcels.resize(4);
    auto& a = r.parcels[0];
    a.id = "A";
    a.area_m2 = 10000;
    a.verdict = engine::Verdict::Blocked;
    a.overlaps.resize(3);
    a.overlaps[0].rule_index = 0;
    a.overlaps[0].area_m2 = 4000;
    a.overlaps[1].rule_index = 1;
    a.overlaps[1].area_m2 = 1000;
    a.overlaps[2].rule_index = 2;
    a.overlaps[2].class_value = "0103";
    a.overlaps[2].area_m2 = 10000;
    auto& b = r.parcels[1];
    b.id = "B";
    b.area_m2 = 5000;
    b.verdict = engine::Verdict::Clear;
    auto& c = r.parcels[2];
    c.id = "C";
    c.area_m2 = 2000;
    c.verdict = engine::Verdict::Approval;
    c.overlaps.resize(1);
    c.overlaps[0].rule_index = 1;
    c.overlaps[0].area_m2 = 500;
    auto& d = r.parcels[3];
    d.id = "D";
    d.verdict = engine::Verdict::Invalid;
  }
};
}  // namespace

TEST(GroupSummary, CountsAndAreasPerVerdict) {
  Fixture f;
  auto groups = out::summarize_groups(f.r, {"金墩乡", "西邑镇", "金墩乡", ""});
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[2].group, "");  // the empty group last
  const out::GroupSummary* jd = groups[0].group == "金墩乡" ? &groups[0] : &groups[1];
  const out::GroupSummary* xy = groups[0].group == "金墩乡" ? &groups[1] : &groups[0];
  EXPECT_EQ(jd->parcels, 2);
  EXPECT_DOUBLE_EQ(jd->area_m2, 12000);
  EXPECT_EQ(jd->count.at("blocked"), 1);
  EXPECT_EQ(jd->count.at("approval"), 1);
  EXPECT_DOUBLE_EQ(jd->area.at("approval"), 2000);
  EXPECT_DOUBLE_EQ(jd->block_overlap_m2, 4000);
  EXPECT_DOUBLE_EQ(jd->approval_overlap_m2, 1500);  // breakdown classes are not counted
  EXPECT_EQ(xy->parcels, 1);
  EXPECT_EQ(xy->count.at("clear"), 1);
  EXPECT_EQ(groups[2].count.at("invalid"), 1);
  int total = 0;
  for (const auto& g : groups) total += g.parcels;
  EXPECT_EQ(total, 4);
}

TEST(GroupSummary, TableHasOneRowPerGroup) {
  Fixture f;
  auto t = out::groups_table(out::summarize_groups(f.r, {"x", "y", "x", "x"}), "乡镇");
  EXPECT_EQ(t.columns.front().name, "乡镇");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(t.rows[0][0]), "x");
  EXPECT_EQ(std::get<long long>(t.rows[0][1]), 3);
}

TEST(ClearanceTables, KeptFieldsFollowTheContractColumns) {
  Fixture f;
  out::ParcelAttributes attrs;
  attrs.names = {"乡镇", "用地单位"};
  attrs.values = {{"金墩乡", "管委会"}, {"西邑镇", ""}, {"a,b", "x"}, {"", ""}};
  std::string csv = out::parcels_csv(f.r, &attrs);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "parcel_id,area_m2,verdict,area_ellipsoidal_m2,outside_m2,geometry_status,"
            "deciding_rules,name,problem,乡镇,用地单位");
  EXPECT_NE(csv.find("\nA,10000.000000,blocked,0.000000,0.000000,valid,,,,金墩乡,管委会\n"),
            std::string::npos);
  EXPECT_NE(csv.find(",\"a,b\",x\n"), std::string::npos);  // quoted like any CSV field
  EXPECT_EQ(out::parcels_csv(f.r), out::parcels_csv(f.r, nullptr));
  auto t = out::parcels_table(f.r, &attrs);
  EXPECT_EQ(t.rows.size(), f.r.parcels.size());
  EXPECT_EQ(t.columns.back().name, "用地单位");
}

TEST(ClearanceTables, OverlapRowsAsInTheCsvWithLandClassNames) {
  Fixture f;
  auto t = out::overlaps_table(f.r);
  ASSERT_EQ(t.rows.size(), 4u);  // 3 for A, 1 for C: one per overlaps.csv row
  EXPECT_EQ(std::get<std::string>(t.rows[2][2]), "dltb:0103");
  EXPECT_EQ(std::get<std::string>(t.rows[2][3]), "0103 旱地");
  EXPECT_EQ(std::get<std::string>(t.rows[0][4]), "禁止占用");
  EXPECT_DOUBLE_EQ(std::get<double>(t.rows[0][5]), 4000.0);  // m²
  EXPECT_DOUBLE_EQ(std::get<double>(t.rows[0][6]), 0.4);     // 公顷
  std::string csv = out::overlaps_csv(f.r);
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) - 1, t.rows.size());
}

TEST(QgisStyles, OverlapsDrawnInSymbolLevelsBlockOnTop) {
  std::string q = out::qml_overlaps_by_severity();
  EXPECT_NE(q.find("symbollevels=\"1\""), std::string::npos);
  EXPECT_NE(q.find("LinePatternFill"), std::string::npos);
  EXPECT_EQ(q.find("class=\"SimpleFill\""), std::string::npos);  // no fills that blend
  // The block symbol's layers have the highest pass.
  auto block = q.find("<symbol name=\"0\"");
  auto approval = q.find("<symbol name=\"1\"");
  ASSERT_NE(block, std::string::npos);
  EXPECT_NE(q.substr(block, approval - block).find("pass=\"3\""), std::string::npos);
}

TEST(QgisStyles, RasterHasTheRampAndABlockedClass) {
  std::string q = out::qml_score_raster();
  EXPECT_NE(q.find("singlebandpseudocolor"), std::string::npos);
  EXPECT_NE(q.find("value=\"-0.5\" label=\"blocked land"), std::string::npos);
  EXPECT_NE(q.find("value=\"1.000000\""), std::string::npos);
}
