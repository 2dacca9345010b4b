// One thread budget per job: run_lanes runs every lane once on the current arena and rethrows a
// lane's exception; with_thread_budget sets the budget seen inside.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/threads.hpp"

using namespace siteplan;

TEST(Threads, RunLanesRunsEveryLaneOnce) {
  for (unsigned lanes : {1u, 2u, 7u, 64u}) {
    std::vector<std::atomic<int>> runs(lanes);
    run_lanes(lanes, [&](unsigned k) { ++runs[k]; });
    for (unsigned k = 0; k < lanes; ++k) EXPECT_EQ(runs[k].load(), 1) << lanes << " lanes, " << k;
  }
}

TEST(Threads, RunLanesRethrowsALaneException) {
  std::vector<std::atomic<int>> runs(8);
  auto lane = [&](unsigned k) {
    ++runs[k];
    if (k == 5) throw std::runtime_error("lane 5");
  };
  EXPECT_THROW(run_lanes(8, lane), std::runtime_error);
  for (unsigned k = 0; k < 8; ++k) EXPECT_EQ(runs[k].load(), 1) << k;  // the others still ran
  EXPECT_THROW(run_lanes(1, [](unsigned) { throw std::runtime_error("one lane"); }),
               std::runtime_error);
}

TEST(Threads, BudgetOfOneIsOneInside) {
  unsigned inside = 0;
  std::atomic<int> active{0}, most{0};
  with_thread_budget(1, [&] {
    inside = thread_budget();
    run_lanes(16, [&](unsigned) {
      const int now = ++active;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      --active;
    });
  });
  EXPECT_EQ(inside, 1u);
  EXPECT_EQ(most.load(), 1);  // the lanes ran one at a time
  EXPECT_GE(thread_budget(), 1u);
  EXPECT_THROW(with_thread_budget(1, [] { throw std::runtime_error("body"); }), std::runtime_error);
}
