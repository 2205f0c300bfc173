// Scheduler: timers for services that answer later (SQS long polls, delayed messages, SNS
// retries) without holding a thread. The server runs them on its io_contexts; tests can use
// ManualScheduler (tests/support) to move time by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace rime {

class Scheduler {
 public:
  using TimerId = std::uint64_t;
  virtual ~Scheduler() = default;

  /// Runs `fn` once, on a server thread, after `delay`. Never runs it inline.
  virtual TimerId after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  /// Stops a timer that has not fired yet; true when it was stopped before running.
  virtual bool cancel(TimerId id) = 0;
};

}  // namespace rime
