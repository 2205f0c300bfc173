#include "server/timers.h"

#include "server/log.h"

namespace rime::net {

AsioScheduler::AsioScheduler(std::vector<asio::io_context*> iocs) : iocs_(std::move(iocs)) {}

Scheduler::TimerId AsioScheduler::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  std::shared_ptr<asio::steady_timer> timer;
  TimerId id;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return 0;
    id = ++next_id_;
    // Spread timers over the threads, as connections are.
    timer = std::make_shared<asio::steady_timer>(*iocs_[id % iocs_.size()], delay);
    timers_.emplace(id, timer);
  }
  timer->async_wait([this, id, timer, fn = std::move(fn)](const boost::system::error_code&) {
    {
      // Whoever erases the entry owns the timer's outcome: cancel() or this handler.
      std::lock_guard lock(mutex_);
      if (timers_.erase(id) == 0) return;
    }
    try {
      fn();
    } catch (const std::exception& e) {
      log::error(std::string("timer callback threw: ") + e.what());
    }
  });
  return id;
}

bool AsioScheduler::cancel(TimerId id) {
  std::shared_ptr<asio::steady_timer> timer;
  {
    std::lock_guard lock(mutex_);
    auto it = timers_.find(id);
    if (it == timers_.end()) return false;
    timer = std::move(it->second);
    timers_.erase(it);
  }
  // A timer is not thread-safe: cancel it on its own io_context's thread. The handler then
  // finds its entry gone and does nothing.
  asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  return true;
}

void AsioScheduler::shutdown() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  timers_.clear();
}

}  // namespace rime::net
