// Dispatcher: the fixed pipeline after the wire: admin paths, request context (SigV4, account,
// region), routing, the service's handler, the request log line. Socket-free: the HTTP/1.1 and
// HTTP/2 front ends hand it a Request and a sink for the Response.
#pragma once

#include <memory>

#include "core/request.h"
#include "core/request_context.h"
#include "core/responder.h"
#include "core/service_registry.h"

namespace rime {

class Admin;

class Dispatcher {
 public:
  Dispatcher(const ServiceRegistry& registry, Admin& admin, Defaults defaults);
  /// Answers `request` through `sink`, now or later, from any thread.
  void dispatch(Request request, std::shared_ptr<ResponseSink> sink);
  void set_credential_resolver(const CredentialResolver* resolver) { resolver_ = resolver; }

 private:
  const ServiceRegistry& registry_;
  Router router_;
  Admin& admin_;
  Defaults defaults_;
  const CredentialResolver* resolver_ = nullptr;
};

/// Response for a request no service claims: 501 NotImplemented as JSON (the protocol layer
/// renders per-service errors once a service is known).
Response unknown_service_response(const Request& request, const RequestContext& ctx);

}  // namespace rime
