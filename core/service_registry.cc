#include "core/service_registry.h"

#include <algorithm>
#include <cctype>

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
    if (info.name == "s3") s3_ = svc;
  }
}

MockService* Router::pick(const std::vector<MockService*>& candidates, const Request& request,
                          std::string_view host) const {
  if (candidates.empty()) return nullptr;
  if (candidates.size() == 1) return candidates.front();
  // The host names one of them (timestream query vs ingest share a target prefix).
  for (MockService* svc : candidates)
    if (host_starts_with_prefix(host, svc->routing().endpoint_prefix)) {
      bool unique = true;
      for (MockService* other : candidates)
        if (other != svc && other->routing().endpoint_prefix == svc->routing().endpoint_prefix) unique = false;
      if (unique) return svc;
    }
  // Then the request's method and path (or action) against each one's bindings; among those
  // that fit (or all, when none does), implemented first, then the larger API.
  MockService* best = nullptr;
  for (MockService* svc : candidates)
    if (svc->matches_http_binding(request) && (!best || better(svc, best))) best = svc;
  if (best) return best;
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
  // 5. A REST request with no other clue is S3's, as on AWS.
  if (s3_) return {s3_, RouteRule::kS3Fallback};
  return {};
}

}  // namespace rime
