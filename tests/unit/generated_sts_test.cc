// The generated STS code (services/sts/generated): model tables checked against facts read by
// hand from ../shared/aws-models/sts.json, struct <-> Value conversions, and the invoker.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/capture_sink.h"
#include "services/catalog/catalog.h"
#include "services/sts/generated/sts_model.h"
#include "services/sts/generated/sts_operations.h"
#include "services/sts/generated/sts_types.h"

using namespace rime;
using namespace rime::sts;
using proto::ShapeType;
using proto::Value;

namespace {

const proto::Shape& shape_named(std::string_view name) {
  for (const proto::Shape& s : sts_model().shapes)
    if (s.name == name) return s;
  FAIL("no shape " << name);
  throw;
}

const proto::Member& member_named(const proto::Shape& shape, std::string_view name) {
  for (const proto::Member& m : shape.members)
    if (m.name == name) return m;
  FAIL("no member " << name << " in " << shape.name);
  throw;
}

const proto::Shape& target(const proto::Member& m) { return sts_model().shape(m.target); }

using Captured = test::CaptureSink;

ReplyTarget reply_target(const std::shared_ptr<Captured>& sink, const proto::Operation& op) {
  return ReplyTarget{Responder(sink), proto::Protocol::kAwsQuery, &sts_model(), &op,
                     std::make_shared<RequestContext>()};
}

const proto::Operation& operation(std::string_view name) {
  const proto::Operation* op = sts_model().find_operation(name);
  REQUIRE(op != nullptr);
  return *op;
}

}  // namespace

// The protocol layer validates STS input from these tables: the limits must be the model's.
TEST_CASE("STS model carries AssumeRole's constraints from sts.json", "[generated][sts]") {
  const proto::Shape& in = shape_named("AssumeRoleRequest");
  CHECK(in.type == ShapeType::kStructure);
  REQUIRE(in.members.size() == 12);
  CHECK(in.members[0].name == "RoleArn");
  CHECK(in.members[11].name == "ProvidedContexts");

  const proto::Member& role_arn = member_named(in, "RoleArn");
  CHECK(role_arn.required());
  const proto::Shape& arn = target(role_arn);
  CHECK(arn.name == "arnType");
  CHECK(arn.type == ShapeType::kString);
  CHECK(arn.has(proto::shape_flags::kHasLengthMin));
  CHECK(arn.has(proto::shape_flags::kHasLengthMax));
  CHECK(arn.length_min == 20);
  CHECK(arn.length_max == 2048);

  const proto::Member& duration = member_named(in, "DurationSeconds");
  CHECK_FALSE(duration.required());
  const proto::Shape& seconds = target(duration);
  CHECK(seconds.type == ShapeType::kInteger);
  CHECK(seconds.has(proto::shape_flags::kHasRangeMin));
  CHECK(seconds.range_min == 900.0);
  CHECK(seconds.range_max == 43200.0);

  const proto::Shape& session = target(member_named(in, "RoleSessionName"));
  CHECK(session.pattern == "^[\\w+=,.@-]*$");
  CHECK(session.length_min == 2);
  CHECK(session.length_max == 64);

  const proto::Shape& tags = target(member_named(in, "Tags"));
  CHECK(tags.type == ShapeType::kList);
  REQUIRE(tags.members.size() == 1);
  CHECK(tags.members[0].name == "member");
  CHECK(target(tags.members[0]).name == "Tag");
}

// Operations are found by binary search and carry their errors; awsQuery ignores @http.
TEST_CASE("STS operations are sorted with their errors and RPC bindings", "[generated][sts]") {
  const proto::ServiceModel& model = sts_model();
  CHECK(model.info == catalog::find("sts"));
  REQUIRE(model.operations.size() == 11);
  for (std::size_t i = 1; i < model.operations.size(); ++i)
    CHECK(model.operations[i - 1].name < model.operations[i].name);

  const proto::Operation& assume = operation("AssumeRole");
  CHECK(model.shape(assume.input).name == "AssumeRoleRequest");
  CHECK(model.shape(assume.output).name == "AssumeRoleResponse");
  std::vector<std::string_view> errors;
  for (proto::ShapeIndex e : assume.errors) errors.push_back(model.shape(e).name);
  CHECK(errors == std::vector<std::string_view>{"ExpiredTokenException", "MalformedPolicyDocumentException",
                                                "PackedPolicyTooLargeException", "RegionDisabledException"});
  CHECK(assume.http_method == "POST");
  CHECK(assume.http_uri == "/");
  CHECK(assume.http_code == 200);

  const proto::Shape& expired = shape_named("ExpiredTokenException");
  CHECK(expired.has(proto::shape_flags::kClientError));
  CHECK(expired.http_error == 400);
  CHECK(expired.query_error_code == "ExpiredTokenException");
  CHECK(expired.query_error_status == 400);

  CHECK(shape_named("accessKeySecretType").has(proto::shape_flags::kSensitive));
  CHECK(target(member_named(shape_named("Credentials"), "Expiration")).type == ShapeType::kTimestamp);
}

