#include "core/service_registry.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "core/uri.h"

namespace rime {

bool HostPattern::matches(std::string_view host) const {
  if (!literal.empty()) {
    auto it = std::search(host.begin(), host.end(), literal.begin(), literal.end(),
                          [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                      std::tolower(static_cast<unsigned char>(b)); });
    if (it == host.end()) return false;
  }
  return std::regex_search(host.begin(), host.end(), regex);
}

void ServiceRegistry::add(std::shared_ptr<MockService> service) {
  std::string name(service->name());
  by_name_[std::move(name)] = std::move(service);
  ordered_stale_ = true;
}

const std::vector<MockService*>& ServiceRegistry::all() const {
  if (ordered_stale_) {
    ordered_.clear();
    for (auto& [_, svc] : by_name_) ordered_.push_back(svc.get());
    ordered_stale_ = false;
  }
  return ordered_;
}

MockService* ServiceRegistry::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

StatefulService* ServiceRegistry::find_stateful(std::string_view name) const {
  return dynamic_cast<StatefulService*>(find(name));
}

std::vector<StatefulService*> ServiceRegistry::stateful() const {
  std::vector<StatefulService*> out;
  for (MockService* svc : all())
    if (auto* s = dynamic_cast<StatefulService*>(svc)) out.push_back(s);
  return out;
}

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

// Does the host start with the service's endpoint prefix and a dot ("query.timestream.")?
bool host_starts_with_prefix(std::string_view host, const std::string& prefix) {
  return !prefix.empty() && host.size() > prefix.size() && host[prefix.size()] == '.' &&
         iequals(host.substr(0, prefix.size()), prefix);
}

bool better(const MockService* a, const MockService* b) {
  if (a->implemented() != b->implemented()) return a->implemented();
  return a->routing().priority > b->routing().priority;
}

// A request that fits by X-Amz-Target or Action= names its operation outright: no URI template
// is more specific.
constexpr std::uint64_t kNamedOperation = std::numeric_limits<std::uint64_t>::max();

}  // namespace

Router::Router(const ServiceRegistry& registry) {
  for (MockService* svc : registry.all()) {
    const RoutingInfo& info = svc->routing();
    for (const auto& prefix : info.target_prefixes) by_target_prefix_[prefix].push_back(svc);
    if (!info.cbor_service_shape.empty()) by_cbor_shape_[info.cbor_service_shape] = svc;
    if (!info.signing_name.empty()) by_signing_name_[info.signing_name].push_back(svc);
    if (!info.endpoint_prefix.empty()) by_endpoint_prefix_[lowercase(info.endpoint_prefix)].push_back(svc);
    if (!info.api_version.empty()) by_api_version_[info.api_version].push_back(svc);
    if (!svc->host_patterns().empty()) with_host_patterns_.push_back(svc);
    by_name_[info.name] = svc;
    if (info.name == "s3") s3_ = svc;
  }
  ranker_ = registry.http_binding_ranker();
}

std::optional<std::uint64_t> Router::fit(const MockService* svc, const Request& request) const {
  if (ranker_)
    if (std::optional<std::uint64_t> rank = ranker_->rank(svc->name(), request))
      return *rank > 0 ? rank : std::nullopt;
  return svc->matches_http_binding(request) ? std::optional(kNamedOperation) : std::nullopt;
}

MockService* Router::closest_fit(const std::vector<MockService*>& candidates, const Request& request) const {
  MockService* best = nullptr;
  std::uint64_t best_rank = 0;
  for (MockService* svc : candidates) {
    std::optional<std::uint64_t> rank = fit(svc, request);
    if (!rank) continue;
    if (!best || *rank > best_rank || (*rank == best_rank && better(svc, best))) {
      best = svc;
      best_rank = *rank;
    }
  }
  return best;
}

MockService* Router::literal_path_claimant(const Request& request, std::span<MockService* const> except) const {
  if (!ranker_) return nullptr;
  MockService* best = nullptr;
  std::uint64_t best_rank = 0;
  for (const BindingClaim& claim : ranker_->literal_path_claims(request, except)) {
    auto it = by_name_.find(std::string(claim.service));
    if (it == by_name_.end()) continue;
    MockService* svc = it->second;
    if (!best || claim.rank > best_rank || (claim.rank == best_rank && better(svc, best))) {
      best = svc;
      best_rank = claim.rank;
    }
  }
  return best;
}

