// Progress and cancel: a task reports Start, Step and Finish to its ProgressFn; false from the
// function cancels the task (siteplan::Cancelled); no function means silence.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/progress.hpp"

using namespace siteplan;

namespace {
using Kind = ProgressEvent::Kind;

// Steps are reported at most every 100 ms: wait past that so the next advance() reports.
void wait_for_a_report() {
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
}
}  // namespace

TEST(Progress, FunctionReceivesStartStepAndFinish) {
  std::vector<Kind> kinds;
  std::string task, summary;
  std::uint64_t done = 0, total = 0;
  ProgressFn fn = [&](const ProgressEvent& e) {
    kinds.push_back(e.kind);
    task = e.task;
    summary = e.summary;
    done = e.done;
    total = e.total;
    return true;
  };
  {
    Progress p(&fn, "loading dltb", 3);
    ASSERT_EQ(kinds, std::vector<Kind>{Kind::Start});
    wait_for_a_report();
    p.advance();
    ASSERT_EQ(kinds.size(), 2u);
    EXPECT_EQ(kinds[1], Kind::Step);
    EXPECT_EQ(done, 1u);
    p.advance(2);
    p.finish("3 features");
  }  // finished already: the destructor reports nothing more
  EXPECT_EQ(kinds.back(), Kind::Finish);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), Kind::Finish), 1);
  EXPECT_EQ(task, "loading dltb");
  EXPECT_EQ(summary, "3 features");
  EXPECT_EQ(done, 3u);
  EXPECT_EQ(total, 3u);
}

TEST(Progress, FalseFromTheFunctionCancels) {
  ProgressFn stop_at_step = [](const ProgressEvent& e) { return e.kind != Kind::Step; };
  Progress a(&stop_at_step, "a", 10);
  wait_for_a_report();
  EXPECT_THROW(a.advance(), Cancelled);
  EXPECT_THROW(a.advance(), Cancelled);  // and stays cancelled
  ProgressFn stop_at_finish = [](const ProgressEvent& e) { return e.kind != Kind::Finish; };
  Progress b(&stop_at_finish, "b", 0);
  EXPECT_NO_THROW(b.advance());
  EXPECT_THROW(b.finish("done"), Cancelled);
  try {
    Progress c(&stop_at_finish, "c", 0);
    c.finish();
    ADD_FAILURE() << "finish() did not throw";
  } catch (const Error& e) {  // a runtime error at the edge (exit 1)
    EXPECT_EQ(e.kind(), ErrorKind::Runtime);
  }
}

TEST(Progress, NoFunctionIsSilent) {
  Progress none(nullptr, "none", 5);
  wait_for_a_report();
  EXPECT_NO_THROW(none.advance(5));
  EXPECT_NO_THROW(none.finish("done"));
  ProgressFn empty;  // an empty function is no function: never called
  Progress quiet(&empty, "empty", 0);
  wait_for_a_report();
  EXPECT_NO_THROW(quiet.advance());
  EXPECT_NO_THROW(quiet.finish());
}
