#include "project/toml_read.hpp"

#include <fmt/core.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace siteplan::toml_read {

SourcePos pos_of(const toml::node& n, const std::string& file) {
  const auto& s = n.source();
  return SourcePos{file, static_cast<long>(s.begin.line), static_cast<long>(s.begin.column)};
}

const toml::array& array_at(const toml::node& n, const std::string& file,
                            const std::string& expected) {
  const toml::array* arr = n.as_array();
  if (!arr) throw InputError(fmt::format("{}: {}", pos_of(n, file).str(), expected));
  return *arr;
}

std::vector<const toml::table*> tables_at(const toml::node& n, const std::string& file,
                                          const std::string& name) {
  const toml::array& arr =
      array_at(n, file, fmt::format("{0}s are written [[{0}]] (an array of tables)", name));
  std::vector<const toml::table*> tables;
  for (const auto& item : arr) {
    const toml::table* t = item.as_table();
    if (!t)
      throw InputError(fmt::format("{}: [[{}]] must be a table", pos_of(item, file).str(), name));
    tables.push_back(t);
  }
  return tables;
}

// Rejects unknown keys with the nearest known one.
void check_keys(const toml::table& t, const std::vector<std::string>& known,
                const std::string& file, const std::string& where) {
  for (const auto& [key, node] : t) {
    std::string k(key.str());
    bool ok = false;
    for (const auto& kn : known) ok = ok || kn == k;
    if (ok) continue;
    std::string near = text::nearest(k, known);
    const auto& ks = key.source();
    SourcePos kp{file, static_cast<long>(ks.begin.line), static_cast<long>(ks.begin.column)};
    if (kp.line <= 0) kp = pos_of(node, file);
    std::string list;
    for (const auto& kn : known) list += (list.empty() ? "" : ", ") + kn;
    throw InputError(
        fmt::format("{}: unknown key '{}' in {}{}", kp.str(), k, where,
                    near.empty() ? "; known keys: " + list : " (did you mean '" + near + "'?)"));
  }
}

std::string get_string(const toml::table& t, const std::string& key, const std::string& file,
                       bool required, const std::string& where) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required)
      throw InputError(fmt::format("{}: {} needs '{}'", pos_of(t, file).str(), where, key));
    return {};
  }
  if (!n->is_string())
    throw InputError(
        fmt::format("{}: '{}' in {} must be a string", pos_of(*n, file).str(), key, where));
  return std::string(*n->value<std::string>());
}

double get_number(const toml::table& t, const std::string& key, const std::string& file,
                  double fallback, const std::string& where) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (auto v = n->value<double>()) return *v;
  throw InputError(
      fmt::format("{}: '{}' in {} must be a number", pos_of(*n, file).str(), key, where));
}

}  // namespace siteplan::toml_read
