// The suitability sections of a project: ahp_matrix and ahp_factors are checked whole (shape,
// entries, reciprocity, a weight beside the matrix), each refusal at its file:line:col.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "engine/ahp.hpp"
#include "project/project.hpp"
#include "support/project_text.hpp"

using namespace siteplan;
using namespace siteplan::test;

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
