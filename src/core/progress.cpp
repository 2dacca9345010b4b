#include "core/progress.hpp"

#include <exception>

namespace siteplan {

Progress::Progress(const ProgressFn* fn, std::string label, std::uint64_t total)
    : fn_(fn && *fn ? fn : nullptr),
      label_(std::move(label)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      last_report_(start_) {
  if (fn_) {
    std::lock_guard lock(mutex_);
    if (!report(ProgressEvent::Kind::Start, {})) cancelled_ = true;
  }
  if (cancelled_) throw Cancelled();
}

Progress::~Progress() {
  // Not when an exception unwinds through the task: it did not finish.
  if (!finished_ && !cancelled_ && fn_ && std::uncaught_exceptions() == 0) {
    std::lock_guard lock(mutex_);
    finished_ = true;
    report(ProgressEvent::Kind::Finish, {});
  }
}

void Progress::set_total(std::uint64_t total) {
  total_ = total;
}

bool Progress::report(ProgressEvent::Kind kind, std::string_view summary) {
  ProgressEvent e;
  e.kind = kind;
  e.task = label_;
  e.done = done_.load();
  e.total = total_.load();
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  e.summary = summary;
  return (*fn_)(e);
}

void Progress::advance(std::uint64_t n) {
  done_ += n;
  if (cancelled_) throw Cancelled();
  if (!fn_) return;
  const auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock() || now - last_report_ < std::chrono::milliseconds(100)) return;
  last_report_ = now;
  if (!report(ProgressEvent::Kind::Step, {})) {
    cancelled_ = true;
    throw Cancelled();
  }
}

void Progress::finish(const std::string& summary) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (fn_ && !report(ProgressEvent::Kind::Finish, summary)) cancelled_ = true;
  if (cancelled_) throw Cancelled();
}

}  // namespace siteplan
