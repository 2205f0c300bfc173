// ServiceRegistry and Router: DESIGN.md's routing order (target/cbor path, host patterns, SigV4
// signing name, first host label, S3 fallback) and the tie-breaks between services that share a name.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/service_registry.h"
#include "services/stubs/stub_service.h"

using namespace rime;

namespace {

// A service that only carries routing data; the router never calls handle().
class FakeService : public MockService {
 public:
  explicit FakeService(RoutingInfo info) : info_(std::move(info)) {}
  const RoutingInfo& routing() const override { return info_; }
  std::span<const HostPattern> host_patterns() const override { return patterns_; }
  bool implemented() const override { return implemented_; }
  bool matches_http_binding(const Request& r) const override { return binding_ && binding_(r); }
  void handle(Request&, RequestContext&, Responder) override {}

  FakeService& pattern(std::string literal, const std::string& regex) {
    patterns_.emplace_back(std::move(literal), regex);
    return *this;
  }
  FakeService& stub() {
    implemented_ = false;
    return *this;
  }
  FakeService& binding(std::function<bool(const Request&)> fn) {
    binding_ = std::move(fn);
    return *this;
  }

 private:
  RoutingInfo info_;
  std::vector<HostPattern> patterns_;
  bool implemented_ = true;
  std::function<bool(const Request&)> binding_;
};

std::shared_ptr<FakeService> make(std::string name, std::vector<std::string> targets, std::string signing,
                                  std::string endpoint, std::string cbor = {}) {
  return std::make_shared<FakeService>(
      RoutingInfo{std::move(name), std::move(targets), std::move(signing), std::move(endpoint), std::move(cbor)});
}

Request request(std::string method, std::string target, std::string host) {
  Request r;
  r.method = std::move(method);
  r.set_target(std::move(target));
  if (!host.empty()) r.headers.add("Host", std::move(host));
  return r;
}

RequestContext signed_for(std::optional<std::string> service) {
  RequestContext ctx;
  ctx.scope = {"123456789012", "us-east-1"};
  if (service) {
    SigV4Credential cred;
    cred.access_key = "AKIDEXAMPLE";
    cred.date = "20260101";
    cred.region = "us-east-1";
    cred.service = *service;
    ctx.credential = cred;
  }
  return ctx;
}

// A registry shaped like the real one: awsJson (sqs, dynamodb), rpcv2Cbor (monitoring),
// virtual-hosted S3, and SES v1/v2 sharing signing name "ses" and endpoint prefix "email".
ServiceRegistry full_registry() {
  ServiceRegistry reg;
  reg.add(make("sqs", {"AmazonSQS"}, "sqs", "sqs"));
  reg.add(make("dynamodb", {"DynamoDB_20120810"}, "dynamodb", "dynamodb"));
  reg.add(make("cloudwatch", {}, "monitoring", "monitoring", "GraniteServiceVersion20100801"));
  auto s3 = make("s3", {}, "s3", "s3");
  s3->pattern(".s3.", R"(^[a-z0-9][a-z0-9.-]*\.s3\.)");
  reg.add(s3);
  auto ses = make("ses", {}, "ses", "email");
  ses->binding([](const Request& r) { return r.method == "POST" && r.path == "/"; });
  reg.add(ses);
  auto sesv2 = make("sesv2", {}, "ses", "email");
  sesv2->binding([](const Request& r) { return r.path.starts_with("/v2/email/"); });
  reg.add(sesv2);
  return reg;
}

std::string routed_name(const Route& route) {
  return route.service ? std::string(route.service->name()) : std::string("<none>");
}

std::string_view first_segment(const Request& r) {
  std::string_view path = std::string_view(r.path).substr(1);
  return path.substr(0, path.find('/'));
}

// A ranker from a table: per service, its rank for a request (absent: not REST), and the
// literal first path segment its templates start with, if any.
class FakeRanker final : public HttpBindingRanker {
 public:
  FakeRanker& rest(std::string service, std::function<std::uint64_t(const Request&)> rank, std::string literal = {}) {
    ranks_[service] = std::move(rank);
    if (!literal.empty()) literals_[service] = std::move(literal);
    return *this;
  }
  std::optional<std::uint64_t> rank(std::string_view service, const Request& request) const override {
    auto it = ranks_.find(std::string(service));
    return it == ranks_.end() ? std::nullopt : std::optional(it->second(request));
  }
  std::vector<BindingClaim> literal_path_claims(const Request& request,
                                                std::span<MockService* const> except) const override {
    std::vector<BindingClaim> claims;
    for (const auto& [service, literal] : literals_)
      if (first_segment(request) == literal && !excluded(service, except))
        if (std::uint64_t r = ranks_.at(service)(request)) claims.push_back({service, r});
    return claims;
  }
  bool literal_path_shared(const Request& request, std::span<MockService* const> except) const override {
    for (const auto& [service, literal] : literals_)
      if (first_segment(request) == literal && !excluded(service, except)) return true;
    return false;
  }

