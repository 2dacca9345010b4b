#pragma once
// Reading project files: the TOML helpers every section uses (positions, key checks, typed
// values with file:line:col errors) and the parsers of the suitability sections.
//
// Every value is read through a typed helper: a number must be a finite TOML number inside its
// Range, a count a TOML integer inside its bounds, a flag a TOML boolean, a text a string. What
// does not fit is an InputError "file:line:col: '<key>' in <where> must be ..., not <value>".
#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "project/project.hpp"

namespace siteplan::toml_read {

// The values a number may take: lo..hi, lo itself excluded when lo_open. NaN and ±inf never fit.
struct Range {
  double lo, hi;
  bool lo_open = false;
  bool contains(double v) const;
  std::string str() const;  // "from 0 to 1", "greater than 0 and at most 1e+09"
};

SourcePos pos_of(const toml::node& n, const std::string& file);
// "a string", "a boolean", "a table", "an array", "nan", "1e+308" …: what the node holds.
std::string describe_node(const toml::node& n);
// Rejects unknown keys with the nearest known one.
void check_keys(const toml::table& t, const std::vector<std::string>& known,
                const std::string& file, const std::string& where);
// A string; a required one must be present and not empty.
std::string get_string(const toml::table& t, const std::string& key, const std::string& file,
                       bool required, const std::string& where);
// A finite TOML number (integer or float) inside `range`; `fallback` when the key is absent.
double get_number(const toml::table& t, const std::string& key, const std::string& file,
                  double fallback, const std::string& where, const Range& range);
// A TOML integer from lo to hi; `fallback` when the key is absent.
std::int64_t get_int(const toml::table& t, const std::string& key, const std::string& file,
                     std::int64_t fallback, const std::string& where, std::int64_t lo,
                     std::int64_t hi);
// A TOML boolean (true / false, not a string); `fallback` when the key is absent.
bool get_bool(const toml::table& t, const std::string& key, const std::string& file, bool fallback,
              const std::string& where);
// A number node (an array element or a table value) checked like get_number; `what` names it in
// the message ("row 2 of the table of factor 'slope'").
double number_at(const toml::node& n, const std::string& file, const std::string& what,
                 const Range& range);
// The node as an array; otherwise an InputError at its position: "file:line:col: <expected>".
const toml::array& array_at(const toml::node& n, const std::string& file,
                            const std::string& expected);
// The tables of a [[name]] section; errors name the position and the form expected.
std::vector<const toml::table*> tables_at(const toml::node& n, const std::string& file,
                                          const std::string& name);
// "a/b" or "a" with a and b plain decimal numbers (no sign, no nan/inf): a/b, or false.
bool parse_fraction(const std::string& text, double& value);

// [[factor]] and [suitability] (project_suitability.cpp).
void parse_factors(Project& proj, const toml::node& fn, const std::string& file);
void parse_suitability(Project& proj, const toml::node& sn, const std::string& file);

}  // namespace siteplan::toml_read
