// QGIS styles: overlaps in symbol levels with block on top, the score raster's ramp.
#include <gtest/gtest.h>

#include <string>

#include "export/qgis_style.hpp"

using namespace siteplan;

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
