// Routing facts of a catalog entry in the router's terms, shared by stubs and implemented services.
#pragma once

#include "core/mock_service.h"
#include "services/catalog/catalog.h"

namespace rime {

/// Target prefixes (the model's and botocore's), signing name, endpoint prefix, and the
/// rpcv2Cbor path name when clients may speak CBOR.
RoutingInfo routing_from_catalog(const catalog::Service& service);

}  // namespace rime
