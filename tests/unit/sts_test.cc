// STS handlers, errors and views, called directly with typed input.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "core/json.h"
#include "services/sts/errors.h"
#include "services/sts/handlers/handlers.h"
#include "services/sts/views.h"

using namespace rime;
using namespace rime::sts;

namespace {

RequestContext context_for(const std::string& access_key, const std::string& account = "123456789012") {
  RequestContext ctx;
  ctx.request_id = "test";
  ctx.scope = {account, "us-east-1"};
  SigV4Credential cred;
  cred.access_key = access_key;
  ctx.credential = cred;
  return ctx;
}

AssumeRoleRequest role_request(std::string session = "s1") {
  AssumeRoleRequest in;
  in.role_arn = "arn:aws:iam::111122223333:role/path/demo";
  in.role_session_name = std::move(session);
  return in;
}

std::string b64url(const std::string& s) {
  std::string out = base64_encode(s);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

}  // namespace

// Every error the service can raise maps to a code and status AWS uses (exhaustive over the enum).
TEST_CASE("STS error mapping", "[sts][errors]") {
  CHECK(make_error(StsError::kMalformedPolicyDocument).code == "MalformedPolicyDocumentException");
  CHECK(make_error(StsError::kPackedPolicyTooLarge, "120").message.find("120%") != std::string::npos);
  CHECK(make_error(StsError::kInvalidIdentityToken).code == "InvalidIdentityTokenException");
  CHECK(make_error(StsError::kInvalidAuthorizationMessage).code == "InvalidAuthorizationMessageException");
  CHECK(make_error(StsError::kInvalidRoleArn).message == "Request ARN is invalid");
  CHECK(make_error(StsError::kDurationExceedsRoleChaining).code == "ValidationError");
  auto denied = make_error(StsError::kSessionCredentialsNotAllowed, "GetSessionToken");
  CHECK(denied.code == "AccessDenied");
  CHECK(denied.status == 403);
  CHECK(make_error(StsError::kInvalidTaskPolicyArn, "x").code == "ValidationError");
  CHECK(make_error(StsError::kInvalidTargetPrincipal, "x").code == "ValidationError");
  CHECK(make_error(StsError::kInvalidSamlAssertion, "x").code == "InvalidIdentityTokenException");
}

// AssumeRole's identity uses the role name (not its path) and a stable role id.
TEST_CASE("AssumeRole identity and the assumed credentials", "[sts][AssumeRole]") {
  StsBackend backend;
  auto ctx = context_for("test");
  auto first = assume_role(backend, ctx, role_request());
  REQUIRE(first.ok());
  CHECK(first->assumed_role_user->arn == "arn:aws:sts::111122223333:assumed-role/demo/s1");
  CHECK(first->credentials->access_key_id.starts_with("ASIA"));
  CHECK(first->credentials->access_key_id.size() == 20);
  auto second = assume_role(backend, ctx, role_request("s2"));
  REQUIRE(second.ok());
  // Same role, same role id; the session name follows it.
  std::string id1 = first->assumed_role_user->assumed_role_id, id2 = second->assumed_role_user->assumed_role_id;
  CHECK(id1.substr(0, id1.find(':')) == id2.substr(0, id2.find(':')));
  CHECK(id2.ends_with(":s2"));

  auto as_role = context_for(first->credentials->access_key_id);
  auto who = get_caller_identity(backend, as_role, GetCallerIdentityRequest{});
  REQUIRE(who.ok());
  CHECK(*who->account == "111122223333");
  CHECK(*who->user_id == id1);
}

// Role chaining caps sessions at one hour; session credentials cannot mint session tokens.
TEST_CASE("AssumeRole chaining and session-credential limits", "[sts][AssumeRole][GetSessionToken]") {
  StsBackend backend;
  auto ctx = context_for("test");
  auto first = assume_role(backend, ctx, role_request());
  REQUIRE(first.ok());
  auto chained = context_for(first->credentials->access_key_id);
  auto in = role_request("s2");
  in.duration_seconds = 7200;
  auto too_long = assume_role(backend, chained, in);
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().code == "ValidationError");
  in.duration_seconds = 3600;
  CHECK(assume_role(backend, chained, in).ok());
  auto denied = get_session_token(backend, chained, GetSessionTokenRequest{});
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error().code == "AccessDenied");
}

