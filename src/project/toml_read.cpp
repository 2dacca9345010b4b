#include "project/toml_read.hpp"

#include <fmt/core.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include "core/error.hpp"
#include "core/text.hpp"

namespace siteplan::toml_read {

bool Range::contains(double v) const {
  if (!std::isfinite(v)) return false;
  return (lo_open ? v > lo : v >= lo) && v <= hi;
}

std::string Range::str() const {
  if (lo_open) return fmt::format("greater than {} and at most {}", lo, hi);
  return fmt::format("from {} to {}", lo, hi);
}

SourcePos pos_of(const toml::node& n, const std::string& file) {
  const auto& s = n.source();
  return SourcePos{file, static_cast<long>(s.begin.line), static_cast<long>(s.begin.column)};
}

std::string describe_node(const toml::node& n) {
  if (n.is_integer()) return fmt::format("{}", *n.value<std::int64_t>());
  if (n.is_floating_point()) return fmt::format("{}", *n.value<double>());
  if (n.is_string()) return fmt::format("the string \"{}\"", *n.value<std::string>());
  if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  return "a date or time";
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
    throw InputError(fmt::format("{}: '{}' in {} must be a string, not {}", pos_of(*n, file).str(),
                                 key, where, describe_node(*n)));
  std::string v(*n->value<std::string>());
  if (required && v.empty())
    throw InputError(
        fmt::format("{}: '{}' in {} must not be empty", pos_of(*n, file).str(), key, where));
  return v;
}

double number_at(const toml::node& n, const std::string& file, const std::string& what,
                 const Range& range) {
  std::optional<double> v;
  if (n.is_integer() || n.is_floating_point()) v = n.value<double>();
  if (!v || !range.contains(*v))
    throw InputError(fmt::format("{}: {} must be a number {}, not {}", pos_of(n, file).str(), what,
                                 range.str(), describe_node(n)));
  return *v;
}

double get_number(const toml::table& t, const std::string& key, const std::string& file,
                  double fallback, const std::string& where, const Range& range) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  return number_at(*n, file, fmt::format("'{}' in {}", key, where), range);
}

std::int64_t get_int(const toml::table& t, const std::string& key, const std::string& file,
                     std::int64_t fallback, const std::string& where, std::int64_t lo,
                     std::int64_t hi) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (n->is_integer()) {
    std::int64_t v = *n->value<std::int64_t>();
    if (v >= lo && v <= hi) return v;
  }
  throw InputError(fmt::format("{}: '{}' in {} must be a whole number from {} to {}, not {}",
                               pos_of(*n, file).str(), key, where, lo, hi, describe_node(*n)));
}

bool get_bool(const toml::table& t, const std::string& key, const std::string& file, bool fallback,
              const std::string& where) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (n->is_boolean()) return *n->value<bool>();
  throw InputError(fmt::format("{}: '{}' in {} must be true or false (unquoted), not {}",
                               pos_of(*n, file).str(), key, where, describe_node(*n)));
}

namespace {
// A plain unsigned decimal number ("3", "0.5", "1e2") taking the whole text.
bool plain_number(std::string_view s, double& v) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s.front())) || s.front() == '.'))
    return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != 'e' && c != 'E' &&
        c != '+' && c != '-')
      return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(v);
}
}  // namespace

bool parse_fraction(const std::string& text, double& value) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return plain_number(text, value);
  if (text.find('/', slash + 1) != std::string::npos) return false;
  double a = 0, b = 0;
  if (!plain_number(std::string_view(text).substr(0, slash), a) ||
      !plain_number(std::string_view(text).substr(slash + 1), b) || !(b > 0))
    return false;
  value = a / b;
  return std::isfinite(value);
}

}  // namespace siteplan::toml_read
