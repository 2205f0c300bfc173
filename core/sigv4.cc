#include "core/sigv4.h"

#include <charconv>

#include "core/uri.h"

namespace rime {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "AKID/20260101/us-east-1/sqs/aws4_request"
bool parse_scope(std::string_view credential, SigV4Credential& out) {
  std::string_view parts[5];
  for (int i = 0; i < 4; ++i) {
    auto slash = credential.find('/');
    if (slash == std::string_view::npos) return false;
    parts[i] = credential.substr(0, slash);
    credential.remove_prefix(slash + 1);
  }
  parts[4] = credential;
  if (parts[0].empty() || parts[1].size() != 8 || parts[2].empty() || parts[3].empty() ||
      parts[4] != "aws4_request")
    return false;
  for (char c : parts[1])
    if (c < '0' || c > '9') return false;
  out.access_key.assign(parts[0]);
  out.date.assign(parts[1]);
  out.region.assign(parts[2]);
  out.service.assign(parts[3]);
  return true;
}

}  // namespace

std::optional<SigV4Credential> parse_authorization_header(std::string_view value) {
  value = trim(value);
  if (!value.starts_with(kAlgorithm)) return std::nullopt;
  value.remove_prefix(kAlgorithm.size());
  if (value.empty() || (value.front() != ' ' && value.front() != '\t')) return std::nullopt;
  SigV4Credential cred;
  bool have_scope = false;
  // Components are separated by ',' with optional spaces; order is not fixed.
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view part = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(part.substr(0, eq)), val = trim(part.substr(eq + 1));
    if (key == "Credential") have_scope = parse_scope(val, cred);
    else if (key == "SignedHeaders") cred.signed_headers.assign(val);
    else if (key == "Signature") cred.signature.assign(val);
  }
  if (!have_scope) return std::nullopt;
  return cred;
}

std::optional<SigV4Credential> parse_presigned_query(std::string_view raw_query) {
  if (raw_query.find("X-Amz-Credential=") == std::string_view::npos) return std::nullopt;
  auto params = parse_query(raw_query, false);
  const std::string* algorithm = find_param(params, "X-Amz-Algorithm");
  const std::string* credential = find_param(params, "X-Amz-Credential");
  if (!algorithm || *algorithm != kAlgorithm || !credential) return std::nullopt;
  SigV4Credential cred;
  if (!parse_scope(*credential, cred)) return std::nullopt;
  cred.presigned = true;
  if (auto* v = find_param(params, "X-Amz-Date")) cred.amz_date = *v;
  if (auto* v = find_param(params, "X-Amz-SignedHeaders")) cred.signed_headers = *v;
  if (auto* v = find_param(params, "X-Amz-Signature")) cred.signature = *v;
  if (auto* v = find_param(params, "X-Amz-Security-Token")) cred.security_token = *v;
  if (auto* v = find_param(params, "X-Amz-Expires")) {
    long seconds = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
    if (ec == std::errc() && ptr == v->data() + v->size()) cred.expires_seconds = seconds;
  }
  return cred;
}

std::optional<SigV4Credential> parse_sigv4(const Headers& headers, std::string_view raw_query) {
  std::optional<SigV4Credential> cred;
  if (const std::string* auth = headers.find("authorization")) cred = parse_authorization_header(*auth);
  if (!cred && !raw_query.empty()) cred = parse_presigned_query(raw_query);
  if (!cred) return std::nullopt;
  if (!cred->presigned) {
    if (const std::string* d = headers.find("x-amz-date")) cred->amz_date = *d;
    if (const std::string* t = headers.find("x-amz-security-token")) cred->security_token = *t;
  }
  return cred;
}

}  // namespace rime