 private:
  static bool excluded(std::string_view service, std::span<MockService* const> except) {
    for (const MockService* s : except)
      if (s->name() == service) return true;
    return false;
  }
  std::map<std::string, std::function<std::uint64_t(const Request&)>, std::less<>> ranks_;
  std::map<std::string, std::string, std::less<>> literals_;
};

}  // namespace

// The registry is keyed by name: a later service replaces an earlier one (implemented over stub).
TEST_CASE("registry: later service with the same name replaces the earlier", "[core][router]") {
  ServiceRegistry reg;
  auto stub = make("sqs", {"AmazonSQS"}, "sqs", "sqs");
  stub->stub();
  reg.add(stub);
  auto real = make("sqs", {"AmazonSQS"}, "sqs", "sqs");
  reg.add(real);
  reg.add(make("dynamodb", {}, "dynamodb", "dynamodb"));
  reg.add(make("acm", {}, "acm", "acm"));
  REQUIRE(reg.all().size() == 3);
  CHECK(reg.find("sqs") == real.get());
  CHECK(reg.find("nope") == nullptr);
  CHECK(reg.find_stateful("sqs") == nullptr);  // FakeService is not stateful
  CHECK(reg.stateful().empty());
  CHECK(reg.all()[0]->name() == "acm");
  CHECK(reg.all()[1]->name() == "dynamodb");
  CHECK(reg.all()[2]->name() == "sqs");

  Router router(reg);
  auto route = router.route(request("POST", "/", "localhost"), signed_for("sqs"));
  CHECK(route.service == real.get());
}

// HostPattern's literal is a pre-filter: no literal, no regex match; both are case-insensitive.
TEST_CASE("host pattern: literal gate and case-insensitive regex", "[core][router]") {
  HostPattern p(".s3.", R"(^[a-z0-9.-]+\.s3\.)");
  CHECK(p.matches("bucket.s3.localhost"));
  CHECK(p.matches("Bucket.S3.LocalHost"));
  CHECK_FALSE(p.matches("s3.localhost"));
  CHECK_FALSE(p.matches("bucket.sqs.localhost"));
  // The regex alone would match, but the literal is absent, so the pattern must not.
  HostPattern gated("amazonaws", R"(^sqs\.)");
  CHECK_FALSE(gated.matches("sqs.localhost"));
  CHECK(gated.matches("sqs.us-east-1.amazonaws.com"));
  HostPattern no_literal("", R"(^queue\.)");
  CHECK(no_literal.matches("queue.example"));
}

// Rule 1: X-Amz-Target names the service even when every later rule points elsewhere.
TEST_CASE("router: X-Amz-Target prefix beats host, signing name and host label", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  auto req = request("POST", "/", "mybucket.s3.localhost:4566");
  req.headers.add("X-Amz-Target", "AmazonSQS.SendMessage");
  auto route = router.route(req, signed_for("dynamodb"));
  CHECK(routed_name(route) == "sqs");
  CHECK(route.rule == RouteRule::kTarget);

  auto ddb = request("POST", "/", "sqs.us-east-1.localhost");
  ddb.headers.add("x-amz-target", "DynamoDB_20120810.PutItem");
  route = router.route(ddb, signed_for("sqs"));
  CHECK(routed_name(route) == "dynamodb");
  CHECK(route.rule == RouteRule::kTarget);
}

