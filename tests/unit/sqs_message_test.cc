// SQS message semantics: visibility, delays, retention, receipt handles, attribute filters,
// FIFO ordering and group locks, deduplication, dead-letter redrive, batches, move tasks, and
// the cost of operations on a queue of a million messages. Time is injected; ReceiveMessage
// runs through its real asynchronous handler (a Reply whose JSON answer is read back).
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "services/sqs/generated/sqs_model.h"
#include "services/sqs/handlers/handlers.h"
#include "tests/support/capture_sink.h"
#include "tests/support/manual_scheduler.h"

using namespace rime;
using namespace rime::sqs;

namespace {

using test::CaptureSink;

struct Received {
  std::string id, handle, body;
  std::map<std::string, std::string> attributes;
  std::map<std::string, std::string> message_attributes;  // name -> string value
  std::string md5_of_message_attributes;
};

std::vector<Received> parse_messages(const Response& r) {
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  REQUIRE(doc.IsObject());
  std::vector<Received> out;
  if (!doc.HasMember("Messages")) return out;
  for (const auto& m : doc["Messages"].GetArray()) {
    Received x;
    x.id = m["MessageId"].GetString();
    x.handle = m["ReceiptHandle"].GetString();
    x.body = m["Body"].GetString();
    if (m.HasMember("Attributes"))
      for (const auto& a : m["Attributes"].GetObject()) x.attributes[a.name.GetString()] = a.value.GetString();
    if (m.HasMember("MessageAttributes"))
      for (const auto& a : m["MessageAttributes"].GetObject())
        x.message_attributes[a.name.GetString()] =
            a.value.HasMember("StringValue") ? a.value["StringValue"].GetString() : "<binary>";
    if (m.HasMember("MD5OfMessageAttributes")) x.md5_of_message_attributes = m["MD5OfMessageAttributes"].GetString();
    out.push_back(std::move(x));
  }
  return out;
}

struct Fixture {
  std::shared_ptr<SqsBackend> backend = std::make_shared<SqsBackend>();
  std::shared_ptr<test::ManualScheduler> scheduler = std::make_shared<test::ManualScheduler>();
  Millis clock = 1'700'000'000'000;
  RequestContext ctx;

  explicit Fixture(bool with_scheduler = true) {
    backend->clock = [this] { return clock; };
    if (with_scheduler) backend->scheduler = scheduler;
    ctx.request_id = "test";
    ctx.scope = {"123456789012", "us-east-1"};
    ctx.host = "localhost:4566";
  }
  /// Moves the clock and the scheduler together.
  void tick(Millis ms) {
    clock += ms;
    scheduler->advance(std::chrono::milliseconds(ms));
  }
  std::string create(const std::string& name, std::map<std::string, std::string> attributes = {}) {
    CreateQueueRequest in;
    in.queue_name = name;
    if (name.ends_with(".fifo")) attributes["FifoQueue"] = "true";
    if (!attributes.empty()) in.attributes = std::move(attributes);
    auto out = create_queue(*backend, ctx, in);
    REQUIRE(out);
    return *out->queue_url;
  }
  Result<SendMessageResult> send(const std::string& url, const std::string& body, std::optional<int> delay = {},
                                 std::string group = {}, std::string dedup = {}) {
    SendMessageRequest in;
    in.queue_url = url;
    in.message_body = body;
    in.delay_seconds = delay;
    if (!group.empty()) in.message_group_id = group;
    if (!dedup.empty()) in.message_deduplication_id = dedup;
    return send_message(*backend, ctx, in);
  }
  /// Starts a receive; the sink gets its answer now or later.
  std::shared_ptr<CaptureSink> start_receive(ReceiveMessageRequest in) {
    auto sink = std::make_shared<CaptureSink>();
    const auto& model = sqs_model();
    ReplyTarget target{Responder(sink), proto::Protocol::kAwsJson1_0, &model, model.find_operation("ReceiveMessage"),
                       std::make_shared<RequestContext>(ctx)};
    using Encode = proto::Value (*)(const ReceiveMessageResult&);
    receive_message(*backend, ctx, in, Reply<ReceiveMessageResult>(target, static_cast<Encode>(&to_value)));
    return sink;
  }
  std::vector<Received> receive(const std::string& url, int max = 10, std::optional<int> visibility = {},
                                std::vector<std::string> system = {"All"}, std::vector<std::string> attrs = {"All"}) {
    ReceiveMessageRequest in;
    in.queue_url = url;
    in.max_number_of_messages = max;
    in.visibility_timeout = visibility;
    in.message_system_attribute_names = std::move(system);
    in.message_attribute_names = std::move(attrs);
    in.wait_time_seconds = 0;
    auto sink = start_receive(in);
    REQUIRE(sink->count() == 1);
    REQUIRE(sink->responses[0].status == 200);
    return parse_messages(sink->responses[0]);
  }
  Result<Unit> remove(const std::string& url, const std::string& handle) {
    DeleteMessageRequest in;
    in.queue_url = url;
    in.receipt_handle = handle;
    return delete_message(*backend, ctx, in);
  }
  Result<Unit> change(const std::string& url, const std::string& handle, int timeout) {
    ChangeMessageVisibilityRequest in;
    in.queue_url = url;
    in.receipt_handle = handle;
    in.visibility_timeout = timeout;
    return change_message_visibility(*backend, ctx, in);
  }
  std::string attribute(const std::string& url, const std::string& name) {
    GetQueueAttributesRequest in;
    in.queue_url = url;
    in.attribute_names = std::vector<std::string>{name};
    auto out = get_queue_attributes(*backend, ctx, in);
    REQUIRE(out);
    return out->attributes ? out->attributes->at(name) : "";
  }
};

std::vector<std::string> bodies(const std::vector<Received>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.body);
  return out;
}

}  // namespace