MockService* Router::pick(const std::vector<MockService*>& candidates, const Request& request,
                          std::string_view host) const {
  if (candidates.empty()) return nullptr;
  if (candidates.size() > 1) {
    // The host names one of them (timestream query vs ingest share a target prefix).
    for (MockService* svc : candidates)
      if (host_starts_with_prefix(host, svc->routing().endpoint_prefix)) {
        bool unique = true;
        for (MockService* other : candidates)
          if (other != svc && other->routing().endpoint_prefix == svc->routing().endpoint_prefix) unique = false;
        if (unique) return svc;
      }
    // Then the request's method and path (or action) against each one's bindings: the closest
    // fit wins (S3 Control's "/v20180820/bucket/{Name}" over S3's "/{Bucket}/{Key+}", an exact
    // path over a trailing-slash one), ties go to the implemented service, then the larger API.
    if (MockService* svc = closest_fit(candidates, request)) return svc;
  }
  // None of them knows the request: another service's literal path may (S3 Control's
  // CreateBucket on an outpost is signed for s3-outposts, whose own paths start /S3Outposts/).
  // The hash lookup comes first: a lone candidate is matched only when there is a rival.
  if (ranker_ && ranker_->literal_path_shared(request, candidates) &&
      (candidates.size() > 1 || !fit(candidates.front(), request)))
    if (MockService* svc = literal_path_claimant(request, candidates)) return svc;
  if (candidates.size() == 1) return candidates.front();
  // Else the one that answers UnknownOperation: implemented first, then the larger API.
  MockService* best = nullptr;
  for (MockService* svc : candidates)
    if (!best || better(svc, best)) best = svc;
  return best;
}

Route Router::route(const Request& request, const RequestContext& ctx) const {
  // 1. X-Amz-Target "<Prefix>.<Operation>" names the service (awsJson).
  if (const std::string* target = request.headers.find("x-amz-target")) {
    auto dot = target->rfind('.');
    if (dot != std::string::npos) {
      auto it = by_target_prefix_.find(target->substr(0, dot));
      if (it != by_target_prefix_.end())
        if (MockService* svc = pick(it->second, request, request.host())) return {svc, RouteRule::kTarget};
    }
  }
  //    rpcv2Cbor: POST /service/<ServiceShape>/operation/<Operation>.
  if (request.headers.contains("smithy-protocol") && request.path.starts_with("/service/")) {
    std::string_view rest = std::string_view(request.path).substr(9);
    auto slash = rest.find('/');
    auto it = by_cbor_shape_.find(std::string(rest.substr(0, slash)));
    if (it != by_cbor_shape_.end()) return {it->second, RouteRule::kCborPath};
  }
  // 2. Host patterns registered by services.
  std::string_view host = request.host();
  if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
    host = host.substr(0, colon);
  for (MockService* svc : with_host_patterns_)
    for (const HostPattern& pattern : svc->host_patterns())
      if (pattern.matches(host)) return {svc, RouteRule::kHost};
  // 3. SigV4 credential-scope service.
  if (ctx.credential) {
    auto it = by_signing_name_.find(ctx.credential->service);
    if (it != by_signing_name_.end())
      if (MockService* svc = pick(it->second, request, host)) return {svc, RouteRule::kSigningName};
  }
  //    Unsigned query requests (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) name no service
  //    anywhere but in their form: Version= picks the API, Action= confirms it.
  if (request.headers.get("content-type").starts_with("application/x-www-form-urlencoded") &&
      request.body.in_memory()) {
    auto params = parse_query(request.body.view());
    if (const std::string* version = find_param(params, "Version")) {
      auto it = by_api_version_.find(*version);
      if (it != by_api_version_.end())
        if (MockService* svc = pick(it->second, request, host)) return {svc, RouteRule::kQueryVersion};
    }
  }
  // 4. The host's leading labels: endpoint prefixes may hold dots ("streams.dynamodb"), so the
  //    longest prefix that names a service wins. Host names are case-insensitive.
  std::string lower_host = lowercase(host);
  for (auto dot = lower_host.rfind('.'); dot != std::string::npos && dot > 0; dot = lower_host.rfind('.', dot - 1)) {
    auto it = by_endpoint_prefix_.find(lower_host.substr(0, dot));
    if (it != by_endpoint_prefix_.end())
      if (MockService* svc = pick(it->second, request, host)) return {svc, RouteRule::kHostLabel};
  }
  // 5. A REST path that starts with a service's literal segment (the unsigned SSO and sign-in
  //    calls: "POST /logout", "POST /token"). S3's templates all start with a {Bucket} label,
  //    so path-style S3 requests never claim here.
  if (MockService* svc = literal_path_claimant(request, {})) return {svc, RouteRule::kLiteralPath};
  // 6. A REST request with no other clue is S3's, as on AWS.
  if (s3_) return {s3_, RouteRule::kS3Fallback};
  return {};
}

}  // namespace rime
