#include "cli/commands.hpp"

namespace siteplan::cli {

int run_info();
int run_clearance();
int run_suitability();

int run(const std::string& subcommand) {
  if (subcommand == "info") return run_info();
  if (subcommand == "clearance") return run_clearance();
  if (subcommand == "suitability") return run_suitability();
  return 2;
}

}  // namespace siteplan::cli
