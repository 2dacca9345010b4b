// siteplan — thin command line over the SitePlan library: parse, call, print.
// Errors thrown inside become one message line and an exit code here:
// 0 success, 1 the run failed, 2 bad usage or bad input.
#include <malloc.h>
#include <CLI/CLI.hpp>

#include <clocale>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "core/error.hpp"
#include "core/exit.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "gis/gdal.hpp"

namespace {
// GEOS overlays allocate and free millions of small blocks. Built with tcmalloc (CMake option
// SITEPLAN_TCMALLOC) nothing needs tuning; with glibc's allocator, which gives memory back to the
// kernel eagerly and then faults it in again, a larger top pad and rare trimming took 10 % off a
// county-sized clearance run (bench/README.md).
void tune_allocator() {
#if !defined(SITEPLAN_TCMALLOC) && defined(M_TRIM_THRESHOLD)
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}
}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_ALL, "C");  // numbers never depend on the user's locale
  tune_allocator();
  CLI::App app{"SitePlan — site selection and land clearance for county planners"};
  app.set_version_flag("--version", std::string("siteplan ") + SITEPLAN_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // -q / -v work after the subcommand too
  bool quiet = false, verbose = false;
  app.add_flag("-q,--quiet", quiet, "no progress or info messages");
  app.add_flag("-v,--verbose", verbose, "debug messages");

  siteplan::cli::register_info(app);
  siteplan::cli::register_clearance(app);
  siteplan::cli::register_suitability(app);
  siteplan::cli::register_rescore(app);
  siteplan::cli::register_view(app);
  siteplan::cli::register_export_txt(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (quiet) {
    siteplan::log::set_level(siteplan::log::Level::Warn);
    siteplan::cli::set_quiet(true);
  }
  if (verbose) siteplan::log::set_level(siteplan::log::Level::Debug);
  try {
    siteplan::gis::init_gdal();
    int code = 2;
    for (auto* sub : app.get_subcommands()) {
      code = siteplan::cli::run(sub->get_name());
      break;
    }
    if (siteplan::objects_kept_until_exit()) {
      std::fflush(nullptr);
      std::_Exit(code);
    }
    return code;
  } catch (const siteplan::Error& e) {
    std::fprintf(stderr, "siteplan: error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "siteplan: error: %s\n", e.what());
    return 1;
  }
}
