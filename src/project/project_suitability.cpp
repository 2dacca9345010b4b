// Parsing [[factor]] (with its score function) and [suitability] of a project file.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/text.hpp"
#include "project/toml_read.hpp"

namespace siteplan::toml_read {

namespace {

// The ranges of the suitability settings. Raw factor values (metres, degrees, elevations, solar
// indices) stay within ±1e9; scores are 0..1.
const Range kRawRange{-1e9, 1e9};
const Range kScoreRange{0, 1};
const Range kSpreadRange{0, 1e9, true};
const Range kWeightRange{0, 1000};             // any scale when normalize = true
const Range kGridRange{0.1, 10000};            // metres per cell
const Range kMinAreaRange{0, 1e7};             // hectares (100,000 km²)
const Range kSensitivitySpreadRange{0, 0.99};  // ± fraction (as --spread)
const Range kAhpEntryRange{0, 1000, true};     // Saaty's 1/9..9, extended scales allowed
constexpr double kReciprocalTolerance = 1e-3;  // |a_ij · a_ji − 1| (as engine::ahp)

ScoreSpec parse_score(const toml::node& n, const std::string& file, const std::string& where) {
  const toml::table* t = n.as_table();
  if (!t)
    throw InputError(fmt::format(
        "{}: score of {} must be a table, e.g. {{ kind = \"linear\", zero_at = 15, one_at = 0 }}",
        pos_of(n, file).str(), where));
  ScoreSpec s;
  s.pos = pos_of(n, file);
  static const std::vector<std::string> kinds = {"linear", "table", "sigmoid", "gaussian",
                                                 "category"};
  const std::string ws = "the score of " + where;
  s.kind = get_string(*t, "kind", file, true, ws);
  if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) {
    std::string near = text::nearest(s.kind, kinds);
    throw InputError(fmt::format(
        "{}: unknown score kind '{}' in {}{}; use linear, table, sigmoid, gaussian or category",
        s.pos.str(), s.kind, where, near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
  check_keys(*t,
             {"kind", "zero_at", "one_at", "table", "midpoint", "spread", "increasing",
              "categories", "other"},
             file, where + " score");
  s.zero_at = get_number(*t, "zero_at", file, 0.0, ws, kRawRange);
  s.one_at = get_number(*t, "one_at", file, 1.0, ws, kRawRange);
  s.midpoint = get_number(*t, "midpoint", file, 0.0, ws, kRawRange);
  s.spread = get_number(*t, "spread", file, 1.0, ws, kSpreadRange);
  s.other = get_number(*t, "other", file, 0.0, ws, kScoreRange);
  s.increasing = get_bool(*t, "increasing", file, true, ws);
  if (s.kind == "linear" && s.zero_at == s.one_at)
    throw InputError(
        fmt::format("{}: linear score of {} needs zero_at != one_at", s.pos.str(), where));
  if (const toml::node* tb = t->get("table")) {
    std::size_t i = 0;
    for (const auto& row :
         array_at(*tb, file, fmt::format("table of {} must be [[value, score], ...]", where))) {
      ++i;
      const toml::array* pair = row.as_array();
      if (!pair || pair->size() != 2)
        throw InputError(fmt::format("{}: each table row of {} is [value, score]",
                                     pos_of(row, file).str(), where));
      double v = number_at((*pair)[0], file,
                           fmt::format("the value of table row {} of {}", i, where), kRawRange);
      double sc = number_at((*pair)[1], file,
                            fmt::format("the score of table row {} of {}", i, where), kScoreRange);
      if (!s.table.empty() && v <= s.table.back().first)
        throw InputError(fmt::format("{}: table values of {} must increase (row {}: {} after {})",
                                     pos_of(row, file).str(), where, i, v, s.table.back().first));
      s.table.emplace_back(v, sc);
    }
  }
  if (s.kind == "table" && s.table.size() < 2)
    throw InputError(fmt::format("{}: table score of {} needs at least two [value, score] rows",
                                 s.pos.str(), where));
  if (const toml::node* cn = t->get("categories")) {
    const toml::table* ct = cn->as_table();
    if (!ct)
      throw InputError(fmt::format("{}: categories of {} must be a table {{ \"0101\" = 0.2, ... }}",
                                   pos_of(*cn, file).str(), where));
    std::vector<std::pair<std::string, const toml::node*>> ordered;
    for (const auto& [k, v] : *ct) ordered.emplace_back(std::string(k.str()), &v);
    for (const auto& [k, v] : ordered)
      s.categories.emplace_back(
          k, number_at(*v, file, fmt::format("the score of category '{}' of {}", k, where),
                       kScoreRange));
  }
  if (s.kind == "category" && s.categories.empty())
    throw InputError(
        fmt::format("{}: category score of {} needs categories = {{ ... }}", s.pos.str(), where));
  return s;
}

// ahp_matrix: rows of numbers or "a/b" fractions; square, positive, reciprocal — all checked
// here, before anything reads a[j][i], with the position of the offending row or entry.
void parse_ahp_matrix(SuitabilitySpec& s, const toml::node& am, const std::string& file,
                      const toml::node* factors_node) {
  const toml::array& rows = array_at(am, file, "ahp_matrix must be a list of rows");
  const std::size_t n = rows.size();
  if (n == 0) throw InputError(fmt::format("{}: ahp_matrix is empty", pos_of(am, file).str()));
  if (factors_node && s.ahp_factors.size() != n)
    throw InputError(fmt::format(
        "{}: ahp_matrix has {} rows but ahp_factors (at {}) names {} factors; the matrix needs "
        "one row and one column per factor",
        pos_of(am, file).str(), n, pos_of(*factors_node, file).str(), s.ahp_factors.size()));
  std::vector<std::vector<double>> a;
  std::vector<std::vector<const toml::node*>> nodes;
  for (std::size_t i = 0; i < n; ++i) {
    const toml::array& row = array_at(rows[i], file, "each ahp_matrix row is a list");
    if (row.size() != n)
      throw InputError(
          fmt::format("{}: row {} of ahp_matrix has {} entries; the matrix is {}×{} (one column "
                      "per compared factor)",
                      pos_of(rows[i], file).str(), i + 1, row.size(), n, n));
    std::vector<double> values;
    std::vector<const toml::node*> row_nodes;
    for (std::size_t j = 0; j < n; ++j) {
      const toml::node& v = row[j];
      const std::string what = fmt::format("ahp_matrix entry ({},{})", i + 1, j + 1);
      double d = 0;
      if (auto str = v.value_exact<std::string>()) {
        if (!parse_fraction(*str, d) || !kAhpEntryRange.contains(d))
          throw InputError(fmt::format(
              "{}: {} \"{}\" is not a positive number or fraction \"a/b\" (e.g. \"1/3\")",
              pos_of(v, file).str(), what, *str));
      } else {
        d = number_at(v, file, what, kAhpEntryRange);
      }
      values.push_back(d);
      row_nodes.push_back(&v);
    }
    a.push_back(std::move(values));
    nodes.push_back(std::move(row_nodes));
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j)
      if (std::fabs(a[i][j] * a[j][i] - 1.0) > kReciprocalTolerance) {
        if (i == j)
          throw InputError(
              fmt::format("{}: ahp_matrix entry ({},{}) is {}; a factor compared with itself is 1",
                          pos_of(*nodes[i][i], file).str(), i + 1, i + 1, a[i][i]));
        throw InputError(fmt::format(
            "{}: ahp_matrix entry ({},{}) = {:.6g} is not the reciprocal of entry ({},{}) = "
            "{:.6g} at {}; a_ji must be 1/a_ij (write \"1/{:.6g}\")",
            pos_of(*nodes[j][i], file).str(), j + 1, i + 1, a[j][i], i + 1, j + 1, a[i][j],
            pos_of(*nodes[i][j], file).str(), a[i][j]));
      }
  s.ahp_matrix = std::move(a);
  s.ahp_matrix_pos = pos_of(am, file);
}

}  // namespace

void parse_factors(Project& proj, const toml::node& fn, const std::string& file) {
  for (const toml::table* t : tables_at(fn, file, "factor")) {
    check_keys(*t, {"id", "name", "kind", "layer", "field", "units", "weight", "score", "basis"},
               file, "[[factor]]");
    FactorSpec f;
    f.pos = pos_of(*t, file);
    f.id = get_string(*t, "id", file, true, "[[factor]]");
    std::string where = fmt::format("factor '{}'", f.id);
    f.name = get_string(*t, "name", file, false, where);
    f.kind = get_string(*t, "kind", file, true, where);
    f.layer = get_string(*t, "layer", file, true, where);
    f.field = get_string(*t, "field", file, false, where);
    f.units = get_string(*t, "units", file, false, where);
    f.basis = get_string(*t, "basis", file, false, where);
    f.weight = get_number(*t, "weight", file, 0.0, where, kWeightRange);
    if (const toml::node* wn = t->get("weight")) f.weight_pos = pos_of(*wn, file);
    const toml::node* sn = t->get("score");
    if (!sn)
      throw InputError(fmt::format("{}: {} needs score = {{ kind = ... }}", f.pos.str(), where));
    f.score = parse_score(*sn, file, where);
    bool replaced = false;
    for (auto& existing : proj.factors)
      if (existing.id == f.id && existing.pos.file != file) {
        existing = f;
        replaced = true;
      }
    if (!replaced) proj.factors.push_back(std::move(f));
  }
}

void parse_suitability(Project& proj, const toml::node& sn, const std::string& file) {
  const toml::table* t = sn.as_table();
  if (!t)
    throw InputError(fmt::format("{}: [suitability] must be a table", pos_of(sn, file).str()));
  check_keys(
      *t,
      {"parcels", "id_field", "name_field", "derive", "min_area_ha", "min_score", "grid_m", "top_k",
       "normalize", "sensitivity_runs", "sensitivity_spread", "ahp_factors", "ahp_matrix"},
      file, "[suitability]");
  auto& s = proj.suitability;
  s.present = true;
  s.pos = pos_of(*t, file);
  const std::string w = "[suitability]";
  if (t->get("parcels")) s.parcels = get_string(*t, "parcels", file, true, w);
  if (t->get("id_field")) s.id_field = get_string(*t, "id_field", file, false, w);
  if (t->get("name_field")) s.name_field = get_string(*t, "name_field", file, false, w);
  s.derive = get_bool(*t, "derive", file, s.derive, w);
  s.normalize = get_bool(*t, "normalize", file, s.normalize, w);
  s.min_area_ha = get_number(*t, "min_area_ha", file, s.min_area_ha, w, kMinAreaRange);
  s.grid_m = get_number(*t, "grid_m", file, s.grid_m, w, kGridRange);
  s.min_score = get_number(*t, "min_score", file, s.min_score, w, kScoreRange);
  s.top_k = static_cast<int>(get_int(*t, "top_k", file, s.top_k, w, 1, 100000));
  s.sensitivity_runs =
      static_cast<int>(get_int(*t, "sensitivity_runs", file, s.sensitivity_runs, w, 0, 100000));
  s.sensitivity_spread =
      get_number(*t, "sensitivity_spread", file, s.sensitivity_spread, w, kSensitivitySpreadRange);
  const toml::node* af = t->get("ahp_factors");
  if (af) {
    s.ahp_factors.clear();
    for (const auto& v : array_at(*af, file, "ahp_factors must be a list of factor ids")) {
      auto id = v.value_exact<std::string>();
      if (!id || id->empty())
        throw InputError(fmt::format("{}: ahp_factors entries are factor ids (strings), not {}",
                                     pos_of(v, file).str(), describe_node(v)));
      if (std::find(s.ahp_factors.begin(), s.ahp_factors.end(), *id) != s.ahp_factors.end())
        throw InputError(fmt::format(
            "{}: ahp_factors names '{}' twice; each factor is compared once (one row and column "
            "of ahp_matrix)",
            pos_of(v, file).str(), *id));
      s.ahp_factors.push_back(*id);
    }
    if (s.ahp_factors.empty())
      throw InputError(fmt::format("{}: ahp_factors is empty", pos_of(*af, file).str()));
    s.ahp_factors_pos = pos_of(*af, file);
  }
  if (const toml::node* am = t->get("ahp_matrix")) parse_ahp_matrix(s, *am, file, af);
}

}  // namespace siteplan::toml_read
