// Completion handle for a request: a handler answers now or later (long polling, timers),
// from any thread, exactly once, without holding a thread while it waits.
#pragma once

#include <atomic>
#include <memory>

#include "core/request.h"

namespace rime {

/// Implemented by the server's connection code; receives the one response of a request.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void complete(Response response) = 0;
};

class Responder {
 public:
  Responder() = default;
  explicit Responder(std::shared_ptr<ResponseSink> sink) : state_(std::make_shared<State>(std::move(sink))) {}

  /// Delivers the response; later calls are ignored (a timer and a wake-up may race).
  /// Returns true when this call was the one that answered.
  bool send(Response response) const {
    if (!state_ || state_->answered.exchange(true)) return false;
    state_->sink->complete(std::move(response));
    return true;
  }
  bool answered() const { return !state_ || state_->answered.load(); }

 private:
  struct State {
    explicit State(std::shared_ptr<ResponseSink> s) : sink(std::move(s)) {}
    std::shared_ptr<ResponseSink> sink;
    std::atomic<bool> answered{false};
  };
  std::shared_ptr<State> state_;
};

}  // namespace rime
