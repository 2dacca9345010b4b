#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "gis/crs.hpp"

using namespace siteplan::gis;

TEST(Crs, Cgcs2000GeographicToGaussKruger) {
  Crs geo = Crs::from_user("EPSG:4490", "test");
  Crs gk = Crs::from_user("EPSG:4542", "test");
  Transform t(geo, gk);
  double x = 100.2, y = 25.0;  // lon, lat: traditional GIS order
  ASSERT_TRUE(t.apply(x, y));
  EXPECT_NEAR(x, 621145.842, 1e-3);
  EXPECT_NEAR(y, 2766590.370, 1e-3);
  double x2 = 100.2, y2 = 26.2;
  ASSERT_TRUE(t.apply(x2, y2));
  EXPECT_NEAR(x2, 619942.482, 1e-3);
  EXPECT_NEAR(y2, 2899547.078, 1e-3);
}

TEST(Crs, ZonePrefixedVariant) {
  Transform t(Crs::from_user("EPSG:4490", "test"), Crs::from_user("EPSG:4521", "test"));
  double x = 100.2, y = 25.0;
  ASSERT_TRUE(t.apply(x, y));
  EXPECT_NEAR(x, 33621145.842, 1e-3);
  EXPECT_NEAR(y, 2766590.370, 1e-3);
}

TEST(Crs, EpsgCodesOfGaussKrugerZones) {
  EXPECT_EQ(cgcs2000_gk3_epsg(99, false), 4542);
  EXPECT_EQ(cgcs2000_gk3_epsg(99, true), 4521);
  EXPECT_EQ(cgcs2000_gk3_epsg(102, false), 4543);
  EXPECT_EQ(cgcs2000_gk3_epsg(75, true), 4513);
  EXPECT_FALSE(cgcs2000_gk3_epsg(100, false).has_value());
}

TEST(Crs, LabelsAndKinds) {
  Crs gk = Crs::from_user("EPSG:4542", "test");
  EXPECT_EQ(gk.epsg(), "EPSG:4542");
  EXPECT_TRUE(gk.is_projected());
  EXPECT_NE(gk.label().find("Gauss-Kruger CM 99E"), std::string::npos);
  auto tm = gk.transverse_mercator();
  ASSERT_TRUE(tm.has_value());
  EXPECT_DOUBLE_EQ(tm->central_meridian, 99.0);
  EXPECT_DOUBLE_EQ(tm->false_easting, 500000.0);
  EXPECT_THROW(Crs::from_user("EPSG:999999", "test"), siteplan::InputError);
}

TEST(Crs, DetectsPrefixedEastingsDeclaredUnprefixed) {
  Extent e;
  e.expand(33620000, 2899000);
  e.expand(33620100, 2899100);
  auto f = check_zone(Crs::from_user("EPSG:4542", "t"), e);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("EPSG:4521"), std::string::npos) << f[0].message;
}

TEST(Crs, DetectsUnprefixedEastingsDeclaredPrefixed) {
  Extent e;
  e.expand(620000, 2899000);
  e.expand(620100, 2899100);
  auto f = check_zone(Crs::from_user("EPSG:4521", "t"), e);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("EPSG:4542"), std::string::npos) << f[0].message;
}

TEST(Crs, DetectsDataOutsideTheZone) {
  // 101.2°E is 2.2° east of CM 99°E: outside the 3-degree zone.
  Transform t(Crs::from_user("EPSG:4490", "t"), Crs::from_user("EPSG:4542", "t"));
  double x = 101.2, y = 26.2;
  ASSERT_TRUE(t.apply(x, y));
  Extent e;
  e.expand(x, y);
  e.expand(x + 100, y + 100);
  auto f = check_zone(Crs::from_user("EPSG:4542", "t"), e);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("outside the zone"), std::string::npos) << f[0].message;
  // Heqing itself (100.2°E) is fine.
  double hx = 100.2, hy = 26.2;
  ASSERT_TRUE(t.apply(hx, hy));
  Extent h;
  h.expand(hx, hy);
  EXPECT_TRUE(check_zone(Crs::from_user("EPSG:4542", "t"), h).empty());
}

TEST(Crs, NoCrsAndMetresInDegreesAreReported) {
  Extent e;
  e.expand(620000, 2899000);
  EXPECT_EQ(check_zone(Crs(), e).size(), 1u);
  EXPECT_EQ(check_zone(Crs::from_user("EPSG:4490", "t"), e).size(), 1u);
}