// A received message is hidden for the visibility timeout and returns with a higher count.
TEST_CASE("Visibility timeout and receive counts", "[sqs][ReceiveMessage]") {
  Fixture f;
  std::string url = f.create("q", {{"VisibilityTimeout", "30"}});
  auto sent = f.send(url, "hello");
  REQUIRE(sent);
  CHECK(*sent->md5_of_message_body == "5d41402abc4b2a76b9719d911017c592");
  auto first = f.receive(url);
  REQUIRE(first.size() == 1);
  CHECK(first[0].id == *sent->message_id);
  CHECK(first[0].attributes["ApproximateReceiveCount"] == "1");
  CHECK(first[0].attributes["SentTimestamp"] == "1700000000000");
  CHECK(first[0].attributes["ApproximateFirstReceiveTimestamp"] == "1700000000000");
  CHECK(f.attribute(url, "ApproximateNumberOfMessagesNotVisible") == "1");
  CHECK(f.attribute(url, "ApproximateNumberOfMessages") == "0");
  f.tick(29'999);
  CHECK(f.receive(url).empty());
  f.tick(1);
  CHECK(f.attribute(url, "ApproximateNumberOfMessages") == "1");
  auto second = f.receive(url, 10, 5);
  REQUIRE(second.size() == 1);
  CHECK(second[0].attributes["ApproximateReceiveCount"] == "2");
  CHECK(second[0].attributes["ApproximateFirstReceiveTimestamp"] == "1700000000000");
  CHECK(second[0].handle != first[0].handle);
  // The older handle is stale: deleting with it succeeds but keeps the message.
  REQUIRE(f.remove(url, first[0].handle));
  CHECK(f.attribute(url, "ApproximateNumberOfMessagesNotVisible") == "1");
  REQUIRE(f.remove(url, second[0].handle));
  CHECK(f.attribute(url, "ApproximateNumberOfMessagesNotVisible") == "0");
  REQUIRE(f.remove(url, second[0].handle));  // deleting twice is fine
  CHECK(f.remove(url, "garbage").error().code == "ReceiptHandleIsInvalid");
}

// Queue and per-message delays, counted as delayed until they run out.
TEST_CASE("Delays", "[sqs][SendMessage]") {
  Fixture f;
  std::string url = f.create("q", {{"DelaySeconds", "10"}});
  REQUIRE(f.send(url, "queue-delay"));
  REQUIRE(f.send(url, "own-delay", 2));
  REQUIRE(f.send(url, "no-delay", 0));
  CHECK(f.attribute(url, "ApproximateNumberOfMessagesDelayed") == "2");
  CHECK(bodies(f.receive(url)) == std::vector<std::string>{"no-delay"});
  f.tick(2000);
  CHECK(bodies(f.receive(url)) == std::vector<std::string>{"own-delay"});
  f.tick(8000);
  CHECK(bodies(f.receive(url)) == std::vector<std::string>{"queue-delay"});
  CHECK(f.send(url, "x", 901).error().code == "InvalidParameterValue");
}

// Messages older than MessageRetentionPeriod are gone, in flight or not.
TEST_CASE("Retention", "[sqs][retention]") {
  Fixture f;
  std::string url = f.create("q", {{"MessageRetentionPeriod", "60"}});
  REQUIRE(f.send(url, "old"));
  f.tick(30'000);
  REQUIRE(f.send(url, "new"));
  REQUIRE(f.receive(url, 1).size() == 1);  // "old" in flight
  f.tick(30'000);
  CHECK(f.attribute(url, "ApproximateNumberOfMessagesNotVisible") == "0");
  CHECK(bodies(f.receive(url)) == std::vector<std::string>{"new"});
}

// Body and attribute validation: characters, size, attribute rules, system attributes.
TEST_CASE("SendMessage validation", "[sqs][SendMessage]") {
  Fixture f;
  std::string url = f.create("q", {{"MaximumMessageSize", "1024"}});
  CHECK(f.send(url, std::string(1024, 'a')));
  auto big = f.send(url, std::string(1025, 'a'));
  REQUIRE_FALSE(big);
  CHECK(big.error().message == "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.");
  CHECK(f.send(url, std::string("bad\x01", 4)).error().code == "InvalidMessageContents");
  CHECK(f.send(url, "\xef\xbf\xbe").error().code == "InvalidMessageContents");  // U+FFFE
  CHECK(f.send(url, "ok \xf0\x9f\x98\x80 \t\r\n"));
  CHECK(f.send(url, "").error().code == "MissingParameter");
  SendMessageRequest in;
  in.queue_url = url;
  in.message_body = "x";
  in.message_attributes = std::map<std::string, MessageAttributeValue>{{"n", {"12x", {}, {}, {}, "Number"}}};
  CHECK(send_message(*f.backend, f.ctx, in).error().code == "InvalidParameterValue");
  in.message_attributes = std::map<std::string, MessageAttributeValue>{{"n", {"1", {}, {}, {}, "Float"}}};
  CHECK(send_message(*f.backend, f.ctx, in).error().message.find("invalid message attribute type") != std::string::npos);
  in.message_attributes = std::map<std::string, MessageAttributeValue>{{"AWS.x", {"1", {}, {}, {}, "String"}}};
  CHECK(send_message(*f.backend, f.ctx, in).error().code == "InvalidParameterValue");
  in.message_attributes = std::map<std::string, MessageAttributeValue>{{"s", {"", {}, {}, {}, "String"}}};
  CHECK(send_message(*f.backend, f.ctx, in).error().message.find("non-empty") != std::string::npos);
  in.message_attributes.emplace();
  for (int i = 0; i < 11; ++i) (*in.message_attributes)["a" + std::to_string(i)] = {"v", {}, {}, {}, "String"};
  CHECK(send_message(*f.backend, f.ctx, in).error().message ==
        "Number of message attributes [11] exceeds the allowed maximum [10].");
  in.message_attributes.reset();
  in.message_system_attributes = std::map<std::string, MessageSystemAttributeValue>{{"Other", {"x", {}, {}, {}, "String"}}};
  CHECK(send_message(*f.backend, f.ctx, in).error().code == "InvalidParameterValue");
  in.message_system_attributes = std::map<std::string, MessageSystemAttributeValue>{
      {"AWSTraceHeader", {"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", {}, {}, {}, "String"}}};
  auto traced = send_message(*f.backend, f.ctx, in);
  REQUIRE(traced);
  CHECK(*traced->md5_of_message_system_attributes == "5ae4d5d7636402d80f4eb6d213245a88");
  in.message_deduplication_id = "d";  // not on a standard queue
  CHECK(send_message(*f.backend, f.ctx, in).error().code == "InvalidParameterValue");
}

// Attribute filters: All, exact names, "prefix.*"; the MD5 covers what is returned.
TEST_CASE("Receive attribute filters", "[sqs][ReceiveMessage]") {
  Fixture f;
  std::string url = f.create("q");
  SendMessageRequest in;
  in.queue_url = url;
  in.message_body = "x";
  in.message_attributes = std::map<std::string, MessageAttributeValue>{
      {"app.one", {"1", {}, {}, {}, "String"}}, {"app.two", {"2", {}, {}, {}, "Number"}}, {"other", {"3", {}, {}, {}, "String"}}};
  auto sent = send_message(*f.backend, f.ctx, in);
  REQUIRE(sent);
  auto all = f.receive(url, 1, 0, {"SenderId"}, {".*"});
  REQUIRE(all.size() == 1);
  CHECK(all[0].message_attributes.size() == 3);
  CHECK(all[0].md5_of_message_attributes == *sent->md5_of_message_attributes);
  CHECK(all[0].attributes == std::map<std::string, std::string>{{"SenderId", "123456789012"}});
  auto prefixed = f.receive(url, 1, 0, {}, {"app.*"});
  REQUIRE(prefixed.size() == 1);
  CHECK(prefixed[0].message_attributes == std::map<std::string, std::string>{{"app.one", "1"}, {"app.two", "2"}});
  CHECK(prefixed[0].md5_of_message_attributes ==
        md5_of_attributes({{"app.one", {"String", "1", ""}}, {"app.two", {"Number", "2", ""}}}));
  CHECK(prefixed[0].attributes.empty());
  auto none = f.receive(url, 1, 0, {}, {"missing"});
  REQUIRE(none.size() == 1);
  CHECK(none[0].message_attributes.empty());
  CHECK(none[0].md5_of_message_attributes.empty());
}

// ReceiveMessage parameter ranges.
TEST_CASE("ReceiveMessage validation", "[sqs][ReceiveMessage]") {
  Fixture f;
  std::string url = f.create("q");
  auto expect_error = [&](auto mutate, const std::string& text) {
    ReceiveMessageRequest in;
    in.queue_url = url;
    mutate(in);
    auto sink = f.start_receive(in);
    REQUIRE(sink->count() == 1);
    CHECK(sink->responses[0].status == 400);
    CHECK(sink->responses[0].body.find(text) != std::string::npos);
  };
  expect_error([](auto& in) { in.max_number_of_messages = 11; }, "MaxNumberOfMessages");
  expect_error([](auto& in) { in.max_number_of_messages = 0; }, "MaxNumberOfMessages");
  expect_error([](auto& in) { in.wait_time_seconds = 21; }, "WaitTimeSeconds");
  expect_error([](auto& in) { in.visibility_timeout = 43201; }, "VisibilityTimeout");
  expect_error([](auto& in) { in.queue_url = "http://localhost/123456789012/none"; }, "QueueDoesNotExist");
}

// ChangeMessageVisibility: extends, releases (0), refuses visible messages and the 12h total.
TEST_CASE("ChangeMessageVisibility", "[sqs][ChangeMessageVisibility]") {
  Fixture f;
  std::string url = f.create("q");
  REQUIRE(f.send(url, "m"));
  auto got = f.receive(url);
  REQUIRE(got.size() == 1);
  REQUIRE(f.change(url, got[0].handle, 100));
  f.tick(60'000);
  CHECK(f.receive(url).empty());
  REQUIRE(f.change(url, got[0].handle, 0));
  CHECK(f.attribute(url, "ApproximateNumberOfMessages") == "1");
  CHECK(f.change(url, got[0].handle, 10).error().code == "MessageNotInflight");
  auto again = f.receive(url);
  REQUIRE(again.size() == 1);
  CHECK(f.change(url, got[0].handle, 10).error().code == "InvalidParameterValue");  // stale handle
  CHECK(f.change(url, again[0].handle, 43201).error().code == "InvalidParameterValue");
  f.tick(1000);
  CHECK(f.change(url, again[0].handle, 43200).error().message.find("Total VisibilityTimeout") != std::string::npos);
  CHECK(f.change(url, again[0].handle, 43199));
  CHECK(f.change(url, "garbage", 1).error().code == "ReceiptHandleIsInvalid");
}

// FIFO: order within a group, a group locked while a message of it is in flight, other
// groups served meanwhile, sequence numbers increasing.
TEST_CASE("FIFO ordering and group locks", "[sqs][fifo]") {
  Fixture f;
  std::string url = f.create("q.fifo", {{"ContentBasedDeduplication", "true"}});
  std::vector<std::string> sequence;
  for (auto [body, group] : std::vector<std::pair<std::string, std::string>>{
           {"a1", "A"}, {"b1", "B"}, {"a2", "A"}, {"a3", "A"}, {"b2", "B"}}) {
    auto sent = f.send(url, body, {}, group);
    REQUIRE(sent);
    REQUIRE(sent->sequence_number);
    CHECK(sent->sequence_number->size() == 20);
    sequence.push_back(*sent->sequence_number);
  }
  CHECK(std::is_sorted(sequence.begin(), sequence.end()));
  auto first = f.receive(url, 2);
  CHECK(bodies(first) == std::vector<std::string>{"a1", "a2"});
  CHECK(first[0].attributes["MessageGroupId"] == "A");
  CHECK(first[0].attributes["SequenceNumber"] == sequence[0]);
  CHECK(first[0].attributes["MessageDeduplicationId"].size() == 64);  // SHA-256 of the body
  // Group A is locked: only B comes out now.
  CHECK(bodies(f.receive(url, 10)) == std::vector<std::string>{"b1", "b2"});
  CHECK(f.receive(url, 10).empty());
  REQUIRE(f.remove(url, first[0].handle));
  CHECK(f.receive(url, 10).empty());  // a2 still in flight
  REQUIRE(f.remove(url, first[1].handle));
  CHECK(bodies(f.receive(url, 10)) == std::vector<std::string>{"a3"});
  // An expired handle is refused on FIFO queues.
  f.tick(30'000);
  auto a3 = f.receive(url, 1);
  REQUIRE(a3.size() == 1);
  f.tick(30'000);
  CHECK(f.remove(url, a3[0].handle).error().message.find("expired") != std::string::npos);
}

// FIFO deduplication: explicit ids and content-based, 5 minutes, per queue or per group.
TEST_CASE("FIFO deduplication", "[sqs][fifo]") {
  Fixture f;
  std::string url = f.create("q.fifo");
  auto first = f.send(url, "x", {}, "g", "d1");
  REQUIRE(first);
  auto dup = f.send(url, "y", {}, "g", "d1");
  REQUIRE(dup);
  CHECK(*dup->message_id == *first->message_id);
  CHECK(*dup->sequence_number == *first->sequence_number);
  CHECK(f.attribute(url, "ApproximateNumberOfMessages") == "1");
  f.tick(5 * 60'000);
  REQUIRE(f.send(url, "z", {}, "g", "d1"));
  CHECK(f.attribute(url, "ApproximateNumberOfMessages") == "2");
  // Errors: no group, no dedup id without content-based dedup, a per-message delay.
  CHECK(f.send(url, "x", {}, "", "d2").error().code == "MissingParameter");
  CHECK(f.send(url, "x", {}, "g").error().message.find("ContentBasedDeduplication") != std::string::npos);
  CHECK(f.send(url, "x", 5, "g", "d3").error().code == "InvalidParameterValue");

  std::string per_group = f.create("g.fifo", {{"DeduplicationScope", "messageGroup"}, {"ContentBasedDeduplication", "true"}});
  REQUIRE(f.send(per_group, "same", {}, "g1"));
  REQUIRE(f.send(per_group, "same", {}, "g2"));
  REQUIRE(f.send(per_group, "same", {}, "g1"));
  CHECK(f.attribute(per_group, "ApproximateNumberOfMessages") == "2");
}

// ReceiveRequestAttemptId: a retry returns the same messages and handles.
TEST_CASE("FIFO ReceiveRequestAttemptId", "[sqs][fifo]") {
  Fixture f;
  std::string url = f.create("q.fifo", {{"ContentBasedDeduplication", "true"}});
  REQUIRE(f.send(url, "m1", {}, "g"));
  REQUIRE(f.send(url, "m2", {}, "h"));
  ReceiveMessageRequest in;
  in.queue_url = url;
  in.max_number_of_messages = 1;
  in.receive_request_attempt_id = "attempt-1";
  auto first = parse_messages(f.start_receive(in)->responses.at(0));
  auto retry = parse_messages(f.start_receive(in)->responses.at(0));
  REQUIRE(first.size() == 1);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].id == first[0].id);
  CHECK(retry[0].handle == first[0].handle);
  in.receive_request_attempt_id = "attempt-2";
  auto other = parse_messages(f.start_receive(in)->responses.at(0));
  REQUIRE(other.size() == 1);
  CHECK(other[0].body == "m2");
}

// After maxReceiveCount receives the next receive moves the message to the DLQ instead.
TEST_CASE("Dead-letter redrive", "[sqs][dlq]") {
  Fixture f;
  std::string dlq = f.create("dlq");
  std::string src = f.create(
      "src", {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":2})"},
              {"VisibilityTimeout", "1"}});
  auto sent = f.send(src, "poison");
  REQUIRE(sent);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(f.receive(src).size() == 1);
    f.tick(1000);
  }
  CHECK(f.receive(src).empty());
  auto moved = f.receive(dlq);
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].id == *sent->message_id);
  CHECK(moved[0].attributes["DeadLetterQueueSourceArn"] == "arn:aws:sqs:us-east-1:123456789012:src");
  CHECK(moved[0].attributes["ApproximateReceiveCount"] == "3");
  CHECK(moved[0].attributes["SentTimestamp"] == "1700000000000");
}

// Message move tasks take a DLQ's messages back to their sources (or to a destination).
TEST_CASE("Message move tasks", "[sqs][StartMessageMoveTask]") {
  Fixture f;
  std::string dlq = f.create("dlq");
  std::string src = f.create(
      "src", {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":1})"},
              {"VisibilityTimeout", "1"}});
  for (int i = 0; i < 3; ++i) REQUIRE(f.send(src, "m" + std::to_string(i)));
  REQUIRE(f.receive(src).size() == 3);
  f.tick(1000);
  REQUIRE(f.receive(src).empty());
  REQUIRE(f.attribute(dlq, "ApproximateNumberOfMessages") == "3");

  StartMessageMoveTaskRequest start;
  start.source_arn = "arn:aws:sqs:us-east-1:123456789012:src";
  CHECK(start_message_move_task(*f.backend, f.ctx, start).error().message.find("Dead Letter Queue") != std::string::npos);
  start.source_arn = "arn:aws:sqs:us-east-1:123456789012:nope";
  CHECK(start_message_move_task(*f.backend, f.ctx, start).error().code == "ResourceNotFoundException");
  start.source_arn = "arn:aws:sqs:us-east-1:123456789012:dlq";
  start.max_number_of_messages_per_second = 1;
  auto task = start_message_move_task(*f.backend, f.ctx, start);
  REQUIRE(task);
  CHECK(start_message_move_task(*f.backend, f.ctx, start).error().message.find("already a task running") !=
        std::string::npos);
  f.tick(1);  // first step: one message
  ListMessageMoveTasksRequest list;
  list.source_arn = start.source_arn;
  auto listed = list_message_move_tasks(*f.backend, f.ctx, list);
  REQUIRE(listed);
  REQUIRE(listed->results->size() == 1);
  CHECK(*listed->results->at(0).status == "RUNNING");
  CHECK(*listed->results->at(0).approximate_number_of_messages_moved == 1);
  CHECK(*listed->results->at(0).approximate_number_of_messages_to_move == 3);
  CHECK(*listed->results->at(0).task_handle == *task->task_handle);
  CancelMessageMoveTaskRequest cancel;
  cancel.task_handle = *task->task_handle;
  auto cancelled = cancel_message_move_task(*f.backend, f.ctx, cancel);
  REQUIRE(cancelled);
  CHECK(*cancelled->approximate_number_of_messages_moved == 1);
  CHECK(cancel_message_move_task(*f.backend, f.ctx, cancel).error().code == "InvalidParameterValue");
  f.tick(5000);
  CHECK(f.attribute(src, "ApproximateNumberOfMessages") == "1");
  // A new task without a rate moves the rest at once; the moved messages start afresh.
  start.max_number_of_messages_per_second.reset();
  REQUIRE(start_message_move_task(*f.backend, f.ctx, start));
  f.tick(1);
  CHECK(f.attribute(src, "ApproximateNumberOfMessages") == "3");
  CHECK(f.attribute(dlq, "ApproximateNumberOfMessages") == "0");
  list.max_results = 10;
  listed = list_message_move_tasks(*f.backend, f.ctx, list);
  REQUIRE(listed->results->size() == 2);
  CHECK(*listed->results->at(0).status == "COMPLETED");
  CHECK_FALSE(listed->results->at(0).task_handle);
  CHECK(*listed->results->at(1).status == "CANCELLED");
  auto back = f.receive(src);
  REQUIRE(back.size() == 3);
  CHECK(back[0].attributes["ApproximateReceiveCount"] == "1");
  CHECK_FALSE(back[0].attributes.contains("DeadLetterQueueSourceArn"));
}