// A member's own @length overrides its target's (Smithy's rule); the runtime Member has no
// constraint fields, so the member points at a constrained copy of the list shape.
TEST_CASE("STS member-level @length becomes a constrained copy of the target", "[generated][sts]") {
  const proto::Member& tags = member_named(shape_named("GetWebIdentityTokenRequest"), "Tags");
  const proto::Shape& copy = target(tags);
  const proto::Shape& original = target(member_named(shape_named("AssumeRoleRequest"), "Tags"));
  CHECK(&copy != &original);
  CHECK(copy.name == "tagListType");
  CHECK(copy.has(proto::shape_flags::kHasLengthMax));
  CHECK_FALSE(copy.has(proto::shape_flags::kHasLengthMin));  // the member's trait replaces {min 0, max 50}
  CHECK(copy.length_max == 50);
  CHECK(original.has(proto::shape_flags::kHasLengthMin));
  CHECK(copy.members.data() == original.members.data());
}

// Every index in the tables must point inside them, or the codecs would read out of bounds.
TEST_CASE("STS model indices are all in range", "[generated][sts]") {
  const proto::ServiceModel& model = sts_model();
  for (const proto::Shape& s : model.shapes) {
    for (const proto::Member& m : s.members) CHECK(m.target < model.shapes.size());
    if (s.type == ShapeType::kList) CHECK(s.members.size() == 1);
    if (s.type == ShapeType::kMap) CHECK(s.members.size() == 2);
  }
  for (const proto::Operation& op : model.operations) {
    CHECK((op.input == proto::kNoShape || op.input < model.shapes.size()));
    CHECK((op.output == proto::kNoShape || op.output < model.shapes.size()));
    for (proto::ShapeIndex e : op.errors) CHECK(e < model.shapes.size());
  }
}

