// RequestContext: what a handler knows about the caller (account, region, credential) and the
// request (id, start time), derived once per request from SigV4 and the configured defaults.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/scope.h"
#include "core/sigv4.h"

namespace rime {

struct Defaults {
  std::string account = "123456789012";
  std::string region = "us-east-1";
};

/// Who the caller is beyond the access key: STS-issued keys resolve to the assumed identity.
/// Services that issue credentials (STS) install one; without it, keys map by DESIGN.md's rule.
class CredentialResolver {
 public:
  virtual ~CredentialResolver() = default;
  /// The account that owns `access_key`, when this resolver issued it.
  virtual std::optional<std::string> account_for(const std::string& access_key) const = 0;
};

struct RequestContext {
  std::string request_id;
  std::optional<SigV4Credential> credential;
  Scope scope;              // (account, region) the request acts in
  std::string service;      // routed service name, once known
  std::string operation;    // operation name, once the protocol layer knows it
  /// The client sent `x-amzn-query-mode: true`: it treats the service as awsQuery-compatible
  /// and reads error codes from x-amzn-query-error (CloudWatch over JSON, SQS).
  bool query_mode = false;
  std::chrono::steady_clock::time_point started;
  std::string host;  // Host (or :authority) as the client sent it, for URLs we hand back
  bool tls = false;  // the request came over TLS: URLs we hand back use https

  const std::string& account() const { return scope.account; }
  const std::string& region() const { return scope.region; }
};

/// Account for an access key: 12 digits are the account itself, STS keys resolve through
/// `resolver`, anything else is the default account.
std::string account_for_access_key(const std::string& access_key, const Defaults& defaults,
                                   const CredentialResolver* resolver = nullptr);

/// Builds the context: SigV4 scope region, else the default region; account from the key.
RequestContext make_request_context(const Headers& headers, std::string_view raw_query, const Defaults& defaults,
                                    const CredentialResolver* resolver = nullptr);

}  // namespace rime
