// ManualScheduler: a Scheduler whose time only moves when a test says so, for deterministic
// unit tests of timers (visibility timeouts, long polls, retries).
#pragma once

#include <algorithm>
#include <climits>
#include <map>
#include <mutex>
#include <utility>

#include "core/scheduler.h"

namespace rime::test {

class ManualScheduler final : public Scheduler {
 public:
  TimerId after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    std::lock_guard lock(mutex_);
    TimerId id = ++next_id_;
    timers_.emplace(id, Timer{now_ + std::max(delay, std::chrono::milliseconds(0)), std::move(fn)});
    return id;
  }
  bool cancel(TimerId id) override {
    std::lock_guard lock(mutex_);
    return timers_.erase(id) > 0;
  }
  /// Moves time forward and runs, in due order, every timer due by then; at most `max_runs`
  /// of them, so that a timer re-arming itself cannot spin (the fuzz harness bounds it).
  void advance(std::chrono::milliseconds by, int max_runs = INT_MAX) {
    std::chrono::milliseconds until;
    {
      std::lock_guard lock(mutex_);
      until = now_ + by;
    }
    for (int runs = 0; runs < max_runs; ++runs) {
      std::function<void()> fn;
      {
        std::lock_guard lock(mutex_);
        auto due = timers_.end();
        for (auto it = timers_.begin(); it != timers_.end(); ++it)
          if (it->second.due <= until && (due == timers_.end() || it->second.due < due->second.due)) due = it;
        if (due == timers_.end()) break;
        now_ = due->second.due;
        fn = std::move(due->second.fn);
        timers_.erase(due);
      }
      fn();
    }
    std::lock_guard lock(mutex_);
    now_ = std::max(now_, until);
  }
  /// Forgets every pending timer without running it.
  void clear() {
    std::map<TimerId, Timer> dropped;
    std::lock_guard lock(mutex_);
    dropped.swap(timers_);
    // `dropped` dies after the lock is released (declared first): a timer's captures may
    // cancel other timers when destroyed.
  }
  std::size_t pending() const {
    std::lock_guard lock(mutex_);
    return timers_.size();
  }

 private:
  struct Timer {
    std::chrono::milliseconds due;
    std::function<void()> fn;
  };
  mutable std::mutex mutex_;
  std::chrono::milliseconds now_{0};
  TimerId next_id_ = 0;
  std::map<TimerId, Timer> timers_;
};

}  // namespace rime::test
