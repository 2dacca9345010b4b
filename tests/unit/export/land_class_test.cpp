// 地类 names and labels of the land survey classes.
#include <gtest/gtest.h>

#include "export/land_class.hpp"

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
