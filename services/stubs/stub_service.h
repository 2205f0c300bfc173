// StubService: a routed service with no handlers yet. Every request gets 501 NotImplemented in
// the service's own error format (the protocol the request came in), naming the operation, so
// SDKs raise their ordinary service-error type rather than a parse or connection failure.
#pragma once

#include "core/mock_service.h"
#include "core/service_registry.h"
#include "services/catalog/catalog.h"

namespace rime {

class StubService final : public MockService {
 public:
  explicit StubService(const catalog::Service& service);
  const RoutingInfo& routing() const override { return routing_; }
  bool implemented() const override { return false; }
  bool matches_http_binding(const Request& request) const override;
  void handle(Request& request, RequestContext& ctx, Responder responder) override;

 private:
  const catalog::Service& service_;
  RoutingInfo routing_;
};

/// Registers a stub for every service of the catalog (implemented services replace theirs) and
/// installs the catalog's HTTP binding ranker for the router.
void register_stub_services(ServiceRegistry& registry);

}  // namespace rime
