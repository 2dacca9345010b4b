#pragma once
// The command line's view of progress: a bar on stderr when it is a terminal, otherwise one plain
// line when a task starts and one when it ends. Ctrl-C is left to the operating system.
#include "core/progress.hpp"

namespace siteplan::cli {

// The progress function of this run: empty (silent) with --quiet.
const ProgressFn& progress_bar();
void set_quiet(bool quiet);

}  // namespace siteplan::cli
