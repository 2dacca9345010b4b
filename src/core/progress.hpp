#pragma once
// Progress reporting passed as a parameter (GDALProgressFunc style). On a TTY it draws
// a bar on stderr; otherwise it prints one plain line when a task starts and one when it ends.
// Thread-safe: workers may call advance() concurrently.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace siteplan {

class Progress {
 public:
  // total may be 0 when unknown.
  Progress(std::string label, std::uint64_t total, bool enabled = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t n = 1);
  void set_total(std::uint64_t total);
  void finish(const std::string& summary = {});

  // Global switch (--quiet) and TTY detection override for tests.
  static void set_enabled(bool enabled);

 private:
  void draw(bool final);

  std::string label_;
  std::atomic<std::uint64_t> total_;
  std::atomic<std::uint64_t> done_{0};
  bool enabled_;
  bool tty_;
  bool finished_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace siteplan
