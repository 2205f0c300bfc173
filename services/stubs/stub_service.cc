#include "services/stubs/stub_service.h"

#include "core/service_registry.h"
#include "protocols/protocol.h"
#include "services/common/catalog_routing.h"

namespace rime {

StubService::StubService(const catalog::Service& service)
    : service_(service), routing_(routing_from_catalog(service)) {}

bool StubService::matches_http_binding(const Request& request) const { return fits_request(service_, request); }

void StubService::handle(Request& request, RequestContext& ctx, Responder responder) {
  proto::Protocol protocol = proto::detect_protocol(service_, request);
  ctx.operation = std::string(proto::identify_operation(protocol, service_, request));
  AwsError error = AwsError::not_implemented(service_.name, ctx.operation);
  responder.send(proto::serialize_error(protocol, service_, nullptr, error, ctx));
}

void register_stub_services(ServiceRegistry& registry) {
  for (const catalog::Service& service : catalog::services())
    registry.add(std::make_shared<StubService>(service));
  // Every catalog service is routed from here on, so the router may compare their REST bindings.
  registry.set_http_binding_ranker(catalog_binding_ranker());
}

}  // namespace rime