// A move task with a DestinationArn sends everything there instead of back to the sources.
TEST_CASE("Message move task to a destination", "[sqs][StartMessageMoveTask]") {
  Fixture f;
  std::string dlq = f.create("dlq");
  std::string src = f.create(
      "src", {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":1})"},
              {"VisibilityTimeout", "1"}});
  std::string other = f.create("other");
  std::string fifo = f.create("f.fifo");
  REQUIRE(f.send(src, "a"));
  REQUIRE(f.receive(src).size() == 1);
  f.tick(1000);
  REQUIRE(f.receive(src).empty());
  StartMessageMoveTaskRequest start;
  start.source_arn = "arn:aws:sqs:us-east-1:123456789012:dlq";
  start.destination_arn = "arn:aws:sqs:us-east-1:123456789012:f.fifo";
  CHECK(start_message_move_task(*f.backend, f.ctx, start).error().message.find("same queue type") != std::string::npos);
  start.destination_arn = "arn:aws:sqs:us-east-1:123456789012:none";
  CHECK(start_message_move_task(*f.backend, f.ctx, start).error().code == "ResourceNotFoundException");
  start.destination_arn = "arn:aws:sqs:us-east-1:123456789012:other";
  REQUIRE(start_message_move_task(*f.backend, f.ctx, start));
  f.tick(1);
  CHECK(bodies(f.receive(other)) == std::vector<std::string>{"a"});
  CHECK(f.attribute(dlq, "ApproximateNumberOfMessages") == "0");
  CHECK(f.attribute(src, "ApproximateNumberOfMessages") == "0");
  ListMessageMoveTasksRequest list;
  list.source_arn = start.source_arn;
  auto listed = list_message_move_tasks(*f.backend, f.ctx, list);
  CHECK(*listed->results->at(0).destination_arn == "arn:aws:sqs:us-east-1:123456789012:other");
}

