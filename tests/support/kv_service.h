// A test-only stateful service ("rimetest"): a key-value store whose values are blobs, so the
// admin API and persistence can be tested end to end before any AWS service exists. Built only
// into rime-test-server, never into the daemon.
//
//   PUT    /<key>   body -> stored            GET /<key> -> 200 body | 404
//   DELETE /<key>   -> 204                    GET /      -> {"keys": [...]}
//   GET    /_wait/<ms> -> answers after <ms> (a handler that completes later, off-thread)
// Requests reach it by SigV4 scope service "rimetest" or host "rimetest.<anything>".
#pragma once

#include <memory>

#include "core/mock_service.h"
#include "core/service_env.h"

namespace rime::testing {

std::shared_ptr<StatefulService> make_kv_service(const ServiceEnv& env);

}  // namespace rime::testing
