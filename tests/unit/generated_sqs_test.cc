// The generated SQS code (services/sqs/generated): model tables checked against facts read by
// hand from ../shared/aws-models/sqs.json, struct <-> Value conversions, and the invoker.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/capture_sink.h"
#include "services/catalog/catalog.h"
#include "services/sqs/generated/sqs_model.h"
#include "services/sqs/generated/sqs_operations.h"
#include "services/sqs/generated/sqs_types.h"

using namespace rime;
using namespace rime::sqs;
using proto::ShapeType;
using proto::Value;

namespace {

const proto::Shape& shape_named(std::string_view name) {
  for (const proto::Shape& s : sqs_model().shapes)
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

const proto::Shape& target(const proto::Member& m) { return sqs_model().shape(m.target); }

const proto::Operation& operation(std::string_view name) {
  const proto::Operation* op = sqs_model().find_operation(name);
  REQUIRE(op != nullptr);
  return *op;
}

using Captured = test::CaptureSink;

ReplyTarget reply_target(const std::shared_ptr<Captured>& sink, const proto::Operation& op) {
  return ReplyTarget{Responder(sink), proto::Protocol::kAwsJson1_0, &sqs_model(), &op,
                     std::make_shared<RequestContext>()};
}

}  // namespace

// awsQuery clients (older SDKs) need the flattened XML names; JSON clients the member names.
TEST_CASE("SQS SendMessageRequest members match sqs.json", "[generated][sqs]") {
  const proto::Shape& in = shape_named("SendMessageRequest");
  std::vector<std::string_view> names;
  for (const proto::Member& m : in.members) names.push_back(m.name);
  CHECK(names == std::vector<std::string_view>{"QueueUrl", "MessageBody", "DelaySeconds", "MessageAttributes",
                                               "MessageSystemAttributes", "MessageDeduplicationId",
                                               "MessageGroupId"});
  CHECK(member_named(in, "QueueUrl").required());
  CHECK(member_named(in, "MessageBody").required());
  CHECK_FALSE(member_named(in, "DelaySeconds").required());
  CHECK(target(member_named(in, "DelaySeconds")).type == ShapeType::kInteger);

  const proto::Member& attributes = member_named(in, "MessageAttributes");
  CHECK(attributes.xml_flattened());
  CHECK(attributes.xml_name == "MessageAttribute");
  const proto::Shape& map = target(attributes);
  CHECK(map.type == ShapeType::kMap);
  REQUIRE(map.members.size() == 2);
  CHECK(map.members[0].name == "key");
  CHECK(map.members[0].xml_name == "Name");
  CHECK(map.members[1].name == "value");
  CHECK(map.members[1].xml_name == "Value");
  const proto::Shape& value = target(map.members[1]);
  CHECK(value.name == "MessageAttributeValue");
  CHECK(target(member_named(value, "BinaryValue")).type == ShapeType::kBlob);
  CHECK(member_named(value, "StringListValues").xml_name == "StringListValue");
}

// Old SDKs read the awsQuery code, new ones the shape name: both must come from the model.
TEST_CASE("SQS QueueDoesNotExist carries its awsQueryError code", "[generated][sqs]") {
  const proto::Shape& error = shape_named("QueueDoesNotExist");
  CHECK(error.type == ShapeType::kStructure);
  CHECK(error.has(proto::shape_flags::kClientError));
  CHECK(error.query_error_code == "AWS.SimpleQueueService.NonExistentQueue");
  CHECK(error.query_error_status == 400);
  CHECK(error.http_error == 400);

  const proto::Operation& send = operation("SendMessage");
  bool listed = false;
  for (proto::ShapeIndex e : send.errors) listed = listed || sqs_model().shape(e).name == "QueueDoesNotExist";
  CHECK(listed);
  CHECK(sqs_model().shape(send.input).name == "SendMessageRequest");
  CHECK(sqs_model().shape(send.output).name == "SendMessageResult");
}

// Unit outputs, enums and defaults drive serialisation and validation.
TEST_CASE("SQS model has Unit outputs, enum values and defaults", "[generated][sqs]") {
  const proto::ServiceModel& model = sqs_model();
  CHECK(model.info == catalog::find("sqs"));
  CHECK(model.info->aws_query_compatible);
  CHECK(model.operations.size() == 23);
  CHECK(operation("DeleteQueue").output == proto::kNoShape);
  CHECK(operation("DeleteQueue").input != proto::kNoShape);

  const proto::Shape& names = shape_named("QueueAttributeName");
  CHECK(names.type == ShapeType::kEnum);
  REQUIRE(names.enum_values.size() >= 3);
  CHECK(names.enum_values[0] == "All");
  CHECK(names.enum_values[1] == "Policy");

  const proto::Member& moved = member_named(shape_named("ListMessageMoveTasksResultEntry"),
                                            "ApproximateNumberOfMessagesMoved");
  CHECK(moved.flags & proto::member_flags::kHasDefault);
  CHECK(moved.default_json == "0");
  CHECK(target(moved).type == ShapeType::kLong);

  const proto::Member& fault = member_named(shape_named("BatchResultErrorEntry"), "SenderFault");
  CHECK(fault.required());
  CHECK(fault.default_json == "false");
}

// Blobs must stay blobs (MD5 of attributes is computed over their bytes), maps keep every entry.
TEST_CASE("SQS SendMessageRequest round-trips maps, blobs and lists", "[generated][sqs]") {
  SendMessageRequest in;
  in.queue_url = "http://localhost:4566/123456789012/q";
  in.message_body = "hello";
  in.delay_seconds = 5;
  MessageAttributeValue binary;
  binary.data_type = "Binary";
  binary.binary_value = std::string("\x00\xff\x10", 3);
  binary.binary_list_values = std::vector<std::string>{"a", std::string("\x00", 1)};
  MessageAttributeValue text;
  text.data_type = "String";
  text.string_value = "v";
  text.string_list_values = std::vector<std::string>{"x", "y"};
  in.message_attributes = std::map<std::string, MessageAttributeValue>{{"bin", binary}, {"txt", text}};
  in.message_group_id = "g";

  Value v = to_value(in);
  const Value* bin = v.find("MessageAttributes")->find("bin");
  REQUIRE(bin != nullptr);
  CHECK(bin->find("BinaryValue")->is_blob());
  CHECK(bin->find("BinaryValue")->as_blob().bytes == std::string("\x00\xff\x10", 3));
  CHECK(bin->find("BinaryListValues")->as_list()[1].is_blob());
  CHECK(v.find("DelaySeconds")->is_int());

  SendMessageRequest back;
  from_value(v, back);
  CHECK(back == in);
}

// Booleans, 64-bit counters and nested lists of structs survive the trip unchanged.
TEST_CASE("SQS output structs round-trip booleans, longs and nested lists", "[generated][sqs]") {
  SendMessageBatchResult batch;
  batch.failed.push_back(BatchResultErrorEntry{.id = "1", .sender_fault = true, .code = "InvalidParameterValue",
                                               .message = "bad"});
  ListMessageMoveTasksResultEntry task;
  task.approximate_number_of_messages_moved = std::int64_t{1} << 40;
  task.max_number_of_messages_per_second = 10;
  ListMessageMoveTasksResult tasks;
  tasks.results = std::vector<ListMessageMoveTasksResultEntry>{task};
  ReceiveMessageResult received;
  Message message;
  message.body = "b";
  message.attributes = std::map<std::string, std::string>{{"SentTimestamp", "1"}};
  received.messages = std::vector<Message>{message};

  Value v = to_value(batch);
  CHECK(v.find("Failed")->as_list()[0].find("SenderFault")->as_bool());
  CHECK(v.find("Successful")->as_list().empty());  // required, so written even when empty
  SendMessageBatchResult batch_back;
  from_value(v, batch_back);
  CHECK(batch_back == batch);

  Value t = to_value(tasks);
  CHECK(t.find("Results")->as_list()[0].find("ApproximateNumberOfMessagesMoved")->as_int() == (std::int64_t{1} << 40));
  ListMessageMoveTasksResult tasks_back;
  from_value(t, tasks_back);
  CHECK(tasks_back == tasks);

  ReceiveMessageResult received_back;
  from_value(to_value(received), received_back);
  CHECK(received_back == received);
}

// Long polling answers from a timer: ReceiveMessage must be able to reply after invoke returns;
// DeleteQueue has no output (Unit); an operation without handlers is reported, not answered.
TEST_CASE("SQS invoker calls sync and async slots and reports empty ones", "[generated][sqs]") {
  SqsHandlers handlers;
  std::string deleted;
  handlers.delete_queue = [&](RequestContext&, const DeleteQueueRequest& in) -> Result<Unit> {
    deleted = in.queue_url;
    return Unit{};
  };
  std::optional<Reply<ReceiveMessageResult>> pending;
  int wait = -1;
  handlers.receive_message_async = [&](RequestContext&, const ReceiveMessageRequest& in,
                                       Reply<ReceiveMessageResult> reply) {
    wait = in.wait_time_seconds.value_or(0);
    pending.emplace(std::move(reply));
  };
  Invoker invoke = make_invoker(handlers);
  RequestContext ctx;

  auto sync_sink = std::make_shared<Captured>();
  const proto::Operation& del = operation("DeleteQueue");
  CHECK(invoke(del, ctx, to_value(DeleteQueueRequest{.queue_url = "http://q"}), reply_target(sync_sink, del)));
  CHECK(deleted == "http://q");
  REQUIRE(sync_sink->responses.size() == 1);
  CHECK(sync_sink->responses[0].status == 200);

  auto async_sink = std::make_shared<Captured>();
  const proto::Operation& receive = operation("ReceiveMessage");
  ReceiveMessageRequest request{.queue_url = "http://q"};
  request.wait_time_seconds = 20;
  CHECK(invoke(receive, ctx, to_value(request), reply_target(async_sink, receive)));
  CHECK(wait == 20);
  CHECK(async_sink->responses.empty());
  REQUIRE(pending.has_value());
  CHECK_FALSE(pending->answered());
  ReceiveMessageResult result;
  Message m;
  m.body = "late";
  result.messages = std::vector<Message>{m};
  (*pending)(result);
  REQUIRE(async_sink->responses.size() == 1);
  CHECK(async_sink->responses[0].body.find("\"late\"") != std::string::npos);
  CHECK(pending->answered());

  auto empty_sink = std::make_shared<Captured>();
  const proto::Operation& purge = operation("PurgeQueue");
  CHECK_FALSE(invoke(purge, ctx, to_value(PurgeQueueRequest{.queue_url = "http://q"}), reply_target(empty_sink, purge)));
  CHECK(empty_sink->responses.empty());
}
