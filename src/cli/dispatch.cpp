#include "cli/commands.hpp"
#include "engine/mpi_world.hpp"

namespace siteplan::cli {

int run_info();
int run_clearance();
int run_suitability();
int run_rescore();
int run_view_command(bool interactive);
int run_export_txt();

int run(const std::string& subcommand) {
  // Under mpirun only clearance and suitability know about ranks (docs/mpi.md); any other command
  // runs once, on rank 0, so N processes never write the same file.
  if (subcommand != "clearance" && subcommand != "suitability" &&
      engine::MpiWorld::launched_size() > 1 && engine::MpiWorld::launched_rank() > 0)
    return 0;
  if (subcommand == "info") return run_info();
  if (subcommand == "clearance") return run_clearance();
  if (subcommand == "suitability") return run_suitability();
  if (subcommand == "rescore") return run_rescore();
  if (subcommand == "view") return run_view_command(true);
  if (subcommand == "map") return run_view_command(false);
  if (subcommand == "export-txt") return run_export_txt();
  return 2;
}

}  // namespace siteplan::cli