// An X-Amz-Target that names no registered prefix is no clue at all: later rules decide.
TEST_CASE("router: unknown or dotless X-Amz-Target falls through", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  auto req = request("POST", "/", "localhost:4566");
  req.headers.add("X-Amz-Target", "NoSuchService_2020.DoIt");
  auto route = router.route(req, signed_for("sqs"));
  CHECK(routed_name(route) == "sqs");
  CHECK(route.rule == RouteRule::kSigningName);

  auto dotless = request("POST", "/", "localhost:4566");
  dotless.headers.add("X-Amz-Target", "AmazonSQS");
  route = router.route(dotless, signed_for("dynamodb"));
  CHECK(routed_name(route) == "dynamodb");
  CHECK(route.rule == RouteRule::kSigningName);
}

// Rule 1, rpcv2Cbor: POST /service/<Shape>/operation/<Op> with smithy-protocol names the service.
TEST_CASE("router: rpcv2Cbor path with smithy-protocol header", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  auto req = request("POST", "/service/GraniteServiceVersion20100801/operation/GetMetricData", "localhost:4566");
  req.headers.add("smithy-protocol", "rpc-v2-cbor");
  auto route = router.route(req, signed_for("sqs"));
  CHECK(routed_name(route) == "cloudwatch");
  CHECK(route.rule == RouteRule::kCborPath);

  SECTION("without the header the path is not a clue") {
    auto plain = request("POST", "/service/GraniteServiceVersion20100801/operation/GetMetricData", "localhost");
    route = router.route(plain, signed_for("sqs"));
    CHECK(routed_name(route) == "sqs");
    CHECK(route.rule == RouteRule::kSigningName);
  }
  SECTION("an unknown service shape falls through") {
    auto unknown = request("POST", "/service/NoSuchShape/operation/Op", "localhost");
    unknown.headers.add("smithy-protocol", "rpc-v2-cbor");
    route = router.route(unknown, signed_for("dynamodb"));
    CHECK(routed_name(route) == "dynamodb");
  }
}

// Rule 2: a registered host regex (virtual-hosted S3) beats the signing name and host label.
TEST_CASE("router: host patterns beat signing name, with and without port", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  for (std::string host : {"mybucket.s3.localhost", "mybucket.s3.localhost:4566",
                           "my.dotted.bucket.s3.us-east-1.amazonaws.com"}) {
    INFO(host);
    auto route = router.route(request("GET", "/key", host), signed_for("sqs"));
    CHECK(routed_name(route) == "s3");
    CHECK(route.rule == RouteRule::kHost);
  }
  // Regex anchored at the end: the port must be stripped before matching.
  ServiceRegistry reg2;
  auto svc = make("queue", {}, "", "");
  svc->pattern("queue.test", R"(^queue\.test$)");
  reg2.add(svc);
  Router router2(reg2);
  CHECK(routed_name(router2.route(request("GET", "/", "queue.test:8080"), signed_for({}))) == "queue");
  CHECK(routed_name(router2.route(request("GET", "/", "queue.test"), signed_for({}))) == "queue");
}

// Rule 3: the credential scope's service, and it beats the first host label.
TEST_CASE("router: SigV4 signing name", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  auto route = router.route(request("POST", "/", "localhost:4566"), signed_for("monitoring"));
  CHECK(routed_name(route) == "cloudwatch");
  CHECK(route.rule == RouteRule::kSigningName);

  route = router.route(request("POST", "/", "sqs.us-east-1.localhost:4566"), signed_for("dynamodb"));
  CHECK(routed_name(route) == "dynamodb");
  CHECK(route.rule == RouteRule::kSigningName);

  // An unknown signing name is no clue: the host label decides.
  route = router.route(request("POST", "/", "sqs.us-east-1.localhost"), signed_for("nosuchservice"));
  CHECK(routed_name(route) == "sqs");
  CHECK(route.rule == RouteRule::kHostLabel);
}

