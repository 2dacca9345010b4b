// Parsing [[factor]] (with its score function) and [suitability] of a project file.
#include <fmt/core.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"
#include "project/toml_read.hpp"

namespace siteplan::toml_read {

namespace {
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
  s.kind = get_string(*t, "kind", file, true, where + " score");
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
  s.zero_at = get_number(*t, "zero_at", file, 0.0, where);
  s.one_at = get_number(*t, "one_at", file, 1.0, where);
  s.midpoint = get_number(*t, "midpoint", file, 0.0, where);
  s.spread = get_number(*t, "spread", file, 1.0, where);
  s.other = get_number(*t, "other", file, 0.0, where);
  if (auto b = t->get("increasing")) s.increasing = b->value_or(true);
  if (s.kind == "linear" && s.zero_at == s.one_at)
    throw InputError(
        fmt::format("{}: linear score of {} needs zero_at != one_at", s.pos.str(), where));
  if ((s.kind == "sigmoid" || s.kind == "gaussian") && !(s.spread > 0))
    throw InputError(
        fmt::format("{}: {} score of {} needs spread > 0", s.pos.str(), s.kind, where));
  if (const toml::node* tb = t->get("table")) {
    for (const auto& row :
         array_at(*tb, file, fmt::format("table of {} must be [[value, score], ...]", where))) {
      const toml::array* pair = row.as_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].value<double>() || !(*pair)[1].value<double>())
        throw InputError(fmt::format("{}: each table row of {} is [value, score]",
                                     pos_of(row, file).str(), where));
      s.table.emplace_back(*(*pair)[0].value<double>(), *(*pair)[1].value<double>());
    }
    for (std::size_t i = 1; i < s.table.size(); ++i)
      if (s.table[i].first <= s.table[i - 1].first)
        throw InputError(
            fmt::format("{}: table values of {} must increase", pos_of(*tb, file).str(), where));
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
    for (const auto& [k, v] : ordered) {
      auto d = v->value<double>();
      if (!d)
        throw InputError(fmt::format("{}: category '{}' of {} needs a number",
                                     pos_of(*v, file).str(), k, where));
      s.categories.emplace_back(k, *d);
    }
  }
  if (s.kind == "category" && s.categories.empty())
    throw InputError(
        fmt::format("{}: category score of {} needs categories = {{ ... }}", s.pos.str(), where));
  return s;
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
    f.weight = get_number(*t, "weight", file, 0.0, where);
    if (f.weight < 0)
      throw InputError(fmt::format("{}: weight of {} must be >= 0", f.pos.str(), where));
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
  if (t->get("parcels")) s.parcels = get_string(*t, "parcels", file, false, w);
  if (t->get("id_field")) s.id_field = get_string(*t, "id_field", file, false, w);
  if (t->get("name_field")) s.name_field = get_string(*t, "name_field", file, false, w);
  if (auto n = t->get("derive")) s.derive = n->value_or(true);
  if (auto n = t->get("normalize")) s.normalize = n->value_or(false);
  s.min_area_ha = get_number(*t, "min_area_ha", file, s.min_area_ha, w);
  s.grid_m = get_number(*t, "grid_m", file, s.grid_m, w);
  s.min_score = get_number(*t, "min_score", file, s.min_score, w);
  if (!(s.grid_m > 0)) throw InputError(fmt::format("{}: grid_m must be > 0", s.pos.str()));
  s.top_k = static_cast<int>(get_number(*t, "top_k", file, s.top_k, w));
  s.sensitivity_runs =
      static_cast<int>(get_number(*t, "sensitivity_runs", file, s.sensitivity_runs, w));
  s.sensitivity_spread = get_number(*t, "sensitivity_spread", file, s.sensitivity_spread, w);
  if (const toml::node* af = t->get("ahp_factors")) {
    s.ahp_factors.clear();
    for (const auto& v : array_at(*af, file, "ahp_factors must be a list of factor ids"))
      s.ahp_factors.push_back(v.value_or(std::string()));
  }
  if (const toml::node* am = t->get("ahp_matrix")) {
    s.ahp_matrix.clear();
    for (const auto& row : array_at(*am, file, "ahp_matrix must be a list of rows")) {
      std::vector<double> values;
      for (const auto& v : array_at(row, file, "each ahp_matrix row is a list")) {
        // Numbers, or fractions written as strings: "1/3".
        if (auto d = v.value<double>()) {
          values.push_back(*d);
        } else if (auto str = v.value<std::string>()) {
          auto slash = str->find('/');
          try {
            values.push_back(slash == std::string::npos ? std::stod(*str)
                                                        : std::stod(str->substr(0, slash)) /
                                                              std::stod(str->substr(slash + 1)));
          } catch (...) {
            throw InputError(
                fmt::format("{}: '{}' is not a number or fraction", pos_of(v, file).str(), *str));
          }
        } else {
          throw InputError(
              fmt::format("{}: ahp_matrix entries are numbers or \"a/b\"", pos_of(v, file).str()));
        }
      }
      s.ahp_matrix.push_back(std::move(values));
    }
  }
}

}  // namespace siteplan::toml_read
