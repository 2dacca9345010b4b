// Every project setting has a type and a range: a bad value is an InputError (exit 2) naming
// file:line:col and the key; AHP matrices are checked whole; project files must be small
// regular files.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "engine/ahp.hpp"
#include "engine/grid.hpp"
#include "project/project.hpp"
#include "project/toml_read.hpp"

using namespace siteplan;

namespace {

const std::string kFile = "/tmp/p/project.toml";

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

struct Outcome {
  bool threw = false;
  ErrorKind kind = ErrorKind::Runtime;
  std::string message;
};

Outcome parse(const std::string& text) {
  Outcome o;
  try {
    parse_project(text, kFile);
  } catch (const Error& e) {
    o.threw = true;
    o.kind = e.kind();
    o.message = e.what();
  }
  return o;
}

// The 1-based line of the first occurrence of `needle` in `text`.
long line_of(const std::string& text, const std::string& needle) {
  auto at = text.find(needle);
  return 1 + static_cast<long>(std::count(text.begin(), text.begin() + at, '\n'));
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

namespace {
// Five factors s1..s5 and an [suitability] with `ahp` lines.
std::string ahp_project(const std::string& ahp, bool weights = false) {
  std::string t = "[layers.dem]\nsource = \"dem.tif\"\n[suitability]\n" + ahp + "\n";
  for (int i = 1; i <= 5; ++i)
    t += fmt::format(
        "[[factor]]\nid = \"s{}\"\nkind = \"slope\"\nlayer = \"dem\"\n{}score = {{ kind = "
        "\"linear\", zero_at = 30, one_at = 0 }}\n",
        i, weights && i == 3 ? "weight = 0.2\n" : "");
  return t;
}
const std::string kFactors = "ahp_factors = [\"s1\", \"s2\", \"s3\", \"s4\", \"s5\"]\n";
const std::string kRows[] = {
    "  [1, 2, 2, 3, 2],\n", "  [\"1/2\", 1, 1, 2, 1],\n", "  [\"1/2\", 1, 1, 2, 1],\n",
    "  [\"1/3\", \"1/2\", \"1/2\", 1, \"1/2\"],\n", "  [\"1/2\", 1, 1, 2, 1],\n"};
std::string matrix(int replace_row = -1, const std::string& with = "") {
  std::string m = "ahp_matrix = [\n";
  for (int i = 0; i < 5; ++i) m += i == replace_row ? with : kRows[i];
  return m + "]\n";
}
}  // namespace

TEST(ProjectAhp, AValidMatrixParses) {
  Project p = parse_project(ahp_project(kFactors + matrix()), kFile);
  ASSERT_EQ(p.suitability.ahp_matrix.size(), 5u);
  EXPECT_DOUBLE_EQ(p.suitability.ahp_matrix[3][0], 1.0 / 3.0);
  EXPECT_EQ(p.suitability.ahp_matrix_pos.line, 2 + 3);  // after [layers.dem], [suitability]
}

TEST(ProjectAhp, AShortRowIsRefusedAtItsLine) {
  // The fuzzing find: the 4th row of a 5×5 matrix has 2 entries.
  std::string text = ahp_project(kFactors + matrix(3, "  [\"1/3\", \"1/2\"],\n"));
  Outcome o = parse(text);
  ASSERT_TRUE(o.threw);
  EXPECT_EQ(o.kind, ErrorKind::Input);
  EXPECT_NE(o.message.find(fmt::format("{}:{}:", kFile, line_of(text, "[\"1/3\", \"1/2\"]"))),
            std::string::npos)
      << o.message;
  EXPECT_NE(o.message.find("row 4 of ahp_matrix has 2 entries"), std::string::npos) << o.message;
  // And the engine, handed such a matrix directly, refuses it without reading past the row.
  std::vector<std::vector<double>> a = {
      {1, 2, 2, 3, 2}, {.5, 1, 1, 2, 1}, {.5, 1, 1, 2, 1}, {1. / 3, .5}, {.5, 1, 1, 2, 1}};
  EXPECT_THROW(engine::ahp(a), InputError);
  EXPECT_THROW(engine::ahp({{1, 2}, {0.5}}), InputError);
  EXPECT_THROW(engine::ahp({{1, std::nan("")}, {std::nan(""), 1}}), InputError);
  EXPECT_THROW(engine::ahp({}), InputError);
}

TEST(ProjectAhp, ShapeEntriesAndReciprocity) {
  // Rows ≠ ahp_factors.
  Outcome o = parse(ahp_project("ahp_factors = [\"s1\", \"s2\", \"s3\", \"s4\"]\n" + matrix()));
  ASSERT_TRUE(o.threw);
  EXPECT_NE(o.message.find("ahp_factors"), std::string::npos) << o.message;
  // A 4-entry row in a 5-row matrix, and a sixth row.
  o = parse(ahp_project(kFactors + matrix(0, "  [1, 2, 2, 3],\n")));
  EXPECT_NE(o.message.find("row 1 of ahp_matrix has 4 entries"), std::string::npos) << o.message;
  o = parse(ahp_project(kFactors + matrix(4, kRows[4] + kRows[4])));
  EXPECT_NE(o.message.find("6 rows"), std::string::npos) << o.message;
  // Bad entries: as strings and as numbers.
  for (const char* bad :
       {"\"1/2/3\"", "\"nan\"", "\"inf\"", "\"-1/2\"", "\"1/0\"", "\"abc\"", "\"\"", "\"1/\"",
        "\"0x10\"", "0", "-1", "nan", "inf", "1e308", "true", "[1]"}) {
    std::string row = fmt::format("  [{}, 1, 1, 2, 1],\n", bad);
    std::string text = ahp_project(kFactors + matrix(1, row));
    o = parse(text);
    ASSERT_TRUE(o.threw) << bad;
    EXPECT_EQ(o.kind, ErrorKind::Input);
    EXPECT_NE(o.message.find(fmt::format("{}:{}:", kFile, line_of(text, row))), std::string::npos)
        << bad << " → " << o.message;
    EXPECT_NE(o.message.find("ahp_matrix"), std::string::npos) << bad << " → " << o.message;
  }
  // Not reciprocal: (2,1) = 2 while (1,2) = 2; a diagonal of 2.
  std::string text = ahp_project(kFactors + matrix(1, "  [2, 1, 1, 2, 1],\n"));
  o = parse(text);
  EXPECT_NE(o.message.find("entry (2,1) = 2 is not the reciprocal of entry (1,2) = 2"),
            std::string::npos)
      << o.message;
  EXPECT_NE(o.message.find(fmt::format("{}:{}:", kFile, line_of(text, "[2, 1, 1, 2, 1]"))),
            std::string::npos)
      << o.message;
  o = parse(ahp_project(kFactors + matrix(1, "  [\"1/2\", 2, 1, 2, 1],\n")));
  EXPECT_NE(o.message.find("entry (2,2) is 2"), std::string::npos) << o.message;
  // Duplicated and unknown ahp_factors.
  o = parse(ahp_project("ahp_factors = [\"s1\", \"s2\", \"s2\", \"s4\", \"s5\"]\n" + matrix()));
  EXPECT_NE(o.message.find("names 's2' twice"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find(kFile + ":4:"), std::string::npos) << o.message;
  o = parse(ahp_project("ahp_factors = [\"s1\", \"s2\", \"s3\", \"s4\", \"s6\"]\n" + matrix()));
  EXPECT_NE(o.message.find("'s6', which is not a declared [[factor]]"), std::string::npos)
      << o.message;
  o = parse(ahp_project("ahp_factors = [\"s1\", 2, \"s3\", \"s4\", \"s5\"]\n" + matrix()));
  EXPECT_NE(o.message.find("factor ids (strings)"), std::string::npos) << o.message;
}

TEST(ProjectAhp, AWeightBesideTheMatrixNamesBoth) {
  std::string text = ahp_project(kFactors + matrix(), true);
  Outcome o = parse(text);
  ASSERT_TRUE(o.threw);
  EXPECT_EQ(o.kind, ErrorKind::Input);
  EXPECT_NE(o.message.find(fmt::format("{}:{}:", kFile, line_of(text, "weight = 0.2"))),
            std::string::npos)
      << o.message;
  EXPECT_NE(o.message.find(fmt::format("{}:{}:", kFile, line_of(text, "ahp_matrix"))),
            std::string::npos)
      << o.message;
  EXPECT_NE(o.message.find("factor 's3' sets weight"), std::string::npos) << o.message;
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

TEST(Grid, HugeOrDegenerateGridsAreRefusedBeforeAnyCast) {
  gis::Extent e{620000, 2899000, 621000, 2900000, true};
  gis::Crs none;
  for (double cell : {1e-10, 1e-300, 0.0, -30.0, std::nan(""), HUGE_VAL})
    EXPECT_THROW(engine::Grid::covering(e, cell, none), InputError) << cell;
  gis::Extent far{620000, 2899000, 7.2e82, 2900000, true};
  EXPECT_THROW(engine::Grid::covering(far, 30, none), InputError);
  engine::Grid g = engine::Grid::covering(e, 30, none);
  EXPECT_EQ(g.nx, 34);
  EXPECT_EQ(g.col_of(7.2e82), g.nx);
  EXPECT_EQ(g.col_of(-7.2e82), -1);
  EXPECT_EQ(g.col_of(std::nan("")), -1);
  EXPECT_EQ(g.row_of(-7.2e82), g.ny);
  EXPECT_EQ(g.col_of(620000 + 45), 2);  // x0 = 619980
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
