// The clearance tables behind the Excel workbook: one row per group, overlap rows as in the CSV.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <variant>

#include "export/clearance_outputs.hpp"
#include "support/report_fixture.hpp"

using namespace siteplan;
using Fixture = siteplan::test::ReportFixture;

TEST(GroupSummary, TableHasOneRowPerGroup) {
  Fixture f;
  auto t = out::groups_table(out::summarize_groups(f.r, {"x", "y", "x", "x"}), "乡镇");
  EXPECT_EQ(t.columns.front().name, "乡镇");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(t.rows[0][0]), "x");
  EXPECT_EQ(std::get<long long>(t.rows[0][1]), 3);
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
