#include "core/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>

namespace siteplan {
namespace {
std::atomic<bool> g_enabled{true};
}

void Progress::set_enabled(bool enabled) {
  g_enabled = enabled;
}

Progress::Progress(std::string label, std::uint64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && g_enabled.load()),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  if (enabled_ && !tty_) std::fprintf(stderr, "%s ...\n", label_.c_str());
}

Progress::~Progress() {
  if (!finished_) finish();
}

void Progress::set_total(std::uint64_t total) {
  total_ = total;
}

void Progress::advance(std::uint64_t n) {
  done_ += n;
  if (!enabled_ || !tty_) return;
  auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(false);
}

void Progress::draw(bool final) {
  const std::uint64_t total = total_.load();
  const std::uint64_t done = done_.load();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (total > 0) {
    const int width = 30;
    double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    int fill = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(fill), '#');
    bar.append(static_cast<size_t>(width - fill), '.');
    std::fprintf(stderr, "\r%s [%s] %3d%% %llu/%llu %.1fs%s", label_.c_str(), bar.c_str(),
                 static_cast<int>(frac * 100.0), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), secs, final ? "\n" : "");
  } else {
    std::fprintf(stderr, "\r%s %llu %.1fs%s", label_.c_str(), static_cast<unsigned long long>(done),
                 secs, final ? "\n" : "");
  }
  std::fflush(stderr);
}

void Progress::finish(const std::string& summary) {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (tty_) {
    draw(true);
    if (!summary.empty()) std::fprintf(stderr, "  %s\n", summary.c_str());
  } else {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "%s done (%llu, %.1f s)%s%s\n", label_.c_str(),
                 static_cast<unsigned long long>(done_.load()), secs, summary.empty() ? "" : ": ",
                 summary.c_str());
  }
}

}  // namespace siteplan
