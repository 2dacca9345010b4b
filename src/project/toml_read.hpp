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

// [[factor]] and [suitability] (project_suitability.cpp).
void parse_factors(Project& proj, const toml::node& fn, const std::string& file);
void parse_suitability(Project& proj, const toml::node& sn, const std::string& file);

}  // namespace siteplan::toml_read
