// Pure pieces shared by the reports: dates, base64, rounding, group summaries.
#include <gtest/gtest.h>

#include <string>

#include "export/clearance_outputs.hpp"
#include "export/report_common.hpp"
#include "support/report_fixture.hpp"

using namespace siteplan;
using Fixture = siteplan::test::ReportFixture;

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
