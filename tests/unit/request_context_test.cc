// RequestContext: DESIGN.md's account and region rules (12-digit key = account, else the default;
// scope region, else the default) and the CredentialResolver hook for STS-issued keys.
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "core/request_context.h"

using namespace rime;

namespace {

Headers signed_headers(const std::string& access_key, const std::string& region, const std::string& service = "sqs") {
  Headers h;
  h.add("Authorization", "AWS4-HMAC-SHA256 Credential=" + access_key + "/20260101/" + region + "/" + service +
                             "/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc");
  return h;
}

// Resolves keys it "issued" (prefix ASIA) to a fixed account and counts how often it is asked.
class FakeResolver : public CredentialResolver {
 public:
  std::optional<std::string> account_for(const std::string& access_key) const override {
    ++calls;
    if (access_key.starts_with("ASIA")) return std::string("210987654321");
    return std::nullopt;
  }
  mutable int calls = 0;
};

}  // namespace

// A 12-digit access key is the account itself; anything else is the configured default.
TEST_CASE("account: 12-digit key is the account", "[core][request_context]") {
  Defaults d;
  CHECK(account_for_access_key("111122223333", d) == "111122223333");
  CHECK(account_for_access_key("000000000000", d) == "000000000000");
  CHECK(account_for_access_key("AKIAIOSFODNN7EXAMPLE", d) == "123456789012");
  CHECK(account_for_access_key("test", d) == "123456789012");
  CHECK(account_for_access_key("11112222333", d) == "123456789012");    // 11 digits
  CHECK(account_for_access_key("1111222233334", d) == "123456789012");  // 13 digits
  CHECK(account_for_access_key("11112222333a", d) == "123456789012");
  CHECK(account_for_access_key("", d) == "123456789012");
  Defaults custom{"999988887777", "eu-west-1"};
  CHECK(account_for_access_key("AKIAIOSFODNN7EXAMPLE", custom) == "999988887777");
}

// STS-issued keys resolve through the resolver; 12-digit keys never need it.
TEST_CASE("account: resolver consulted for non-12-digit keys", "[core][request_context]") {
  Defaults d;
  FakeResolver resolver;
  CHECK(account_for_access_key("ASIAEXAMPLE", d, &resolver) == "210987654321");
  CHECK(resolver.calls == 1);
  CHECK(account_for_access_key("AKIAEXAMPLE", d, &resolver) == "123456789012");
  CHECK(resolver.calls == 2);
  CHECK(account_for_access_key("111122223333", d, &resolver) == "111122223333");
  CHECK(resolver.calls == 2);
}

// The whole derivation from headers: account from the key, region from the scope.
TEST_CASE("context: account and region from the SigV4 scope", "[core][request_context]") {
  Defaults d;
  auto ctx = make_request_context(signed_headers("111122223333", "eu-central-1"), "", d);
  REQUIRE(ctx.credential);
  CHECK(ctx.account() == "111122223333");
  CHECK(ctx.region() == "eu-central-1");
  CHECK(ctx.credential->service == "sqs");

  ctx = make_request_context(signed_headers("AKIAIOSFODNN7EXAMPLE", "ap-southeast-2"), "", d);
  CHECK(ctx.account() == "123456789012");
  CHECK(ctx.region() == "ap-southeast-2");
}

// Unsigned requests act in the configured defaults.
TEST_CASE("context: unsigned request uses the defaults", "[core][request_context]") {
  Defaults d{"999988887777", "sa-east-1"};
  auto ctx = make_request_context(Headers{}, "", d);
  CHECK_FALSE(ctx.credential);
  CHECK(ctx.account() == "999988887777");
  CHECK(ctx.region() == "sa-east-1");
}

// A scope region that is not a region name (path tricks, upper case) must not become a state key.
TEST_CASE("context: invalid scope region falls back to the default", "[core][request_context]") {
  Defaults d{"123456789012", "us-west-2"};
  for (std::string region : {"US-EAST-1", "..", "us_east_1", "us-east-1/../x", "-us-east-1", "useast1"}) {
    INFO(region);
    Headers h;
    h.add("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/" + region +
                               "/sqs/aws4_request, SignedHeaders=host, Signature=abc");
    auto ctx = make_request_context(h, "", d);
    CHECK(ctx.region() == "us-west-2");
  }
}

// Presigned URLs carry the scope in the query; the same rules apply.
TEST_CASE("context: presigned query scope", "[core][request_context]") {
  Defaults d;
  auto ctx = make_request_context(
      Headers{},
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=444455556666%2F20260101%2Fus-west-1%2Fs3%2Faws4_request",
      d);
  REQUIRE(ctx.credential);
  CHECK(ctx.account() == "444455556666");
  CHECK(ctx.region() == "us-west-1");
}

// The resolver is used by make_request_context too (STS AssumeRole credentials).
TEST_CASE("context: resolver maps session keys to their account", "[core][request_context]") {
  Defaults d;
  FakeResolver resolver;
  auto ctx = make_request_context(signed_headers("ASIAXYZ", "us-east-1"), "", d, &resolver);
  CHECK(ctx.account() == "210987654321");
  CHECK(resolver.calls == 1);
}

// Every request gets a fresh UUID request id (AWS's x-amzn-RequestId form).
TEST_CASE("context: request id is a UUID and differs per request", "[core][request_context]") {
  Defaults d;
  auto a = make_request_context(Headers{}, "", d);
  auto b = make_request_context(Headers{}, "", d);
  static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  CHECK(std::regex_match(a.request_id, uuid));
  CHECK(a.request_id != b.request_id);
}
