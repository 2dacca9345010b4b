#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace siteplan::log {
namespace {
std::atomic<Level> g_level{Level::Info};
std::mutex g_mutex;
}  // namespace

void set_level(Level l) {
  g_level = l;
}
Level level() {
  return g_level;
}

void write(Level l, const std::string& message) {
  if (l < g_level.load()) return;
  const char* prefix = "";
  switch (l) {
    case Level::Debug:
      prefix = "debug: ";
      break;
    case Level::Info:
      prefix = "";
      break;
    case Level::Warn:
      prefix = "warning: ";
      break;
    case Level::Error:
      prefix = "error: ";
      break;
    case Level::Quiet:
      return;
  }
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s%s\n", prefix, message.c_str());
}

}  // namespace siteplan::log
