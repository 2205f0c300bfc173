// SigV4 parsing: the credential scope from an Authorization header or a presigned URL, in the
// shapes SDKs and hand-written clients send, and rejection of everything that is not SigV4.
#include <catch2/catch.hpp>

#include <string>

#include "core/sigv4.h"

using namespace rime;

namespace {
constexpr const char* kScope = "AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request";
}

// The canonical form every AWS SDK sends (", " between components).
TEST_CASE("authorization header: SDK form", "[core][sigv4]") {
  auto cred = parse_authorization_header(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  REQUIRE(cred);
  CHECK(cred->access_key == "AKIDEXAMPLE");
  CHECK(cred->date == "20260101");
  CHECK(cred->region == "us-east-1");
  CHECK(cred->service == "sqs");
  CHECK(cred->signed_headers == "host;x-amz-date");
  CHECK(cred->signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  CHECK_FALSE(cred->presigned);
}

// Hand-written clients vary the separators and the order; the scope must still be read.
TEST_CASE("authorization header: separator and order variants", "[core][sigv4]") {
  const char* variants[] = {
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request,SignedHeaders=host,Signature=abc",
      "AWS4-HMAC-SHA256 Signature=abc, Credential=AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host",
      "AWS4-HMAC-SHA256 SignedHeaders=host,Signature=abc,Credential=AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request",
      "AWS4-HMAC-SHA256   Credential=AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request ,  SignedHeaders=host , Signature=abc",
      "  AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc  ",
      "AWS4-HMAC-SHA256\tCredential=AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request,\tSignedHeaders=host,\tSignature=abc",
  };
  for (const char* v : variants) {
    INFO(v);
    auto cred = parse_authorization_header(v);
    REQUIRE(cred);
    CHECK(cred->access_key == "AKIDEXAMPLE");
    CHECK(cred->region == "us-east-1");
    CHECK(cred->service == "sqs");
    CHECK(cred->signed_headers == "host");
    CHECK(cred->signature == "abc");
  }
}

// Other schemes (SigV2 "AWS AKID:sig", bearer, SigV4a) carry no SigV4 scope.
TEST_CASE("authorization header: other schemes are not SigV4", "[core][sigv4]") {
  CHECK_FALSE(parse_authorization_header("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="));
  CHECK_FALSE(parse_authorization_header("Bearer token"));
  CHECK_FALSE(parse_authorization_header(""));
  CHECK_FALSE(parse_authorization_header("AWS4-HMAC-SHA256"));
  CHECK_FALSE(parse_authorization_header("AWS4-ECDSA-P256-SHA256 Credential=AKID/20260101/s3/aws4_request, "
                                         "SignedHeaders=host, Signature=abc"));
  // The algorithm must be its own token, not a prefix of another word.
  CHECK_FALSE(parse_authorization_header(std::string("AWS4-HMAC-SHA256Credential=") + kScope +
                                         ", SignedHeaders=host, Signature=abc"));
  CHECK_FALSE(parse_authorization_header(std::string("AWS4-HMAC-SHA256X Credential=") + kScope +
                                         ", SignedHeaders=host, Signature=abc"));
}

// Without a well-formed Credential there is no scope to route or pick an account by.
TEST_CASE("authorization header: missing or malformed credential", "[core][sigv4]") {
  CHECK_FALSE(parse_authorization_header("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc"));
  CHECK_FALSE(parse_authorization_header("AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=abc"));
  CHECK_FALSE(parse_authorization_header("AWS4-HMAC-SHA256 Credential"));
  const char* bad_scopes[] = {
      "AKIDEXAMPLE/20260101/us-east-1/sqs",                   // four parts
      "AKIDEXAMPLE/20260101/us-east-1/aws4_request",          // service missing
      "AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_reques",       // wrong terminator
      "AKIDEXAMPLE/20260101/us-east-1/sqs/aws4_request2",     // wrong terminator
      "AKIDEXAMPLE/20260101/us-east-1/sqs/AWS4_REQUEST",      // terminator is case-sensitive
      "AKIDEXAMPLE/20260101/us-east-1/sqs/extra/aws4_request",  // six parts
      "/20260101/us-east-1/sqs/aws4_request",                 // empty access key
      "AKIDEXAMPLE/2026011/us-east-1/sqs/aws4_request",       // 7-digit date
      "AKIDEXAMPLE/202601011/us-east-1/sqs/aws4_request",     // 9-digit date
      "AKIDEXAMPLE/20260101//sqs/aws4_request",               // empty region
      "AKIDEXAMPLE/20260101/us-east-1//aws4_request",         // empty service
      "AKIDEXAMPLE/2026-1-1/us-east-1/sqs/aws4_request",      // date not yyyymmdd digits
      "AKIDEXAMPLE/2026ab01/us-east-1/sqs/aws4_request",      // date not yyyymmdd digits
  };
  for (const char* scope : bad_scopes) {
    INFO(scope);
    CHECK_FALSE(parse_authorization_header(std::string("AWS4-HMAC-SHA256 Credential=") + scope +
                                           ", SignedHeaders=host, Signature=abc"));
  }
}

// Presigned URLs (S3 GetObject links) percent-encode the credential's slashes.
TEST_CASE("presigned query: full parameter set", "[core][sigv4]") {
  auto cred = parse_presigned_query(
      "X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20260101T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
      "&X-Amz-Security-Token=FQoGZXIvYXdzE%2BTOKEN%2Fx%3D%3D"
      "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  REQUIRE(cred);
  CHECK(cred->presigned);
  CHECK(cred->access_key == "AKIDEXAMPLE");
  CHECK(cred->date == "20260101");
  CHECK(cred->region == "us-east-1");
  CHECK(cred->service == "s3");
  CHECK(cred->amz_date == "20260101T120000Z");
  CHECK(cred->expires_seconds == 3600);
  CHECK(cred->signed_headers == "host");
  CHECK(cred->security_token == "FQoGZXIvYXdzE+TOKEN/x==");
  CHECK(cred->signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

// Query parameter order is free, and other parameters (versionId, response-*) may be mixed in.
TEST_CASE("presigned query: any order, unrelated parameters", "[core][sigv4]") {
  auto cred = parse_presigned_query(
      "versionId=3&X-Amz-Signature=abc&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Feu-west-2%2Fs3%2Faws4_request"
      "&response-content-type=text%2Fplain&X-Amz-Algorithm=AWS4-HMAC-SHA256");
  REQUIRE(cred);
  CHECK(cred->region == "eu-west-2");
  CHECK(cred->service == "s3");
  CHECK(cred->expires_seconds == 0);
  CHECK(cred->security_token.empty());
}

// Without X-Amz-Algorithm (or with another one) the query is not a SigV4 presign.
TEST_CASE("presigned query: algorithm and credential required", "[core][sigv4]") {
  CHECK_FALSE(parse_presigned_query("X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
                                    "&X-Amz-Signature=abc"));
  CHECK_FALSE(parse_presigned_query("X-Amz-Algorithm=AWS4-HMAC-SHA1"
                                    "&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"));
  CHECK_FALSE(parse_presigned_query("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc"));
  CHECK_FALSE(parse_presigned_query("X-Amz-Algorithm=AWS4-HMAC-SHA256"
                                    "&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fs3"));
  // SigV2 presign (AWSAccessKeyId/Signature/Expires) is not SigV4.
  CHECK_FALSE(parse_presigned_query("AWSAccessKeyId=AKIDEXAMPLE&Expires=1700000000&Signature=abc"));
  CHECK_FALSE(parse_presigned_query(""));
}

// The header is how SDKs sign; a query that merely looks presigned must not override it.
TEST_CASE("parse_sigv4: header beats query", "[core][sigv4]") {
  Headers h;
  h.add("Authorization", std::string("AWS4-HMAC-SHA256 Credential=") + kScope + ", SignedHeaders=host, Signature=abc");
  auto cred = parse_sigv4(
      h, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=OTHER%2F20260101%2Feu-west-1%2Fs3%2Faws4_request");
  REQUIRE(cred);
  CHECK(cred->access_key == "AKIDEXAMPLE");
  CHECK(cred->region == "us-east-1");
  CHECK(cred->service == "sqs");
  CHECK_FALSE(cred->presigned);
}

// Without an Authorization header the presigned query is used.
TEST_CASE("parse_sigv4: query when there is no header", "[core][sigv4]") {
  Headers h;
  auto cred = parse_sigv4(
      h, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=OTHER%2F20260101%2Feu-west-1%2Fs3%2Faws4_request");
  REQUIRE(cred);
  CHECK(cred->presigned);
  CHECK(cred->access_key == "OTHER");
  CHECK(cred->region == "eu-west-1");
  CHECK_FALSE(parse_sigv4(h, ""));
  CHECK_FALSE(parse_sigv4(h, "list-type=2&prefix=a"));
}

// SDKs send the date and the session token as headers beside Authorization; names are case-insensitive.
TEST_CASE("parse_sigv4: x-amz-date and x-amz-security-token from headers", "[core][sigv4]") {
  Headers h;
  h.add("authorization", std::string("AWS4-HMAC-SHA256 Credential=") + kScope + ", SignedHeaders=host, Signature=abc");
  h.add("X-Amz-Date", "20260101T000102Z");
  h.add("X-AMZ-SECURITY-TOKEN", "session/token+==");
  auto cred = parse_sigv4(h, "");
  REQUIRE(cred);
  CHECK(cred->amz_date == "20260101T000102Z");
  CHECK(cred->security_token == "session/token+==");

  Headers bare;
  bare.add("Authorization", std::string("AWS4-HMAC-SHA256 Credential=") + kScope + ", SignedHeaders=host, Signature=abc");
  auto plain = parse_sigv4(bare, "");
  REQUIRE(plain);
  CHECK(plain->amz_date.empty());
  CHECK(plain->security_token.empty());
}

// A non-SigV4 Authorization header (SigV2) is not a credential; the request is then unsigned.
TEST_CASE("parse_sigv4: SigV2 header yields no credential", "[core][sigv4]") {
  Headers h;
  h.add("Authorization", "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=");
  CHECK_FALSE(parse_sigv4(h, ""));
}
