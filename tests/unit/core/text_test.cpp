// Text helpers: UTF-8 validation and iconv decoding used to detect legacy GBK attributes.
#include <gtest/gtest.h>

#include "core/text.hpp"

using namespace siteplan;

TEST(Text, ValidUtf8) {
  EXPECT_TRUE(text::valid_utf8(""));
  EXPECT_TRUE(text::valid_utf8("ascii 123"));
  EXPECT_TRUE(text::valid_utf8("永久基本农田"));
  EXPECT_TRUE(text::valid_utf8("\xF0\x9F\x98\x80"));   // U+1F600
  EXPECT_FALSE(text::valid_utf8("\xD3\xC0\xBE\xC3"));  // 永久 in GBK
  EXPECT_FALSE(text::valid_utf8("\xE6\xB0"));          // truncated
  EXPECT_FALSE(text::valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(text::valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(text::valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
}

TEST(Text, EncodingsAndDecoding) {
  EXPECT_TRUE(text::encoding_known("GBK"));
  EXPECT_TRUE(text::encoding_known("GB18030"));
  EXPECT_TRUE(text::encoding_known("UTF-8"));
  EXPECT_FALSE(text::encoding_known("GB-2312x"));
  EXPECT_FALSE(text::encoding_known(""));
  EXPECT_EQ(text::to_utf8("\xD3\xC0\xBE\xC3", "GB18030"), "永久");
  EXPECT_THROW(text::to_utf8("x", "GB-2312x"), std::runtime_error);
}