// Services sharing a signing name (SES v1/v2): HTTP bindings decide which one gets the request.
TEST_CASE("router: shared signing name resolved by HTTP binding", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  auto v2 = router.route(request("GET", "/v2/email/identities", "localhost:4566"), signed_for("ses"));
  CHECK(routed_name(v2) == "sesv2");
  CHECK(v2.rule == RouteRule::kSigningName);
  auto v1 = router.route(request("POST", "/", "localhost:4566"), signed_for("ses"));
  CHECK(routed_name(v1) == "ses");
  CHECK(v1.rule == RouteRule::kSigningName);
}

// When no candidate's bindings fit, the implemented service wins over a stub, whatever the name order.
TEST_CASE("router: shared signing name without a binding match prefers the implemented service",
          "[core][router]") {
  ServiceRegistry reg;
  auto alpha = make("alpha", {}, "shared", "shared");
  alpha->stub();
  reg.add(alpha);
  auto beta = make("beta", {}, "shared", "shared");
  reg.add(beta);
  auto gamma = make("gamma", {}, "shared", "shared");
  gamma->stub();
  reg.add(gamma);
  Router router(reg);
  auto route = router.route(request("GET", "/x", "localhost"), signed_for("shared"));
  CHECK(route.service == beta.get());
  // Same tie-break for the host label rule.
  route = router.route(request("GET", "/x", "shared.us-east-1.localhost"), signed_for({}));
  CHECK(route.service == beta.get());
  CHECK(route.rule == RouteRule::kHostLabel);
}

// Rule 4: first host label is the endpoint prefix (sqs.us-east-1.localhost -> sqs), port or not.
TEST_CASE("router: first host label", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  for (std::string host : {"sqs.us-east-1.localhost", "sqs.us-east-1.localhost:4566", "sqs.localhost:4566",
                           "sqs.us-east-1.amazonaws.com"}) {
    INFO(host);
    auto route = router.route(request("POST", "/", host), signed_for({}));
    CHECK(routed_name(route) == "sqs");
    CHECK(route.rule == RouteRule::kHostLabel);
  }
  // Shared endpoint prefix ("email"): bindings decide here too.
  CHECK(routed_name(router.route(request("GET", "/v2/email/identities", "email.us-east-1.localhost"),
                                 signed_for({}))) == "sesv2");
  CHECK(routed_name(router.route(request("POST", "/", "email.us-east-1.localhost"), signed_for({}))) == "ses");
}

// Host names are case-insensitive (RFC 3986 section 3.2.2), so the label must match in any case.
TEST_CASE("router: first host label ignores case", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  auto route = router.route(request("POST", "/", "SQS.us-east-1.localhost:4566"), signed_for({}));
  CHECK(routed_name(route) == "sqs");
  CHECK(route.rule == RouteRule::kHostLabel);
}

// Rule 5: a request with no clue goes to S3 when S3 is registered (path-style S3 on AWS).
TEST_CASE("router: S3 fallback", "[core][router]") {
  auto reg = full_registry();
  Router router(reg);
  for (std::string host : {"localhost:4566", "localhost", "127.0.0.1:4566", "unknown.example.com", ""}) {
    INFO(host);
    auto route = router.route(request("PUT", "/bucket/key", host), signed_for({}));
    CHECK(routed_name(route) == "s3");
    CHECK(route.rule == RouteRule::kS3Fallback);
  }
}

