#include "core/threads.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <exception>
#include <vector>

namespace siteplan {

void with_thread_budget(int n, const std::function<void()>& body) {
  tbb::task_arena arena(n > 0 ? n : tbb::task_arena::automatic);
  std::exception_ptr error;
  arena.execute([&] {
    try {
      body();
    } catch (...) {
      error = std::current_exception();
    }
  });
  if (error) std::rethrow_exception(error);
}

unsigned thread_budget() {
  return static_cast<unsigned>(std::max(1, tbb::this_task_arena::max_concurrency()));
}

void run_lanes(unsigned lanes, const std::function<void(unsigned)>& lane) {
  if (lanes <= 1) {
    lane(0);
    return;
  }
  std::vector<std::exception_ptr> errors(lanes);
  tbb::parallel_for(0u, lanes, [&](unsigned k) {
    try {
      lane(k);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  });
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace siteplan
