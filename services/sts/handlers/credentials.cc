// The operations that issue temporary credentials: AssumeRole, AssumeRoleWithWebIdentity,
// AssumeRoleWithSAML, GetSessionToken, GetFederationToken, AssumeRoot. Length, range and
// pattern limits are enforced by the protocol layer from the model before these run.
#include <cmath>

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/arn.h"
#include "core/json.h"
#include "protocols/xml.h"
#include "services/sts/errors.h"
#include "services/sts/handlers/handlers.h"

namespace rime::sts {
namespace {

constexpr std::int64_t kDefaultRoleSeconds = 3600;
constexpr std::int64_t kRoleChainingMaxSeconds = 3600;
constexpr std::int64_t kDefaultTokenSeconds = 43200;  // GetSessionToken, GetFederationToken
constexpr std::int64_t kRootTokenMaxSeconds = 3600;   // the same, called with root credentials
constexpr std::int64_t kAssumeRootSeconds = 900;
constexpr std::size_t kPackedPolicyLimit = 2048;      // bytes of packed session policy and tags

std::string partition(const RequestContext& ctx) { return std::string(partition_for_region(ctx.region())); }

Credentials to_output(const IssuedCredential& c) {
  Credentials out;
  out.access_key_id = c.access_key_id;
  out.secret_access_key = c.secret_access_key;
  out.session_token = c.session_token;
  out.expiration = proto::Timestamp{c.expiration_ms};
  return out;
}

// Records the credentials in the caller's scope and in the process-wide key index.
Credentials issue(StsBackend& b, const RequestContext& ctx, Identity identity, std::int64_t seconds) {
  IssuedCredential c = issue_credentials(std::move(identity), seconds);
  b.state.write(ctx.scope, [&](StsState& s) { s.credentials[c.access_key_id] = c; });
  b.index.put(c);
  return to_output(c);
}

bool is_session_identity(const Identity& who) { return who.kind != IdentityKind::kRoot; }

// The session policy must be JSON; its packed size with the session tags, as a percentage of
// AWS's limit, is what the response reports and what may not exceed 100.
Result<std::optional<std::int32_t>> packed_policy_size(const std::optional<std::string>& policy,
                                                       const std::optional<std::vector<Tag>>& tags) {
  std::size_t bytes = 0;
  if (policy) {
    rapidjson::Document doc;
    std::string error;
    if (!parse_json(*policy, doc, error) || !doc.IsObject()) return make_error(StsError::kMalformedPolicyDocument);
    rapidjson::StringBuffer compact;
    rapidjson::Writer<rapidjson::StringBuffer> writer(compact);
    doc.Accept(writer);
    bytes += compact.GetSize();
  }
  if (tags)
    for (const Tag& tag : *tags) bytes += tag.key.size() + tag.value.size();
  if (!policy && !tags) return std::optional<std::int32_t>{};
  auto percent = static_cast<std::int32_t>(std::ceil(100.0 * static_cast<double>(bytes) / kPackedPolicyLimit));
  if (percent > 100) return make_error(StsError::kPackedPolicyTooLarge, std::to_string(percent));
  return std::optional<std::int32_t>{percent};
}

struct Role {
  std::string account, name, arn;
};

// arn:aws:iam::111122223333:role/path/name -> (111122223333, name).
std::optional<Role> parse_role_arn(const std::string& text) {
  auto arn = Arn::parse(text);
  if (!arn || arn->service != "iam" || !is_account_id(arn->account) || !arn->resource.starts_with("role/") ||
      arn->resource.size() <= 5)
    return std::nullopt;
  return Role{arn->account, arn->resource.substr(arn->resource.rfind('/') + 1), text};
}

Identity assumed_role_identity(const RequestContext& ctx, const Role& role, const std::string& session) {
  Identity who;
  who.kind = IdentityKind::kAssumedRole;
  who.account = role.account;
  who.arn = "arn:" + partition(ctx) + ":sts::" + role.account + ":assumed-role/" + role.name + "/" + session;
  who.user_id = role_unique_id(role.arn) + ":" + session;
  return who;
}

AssumedRoleUser assumed_role_user(const Identity& who) {
  AssumedRoleUser user;
  user.assumed_role_id = who.user_id;
  user.arn = who.arn;
  return user;
}

std::optional<std::string> base64url_decode(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (text.size() % 4) text.push_back('=');
  return base64_decode(text);
}

std::string sha1_base64(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha1(), nullptr);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

// SAML elements are namespaced with whatever prefix the IdP chose: they are matched by local name.
const xml::Element* find_descendant(const xml::Element& root, std::string_view name, int depth = 0) {
  if (depth > 32) return nullptr;
  for (const xml::Element& e : root.children) {
    if (e.local_name() == name) return &e;
    if (auto* found = find_descendant(e, name, depth + 1)) return found;
  }
  return nullptr;
}

// The first non-empty AttributeValue of the saml:Attribute whose Name is `name`.
std::optional<std::string> saml_attribute(const xml::Element& e, std::string_view name, int depth = 0) {
  if (depth > 32) return std::nullopt;
  for (const xml::Element& child : e.children) {
    const std::string* attr = child.attribute("Name");
    if (child.local_name() == "Attribute" && attr && name == *attr) {
      for (const xml::Element& value : child.children)
        if (value.local_name() == "AttributeValue" && !value.text.empty()) return value.text;
      return std::nullopt;
    }
    if (auto found = saml_attribute(child, name, depth + 1)) return found;
  }
  return std::nullopt;
}

}  // namespace

Result<AssumeRoleResponse> assume_role(StsBackend& b, RequestContext& ctx, const AssumeRoleRequest& in) {
  auto role = parse_role_arn(in.role_arn);
  if (!role) return make_error(StsError::kInvalidRoleArn);
  Identity caller = caller_identity(b, ctx);
  if (caller.kind == IdentityKind::kAssumedRole && in.duration_seconds && *in.duration_seconds > kRoleChainingMaxSeconds)
    return make_error(StsError::kDurationExceedsRoleChaining);
  auto packed = packed_policy_size(in.policy, in.tags);
  if (!packed) return packed.error();
  Identity who = assumed_role_identity(ctx, *role, in.role_session_name);
  AssumeRoleResponse out;
  out.credentials = issue(b, ctx, who, in.duration_seconds.value_or(kDefaultRoleSeconds));
  out.assumed_role_user = assumed_role_user(who);
  out.packed_policy_size = *packed;
  out.source_identity = in.source_identity;
  return out;
}

Result<AssumeRoleWithWebIdentityResponse> assume_role_with_web_identity(StsBackend& b, RequestContext& ctx,
                                                                        const AssumeRoleWithWebIdentityRequest& in) {
  auto role = parse_role_arn(in.role_arn);
  if (!role) return make_error(StsError::kInvalidRoleArn);
  // An OpenID Connect token is a JWT: header.payload.signature, the payload base64url JSON.
  std::string_view token = in.web_identity_token;
  auto first = token.find('.'), second = token.find('.', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos)
    return make_error(StsError::kInvalidIdentityToken);
  auto payload = base64url_decode(std::string(token.substr(first + 1, second - first - 1)));
  rapidjson::Document claims;
  std::string error;
  if (!payload || !parse_json(*payload, claims, error) || !claims.IsObject())
    return make_error(StsError::kInvalidIdentityToken);
  auto claim = [&](const char* name) -> std::optional<std::string> {
    const rapidjson::Value* v = json_member(claims, name);
    if (v && v->IsString()) return std::string(v->GetString(), v->GetStringLength());
    if (v && v->IsArray() && !v->Empty() && (*v)[0].IsString()) return std::string((*v)[0].GetString());
    return std::nullopt;
  };
  auto packed = packed_policy_size(in.policy, std::nullopt);
  if (!packed) return packed.error();
  Identity who = assumed_role_identity(ctx, *role, in.role_session_name);
  AssumeRoleWithWebIdentityResponse out;
  out.credentials = issue(b, ctx, who, in.duration_seconds.value_or(kDefaultRoleSeconds));
  out.assumed_role_user = assumed_role_user(who);
  out.subject_from_web_identity_token = claim("sub");
  out.audience = claim("aud");
  // OIDC tokens name their issuer; OAuth 2.0 access tokens come with ProviderId instead.
  out.provider = in.provider_id ? in.provider_id : claim("iss");
  out.packed_policy_size = *packed;
  return out;
}

Result<AssumeRoleWithSAMLResponse> assume_role_with_saml(StsBackend& b, RequestContext& ctx,
                                                         const AssumeRoleWithSAMLRequest& in) {
  auto role = parse_role_arn(in.role_arn);
  if (!role) return make_error(StsError::kInvalidRoleArn);
  auto provider = Arn::parse(in.principal_arn);
  if (!provider || provider->service != "iam" || !provider->resource.starts_with("saml-provider/"))
    return make_error(StsError::kInvalidRoleArn);
  auto assertion = base64_decode(in.saml_assertion);
  if (!assertion) return make_error(StsError::kInvalidSamlAssertion, "it is not base64");
  xml::ParsedDocument doc = xml::parse(*assertion);
  if (!doc.root) return make_error(StsError::kInvalidSamlAssertion, "it is not XML");
  const xml::Element& root = *doc.root;
  auto text_of = [](const xml::Element* e) { return e ? e->text : std::string(); };
  std::string issuer = text_of(root.local_name() == "Issuer" ? &root : find_descendant(root, "Issuer"));
  const xml::Element* name_id = find_descendant(root, "NameID");
  auto session = saml_attribute(root, "https://aws.amazon.com/SAML/Attributes/RoleSessionName");
  if (!session || session->size() < 2 || session->size() > 64)
    return make_error(StsError::kInvalidSamlAssertion, "RoleSessionName attribute is missing or not 2 to 64 characters");
  auto packed = packed_policy_size(in.policy, std::nullopt);
  if (!packed) return packed.error();
  std::int64_t seconds = in.duration_seconds.value_or(kDefaultRoleSeconds);
  if (!in.duration_seconds)
    if (auto duration = saml_attribute(root, "https://aws.amazon.com/SAML/Attributes/SessionDuration"))
      seconds = std::clamp<std::int64_t>(std::atoll(duration->c_str()), 900, 43200);
  Identity who = assumed_role_identity(ctx, *role, *session);
  AssumeRoleWithSAMLResponse out;
  out.credentials = issue(b, ctx, who, seconds);
  out.assumed_role_user = assumed_role_user(who);
  out.packed_policy_size = *packed;
  out.issuer = issuer;
  out.subject = text_of(name_id);
  // SubjectType: the NameID format's short form for persistent/transient, else the full URI.
  const std::string* name_id_format = name_id ? name_id->attribute("Format") : nullptr;
  std::string format = name_id_format ? *name_id_format : "";
  constexpr std::string_view kNameIdPrefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
  out.subject_type = format.starts_with(kNameIdPrefix) ? format.substr(kNameIdPrefix.size()) : format;
  const xml::Element* confirmation = find_descendant(root, "SubjectConfirmationData");
  if (const std::string* recipient = confirmation ? confirmation->attribute("Recipient") : nullptr)
    out.audience = *recipient;
  // AWS documents NameQualifier as BASE64(SHA1(issuer + account id + "/" + provider name)).
  std::string provider_name = provider->resource.substr(provider->resource.find('/') + 1);
  out.name_qualifier = sha1_base64(issuer + role->account + "/" + provider_name);
  return out;
}

Result<GetSessionTokenResponse> get_session_token(StsBackend& b, RequestContext& ctx, const GetSessionTokenRequest& in) {
  Identity caller = caller_identity(b, ctx);
  if (is_session_identity(caller)) return make_error(StsError::kSessionCredentialsNotAllowed, "GetSessionToken");
  // Root credentials get at most an hour (the default then is an hour too).
  std::int64_t seconds = std::min<std::int64_t>(in.duration_seconds.value_or(kRootTokenMaxSeconds), kRootTokenMaxSeconds);
  Identity who = caller;
  who.kind = IdentityKind::kSessionToken;  // acts as the caller, but cannot mint more tokens
  GetSessionTokenResponse out;
  out.credentials = issue(b, ctx, who, seconds);
  return out;
}

Result<GetFederationTokenResponse> get_federation_token(StsBackend& b, RequestContext& ctx,
                                                        const GetFederationTokenRequest& in) {
  Identity caller = caller_identity(b, ctx);
  if (is_session_identity(caller)) return make_error(StsError::kSessionCredentialsNotAllowed, "GetFederationToken");
  auto packed = packed_policy_size(in.policy, in.tags);
  if (!packed) return packed.error();
  std::int64_t seconds = in.duration_seconds.value_or(kDefaultTokenSeconds);
  if (caller.kind == IdentityKind::kRoot) seconds = std::min(seconds, kRootTokenMaxSeconds);
  Identity who;
  who.kind = IdentityKind::kFederatedUser;
  who.account = caller.account;
  who.arn = "arn:" + partition(ctx) + ":sts::" + caller.account + ":federated-user/" + in.name;
  who.user_id = caller.account + ":" + in.name;
  GetFederationTokenResponse out;
  out.credentials = issue(b, ctx, who, seconds);
  FederatedUser user;
  user.federated_user_id = who.user_id;
  user.arn = who.arn;
  out.federated_user = user;
  out.packed_policy_size = *packed;
  return out;
}

Result<AssumeRootResponse> assume_root(StsBackend& b, RequestContext& ctx, const AssumeRootRequest& in) {
  // The target is a member account, by id or by its root ARN.
  std::string target = in.target_principal;
  if (auto arn = Arn::parse(target); arn && arn->resource == "root") target = arn->account;
  if (!is_account_id(target)) return make_error(StsError::kInvalidTargetPrincipal, in.target_principal);
  static constexpr std::string_view kTaskPolicies[] = {
      "IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials",
      "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"};
  std::string policy_arn = in.task_policy_arn.arn.value_or("");
  bool known = false;
  for (std::string_view name : kTaskPolicies)
    known = known || policy_arn == "arn:" + partition(ctx) + ":iam::aws:policy/root-task/" + std::string(name);
  if (!known) return make_error(StsError::kInvalidTaskPolicyArn, policy_arn);
  Identity who;
  who.kind = IdentityKind::kRoot;
  who.account = target;
  who.arn = "arn:" + partition(ctx) + ":iam::" + target + ":root";
  who.user_id = target;
  AssumeRootResponse out;
  out.credentials = issue(b, ctx, who, in.duration_seconds.value_or(kAssumeRootSeconds));
  return out;
}

}  // namespace rime::sts
