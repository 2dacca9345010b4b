// Every project setting has a type and a range, read through the typed helpers of toml_read: a
// bad value is an InputError (exit 2) naming file:line:col and the key; "a/b" fractions.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "project/project.hpp"
#include "project/toml_read.hpp"
#include "support/project_text.hpp"

using namespace siteplan;
using namespace siteplan::test;

namespace {

// A valid project; each @X@ marker is replaced by the lines under test (or nothing).
const std::string kTemplate = R"([project]
crs = "EPSG:4542"
study_area = "area"
@PROJECT@
[layers.area]
source = "a.gpkg"
[layers.dem]
source = "dem.tif"

[suitability]
min_area_ha = 1
@SUIT@

[[constraint]]
id = "r"
layer = "area"
@RULE@

[[factor]]
id = "slope"
kind = "slope"
layer = "dem"
weight = 1
@FACTOR@
[factor.score]
@SCORE@
)";

std::string make(const std::string& marker, const std::string& lines,
                 const std::string& score = "kind = \"linear\"\nzero_at = 30\none_at = 0") {
  std::string t = kTemplate;
  auto put = [&](const std::string& m, const std::string& v) {
    t.replace(t.find("@" + m + "@"), m.size() + 2, v);
  };
  for (const std::string m : {"PROJECT", "SUIT", "RULE", "FACTOR"})
    put(m, m == marker ? lines : "");
  put("SCORE", marker == "SCORE" ? score + "\n" + lines : score);
  return t;
}

// `lines` put at `marker` must be refused as bad input, at the line of `line_needle`, and the
// message must contain `names`.
void expect_refused(const std::string& marker, const std::string& lines, const std::string& names,
                    const std::string& score = "kind = \"linear\"\nzero_at = 30\none_at = 0") {
  std::string text = make(marker, lines, score);
  Outcome o = parse(text);
  ASSERT_TRUE(o.threw) << "accepted: " << lines;
  EXPECT_EQ(o.kind, ErrorKind::Input) << o.message;
  std::string pos = fmt::format("{}:{}:", kFile, line_of(text, lines));
  EXPECT_NE(o.message.find(pos), std::string::npos) << lines << " → " << o.message;
  EXPECT_NE(o.message.find(names), std::string::npos) << lines << " → " << o.message;
}

}  // namespace

TEST(ProjectRanges, TheTemplateIsValid) {
  for (const std::string m : {"PROJECT", "SUIT", "RULE", "FACTOR", "SCORE"}) {
    Outcome o = parse(make(m, ""));
    EXPECT_FALSE(o.threw) << o.message;
  }
  Project p = parse_project(make("SUIT",
                                 "grid_m = 0.1\ntop_k = 100000\nsensitivity_runs = 100000\n"
                                 "sensitivity_spread = 0.99\nmin_score = 1\nderive = false"),
                            kFile);
  EXPECT_EQ(p.suitability.top_k, 100000);
  EXPECT_EQ(p.suitability.sensitivity_runs, 100000);
  EXPECT_FALSE(p.suitability.derive);
  p = parse_project(make("PROJECT", "threads = 1024"), kFile);
  EXPECT_EQ(p.threads, 1024);
}

TEST(ProjectRanges, IntegerSettingsAreWholeNumbersInRange) {
  for (const char* v :
       {"1e308", "nan", "inf", "2147483648", "-2147483649", "-1", "1025", "1.5", "\"4\"", "true"})
    expect_refused("PROJECT", fmt::format("threads = {}", v), "'threads'");
  for (const char* v : {"-1", "0", "1e308", "nan", "2147483647", "100001", "3.0", "\"3\""})
    expect_refused("SUIT", fmt::format("top_k = {}", v), "'top_k'");
  for (const char* v : {"2147483647", "-1", "1e308", "nan", "-inf", "100001", "0.5"})
    expect_refused("SUIT", fmt::format("sensitivity_runs = {}", v), "'sensitivity_runs'");
}