// Without an S3 service, a request with no clue routes nowhere (the server answers 501).
TEST_CASE("router: nothing matches without S3", "[core][router]") {
  ServiceRegistry reg;
  reg.add(make("sqs", {"AmazonSQS"}, "sqs", "sqs"));
  Router router(reg);
  auto route = router.route(request("GET", "/bucket/key", "localhost:4566"), signed_for("nosuch"));
  CHECK(route.service == nullptr);
  CHECK(route.rule == RouteRule::kNone);

  ServiceRegistry empty;
  Router none(empty);
  auto req = request("POST", "/", "sqs.localhost");
  req.headers.add("X-Amz-Target", "AmazonSQS.ListQueues");
  CHECK(none.route(req, signed_for("sqs")).service == nullptr);
}

// Services sharing a signing name are ranked by how specifically their REST bindings fit (S3 vs
// S3 Control with a custom endpoint); an RPC fit (X-Amz-Target, Action=) names its operation and
// beats any URI template; equal ranks go to the implemented service.
TEST_CASE("router: shared signing name goes to the closest REST fit", "[core][router]") {
  ServiceRegistry reg;
  reg.add(make("s3", {}, "s3", "s3"));
  auto control = make("s3-control", {}, "s3", "s3-control");
  control->stub();
  reg.add(control);
  auto rpc = make("rpcish", {}, "shared", "rpcish");
  rpc->binding([](const Request& r) { return r.headers.contains("x-amz-target"); });
  reg.add(rpc);
  reg.add(make("restish", {}, "shared", "restish"));
  auto twin = make("twin", {}, "shared", "twin");
  twin->stub();
  reg.add(twin);
  auto ranker = std::make_shared<FakeRanker>();
  ranker->rest("s3", [](const Request&) { return 1; })
      .rest("s3-control", [](const Request& r) { return r.path.starts_with("/v20180820/") ? 5 : 0; }, "v20180820")
      .rest("restish", [](const Request&) { return 3; })
      .rest("twin", [](const Request&) { return 3; });
  reg.set_http_binding_ranker(ranker);
  Router router(reg);

  auto route = router.route(request("PUT", "/v20180820/bucket/b1", "123456789012.localhost:4566"), signed_for("s3"));
  CHECK(routed_name(route) == "s3-control");
  CHECK(route.rule == RouteRule::kSigningName);
  CHECK(routed_name(router.route(request("PUT", "/bkt/key", "localhost:4566"), signed_for("s3"))) == "s3");

  Request target = request("POST", "/", "localhost");
  target.headers.add("X-Amz-Target", "Unknown_1.Op");
  CHECK(routed_name(router.route(target, signed_for("shared"))) == "rpcish");
  CHECK(routed_name(router.route(request("GET", "/x", "localhost"), signed_for("shared"))) == "restish");
}

// A lone signing-name candidate whose bindings do not fit yields to another service's literal
// path (S3 Control's CreateBucket on an outpost is signed for s3-outposts); one that fits keeps it.
TEST_CASE("router: a lone candidate that does not fit yields to a literal path", "[core][router]") {
  ServiceRegistry reg;
  reg.add(make("s3", {}, "s3", "s3"));
  reg.add(make("s3-control", {}, "s3", "s3-control"));
  reg.add(make("s3outposts", {}, "s3-outposts", "s3-outposts"));
  auto ranker = std::make_shared<FakeRanker>();
  ranker->rest("s3", [](const Request&) { return 1; })
      .rest("s3-control", [](const Request& r) { return r.path.starts_with("/v20180820/") ? 5 : 0; }, "v20180820")
      .rest("s3outposts", [](const Request& r) { return r.path.starts_with("/S3Outposts/") ? 5 : 0; }, "S3Outposts");
  reg.set_http_binding_ranker(ranker);
  Router router(reg);

  auto route = router.route(request("PUT", "/v20180820/bucket/b1", "localhost"), signed_for("s3-outposts"));
  CHECK(routed_name(route) == "s3-control");
  CHECK(routed_name(router.route(request("GET", "/S3Outposts/ListEndpoints", "localhost"),
                                 signed_for("s3-outposts"))) == "s3outposts");
  // Nothing claims it: the signing name's service answers (UnknownOperation in its protocol).
  CHECK(routed_name(router.route(request("GET", "/other", "localhost"), signed_for("s3-outposts"))) == "s3outposts");
}

