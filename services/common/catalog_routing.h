// Routing facts of a catalog entry in the router's terms, shared by stubs and implemented services.
#pragma once

#include <memory>

#include "core/mock_service.h"
#include "core/service_registry.h"
#include "services/catalog/catalog.h"

namespace rime {

/// Target prefixes (the model's and botocore's), signing name, endpoint prefix, and the
/// rpcv2Cbor path name when clients may speak CBOR.
RoutingInfo routing_from_catalog(const catalog::Service& service);

/// Does the request name one of the service's operations in a protocol it speaks (and, for
/// query protocols, its API version)? What matches_http_binding answers for catalog services.
bool fits_request(const catalog::Service& service, const Request& request);

/// The catalog's REST bindings for the router (one shared instance; the catalog is constant):
/// ranks any catalog service's fit, and indexes every URI template that starts with a literal
/// segment by that segment. register_stub_services installs it in the registry.
std::shared_ptr<const HttpBindingRanker> catalog_binding_ranker();

}  // namespace rime
