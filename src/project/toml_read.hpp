#pragma once
// Reading project files: the TOML helpers every section uses (positions, key checks, typed
// values with file:line:col errors) and the parsers of the suitability sections.
#include <toml++/toml.h>

#include <string>
#include <vector>

#include "project/project.hpp"

namespace siteplan::toml_read {

SourcePos pos_of(const toml::node& n, const std::string& file);
// Rejects unknown keys with the nearest known one.
void check_keys(const toml::table& t, const std::vector<std::string>& known,
                const std::string& file, const std::string& where);
std::string get_string(const toml::table& t, const std::string& key, const std::string& file,
                       bool required, const std::string& where);
double get_number(const toml::table& t, const std::string& key, const std::string& file,
                  double fallback, const std::string& where);
// The node as an array; otherwise an InputError at its position: "file:line:col: <expected>".
const toml::array& array_at(const toml::node& n, const std::string& file,
                            const std::string& expected);
// The tables of a [[name]] section; errors name the position and the form expected.
std::vector<const toml::table*> tables_at(const toml::node& n, const std::string& file,
                                          const std::string& name);

// [[factor]] and [suitability] (project_suitability.cpp).
void parse_factors(Project& proj, const toml::node& fn, const std::string& file);
void parse_suitability(Project& proj, const toml::node& sn, const std::string& file);

}  // namespace siteplan::toml_read
