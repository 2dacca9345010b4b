#include "cli/commands.hpp"
namespace siteplan::cli {
void register_clearance(CLI::App&) {}
int run_clearance() { return 1; }
}  // namespace siteplan::cli
