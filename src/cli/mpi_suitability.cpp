// `mpirun -n N siteplan suitability ...` before the map is computed in row bands: rank 0 runs the
// whole job and writes the outputs one process writes; the other ranks wait and exit with its
// code (so N processes never write the same folder). The banded run (engine/mpi_suitability.hpp:
// bands, gathered map, regions joined across seams, global ranking) plugs in here once the
// engine computes the map by row range (docs/mpi.md).
#include <cstdio>

#include "cli/mpi_commands.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace siteplan::cli {

int run_on_root(engine::MpiWorld& world, const std::function<int()>& body, const char* what) {
  int code = 0;
  if (world.root()) {
    log::warn("{} is not sharded yet: rank 0 computes everything, the other {} ranks wait", what,
              world.size() - 1);
    try {
      code = body();
    } catch (const Error& e) {
      std::fprintf(stderr, "siteplan: error: %s\n", e.what());
      code = e.exit_code();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "siteplan: error: %s\n", e.what());
      code = 1;
    }
    std::fflush(nullptr);
  }
  return world.max_all(code);
}

}  // namespace siteplan::cli