// Handlers read typed structs the protocol layer produced as Values: nothing may be lost or
// renamed on the way (strings, ints, nested structs, lists of structs and strings).
TEST_CASE("STS AssumeRoleRequest round-trips through Value", "[generated][sts]") {
  AssumeRoleRequest in;
  in.role_arn = "arn:aws:iam::123456789012:role/demo";
  in.role_session_name = "s1";
  in.policy_arns = std::vector<PolicyDescriptorType>{{.arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"}};
  in.duration_seconds = 3600;
  in.tags = std::vector<Tag>{{.key = "team", .value = "core"}, {.key = "env", .value = "test"}};
  in.transitive_tag_keys = std::vector<std::string>{"team"};
  in.provided_contexts = std::vector<ProvidedContext>{{.provider_arn = "arn:p", .context_assertion = "ctx"}};

  Value v = to_value(in);
  REQUIRE(v.is_object());
  CHECK(v.find("RoleArn")->as_string() == in.role_arn);
  CHECK(v.find("DurationSeconds")->as_int() == 3600);
  CHECK(v.find("Tags")->as_list().size() == 2);
  CHECK(v.find("Tags")->as_list()[1].find("Key")->as_string() == "env");
  CHECK(v.find("PolicyArns")->as_list()[0].find("arn") != nullptr);
  CHECK(v.find("ExternalId") == nullptr);  // unset optionals are omitted

  AssumeRoleRequest back;
  from_value(v, back);
  CHECK(back == in);
}

// Timestamps travel as proto::Timestamp; required members are written even when empty.
TEST_CASE("STS output structs write timestamps and required members", "[generated][sts]") {
  AssumeRoleResponse out;
  out.credentials = Credentials{.access_key_id = "ASIAEXAMPLE", .secret_access_key = "secret",
                                .session_token = "token", .expiration = proto::Timestamp{1700000000123}};
  out.packed_policy_size = 7;
  Value v = to_value(out);
  const Value* expiration = v.find("Credentials")->find("Expiration");
  REQUIRE(expiration != nullptr);
  CHECK(expiration->is_timestamp());
  CHECK(expiration->as_timestamp().epoch_millis == 1700000000123);
  AssumeRoleResponse back;
  from_value(v, back);
  CHECK(back == out);

  Value empty = to_value(AssumeRoleRequest{});
  CHECK(empty.as_object().size() == 2);  // RoleArn, RoleSessionName
}

// from_value trusts the validated input but must not crash on a wrong kind: it skips it.
TEST_CASE("STS from_value skips members of the wrong kind", "[generated][sts]") {
  Value v = Value::object();
  v.set("RoleArn", Value(std::int64_t{5}));
  v.set("RoleSessionName", "ok");
  v.set("DurationSeconds", "not a number");
  v.set("Tags", Value(proto::List{Value("not a tag"), Value(proto::Object{{"Key", Value("k")}, {"Value", Value("v")}})}));
  v.set("Unknown", "ignored");
  AssumeRoleRequest in;
  from_value(v, in);
  CHECK(in.role_arn.empty());
  CHECK(in.role_session_name == "ok");
  CHECK_FALSE(in.duration_seconds.has_value());
  REQUIRE(in.tags.has_value());
  CHECK(*in.tags == std::vector<Tag>{{.key = "k", .value = "v"}});
  from_value(Value("not an object"), in);  // no effect
  CHECK(in.role_session_name == "ok");
}

// The invoker is the only path from the protocol layer to a handler: a sync slot answers at
// once, an async slot answers through its Reply later, and an empty slot reports false.
TEST_CASE("STS invoker calls sync and async slots and reports empty ones", "[generated][sts]") {
  StsHandlers handlers;
  RequestContext ctx;
  std::string seen_arn;
  handlers.get_caller_identity = [](RequestContext&, const GetCallerIdentityRequest&) -> Result<GetCallerIdentityResponse> {
    GetCallerIdentityResponse out;
    out.account = "123456789012";
    return out;
  };
  std::optional<Reply<AssumeRoleResponse>> pending;
  handlers.assume_role_async = [&](RequestContext&, const AssumeRoleRequest& in, Reply<AssumeRoleResponse> reply) {
    seen_arn = in.role_arn;
    pending.emplace(std::move(reply));
  };
  handlers.assume_role = [](RequestContext&, const AssumeRoleRequest&) -> Result<AssumeRoleResponse> {
    return AwsError{"ShouldNotBeCalled", "the async slot wins", 500};
  };
  Invoker invoke = make_invoker(handlers);

  auto sync_sink = std::make_shared<Captured>();
  const proto::Operation& identity = operation("GetCallerIdentity");
  CHECK(invoke(identity, ctx, Value::object(), reply_target(sync_sink, identity)));
  REQUIRE(sync_sink->responses.size() == 1);
  CHECK(sync_sink->responses[0].status == 200);
  CHECK(sync_sink->responses[0].body.find("<Account>123456789012</Account>") != std::string::npos);

  auto async_sink = std::make_shared<Captured>();
  const proto::Operation& assume = operation("AssumeRole");
  Value input = to_value(AssumeRoleRequest{.role_arn = "arn:aws:iam::123456789012:role/r", .role_session_name = "s"});
  CHECK(invoke(assume, ctx, input, reply_target(async_sink, assume)));
  CHECK(seen_arn == "arn:aws:iam::123456789012:role/r");
  CHECK(async_sink->responses.empty());  // not answered until the handler replies
  REQUIRE(pending.has_value());
  AssumeRoleResponse out;
  out.source_identity = "later";
  (*pending)(out);
  REQUIRE(async_sink->responses.size() == 1);
  CHECK(async_sink->responses[0].body.find("<SourceIdentity>later</SourceIdentity>") != std::string::npos);

  auto empty_sink = std::make_shared<Captured>();
  const proto::Operation& token = operation("GetSessionToken");
  CHECK_FALSE(invoke(token, ctx, Value::object(), reply_target(empty_sink, token)));
  CHECK(empty_sink->responses.empty());
}

// A handler's AwsError reaches the wire through the same Reply path as its output.
TEST_CASE("STS invoker sends a handler's AwsError", "[generated][sts]") {
  StsHandlers handlers;
  handlers.get_access_key_info = [](RequestContext&, const GetAccessKeyInfoRequest& in) -> Result<GetAccessKeyInfoResponse> {
    return AwsError{"InvalidParameterValue", "bad key " + in.access_key_id, 400};
  };
  Invoker invoke = make_invoker(handlers);
  RequestContext ctx;
  auto sink = std::make_shared<Captured>();
  const proto::Operation& op = operation("GetAccessKeyInfo");
  Value input = Value::object();
  input.set("AccessKeyId", "AKIAEXAMPLEEXAMPLE");
  CHECK(invoke(op, ctx, input, reply_target(sink, op)));
  REQUIRE(sink->responses.size() == 1);
  CHECK(sink->responses[0].status == 400);
  CHECK(sink->responses[0].body.find("bad key AKIAEXAMPLEEXAMPLE") != std::string::npos);
}