// Batch rules: empty, more than 10, ids, distinct ids, total size; entries fail one by one.
TEST_CASE("Batches", "[sqs][batches]") {
  Fixture f;
  std::string url = f.create("q", {{"MaximumMessageSize", "1024"}});
  SendMessageBatchRequest send;
  send.queue_url = url;
  CHECK(send_message_batch(*f.backend, f.ctx, send).error().code == "EmptyBatchRequest");
  for (int i = 0; i < 11; ++i) send.entries.push_back({"e" + std::to_string(i), "body"});
  CHECK(send_message_batch(*f.backend, f.ctx, send).error().message ==
        "Maximum number of entries per request are 10. You have sent 11.");
  send.entries.resize(2);
  send.entries[1].id = "bad id";
  CHECK(send_message_batch(*f.backend, f.ctx, send).error().code == "InvalidBatchEntryId");
  send.entries[1].id = "e0";
  CHECK(send_message_batch(*f.backend, f.ctx, send).error().message == "Id e0 repeated.");
  send.entries[1].id = "e1";
  send.entries[1].message_body = std::string(2000, 'x');  // over the queue's limit: fails alone
  auto out = send_message_batch(*f.backend, f.ctx, send);
  REQUIRE(out);
  REQUIRE(out->successful.size() == 1);
  CHECK(out->successful[0].id == "e0");
  REQUIRE(out->failed.size() == 1);
  CHECK(out->failed[0].id == "e1");
  CHECK(out->failed[0].code == "InvalidParameterValue");
  CHECK(out->failed[0].sender_fault);
  send.entries.assign(2, {"a", std::string(600'000, 'x')});
  send.entries[1].id = "b";
  CHECK(send_message_batch(*f.backend, f.ctx, send).error().message ==
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.");

  auto got = f.receive(url);
  REQUIRE(got.size() == 1);
  ChangeMessageVisibilityBatchRequest change;
  change.queue_url = url;
  change.entries = {{"ok", got[0].handle, 60}, {"bad", "garbage", 60}};
  auto changed = change_message_visibility_batch(*f.backend, f.ctx, change);
  REQUIRE(changed);
  CHECK(changed->successful.size() == 1);
  REQUIRE(changed->failed.size() == 1);
  CHECK(changed->failed[0].code == "ReceiptHandleIsInvalid");
  DeleteMessageBatchRequest del;
  del.queue_url = url;
  del.entries = {{"ok", got[0].handle}, {"bad", "garbage"}};
  auto deleted = delete_message_batch(*f.backend, f.ctx, del);
  REQUIRE(deleted);
  CHECK(deleted->successful.size() == 1);
  CHECK(deleted->failed.size() == 1);
  CHECK(f.attribute(url, "ApproximateNumberOfMessagesNotVisible") == "0");
}

// SendMessageBatch on a FIFO queue enqueues in entry order.
TEST_CASE("FIFO batch order", "[sqs][fifo][batches]") {
  Fixture f;
  std::string url = f.create("q.fifo", {{"ContentBasedDeduplication", "true"}});
  SendMessageBatchRequest send;
  send.queue_url = url;
  for (int i = 0; i < 10; ++i) {
    SendMessageBatchRequestEntry e{"e" + std::to_string(i), "m" + std::to_string(i)};
    e.message_group_id = "g";
    send.entries.push_back(e);
  }
  REQUIRE(send_message_batch(*f.backend, f.ctx, send)->successful.size() == 10);
  auto got = f.receive(url, 10);
  REQUIRE(got.size() == 10);
  for (int i = 0; i < 10; ++i) CHECK(got[i].body == "m" + std::to_string(i));
}

// The same operations cost about the same on a queue of a million messages as on an empty
// one: nothing walks the queue.
TEST_CASE("A million messages", "[sqs][scale]") {
  Fixture f(false);
  std::string url = f.create("big");
  auto ref = parse_queue_url(url, f.ctx);
  f.backend->mutate(ref->scope, [&](Mutation& m) {
    Queue& q = *m.state.find("big");
    for (int i = 0; i < 1'000'000; ++i) {
      NewMessage n;
      n.body = "message body";
      n.sender_id = "s";
      enqueue(q, std::move(n), m.now);
    }
  });
  CHECK(f.attribute(url, "ApproximateNumberOfMessages") == "1000000");
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(f.send(url, "more"));
    auto got = f.receive(url, 10);
    REQUIRE(got.size() == 10);
    for (const auto& m : got) REQUIRE(f.remove(url, m.handle));
  }
  auto elapsed = std::chrono::steady_clock::now() - started;
  // 1,000 x (send + receive 10 + 10 deletes): linear cost in depth would take minutes.
  CHECK(elapsed < std::chrono::seconds(10));
  CHECK(f.attribute(url, "ApproximateNumberOfMessages") == std::to_string(1'000'000 + 1000 - 10'000));
  CHECK(f.attribute(url, "ApproximateNumberOfMessagesNotVisible") == "0");
}
