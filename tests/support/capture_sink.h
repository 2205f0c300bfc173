// CaptureSink: a ResponseSink that keeps every response it is given, for tests and the fuzz
// harness. Handlers may answer later from a timer or another thread, hence the lock.
#pragma once

#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

#include "core/responder.h"

namespace rime::test {

struct CaptureSink final : ResponseSink {
  std::mutex mutex;
  std::vector<Response> responses;
  void complete(Response r) override {
    std::lock_guard lock(mutex);
    responses.push_back(std::move(r));
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return responses.size();
  }
};

}  // namespace rime::test