// Unsigned REST calls (SSO's bearer-token API) name no service but by their literal path; that
// comes before S3's fallback, which keeps every path-style request no literal path claims.
TEST_CASE("router: unsigned literal paths before the S3 fallback", "[core][router]") {
  ServiceRegistry reg;
  reg.add(make("s3", {}, "s3", "s3"));
  reg.add(make("sso", {}, "awsssoportal", "portal.sso"));
  auto ranker = std::make_shared<FakeRanker>();
  ranker->rest("s3", [](const Request&) { return 1; })
      .rest("sso", [](const Request& r) { return r.method == "POST" && r.path == "/logout" ? 5 : 0; }, "logout");
  reg.set_http_binding_ranker(ranker);
  Router router(reg);

  auto route = router.route(request("POST", "/logout", "localhost:4566"), signed_for({}));
  CHECK(routed_name(route) == "sso");
  CHECK(route.rule == RouteRule::kLiteralPath);
  route = router.route(request("GET", "/logout/key", "localhost:4566"), signed_for({}));  // a bucket "logout"
  CHECK(routed_name(route) == "s3");
  CHECK(route.rule == RouteRule::kS3Fallback);
}

// The catalog's own ranker, as the daemon installs it with the stubs: the requests botocore sends
// with a custom endpoint reach the service AWS would run them on.
TEST_CASE("router: catalog ranker routes by REST bindings across services", "[core][router]") {
  ServiceRegistry reg;
  register_stub_services(reg);
  REQUIRE(reg.http_binding_ranker());
  Router router(reg);
  auto name = [&](std::string method, std::string target, std::optional<std::string> signing,
                  std::string host = "127.0.0.1:4566") {
    return routed_name(router.route(request(std::move(method), std::move(target), std::move(host)),
                                    signed_for(std::move(signing))));
  };
  // S3 Control: account-id host label, /v20180820/ paths, signed for s3 (or s3-outposts).
  CHECK(name("DELETE", "/v20180820/bucket/b1", "s3", "123456789012.127.0.0.1:4566") == "s3-control");
  CHECK(name("GET", "/v20180820/accesspoint?maxResults=3", "s3", "123456789012.localhost:4566") == "s3-control");
  CHECK(name("PUT", "/v20180820/bucket/b1", "s3-outposts") == "s3-control");
  CHECK(name("GET", "/S3Outposts/ListEndpoints", "s3-outposts") == "s3outposts");
  // Path-style S3 stays S3's, signed or not.
  CHECK(name("PUT", "/mybucket/key", "s3") == "s3");
  CHECK(name("GET", "/", "s3") == "s3");
  CHECK(name("GET", "/mybucket/key", std::nullopt) == "s3");
  CHECK(name("PUT", "/token/key", std::nullopt) == "s3");  // sso-oidc's "/token" is POST-only
  // Unsigned SSO, SSO OIDC and sign-in calls.
  CHECK(name("POST", "/logout", std::nullopt) == "sso");
  CHECK(name("GET", "/federation/credentials?role_name=r&account_id=123456789012", std::nullopt) == "sso");
  CHECK(name("GET", "/assignment/accounts", std::nullopt) == "sso");
  CHECK(name("POST", "/token", std::nullopt) == "sso-oidc");
  CHECK(name("POST", "/client/register", std::nullopt) == "sso-oidc");
  CHECK(name("POST", "/v1/token", std::nullopt) == "signin");
  // Bedrock: an exact "/agents/{sessionId}" beats "/agents/{agentId}/" by trailing-slash tolerance.
  CHECK(name("POST", "/agents/a1", "bedrock") == "bedrock-agent-runtime");
  CHECK(name("POST", "/agents/a1/", "bedrock") == "bedrock-agent");
}
