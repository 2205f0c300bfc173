#include "services/common/catalog_routing.h"

namespace rime {

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
  return info;
}

}  // namespace rime
