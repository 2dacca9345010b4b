#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string>

namespace siteplan::cli {
namespace {

bool g_quiet = false;

void draw(const ProgressEvent& e, bool tty) {
  const bool final = e.kind == ProgressEvent::Kind::Finish;
  const std::string task(e.task);
  if (!tty) {
    if (e.kind == ProgressEvent::Kind::Start) std::fprintf(stderr, "%s ...\n", task.c_str());
    if (final)
      std::fprintf(stderr, "%s done (%llu, %.1f s)%s%.*s\n", task.c_str(),
                   static_cast<unsigned long long>(e.done), e.seconds,
                   e.summary.empty() ? "" : ": ", static_cast<int>(e.summary.size()),
                   e.summary.data());
    return;
  }
  if (e.total > 0) {
    const int width = 30;
    const double frac = std::min(1.0, static_cast<double>(e.done) / static_cast<double>(e.total));
    const int fill = static_cast<int>(frac * width);
    std::string bar(static_cast<std::size_t>(fill), '#');
    bar.append(static_cast<std::size_t>(width - fill), '.');
    std::fprintf(stderr, "\r%s [%s] %3d%% %llu/%llu %.1fs%s", task.c_str(), bar.c_str(),
                 static_cast<int>(frac * 100.0), static_cast<unsigned long long>(e.done),
                 static_cast<unsigned long long>(e.total), e.seconds, final ? "\n" : "");
  } else {
    std::fprintf(stderr, "\r%s %llu %.1fs%s", task.c_str(), static_cast<unsigned long long>(e.done),
                 e.seconds, final ? "\n" : "");
  }
  if (final && !e.summary.empty())
    std::fprintf(stderr, "  %.*s\n", static_cast<int>(e.summary.size()), e.summary.data());
  std::fflush(stderr);
}

}  // namespace

void set_quiet(bool quiet) {
  g_quiet = quiet;
}

const ProgressFn& progress_bar() {
  static const ProgressFn silent;
  static const ProgressFn bar = [](const ProgressEvent& e) {
    static std::mutex mutex;  // several tasks may report at once (layers load side by side)
    static const bool tty = isatty(STDERR_FILENO) != 0;
    std::lock_guard lock(mutex);
    draw(e, tty);
    return true;
  };
  return g_quiet ? silent : bar;
}

}  // namespace siteplan::cli