TEST(Crs, MisfitsAreFatalAndNameTheCrsThatFits) {
  Extent prefixed;
  prefixed.expand(33620000, 2899000);
  prefixed.expand(33620100, 2899100);
  auto f = check_zone(Crs::from_user("EPSG:4542", "t"), prefixed);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].fatal);
  EXPECT_EQ(f[0].fitting_crs, "EPSG:4521");
  Extent plain;
  plain.expand(620000, 2899000);
  plain.expand(620100, 2899100);
  f = check_zone(Crs::from_user("EPSG:4521", "t"), plain);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].fatal);
  EXPECT_EQ(f[0].fitting_crs, "EPSG:4542");
  // Northing first (x = 2.9 M, y = 620 k): swapped, not a zone prefix "2".
  Extent swapped;
  swapped.expand(2899000, 620000);
  swapped.expand(2899100, 620100);
  f = check_zone(Crs::from_user("EPSG:4542", "t"), swapped);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].fatal);
  EXPECT_NE(f[0].message.find("swapped"), std::string::npos) << f[0].message;
  // Prefixed eastings of another zone than the CRS's.
  Extent zone34;
  zone34.expand(34620000, 2899000);
  zone34.expand(34620100, 2899100);
  f = check_zone(Crs::from_user("EPSG:4521", "t"), zone34);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].fatal);
  EXPECT_EQ(f[0].fitting_crs, "EPSG:4522");
}

TEST(Crs, FarOutsideTheAreaOfUseIsFatalALittleIsAWarning) {
  Transform t(Crs::from_user("EPSG:4490", "t"), Crs::from_user("EPSG:4542", "t"));
  auto at = [&](double lon, double lat) {
    double x = lon, y = lat;
    EXPECT_TRUE(t.apply(x, y));
    Extent e;
    e.expand(x, y);
    e.expand(x + 100, y + 100);
    return check_zone(Crs::from_user("EPSG:4542", "t"), e);
  };
  // 80 km east of Heqing (101.0°E): outside the zone (a warning), within 1° of its area of use.
  auto f = at(101.0, 26.2);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].fatal);
  // Degrees declared as GK metres land near the projection's origin: far outside, fatal.
  Extent degrees;
  degrees.expand(100.1, 26.1);
  degrees.expand(100.3, 26.3);
  f = check_zone(Crs::from_user("EPSG:4542", "t"), degrees);
  ASSERT_FALSE(f.empty());
  EXPECT_TRUE(f[0].fatal);
  // Metres declared as degrees.
  Extent metres;
  metres.expand(620000, 2899000);
  f = check_zone(Crs::from_user("EPSG:4490", "t"), metres);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].fatal);
}

TEST(Crs, AbsurdCoordinates) {
  EXPECT_TRUE(absurd_coordinates(620000, 2899000, 7e82, 2899100));
  EXPECT_TRUE(absurd_coordinates(620000, std::nan(""), 620100, 2899100));
  EXPECT_TRUE(absurd_coordinates(-INFINITY, 0, 0, 0));
  EXPECT_FALSE(absurd_coordinates(33620000, 2899000, 33620100, 2899100));
  EXPECT_FALSE(absurd_coordinates(-180, -90, 180, 90));
}

TEST(Crs, SixDegreePrefixAndSwappedLatLon) {
  // 6-degree zone 17 (CM 99E) eastings with their prefix, declared as the 3-degree CM 99E CRS.
  Extent six;
  six.expand(17620000, 2899000);
  six.expand(17620100, 2899100);
  auto f = check_zone(Crs::from_user("EPSG:4542", "t"), six);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].fatal);
  EXPECT_EQ(f[0].fitting_crs, "EPSG:4495");
  // Latitude first in a geographic CRS.
  Extent latlon;
  latlon.expand(26.1, 100.1);
  latlon.expand(26.3, 100.3);
  f = check_zone(Crs::from_user("EPSG:4490", "t"), latlon);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].fatal);
  EXPECT_NE(f[0].message.find("swapped"), std::string::npos) << f[0].message;
  // Prefixed CRS, northing first.
  Extent swapped;
  swapped.expand(2899000, 33620000);
  swapped.expand(2899100, 33620100);
  f = check_zone(Crs::from_user("EPSG:4521", "t"), swapped);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("swapped"), std::string::npos) << f[0].message;
}

TEST(Crs, BallparkDatumShiftsAreNamed) {
  // Xian 1980 / 3-degree GK zone 36 to CGCS2000: PROJ has no parameters, tens of metres off.
  const std::string w =
      ballpark_warning(Crs::from_user("EPSG:2360", "t"), Crs::from_user("EPSG:4542", "t"));
  EXPECT_NE(w.find("ballpark"), std::string::npos) << w;
  // CGCS2000 ↔ WGS 84 differ by centimetres; the same datum is exact.
  EXPECT_EQ(ballpark_warning(Crs::from_user("EPSG:4326", "t"), Crs::from_user("EPSG:4542", "t")),
            "");
  EXPECT_EQ(ballpark_warning(Crs::from_user("EPSG:4490", "t"), Crs::from_user("EPSG:4542", "t")),
            "");
}
