// ServiceRegistry owns every service; Router picks one for a request in DESIGN.md's order:
// X-Amz-Target / rpcv2Cbor path, host patterns, SigV4 signing name, first host label, a
// literal-first REST path, S3.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <map>
#include <unordered_map>
#include <vector>

#include "core/mock_service.h"

namespace rime {

/// A service whose REST bindings fit a request, and how specifically (larger: more specific).
struct BindingClaim {
  std::string_view service;  // the service's name
  std::uint64_t rank;
};

/// REST bindings compared across services, for the router: with a custom endpoint nothing but
/// the method and path tells S3 Control ("/v20180820/bucket/{Name}") from S3 ("/{Bucket}/{Key+}"),
/// or an unsigned SSO call ("POST /logout") from S3's path style. Core knows no models: services/
/// common implements it from the catalog, and registering the stubs installs it.
class HttpBindingRanker {
 public:
  virtual ~HttpBindingRanker() = default;
  /// How specifically the request fits one of the service's REST operations (0: none fits);
  /// nullopt when the ranker cannot judge (not a REST service, or unknown to it).
  virtual std::optional<std::uint64_t> rank(std::string_view service, const Request& request) const = 0;
  /// Services other than `except` with a REST operation whose URI template starts with the
  /// request's first path segment as a literal and fits the request. Label-first templates
  /// (S3's "/{Bucket}") never claim, so path-style S3 requests stay S3's.
  virtual std::vector<BindingClaim> literal_path_claims(const Request& request,
                                                        std::span<MockService* const> except) const = 0;
  /// Whether some service other than `except` has a URI template starting with the request's
  /// first path segment as a literal: one hash lookup, so the router asks before matching.
  virtual bool literal_path_shared(const Request& request, std::span<MockService* const> except) const = 0;
};

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
  /// The router compares REST bindings across services with it (none: each service's own
  /// matches_http_binding only).
  void set_http_binding_ranker(std::shared_ptr<const HttpBindingRanker> ranker) { ranker_ = std::move(ranker); }
  const std::shared_ptr<const HttpBindingRanker>& http_binding_ranker() const { return ranker_; }

 private:
  std::shared_ptr<const HttpBindingRanker> ranker_;
  std::map<std::string, std::shared_ptr<MockService>, std::less<>> by_name_;
  mutable std::vector<MockService*> ordered_;  // rebuilt on first use after a change
  mutable bool ordered_stale_ = false;
};

/// Why the router chose a service (logs and tests).
enum class RouteRule {
  kTarget, kCborPath, kHost, kSigningName, kQueryVersion, kHostLabel, kLiteralPath, kS3Fallback, kNone
};

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
  /// How specifically the request fits the service's bindings (the ranker's REST rank, else
  /// matches_http_binding); nullopt when it does not fit.
  std::optional<std::uint64_t> fit(const MockService* svc, const Request& request) const;
  /// Among candidates, the one whose bindings fit the request most specifically; null when none fits.
  MockService* closest_fit(const std::vector<MockService*>& candidates, const Request& request) const;
  /// The service, not among `except`, whose literal-first URI template fits the request best.
  MockService* literal_path_claimant(const Request& request, std::span<MockService* const> except) const;

  std::unordered_map<std::string, std::vector<MockService*>> by_target_prefix_;
  std::unordered_map<std::string, MockService*> by_cbor_shape_;
  std::unordered_map<std::string, std::vector<MockService*>> by_signing_name_;
  std::unordered_map<std::string, std::vector<MockService*>> by_endpoint_prefix_;
  std::unordered_map<std::string, std::vector<MockService*>> by_api_version_;
  std::vector<MockService*> with_host_patterns_;
  std::unordered_map<std::string, MockService*> by_name_;
  std::shared_ptr<const HttpBindingRanker> ranker_;
  MockService* s3_ = nullptr;
};

}  // namespace rime
