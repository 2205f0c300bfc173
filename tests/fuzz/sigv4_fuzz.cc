// SigV4 parsing (core/sigv4.h) and what the dispatcher derives from it (core/request_context.h):
// the Authorization header, presigned-URL query parameters, and the request context (account,
// region) built from both. Input: "<authorization header value>\n<raw query string>\n<headers>",
// where the optional third part is "Name: value" lines (x-amz-date, x-amz-security-token, ...).
//
// Invariants: a parsed credential has a non-empty access key, region and service, an 8-digit
// date, and a presigned flag that matches where it came from; the context's account is 12
// digits and its region non-empty.
#include <string>
#include <string_view>

#include "core/request_context.h"
#include "core/sigv4.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using namespace rime;

void check_credential(const SigV4Credential& c, bool presigned) {
  RIME_FUZZ_CHECK(!c.access_key.empty() && !c.region.empty() && !c.service.empty(), c.access_key);
  RIME_FUZZ_CHECK(c.date.size() == 8, c.date);
  for (char ch : c.date) RIME_FUZZ_CHECK(ch >= '0' && ch <= '9', c.date);
  RIME_FUZZ_CHECK(c.presigned == presigned, "presigned flag");
}

std::string_view take_line(std::string_view& text) {
  auto nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  return line;
}

struct NoResolver final : CredentialResolver {
  std::optional<std::string> account_for(const std::string& key) const override {
    if (key.starts_with("ASIA") && key.size() > 4) return std::string("111122223333");
    return std::nullopt;
  }
};

}  // namespace

RIME_FUZZ_TARGET(sigv4) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view auth = take_line(text);
  std::string_view query = take_line(text);

  if (auto c = parse_authorization_header(auth)) check_credential(*c, false);
  if (auto c = parse_presigned_query(query)) check_credential(*c, true);
  // The whole input as either, too: no framing assumptions.
  std::string_view whole(reinterpret_cast<const char*>(data), size);
  if (auto c = parse_authorization_header(whole)) check_credential(*c, false);
  if (auto c = parse_presigned_query(whole)) check_credential(*c, true);

  Headers headers;
  headers.add("Authorization", std::string(auth));
  while (!text.empty()) {
    std::string_view line = take_line(text);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
  if (auto c = parse_sigv4(headers, query)) check_credential(*c, c->presigned);

  static const NoResolver resolver;
  Defaults defaults;
  for (const CredentialResolver* r : {static_cast<const CredentialResolver*>(nullptr),
                                      static_cast<const CredentialResolver*>(&resolver)}) {
    RequestContext ctx = make_request_context(headers, query, defaults, r);
    RIME_FUZZ_CHECK(ctx.account().size() == 12, ctx.account());
    for (char ch : ctx.account()) RIME_FUZZ_CHECK(ch >= '0' && ch <= '9', ctx.account());
    RIME_FUZZ_CHECK(!ctx.region().empty(), "empty region");
  }
  return 0;
}
