// SigV4 parsing: who signed a request and for which region and service, from the Authorization
// header or from presigned X-Amz-* query parameters. rime does not verify signatures (like the
// emulators it replaces); it reads the credential scope to route and to pick account and region.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/headers.h"

namespace rime {

struct SigV4Credential {
  std::string access_key;
  std::string date;      // yyyymmdd from the scope
  std::string region;
  std::string service;   // signing name
  std::string amz_date;  // X-Amz-Date (basic ISO 8601), when present
  std::string signed_headers;
  std::string signature;
  std::string security_token;  // X-Amz-Security-Token, when present
  bool presigned = false;
  long expires_seconds = 0;    // X-Amz-Expires for presigned URLs
};

/// Parses "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sqs/aws4_request, SignedHeaders=..,
/// Signature=..". Returns nullopt for other schemes or a malformed credential.
std::optional<SigV4Credential> parse_authorization_header(std::string_view value);

/// Parses presigned-URL parameters from a raw query string (X-Amz-Algorithm=AWS4-HMAC-SHA256 ...).
std::optional<SigV4Credential> parse_presigned_query(std::string_view raw_query);

/// Tries the Authorization header, then the query; fills token and date from headers when present.
std::optional<SigV4Credential> parse_sigv4(const Headers& headers, std::string_view raw_query);

}  // namespace rime
