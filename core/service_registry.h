// ServiceRegistry owns every service; Router picks one for a request in DESIGN.md's order:
// X-Amz-Target / rpcv2Cbor path, host patterns, SigV4 signing name, first host label, S3.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <map>
#include <unordered_map>
#include <vector>

#include "core/mock_service.h"

namespace rime {

class ServiceRegistry {
 public:
  /// Adds a service; a later service with the same name replaces the earlier (implemented
  /// services replace their stubs). Not thread-safe: register everything before serving.
  void add(std::shared_ptr<MockService> service);
  MockService* find(std::string_view name) const;
  StatefulService* find_stateful(std::string_view name) const;
  /// Services in name order.
  const std::vector<MockService*>& all() const;
  std::vector<StatefulService*> stateful() const;

 private:
  std::map<std::string, std::shared_ptr<MockService>, std::less<>> by_name_;
  mutable std::vector<MockService*> ordered_;  // rebuilt on first use after a change
  mutable bool ordered_stale_ = false;
};

/// Why the router chose a service (logs and tests).
enum class RouteRule { kTarget, kCborPath, kHost, kSigningName, kQueryVersion, kHostLabel, kS3Fallback, kNone };

struct Route {
  MockService* service = nullptr;
  RouteRule rule = RouteRule::kNone;
};

class Router {
 public:
  /// Indexes the registry; call after every service is registered.
  explicit Router(const ServiceRegistry& registry);
  Route route(const Request& request, const RequestContext& ctx) const;

 private:
  MockService* pick(const std::vector<MockService*>& candidates, const Request& request,
                    std::string_view host) const;

  std::unordered_map<std::string, std::vector<MockService*>> by_target_prefix_;
  std::unordered_map<std::string, MockService*> by_cbor_shape_;
  std::unordered_map<std::string, std::vector<MockService*>> by_signing_name_;
  std::unordered_map<std::string, std::vector<MockService*>> by_endpoint_prefix_;
  std::unordered_map<std::string, std::vector<MockService*>> by_api_version_;
  std::vector<MockService*> with_host_patterns_;
  MockService* s3_ = nullptr;
};

}  // namespace rime