TEST(ProjectRanges, NumbersAreFiniteAndInRange) {
  for (const char* v : {"1e-10", "1e-300", "1e308", "inf", "nan", "0", "-30", "20000", "\"30\""})
    expect_refused("SUIT", fmt::format("grid_m = {}", v), "'grid_m'");
  // min_area_ha is in the template: replace it.
  for (const char* v : {"nan", "inf", "-inf", "-1", "1e308"}) {
    std::string text = make("SUIT", "");
    text.replace(text.find("min_area_ha = 1"), 15, fmt::format("min_area_ha = {}", v));
    Outcome o = parse(text);
    ASSERT_TRUE(o.threw) << v;
    EXPECT_NE(o.message.find(fmt::format("{}:{}:", kFile, line_of(text, "min_area_ha"))),
              std::string::npos)
        << o.message;
    EXPECT_NE(o.message.find("'min_area_ha'"), std::string::npos) << o.message;
  }
  for (const char* v : {"nan", "-0.1", "1.5", "inf", "-inf"})
    expect_refused("SUIT", fmt::format("min_score = {}", v), "'min_score'");
  for (const char* v : {"nan", "-0.1", "1", "inf"})
    expect_refused("SUIT", fmt::format("sensitivity_spread = {}", v), "'sensitivity_spread'");
  for (const char* v : {"inf", "nan", "-1", "1e6", "-inf"})
    expect_refused("RULE", fmt::format("buffer_m = {}", v), "'buffer_m'");
  for (const char* v : {"-1e308", "nan", "inf", "-0.5", "2"})
    expect_refused("RULE", fmt::format("penalty = {}", v), "'penalty'");
  for (const char* v : {"nan", "-1", "inf", "1e308"}) {
    std::string text = make("FACTOR", "");
    text.replace(text.find("weight = 1"), 10, fmt::format("weight = {}", v));
    Outcome o = parse(text);
    ASSERT_TRUE(o.threw) << v;
    EXPECT_NE(o.message.find(fmt::format("{}:{}:", kFile, line_of(text, "weight ="))),
              std::string::npos)
        << o.message;
    EXPECT_NE(o.message.find("'weight'"), std::string::npos) << o.message;
  }
}

TEST(ProjectRanges, ScoreFunctionsAreChecked) {
  for (const char* key : {"zero_at", "one_at"})
    for (const char* v : {"nan", "inf", "-inf", "1e308", "\"5\""})
      expect_refused("SCORE", fmt::format("{} = {}", key, v), fmt::format("'{}'", key),
                     std::string("kind = \"linear\""));
  for (const char* v : {"nan", "0", "-1", "inf", "1e308"})
    expect_refused("SCORE", fmt::format("spread = {}", v), "'spread'",
                   "kind = \"gaussian\"\nmidpoint = 180");
  for (const char* v : {"\"no\"", "1", "\"false\""})
    expect_refused("SCORE", fmt::format("increasing = {}", v), "'increasing'",
                   "kind = \"sigmoid\"\nmidpoint = 1000\nspread = 200");
  for (const char* rows : {"[[0, nan], [1, 1]]", "[[nan, 0], [1, 1]]", "[[0, 2], [1, 1]]",
                           "[[0, -1], [1, 1]]", "[[\"0\", 1], [1, 1]]", "[[0, 1], [inf, 1]]"})
    expect_refused("SCORE", fmt::format("table = {}", rows), "table row", "kind = \"table\"");
  for (const char* cats :
       {"{ \"0601\" = nan }", "{ \"0601\" = 2 }", "{ \"0601\" = \"x\" }", "{ \"0601\" = -0.5 }"})
    expect_refused("SCORE", fmt::format("categories = {}", cats), "category '0601'",
                   "kind = \"category\"");
  expect_refused("SCORE", "other = inf", "'other'",
                 "kind = \"category\"\ncategories = { \"0601\" = 1 }");
  expect_refused("SUIT", "derive = \"no\"", "'derive'");
  expect_refused("SUIT", "normalize = 1", "'normalize'");
}

TEST(ProjectRanges, Fractions) {
  double v = 0;
  EXPECT_TRUE(toml_read::parse_fraction("1/3", v));
  EXPECT_DOUBLE_EQ(v, 1.0 / 3.0);
  EXPECT_TRUE(toml_read::parse_fraction("2.5", v));
  EXPECT_DOUBLE_EQ(v, 2.5);
  for (const char* bad : {"1/2/3", "", "/", "1/", "/2", "-1/2", "1/-2", "nan", "inf", "1/0", "a/b",
                          "1//2", "1e999", "0x1p3"})
    EXPECT_FALSE(toml_read::parse_fraction(bad, v)) << bad;
}
