// Long polling: parked receivers per queue, served under the scope's lock when a change makes
// messages receivable (a send, a delete that unlocks a FIFO group, a message becoming visible:
// a wake-up timer at the next visibility change), answered outside it; deadlines answer with
// nothing. A waiter is claimed exactly once, by whichever comes first.
#include <algorithm>
#include <chrono>

#include "services/sqs/state.h"

namespace rime::sqs {

std::vector<std::function<void()>> drain_waiters(Queue& q, Scheduler* scheduler) {
  std::map<std::uint64_t, std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(q.waiters_mutex);
    waiters.swap(q.waiters);
  }
  std::vector<std::function<void()>> out;
  for (auto& entry : waiters) {
    // A named copy, not a structured binding: clang 14 (the fuzz build) cannot capture those.
    std::shared_ptr<Waiter> w = entry.second;
    if (!w->claim()) continue;
    if (scheduler && w->deadline_timer) scheduler->cancel(w->deadline_timer);
    out.push_back([w] { w->deliver({}); });
  }
  return out;
}

// --- backend --------------------------------------------------------------------------------

SqsBackend::SqsBackend()
    : clock([] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
      }) {}

bool SqsBackend::queue_exists(const Scope& scope, std::string_view name) const {
  return state.read(scope, [&](const SqsState& s) { return s.find(name) != nullptr; });
}

void SqsBackend::arm_wake_timer(const Scope& scope, Queue& q, Millis now) {
  if (!scheduler) return;
  auto next = q.next_visibility_change();
  if (!next || !q.has_waiters()) return;
  if (q.wake_timer && q.wake_due <= *next) return;
  if (q.wake_timer) scheduler->cancel(q.wake_timer);
  q.wake_due = *next;
  std::uint64_t token = ++q.wake_token;
  std::weak_ptr<SqsBackend> weak_backend = weak_from_this();
  std::weak_ptr<Queue> weak_queue = q.weak_from_this();
  // One millisecond late, so that the message is due by the time the timer runs.
  auto delay = std::chrono::milliseconds(std::max<Millis>(0, *next - now) + 1);
  q.wake_timer = scheduler->after(delay, [weak_backend, weak_queue, scope, token] {
    auto backend = weak_backend.lock();
    auto queue = weak_queue.lock();
    if (!backend || !queue) return;
    backend->mutate(scope, [&](Mutation& m) {
      if (m.state.find(queue->name) != queue.get() || queue->wake_token != token) return;
      queue->wake_timer = 0;
      m.touch(*queue);
    });
  });
}

void Mutation::park(Queue& q, std::shared_ptr<Waiter> waiter, int wait_seconds) {
  std::uint64_t id;
  {
    std::lock_guard lock(q.waiters_mutex);
    id = q.next_waiter_id++;
    q.waiters.emplace(id, waiter);
  }
  std::weak_ptr<Queue> weak_queue = q.weak_from_this();
  waiter->deadline_timer =
      backend.scheduler->after(std::chrono::seconds(wait_seconds), [waiter, weak_queue, id] {
        if (waiter->claim()) waiter->deliver({});
        if (auto queue = weak_queue.lock()) {
          std::lock_guard lock(queue->waiters_mutex);
          queue->waiters.erase(id);
        }
      });
  touch(q);
}

void Mutation::finish() {
  std::vector<Queue*> done;
  for (std::size_t i = 0; i < touched.size(); ++i) {  // serving may redrive into more queues
    Queue* q = touched[i];
    if (std::find(done.begin(), done.end(), q) != done.end()) continue;
    done.push_back(q);
    if (!q->has_waiters()) continue;
    advance(*q, now);
    while (q->has_receivable()) {
      std::shared_ptr<Waiter> w;
      {
        std::lock_guard lock(q->waiters_mutex);
        while (!q->waiters.empty() && !w) {
          auto candidate = std::move(q->waiters.begin()->second);
          q->waiters.erase(q->waiters.begin());
          if (candidate->claim()) w = std::move(candidate);
        }
      }
      if (!w) break;
      if (backend.scheduler && w->deadline_timer) backend.scheduler->cancel(w->deadline_timer);
      auto got = receive(*q, w->options, now, state, touched);
      outbox.push_back([w, got = std::move(got)]() mutable { w->deliver(std::move(got)); });
    }
    backend.arm_wake_timer(scope, *q, now);
  }
}

}  // namespace rime::sqs
