// Internal to server/: the Scheduler services get (core/scheduler.h), on the server's
// io_contexts, so a waiting long poll or a retry holds a timer, never a thread.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/scheduler.h"
#include "server/net.h"

namespace rime::net {

class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(std::vector<asio::io_context*> iocs);
  TimerId after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  bool cancel(TimerId id) override;
  /// Drops every pending timer and refuses new ones; called once the server threads stopped.
  void shutdown();

 private:
  std::vector<asio::io_context*> iocs_;
  std::mutex mutex_;
  TimerId next_id_ = 0;
  bool stopped_ = false;
  std::unordered_map<TimerId, std::shared_ptr<asio::steady_timer>> timers_;
};

}  // namespace rime::net
