#pragma once
// Progress and cancel, passed as a parameter (GDAL's GDALProgressFunc is the model): a long task
// reports to a ProgressFn, and the function's answer decides whether the run goes on. The library
// never draws anything itself; the CLI draws a bar on stderr (cli/progress_bar.cpp), the viewer
// or a test may collect the events, and no function means silence.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace siteplan {

struct ProgressEvent {
  enum class Kind { Start, Step, Finish };
  Kind kind = Kind::Step;
  std::string_view task;     // e.g. "loading dltb"
  std::uint64_t done = 0;    // units of work done
  std::uint64_t total = 0;   // 0 when unknown
  double seconds = 0;        // since the task started
  std::string_view summary;  // with Finish: e.g. "6,157 features"
};
// Returns false to cancel: the task then throws Cancelled at its next report.
using ProgressFn = std::function<bool(const ProgressEvent&)>;

// The run was cancelled by its progress function (exit code 1 at the edge).
struct Cancelled : Error {
  Cancelled() : Error(ErrorKind::Runtime, "cancelled") {}
};

// One task's reporter. Thread-safe: workers may call advance() concurrently; the function is
// called at most every 100 ms (and at start and finish), one call at a time per task.
class Progress {
 public:
  // `fn` may be null or empty (silent). total may be 0 when unknown.
  Progress(const ProgressFn* fn, std::string label, std::uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Throws Cancelled when the function asked to stop.
  void advance(std::uint64_t n = 1);
  void set_total(std::uint64_t total);
  void finish(const std::string& summary = {});

 private:
  bool report(ProgressEvent::Kind kind, std::string_view summary);

  const ProgressFn* fn_;
  std::string label_;
  std::atomic<std::uint64_t> total_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<bool> cancelled_{false};
  bool finished_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_report_;
};

}  // namespace siteplan
