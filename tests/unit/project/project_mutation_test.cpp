// Seeded mutation test of the project parser: the sample and test projects, mutated 3,000 times
// from a fixed seed (numbers replaced by nan / inf / 1e308 / -1 / 2147483647 / 1e-300 …, array
// entries dropped or duplicated, types changed, lines truncated, dropped or repeated). Each text
// must either parse into settings inside their ranges or be refused with a siteplan::Error —
// never crash, hang or throw anything else.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "engine/suitability.hpp"
#include "project/project.hpp"

using namespace siteplan;

namespace {

struct Seed {
  std::string path, text;
};

std::vector<Seed> seeds() {
  namespace fs = std::filesystem;
  const fs::path data = SITEPLAN_TEST_DATA;
  const fs::path root = data.parent_path().parent_path();
  std::vector<Seed> out;
  for (const fs::path& dir : {data, root / "samples" / "heqing", root / "layers"})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".toml") {
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        out.push_back({e.path().string(), ss.str()});
      }
  std::sort(out.begin(), out.end(), [](const Seed& a, const Seed& b) { return a.path < b.path; });
  // Each rule profile inlined after the sample layers, so that mutants of the profiles' own
  // settings (AHP matrix, factors) get through validation to the weights.
  std::string layers;
  for (const auto& s : out)
    if (s.path == (root / "samples" / "heqing" / "layers.toml").string()) layers = s.text;
  std::vector<Seed> combined;
  for (const auto& s : out)
    if (fs::path(s.path).parent_path() == root / "layers")
      combined.push_back(
          {(root / "samples" / "heqing" / "inline.toml").string(), layers + "\n" + s.text});
  out.insert(out.end(), combined.begin(), combined.end());
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string t;
  for (const auto& l : lines) t += l + "\n";
  return t;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::string mutate(std::string text) {
    const std::size_t n = 1 + pick(3);
    for (std::size_t k = 0; k < n; ++k) text = once(text);
    return text;
  }

 private:
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  // Positions of number-like tokens: a digit run (with . e E + -) not inside a word.
  std::vector<std::pair<std::size_t, std::size_t>> numbers(const std::string& t) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) continue;
      if (i > 0 && (std::isalpha(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '_'))
        continue;
      std::size_t j = i;
      while (j < t.size() && (std::isdigit(static_cast<unsigned char>(t[j])) || t[j] == '.' ||
                              t[j] == 'e' || t[j] == 'E' || t[j] == '+' || t[j] == '-'))
        ++j;
      out.emplace_back(i, j - i);
      i = j;
    }
    return out;
  }

  std::string once(const std::string& text) {
    static const std::vector<std::string> values = {
        "nan",       "inf",        "-inf",          "1e308",  "-1e308", "-1",
        "0",         "2147483647", "-2147483648",   "1e-300", "1e-10",  "9223372036854775807",
        "\"1/2/3\"", "\"x\"",      "true",          "[]",     "{}",     "[1, 2]",
        "0.5",       "\"\"",       "\"/dev/zero\"", "\".\""};
    std::vector<std::string> lines = split_lines(text);
    if (lines.empty()) return text;
    std::string& line = lines[pick(lines.size())];
    switch (pick(9)) {
      case 0:
      case 1: {  // replace a number anywhere
        auto nums = numbers(text);
        if (nums.empty()) return text;
        auto [at, len] = nums[pick(nums.size())];
        std::string t = text;
        t.replace(at, len, values[pick(values.size())]);
        return t;
      }
      case 2: {  // replace the value of a key = value line
        auto eq = line.find(" = ");
        if (eq != std::string::npos) line = line.substr(0, eq + 3) + values[pick(values.size())];
        break;
      }
      case 3: {  // drop an array entry (from one comma to the next)
        auto a = line.find(',');
        if (a != std::string::npos) {
          auto b = line.find_first_of(",]", a + 1);
          line.erase(a, b == std::string::npos ? std::string::npos : b - a);
        }
        break;
      }
      case 4: {  // duplicate an array entry
        auto a = line.find('[');
        auto b = line.find(',', a == std::string::npos ? 0 : a);
        if (a != std::string::npos && b != std::string::npos)
          line.insert(b, ", " + line.substr(a + 1, b - a - 1));
        break;
      }
      case 5:  // truncate the line
        line = line.substr(0, pick(line.size() + 1));
        break;
      case 6:  // drop the line
        line.clear();
        break;
      case 7: {  // repeat a line elsewhere
        std::string copy = line;
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(pick(lines.size() + 1)), copy);
        break;
      }
      default: {  // quote a value (a number or boolean becomes a string) or unquote one
        auto eq = line.find(" = ");
        if (eq == std::string::npos) break;
        std::string v = line.substr(eq + 3);
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
          line = line.substr(0, eq + 3) + v.substr(1, v.size() - 2);
        else
          line = line.substr(0, eq + 3) + "\"" + v + "\"";
        break;
      }
    }
    return join(lines);
  }

  std::mt19937_64 rng_;
};

