// parcels.csv: kept attributes follow the contract columns, quoted like any CSV field.
#include <gtest/gtest.h>

#include <string>

#include "export/clearance_outputs.hpp"
#include "support/report_fixture.hpp"

using namespace siteplan;
using Fixture = siteplan::test::ReportFixture;

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
