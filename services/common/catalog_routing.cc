#include "services/common/catalog_routing.h"

#include "core/uri.h"
#include "protocols/protocol.h"

namespace rime {

bool fits_request(const catalog::Service& service, const Request& request) {
  proto::Protocol protocol = proto::detect_protocol(service, request);
  if (proto::identify_operation(protocol, service, request).empty()) return false;
  if (protocol == proto::Protocol::kAwsQuery || protocol == proto::Protocol::kEc2Query) {
    // Classic ELB and ELBv2 share actions and a signing name; Version= tells them apart.
    std::string_view body = request.body.in_memory() ? request.body.view() : std::string_view{};
    auto params = parse_query(request.headers.get("content-type").starts_with("application/x-www-form-urlencoded")
                                  ? body : std::string_view(request.query));
    if (const std::string* version = find_param(params, "Version"))
      if (*version != service.api_version) return false;
  }
  return true;
}

RoutingInfo routing_from_catalog(const catalog::Service& service) {
  RoutingInfo info;
  info.name = std::string(service.name);
  if (!service.target_prefix.empty()) info.target_prefixes.emplace_back(service.target_prefix);
  if (!service.client_target_prefix.empty()) info.target_prefixes.emplace_back(service.client_target_prefix);
  info.signing_name = std::string(service.signing_name);
  info.endpoint_prefix = std::string(service.endpoint_prefix);
  if (service.client_protocols & catalog::bit(catalog::Protocol::kRpcV2Cbor))
    info.cbor_service_shape = std::string(service.shape_name);
  info.priority = static_cast<int>(service.operations.size());
  if (service.client_protocols & (catalog::bit(catalog::Protocol::kAwsQuery) | catalog::bit(catalog::Protocol::kEc2Query)) ||
      service.aws_query_compatible)
    info.api_version = std::string(service.api_version);
  return info;
}

}  // namespace rime