// A project that parsed must hold settings inside their ranges.
void expect_in_range(const Project& p, const std::string& text) {
  const auto& s = p.suitability;
  auto finite = [](double v) { return std::isfinite(v); };
  EXPECT_TRUE(p.threads >= 0 && p.threads <= 1024) << text;
  EXPECT_TRUE(s.top_k >= 1 && s.top_k <= 100000) << text;
  EXPECT_TRUE(s.sensitivity_runs >= 0 && s.sensitivity_runs <= 100000) << text;
  EXPECT_TRUE(s.grid_m >= 0.1 && s.grid_m <= 10000) << text;
  EXPECT_TRUE(finite(s.min_area_ha) && s.min_area_ha >= 0) << text;
  EXPECT_TRUE(s.min_score >= 0 && s.min_score <= 1) << text;
  EXPECT_TRUE(s.sensitivity_spread >= 0 && s.sensitivity_spread < 1) << text;
  for (const auto& r : p.rules) {
    EXPECT_TRUE(r.buffer_m >= 0 && r.buffer_m <= 100000) << text;
    EXPECT_TRUE(r.penalty >= 0 && r.penalty <= 1) << text;
  }
  for (const auto& f : p.factors) {
    EXPECT_TRUE(finite(f.weight) && f.weight >= 0) << text;
    const auto& sc = f.score;
    EXPECT_TRUE(finite(sc.zero_at) && finite(sc.one_at) && finite(sc.midpoint)) << text;
    EXPECT_TRUE(finite(sc.spread) && sc.spread > 0) << text;
    for (auto [v, score] : sc.table) EXPECT_TRUE(finite(v) && score >= 0 && score <= 1) << text;
    for (const auto& [k, score] : sc.categories) EXPECT_TRUE(score >= 0 && score <= 1) << text;
  }
  for (const auto& row : s.ahp_matrix) {
    EXPECT_EQ(row.size(), s.ahp_matrix.size()) << text;
    for (double v : row) EXPECT_TRUE(finite(v) && v > 0) << text;
  }
}

}  // namespace

TEST(ProjectMutation, ThreeThousandMutantsParseOrFailCleanly) {
  const std::vector<Seed> base = seeds();
  ASSERT_GE(base.size(), 10u);
  Mutator m(20261130);
  int accepted = 0, refused = 0;
  for (int i = 0; i < 3000; ++i) {
    const Seed& seed = base[static_cast<std::size_t>(i) % base.size()];
    const std::string text = m.mutate(seed.text);
    try {
      Project p = parse_project(text, seed.path);
      expect_in_range(p, text);
      if (p.suitability.present && !p.factors.empty()) {
        std::optional<engine::AhpResult> ahp;
        engine::resolve_weights(p, ahp);
      }
      ++accepted;
    } catch (const Error&) {
      ++refused;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a siteplan::Error: " << e.what() << "\n--- mutant of " << seed.path
                    << " ---\n"
                    << text;
    }
    if (HasFailure()) break;  // one reported mutant is enough
  }
  RecordProperty("accepted", accepted);
  RecordProperty("refused", refused);
  // Both outcomes occur: the mutations neither always break nor never touch the settings.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(refused, 100);
}
