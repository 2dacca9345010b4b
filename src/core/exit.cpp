#include "core/exit.hpp"

#include <mutex>
#include <vector>

namespace siteplan {

namespace {
std::mutex g_mutex;
std::vector<std::shared_ptr<void>>* g_kept = nullptr;  // never destroyed, on purpose
}  // namespace

void detail::keep_until_exit_impl(std::shared_ptr<void> object) {
  std::lock_guard lock(g_mutex);
  if (!g_kept) g_kept = new std::vector<std::shared_ptr<void>>();
  g_kept->push_back(std::move(object));
}

bool objects_kept_until_exit() {
  std::lock_guard lock(g_mutex);
  return g_kept && !g_kept->empty();
}

}  // namespace siteplan
