// The generated SNS code (services/sns/generated): model tables checked against facts read by
// hand from ../shared/aws-models/sns.json, struct <-> Value conversions, and the invoker.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/capture_sink.h"
#include "services/catalog/catalog.h"
#include "services/sns/generated/sns_model.h"
#include "services/sns/generated/sns_operations.h"
#include "services/sns/generated/sns_types.h"

using namespace rime;
using namespace rime::sns;
using proto::ShapeType;
using proto::Value;

namespace {

const proto::Shape& shape_named(std::string_view name) {
  for (const proto::Shape& s : sns_model().shapes)
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

const proto::Shape& target(const proto::Member& m) { return sns_model().shape(m.target); }

const proto::Operation& operation(std::string_view name) {
  const proto::Operation* op = sns_model().find_operation(name);
  REQUIRE(op != nullptr);
  return *op;
}

using Captured = test::CaptureSink;

ReplyTarget reply_target(const std::shared_ptr<Captured>& sink, const proto::Operation& op) {
  return ReplyTarget{Responder(sink), proto::Protocol::kAwsQuery, &sns_model(), &op,
                     std::make_shared<RequestContext>()};
}

}  // namespace

// awsQuery encodes MessageAttributes as MessageAttributes.entry.N.Name / .Value: the map's key
// and value members carry those names in the model.
TEST_CASE("SNS PublishInput MessageAttributes map names match sns.json", "[generated][sns]") {
  const proto::Shape& in = shape_named("PublishInput");
  REQUIRE(in.members.size() == 9);
  CHECK(member_named(in, "Message").required());
  CHECK_FALSE(member_named(in, "TopicArn").required());

  const proto::Shape& map = target(member_named(in, "MessageAttributes"));
  CHECK(map.name == "MessageAttributeMap");
  CHECK(map.type == ShapeType::kMap);
  REQUIRE(map.members.size() == 2);
  CHECK(map.members[0].name == "key");
  CHECK(map.members[0].xml_name == "Name");
  CHECK(target(map.members[0]).type == ShapeType::kString);
  CHECK(map.members[1].name == "value");
  CHECK(map.members[1].xml_name == "Value");
  const proto::Shape& value = target(map.members[1]);
  CHECK(value.name == "MessageAttributeValue");
  CHECK(member_named(value, "DataType").required());
  CHECK(target(member_named(value, "BinaryValue")).type == ShapeType::kBlob);
}

// SNS errors answer with their awsQueryError code and status, not the shape name.
TEST_CASE("SNS error shapes and operations match sns.json", "[generated][sns]") {
  const proto::ServiceModel& model = sns_model();
  CHECK(model.info == catalog::find("sns"));
  CHECK(model.operations.size() == 42);
  const proto::Shape& not_found = shape_named("NotFoundException");
  CHECK(not_found.query_error_code == "NotFound");
  CHECK(not_found.query_error_status == 404);
  CHECK(not_found.http_error == 404);
  CHECK(not_found.has(proto::shape_flags::kClientError));

  const proto::Operation& publish = operation("Publish");
  CHECK(model.shape(publish.input).name == "PublishInput");
  CHECK(model.shape(publish.output).name == "PublishResponse");
  CHECK(publish.errors.size() >= 10);
  CHECK(operation("DeleteTopic").output == proto::kNoShape);

  const proto::Member& opted_out = member_named(shape_named("CheckIfPhoneNumberIsOptedOutResponse"), "isOptedOut");
  CHECK(target(opted_out).type == ShapeType::kBoolean);
  CHECK(opted_out.default_json == "false");
}

// Publish carries binary attributes end to end (SNS -> SQS delivery keeps their bytes).
TEST_CASE("SNS PublishInput round-trips attributes with blobs", "[generated][sns]") {
  PublishInput in;
  in.topic_arn = "arn:aws:sns:us-east-1:123456789012:t";
  in.message = "m";
  in.subject = "s";
  MessageAttributeValue bin{.data_type = "Binary"};
  bin.binary_value = std::string("\x01\x00\x02", 3);
  MessageAttributeValue num{.data_type = "Number"};
  num.string_value = "42";
  in.message_attributes = std::map<std::string, MessageAttributeValue>{{"b", bin}, {"n", num}};

  Value v = to_value(in);
  CHECK(v.find("MessageAttributes")->find("b")->find("BinaryValue")->is_blob());
  CHECK(v.find("MessageAttributes")->find("n")->find("DataType")->as_string() == "Number");
  PublishInput back;
  from_value(v, back);
  CHECK(back == in);

  SubscribeInput sub{.topic_arn = "arn:t", .protocol = "sqs"};
  sub.return_subscription_arn = true;
  sub.attributes = std::map<std::string, std::string>{{"RawMessageDelivery", "true"}};
  SubscribeInput sub_back;
  from_value(to_value(sub), sub_back);
  CHECK(sub_back == sub);
  CHECK(to_value(sub).find("ReturnSubscriptionArn")->as_bool());
}

// Sync and async slots both reach the wire; an empty slot is reported to ModeledService.
TEST_CASE("SNS invoker calls sync and async slots and reports empty ones", "[generated][sns]") {
  SnsHandlers handlers;
  handlers.publish = [](RequestContext&, const PublishInput& in) -> Result<PublishResponse> {
    PublishResponse out;
    out.message_id = "id-" + in.message;
    return out;
  };
  std::optional<Reply<SubscribeResponse>> pending;
  handlers.subscribe_async = [&](RequestContext&, const SubscribeInput&, Reply<SubscribeResponse> reply) {
    pending.emplace(std::move(reply));
  };
  Invoker invoke = make_invoker(handlers);
  RequestContext ctx;

  auto sink = std::make_shared<Captured>();
  const proto::Operation& publish = operation("Publish");
  PublishInput in;
  in.message = "hello";
  CHECK(invoke(publish, ctx, to_value(in), reply_target(sink, publish)));
  REQUIRE(sink->responses.size() == 1);
  CHECK(sink->responses[0].body.find("<MessageId>id-hello</MessageId>") != std::string::npos);

  auto later = std::make_shared<Captured>();
  const proto::Operation& subscribe = operation("Subscribe");
  CHECK(invoke(subscribe, ctx, to_value(SubscribeInput{.topic_arn = "arn:t", .protocol = "sqs"}),
               reply_target(later, subscribe)));
  CHECK(later->responses.empty());
  REQUIRE(pending.has_value());
  SubscribeResponse out;
  out.subscription_arn = "arn:t:sub";
  (*pending)(out);
  REQUIRE(later->responses.size() == 1);
  CHECK(later->responses[0].body.find("<SubscriptionArn>arn:t:sub</SubscriptionArn>") != std::string::npos);

  auto none = std::make_shared<Captured>();
  const proto::Operation& list = operation("ListTopics");
  CHECK_FALSE(invoke(list, ctx, Value::object(), reply_target(none, list)));
  CHECK(none->responses.empty());
}
