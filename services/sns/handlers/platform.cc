// Platform applications and endpoints (mobile push): stored as AWS keeps them. rime reaches
// no push service; publishing to an endpoint is recorded in the state (publish.cc).
#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "core/arn.h"
#include "services/sns/errors.h"
#include "services/sns/handlers/common.h"
#include "services/sns/handlers/handlers.h"

namespace rime::sns {
namespace {

const std::set<std::string>& platforms() {
  static const std::set<std::string> names{"ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX",
                                           "BAIDU", "GCM", "MACOS", "MACOS_SANDBOX", "MPNS", "WNS"};
  return names;
}

/// Platforms that authenticate with a principal (certificate, key id, client id) besides the credential.
bool needs_principal(const std::string& platform) {
  return platform.starts_with("APNS") || platform.starts_with("MACOS") || platform == "ADM" || platform == "BAIDU" ||
         platform == "WNS";
}

/// Secrets AWS never returns in GetPlatformApplicationAttributes.
bool secret(const std::string& name) { return name == "PlatformCredential" || name == "PlatformPrincipal"; }

AwsError invalid(const std::string& detail) { return make_error(SnsError::kInvalidParameter, detail); }

std::optional<AwsError> check_enabled(const std::map<std::string, std::string>& attributes) {
  auto it = attributes.find("Enabled");
  if (it != attributes.end() && it->second != "true" && it->second != "false")
    return invalid("Attributes Reason: Enabled must be true or false");
  return std::nullopt;
}

std::optional<AwsError> check_endpoint_attributes(const std::map<std::string, std::string>& attributes) {
  for (const auto& [name, value] : attributes) {
    if (name != "CustomUserData" && name != "Enabled" && name != "Token")
      return invalid("Attributes Reason: Unknown attribute " + name);
    if (name == "Token" && value.empty()) return invalid("Token");
  }
  return check_enabled(attributes);
}

template <class Entry>
std::vector<Entry> page(const std::map<std::string, Entry>& items, const std::string& start,
                        std::optional<std::string>& next, const std::function<bool(const Entry&)>& keep) {
  std::vector<Entry> out;
  for (auto it = items.lower_bound(start); it != items.end(); ++it) {
    if (!keep(it->second)) continue;
    if (out.size() == kPageSize) {
      next = page_token(it->first);
      break;
    }
    out.push_back(it->second);
  }
  return out;
}

Result<std::string> start_key(const std::optional<std::string>& token) {
  if (!token) return std::string();
  auto key = page_key(*token);
  if (!key) return invalid("NextToken");
  return *key;
}

}  // namespace

Result<CreatePlatformApplicationResponse> create_platform_application(SnsBackend& b, RequestContext& ctx,
                                                                      const CreatePlatformApplicationInput& in) {
  if (!platforms().count(in.platform)) return invalid("Platform");
  bool name_ok = !in.name.empty() && in.name.size() <= 256 && std::all_of(in.name.begin(), in.name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  if (!name_ok) return invalid("Invalid platform application name: " + in.name);
  auto has = [&](const char* name) {
    auto it = in.attributes.find(name);
    return it != in.attributes.end() && !it->second.empty();
  };
  if (!has("PlatformCredential")) return invalid("Attributes Reason: PlatformCredential attribute is required");
  if (needs_principal(in.platform) && !has("PlatformPrincipal"))
    return invalid("Attributes Reason: PlatformPrincipal attribute is required");
  if (auto error = check_enabled(in.attributes)) return *error;
  std::string arn = sns_arn(ctx.scope, "app/" + in.platform + "/" + in.name);
  b.state.write(ctx.scope, [&](SnsState& s) {
    ApplicationEntry& app = s.applications[arn];
    app.arn = arn;
    app.name = in.name;
    app.platform = in.platform;
    for (const auto& [name, value] : in.attributes) app.attributes[name] = value;
    if (!app.attributes.count("Enabled")) app.attributes["Enabled"] = "true";
  });
  CreatePlatformApplicationResponse out;
  out.platform_application_arn = arn;
  return out;
}

Result<Unit> delete_platform_application(SnsBackend& b, RequestContext& ctx, const DeletePlatformApplicationInput& in) {
  auto scope = arn_scope(in.platform_application_arn, "PlatformApplicationArn");
  if (!scope) return scope.error();
  bool exists = b.state.read(*scope, [&](const SnsState& s) { return s.applications.count(in.platform_application_arn) > 0; });
  if (!exists || scope->region != ctx.region()) return Unit{};  // idempotent, as on AWS
  b.state.write(*scope, [&](SnsState& s) {
    s.applications.erase(in.platform_application_arn);
    for (auto it = s.endpoints.begin(); it != s.endpoints.end();)
      it = it->second.application_arn == in.platform_application_arn ? s.endpoints.erase(it) : std::next(it);
  });
  return Unit{};
}

Result<GetPlatformApplicationAttributesResponse> get_platform_application_attributes(
    SnsBackend& b, RequestContext& ctx, const GetPlatformApplicationAttributesInput& in) {
  auto scope = arn_scope(in.platform_application_arn, "PlatformApplicationArn");
  if (!scope) return scope.error();
  return b.state.read(*scope, [&](const SnsState& s) -> Result<GetPlatformApplicationAttributesResponse> {
    auto it = s.applications.find(in.platform_application_arn);
    if (it == s.applications.end() || scope->region != ctx.region()) return make_error(SnsError::kApplicationNotFound);
    GetPlatformApplicationAttributesResponse out;
    out.attributes.emplace();
    for (const auto& [name, value] : it->second.attributes)
      if (!secret(name)) (*out.attributes)[name] = value;
    return out;
  });
}

Result<Unit> set_platform_application_attributes(SnsBackend& b, RequestContext& ctx,
                                                 const SetPlatformApplicationAttributesInput& in) {
  auto scope = arn_scope(in.platform_application_arn, "PlatformApplicationArn");
  if (!scope) return scope.error();
  if (auto error = check_enabled(in.attributes)) return *error;
  bool exists = scope->region == ctx.region() &&
                b.state.read(*scope, [&](const SnsState& s) { return s.applications.count(in.platform_application_arn) > 0; });
  if (!exists) return make_error(SnsError::kApplicationNotFound);
  b.state.write(*scope, [&](SnsState& s) {
    auto it = s.applications.find(in.platform_application_arn);
    if (it == s.applications.end()) return;
    for (const auto& [name, value] : in.attributes) it->second.attributes[name] = value;
  });
  return Unit{};
}

Result<ListPlatformApplicationsResponse> list_platform_applications(SnsBackend& b, RequestContext& ctx,
                                                                    const ListPlatformApplicationsInput& in) {
  auto start = start_key(in.next_token);
  if (!start) return start.error();
  return b.state.read(ctx.scope, [&](const SnsState& s) -> Result<ListPlatformApplicationsResponse> {
    ListPlatformApplicationsResponse out;
    out.platform_applications.emplace();
    for (const ApplicationEntry& app : page<ApplicationEntry>(s.applications, *start, out.next_token,
                                                              [](const ApplicationEntry&) { return true; })) {
      PlatformApplication item;
      item.platform_application_arn = app.arn;
      item.attributes.emplace();
      for (const auto& [name, value] : app.attributes)
        if (!secret(name)) (*item.attributes)[name] = value;
      out.platform_applications->push_back(std::move(item));
    }
    return out;
  });
}

Result<CreateEndpointResponse> create_platform_endpoint(SnsBackend& b, RequestContext& ctx,
                                                        const CreatePlatformEndpointInput& in) {
  auto scope = arn_scope(in.platform_application_arn, "PlatformApplicationArn");
  if (!scope) return scope.error();
  if (in.token.empty()) return invalid("Token");
  std::map<std::string, std::string> attributes = in.attributes.value_or(std::map<std::string, std::string>{});
  if (auto error = check_endpoint_attributes(attributes)) return *error;
  if (in.custom_user_data) attributes["CustomUserData"] = *in.custom_user_data;
  attributes["Token"] = in.token;
  if (!attributes.count("Enabled")) attributes["Enabled"] = "true";
  bool exists = scope->region == ctx.region() &&
                b.state.read(*scope, [&](const SnsState& s) { return s.applications.count(in.platform_application_arn) > 0; });
  if (!exists) return make_error(SnsError::kApplicationNotFound);
  return b.state.write(*scope, [&](SnsState& s) -> Result<CreateEndpointResponse> {
    auto app = s.applications.find(in.platform_application_arn);
    if (app == s.applications.end()) return make_error(SnsError::kApplicationNotFound);
    CreateEndpointResponse out;
    // The same token is the same endpoint: idempotent when the attributes agree.
    for (const auto& [arn, endpoint] : s.endpoints) {
      if (endpoint.application_arn != app->first || endpoint.attributes.at("Token") != in.token) continue;
      if (endpoint.attributes != attributes)
        return invalid("Token Reason: Endpoint " + arn + " already exists with the same Token, but different attributes.");
      out.endpoint_arn = arn;
      return out;
    }
    EndpointEntry e;
    e.arn = sns_arn(*scope, "endpoint/" + app->second.platform + "/" + app->second.name + "/" + new_uuid());
    e.application_arn = app->first;
    e.attributes = std::move(attributes);
    out.endpoint_arn = e.arn;
    s.endpoints.emplace(e.arn, std::move(e));
    return out;
  });
}

Result<Unit> delete_endpoint(SnsBackend& b, RequestContext& ctx, const DeleteEndpointInput& in) {
  auto scope = arn_scope(in.endpoint_arn, "EndpointArn");
  if (!scope) return scope.error();
  bool exists = b.state.read(*scope, [&](const SnsState& s) { return s.endpoints.count(in.endpoint_arn) > 0; });
  if (!exists || scope->region != ctx.region()) return Unit{};  // idempotent, as on AWS
  b.state.write(*scope, [&](SnsState& s) { s.endpoints.erase(in.endpoint_arn); });
  return Unit{};
}

Result<GetEndpointAttributesResponse> get_endpoint_attributes(SnsBackend& b, RequestContext& ctx,
                                                              const GetEndpointAttributesInput& in) {
  auto scope = arn_scope(in.endpoint_arn, "EndpointArn");
  if (!scope) return scope.error();
  return b.state.read(*scope, [&](const SnsState& s) -> Result<GetEndpointAttributesResponse> {
    auto it = s.endpoints.find(in.endpoint_arn);
    if (it == s.endpoints.end() || scope->region != ctx.region()) return make_error(SnsError::kEndpointNotFound);
    GetEndpointAttributesResponse out;
    out.attributes = it->second.attributes;
    return out;
  });
}

Result<Unit> set_endpoint_attributes(SnsBackend& b, RequestContext& ctx, const SetEndpointAttributesInput& in) {
  auto scope = arn_scope(in.endpoint_arn, "EndpointArn");
  if (!scope) return scope.error();
  if (auto error = check_endpoint_attributes(in.attributes)) return *error;
  bool exists = scope->region == ctx.region() &&
                b.state.read(*scope, [&](const SnsState& s) { return s.endpoints.count(in.endpoint_arn) > 0; });
  if (!exists) return make_error(SnsError::kEndpointNotFound);
  b.state.write(*scope, [&](SnsState& s) {
    auto it = s.endpoints.find(in.endpoint_arn);
    if (it == s.endpoints.end()) return;
    for (const auto& [name, value] : in.attributes) it->second.attributes[name] = value;
  });
  return Unit{};
}

Result<ListEndpointsByPlatformApplicationResponse> list_endpoints_by_platform_application(
    SnsBackend& b, RequestContext& ctx, const ListEndpointsByPlatformApplicationInput& in) {
  auto scope = arn_scope(in.platform_application_arn, "PlatformApplicationArn");
  if (!scope) return scope.error();
  auto start = start_key(in.next_token);
  if (!start) return start.error();
  return b.state.read(*scope, [&](const SnsState& s) -> Result<ListEndpointsByPlatformApplicationResponse> {
    if (!s.applications.count(in.platform_application_arn) || scope->region != ctx.region())
      return make_error(SnsError::kApplicationNotFound);
    ListEndpointsByPlatformApplicationResponse out;
    out.endpoints.emplace();
    auto keep = [&](const EndpointEntry& e) { return e.application_arn == in.platform_application_arn; };
    for (const EndpointEntry& e : page<EndpointEntry>(s.endpoints, *start, out.next_token, keep))
      out.endpoints->push_back(Endpoint{e.arn, e.attributes});
    return out;
  });
}

}  // namespace rime::sns
