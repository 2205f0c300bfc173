// ServiceEnv: what the server gives every service when registering it.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/http_client.h"
#include "core/request_context.h"
#include "core/scheduler.h"
#include "core/vfs.h"

namespace rime {

class MockService;

struct ServiceEnv {
  std::shared_ptr<Vfs> vfs;  // MemVfs by default, FsVfs under --data-dir
  Defaults defaults;
  /// Timers on the server's threads (null only in tests that never wait).
  std::shared_ptr<Scheduler> scheduler;
  /// Outbound HTTP (null only in tests that never call out).
  std::shared_ptr<HttpClient> http;
  /// Another registered service by name, for cross-service effects (SNS -> SQS) through its
  /// public interface; looked up at call time, so registration order does not matter.
  std::function<MockService*(std::string_view name)> find_service;
};

}  // namespace rime
