#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace siteplan::cli {

// Each subcommand declares its options on `app` and runs when chosen.
void register_info(CLI::App& app);
void register_clearance(CLI::App& app);
void register_suitability(CLI::App& app);
void register_rescore(CLI::App& app);
void register_view(CLI::App& app);
void register_export_txt(CLI::App& app);
int run(const std::string& subcommand);

}  // namespace siteplan::cli
