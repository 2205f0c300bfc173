#include "services/common/catalog_routing.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/uri.h"
#include "protocols/protocol.h"

namespace rime {
namespace {

bool speaks_rest(const catalog::Service& service) {
  return service.client_protocols & (catalog::bit(catalog::Protocol::kRestJson1) | catalog::bit(catalog::Protocol::kRestXml));
}

bool is_rest(proto::Protocol protocol) {
  return protocol == proto::Protocol::kRestJson1 || protocol == proto::Protocol::kRestXml;
}

// The first segment of a URI template's path when it is a literal ("v20180820" for
// "/v20180820/bucket/{Name}"); "" for a label or the root.
std::string_view first_literal_segment(std::string_view uri) {
  std::string_view path = uri.substr(0, uri.find('?'));
  if (path.starts_with('/')) path.remove_prefix(1);
  std::string_view first = path.substr(0, path.find('/'));
  return first.starts_with('{') ? std::string_view{} : first;
}

bool excluded(std::string_view name, std::span<MockService* const> except) {
  return std::any_of(except.begin(), except.end(), [&](const MockService* s) { return s->name() == name; });
}

class CatalogBindingRanker final : public HttpBindingRanker {
 public:
  /// The index is built on first use: ~10,000 REST operations of the catalog cost milliseconds
  /// that start-up must not pay (most runs never route a REST request this way).
  void build_index() const {
    for (const catalog::Service& service : catalog::services()) {
      if (!speaks_rest(service)) continue;
      for (const catalog::Operation& op : service.operations) {
        std::string_view literal = first_literal_segment(op.http_uri);
        if (literal.empty()) continue;
        std::vector<Claimant>& claimants = by_first_literal_[literal];
        if (claimants.empty() || claimants.back().service != &service) claimants.push_back({&service, {}});
        claimants.back().operations.push_back(op);
      }
    }
  }

  std::optional<std::uint64_t> rank(std::string_view name, const Request& request) const override {
    const catalog::Service* service = catalog::find(name);
    if (!service || !speaks_rest(*service) || !is_rest(proto::detect_protocol(*service, request)))
      return std::nullopt;
    return proto::rest_binding_rank(service->operations, request).value_or(0);
  }

  std::vector<BindingClaim> literal_path_claims(const Request& request,
                                                std::span<MockService* const> except) const override {
    std::vector<BindingClaim> claims;
    const std::vector<Claimant>* claimants = find(request);
    if (!claimants) return claims;
    for (const Claimant& claimant : *claimants) {
      if (excluded(claimant.service->name, except) || !is_rest(proto::detect_protocol(*claimant.service, request)))
        continue;
      if (auto rank = proto::rest_binding_rank(claimant.operations, request))
        claims.push_back({claimant.service->name, *rank});
    }
    return claims;
  }

  bool literal_path_shared(const Request& request, std::span<MockService* const> except) const override {
    const std::vector<Claimant>* claimants = find(request);
    return claimants && std::any_of(claimants->begin(), claimants->end(), [&](const Claimant& c) {
             return !excluded(c.service->name, except);
           });
  }

 private:
  // One service's operations whose URI templates start with the same literal segment.
  struct Claimant {
    const catalog::Service* service;
    std::vector<catalog::Operation> operations;
  };

  const std::vector<Claimant>* find(const Request& request) const {
    std::call_once(index_built_, [this] { build_index(); });
    std::string_view path = request.path;
    if (path.starts_with('/')) path.remove_prefix(1);
    std::string_view first = path.substr(0, path.find('/'));
    if (first.empty()) return nullptr;
    std::string decoded;
    if (first.find('%') != std::string_view::npos) {
      decoded = percent_decode(first);
      first = decoded;
    }
    auto it = by_first_literal_.find(first);
    return it == by_first_literal_.end() ? nullptr : &it->second;
  }

  mutable std::once_flag index_built_;
  mutable std::unordered_map<std::string_view, std::vector<Claimant>> by_first_literal_;
};

}  // namespace

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

std::shared_ptr<const HttpBindingRanker> catalog_binding_ranker() {
  static const std::shared_ptr<const HttpBindingRanker> ranker = std::make_shared<CatalogBindingRanker>();
  return ranker;
}

}  // namespace rime