// Session policies must be JSON and fit the packed-size limit.
TEST_CASE("AssumeRole session policy checks", "[sts][AssumeRole]") {
  StsBackend backend;
  auto ctx = context_for("test");
  auto in = role_request();
  in.policy = "not json";
  CHECK(assume_role(backend, ctx, in).error().code == "MalformedPolicyDocumentException");
  in.policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
  auto ok = assume_role(backend, ctx, in);
  REQUIRE(ok.ok());
  REQUIRE(ok->packed_policy_size);
  CHECK(*ok->packed_policy_size > 0);
  CHECK(*ok->packed_policy_size <= 100);
  in.policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":")" +
              std::string(3000, 'a') + R"("}]})";
  CHECK(assume_role(backend, ctx, in).error().code == "PackedPolicyTooLargeException");
}

// Web identity: subject, audience and provider come from the JWT's claims.
TEST_CASE("AssumeRoleWithWebIdentity reads the token's claims", "[sts][AssumeRoleWithWebIdentity]") {
  StsBackend backend;
  auto ctx = context_for("");
  AssumeRoleWithWebIdentityRequest in;
  in.role_arn = "arn:aws:iam::111122223333:role/web";
  in.role_session_name = "app";
  in.web_identity_token = b64url(R"({"alg":"RS256"})") + "." +
                          b64url(R"({"sub":"user-1","aud":"client-9","iss":"https://issuer.example"})") + ".sig";
  auto out = assume_role_with_web_identity(backend, ctx, in);
  REQUIRE(out.ok());
  CHECK(*out->subject_from_web_identity_token == "user-1");
  CHECK(*out->audience == "client-9");
  CHECK(*out->provider == "https://issuer.example");
  in.web_identity_token = "not-a-jwt";
  CHECK(assume_role_with_web_identity(backend, ctx, in).error().code == "InvalidIdentityTokenException");
}

// SAML: session name from the RoleSessionName attribute; NameQualifier as AWS documents it.
TEST_CASE("AssumeRoleWithSAML reads the assertion", "[sts][AssumeRoleWithSAML]") {
  StsBackend backend;
  auto ctx = context_for("");
  std::string assertion = R"(<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
  <saml:Issuer>https://idp.example/saml</saml:Issuer>
  <saml:Assertion><saml:Subject>
    <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice</saml:NameID>
    <saml:SubjectConfirmation><saml:SubjectConfirmationData Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation>
  </saml:Subject>
  <saml:AttributeStatement>
    <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>
  </saml:AttributeStatement></saml:Assertion></samlp:Response>)";
  AssumeRoleWithSAMLRequest in;
  in.role_arn = "arn:aws:iam::111122223333:role/saml";
  in.principal_arn = "arn:aws:iam::111122223333:saml-provider/MyIdP";
  in.saml_assertion = base64_encode(assertion);
  auto out = assume_role_with_saml(backend, ctx, in);
  REQUIRE(out.ok());
  CHECK(out->assumed_role_user->arn == "arn:aws:sts::111122223333:assumed-role/saml/alice");
  CHECK(*out->subject == "alice");
  CHECK(*out->subject_type == "persistent");
  CHECK(*out->issuer == "https://idp.example/saml");
  CHECK(*out->audience == "https://signin.aws.amazon.com/saml");
  // BASE64(SHA1("https://idp.example/saml" + "111122223333" + "/MyIdP")), computed independently.
  CHECK(*out->name_qualifier == "qrpetVclPNJvysHUOeFfJprlx2Q=");
}

// The snapshot view round-trips and restores the identity of every credential.
TEST_CASE("STS views round-trip", "[sts][views]") {
  StsBackend backend;
  auto ctx = context_for("test");
  REQUIRE(assume_role(backend, ctx, role_request()).ok());
  rapidjson::StringBuffer buf;
  JsonWriter writer(buf);
  backend.state.read(ctx.scope, [&](const StsState& s) { write_view(s, writer); });
  rapidjson::Document doc;
  doc.Parse(buf.GetString(), buf.GetSize());
  std::string error;
  auto back = read_view(doc, error);
  REQUIRE(back);
  REQUIRE(back->credentials.size() == 1);
  const auto& c = back->credentials.begin()->second;
  CHECK(c.identity.kind == IdentityKind::kAssumedRole);
  CHECK(c.identity.account == "111122223333");
  rapidjson::Document bad;
  bad.Parse(R"({"credentials":[{"accessKeyId":"A"}]})");
  CHECK_FALSE(read_view(bad, error));
}
