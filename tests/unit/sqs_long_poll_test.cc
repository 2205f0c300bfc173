// SQS long polling and state views: waiters answered by a send, by a message becoming visible
// or by their deadline, never twice; snapshot/restore/merge/reset through SqsService; SNS's
// QueueDelivery entry point.
#include <catch2/catch.hpp>

#include <thread>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"
#include "services/sqs/generated/sqs_model.h"
#include "services/sqs/handlers/handlers.h"
#include "services/sqs/sqs_service.h"
#include "services/sqs/views.h"
#include "tests/support/capture_sink.h"
#include "tests/support/manual_scheduler.h"

using namespace rime;
using namespace rime::sqs;

namespace {

using test::CaptureSink;

/// Bodies of the messages in the sink's (only) answer.
std::vector<std::string> bodies(CaptureSink& sink) {
  std::lock_guard lock(sink.mutex);
  REQUIRE(sink.responses.size() == 1);
  rapidjson::Document doc;
  doc.Parse(sink.responses[0].body.c_str());
  std::vector<std::string> out;
  if (doc.HasMember("Messages"))
    for (const auto& m : doc["Messages"].GetArray()) out.emplace_back(m["Body"].GetString());
  return out;
}

struct Fixture {
  std::shared_ptr<test::ManualScheduler> scheduler = std::make_shared<test::ManualScheduler>();
  std::shared_ptr<SqsService> service;
  SqsBackend* backend = nullptr;
  Millis clock = 1'700'000'000'000;
  RequestContext ctx;

  Fixture() {
    ServiceEnv env;
    env.scheduler = scheduler;
    service = make_sqs_service(env);
    backend = &service->backend();
    backend->clock = [this] { return clock; };
    ctx.request_id = "test";
    ctx.scope = {"123456789012", "us-east-1"};
    ctx.host = "localhost:4566";
  }
  void tick(Millis ms) {
    clock += ms;
    scheduler->advance(std::chrono::milliseconds(ms));
  }
  std::string create(const std::string& name, std::map<std::string, std::string> attributes = {}) {
    CreateQueueRequest in;
    in.queue_name = name;
    if (!attributes.empty()) in.attributes = std::move(attributes);
    return *create_queue(*backend, ctx, in)->queue_url;
  }
  void send(const std::string& url, const std::string& body, std::optional<int> delay = {}) {
    SendMessageRequest in;
    in.queue_url = url;
    in.message_body = body;
    in.delay_seconds = delay;
    REQUIRE(send_message(*backend, ctx, in));
  }
  std::shared_ptr<CaptureSink> poll(const std::string& url, std::optional<int> wait, int max = 1) {
    ReceiveMessageRequest in;
    in.queue_url = url;
    in.wait_time_seconds = wait;
    in.max_number_of_messages = max;
    auto sink = std::make_shared<CaptureSink>();
    const auto& model = sqs_model();
    ReplyTarget target{Responder(sink), proto::Protocol::kAwsJson1_0, &model, model.find_operation("ReceiveMessage"),
                       std::make_shared<RequestContext>(ctx)};
    using Encode = proto::Value (*)(const ReceiveMessageResult&);
    receive_message(*backend, ctx, in, Reply<ReceiveMessageResult>(target, static_cast<Encode>(&to_value)));
    return sink;
  }
  std::string snapshot() {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    service->snapshot(ctx.scope, w, BlobMode::kInline);
    return std::string(buf.GetString(), buf.GetSize());
  }
};

}  // namespace

// A waiting receive is answered the moment a message arrives, and only once.
TEST_CASE("Long poll answered by a send", "[sqs][longpoll]") {
  Fixture f;
  std::string url = f.create("q");
  auto waiting = f.poll(url, 20);
  CHECK(waiting->count() == 0);
  f.send(url, "hi");
  CHECK(bodies(*waiting) == std::vector<std::string>{"hi"});
  f.tick(20'000);  // the deadline timer was cancelled or finds the waiter claimed
  CHECK(waiting->count() == 1);
}

// Without messages the deadline answers with none; the queue's ReceiveMessageWaitTimeSeconds
// applies when the request gives no WaitTimeSeconds.
TEST_CASE("Long poll deadline", "[sqs][longpoll]") {
  Fixture f;
  std::string url = f.create("q", {{"ReceiveMessageWaitTimeSeconds", "5"}});
  auto waiting = f.poll(url, std::nullopt);
  f.tick(4'999);
  CHECK(waiting->count() == 0);
  f.tick(1);
  CHECK(bodies(*waiting).empty());
  // WaitTimeSeconds=0 overrides the queue's wait.
  auto immediate = f.poll(url, 0);
  CHECK(bodies(*immediate).empty());
  // A message sent after the deadline goes to the next receiver, not the expired one.
  f.send(url, "later");
  CHECK(waiting->count() == 1);
  CHECK(bodies(*f.poll(url, 0)) == std::vector<std::string>{"later"});
}

// A delayed message, or one whose visibility timeout runs out, wakes a waiting receiver then.
TEST_CASE("Long poll woken by visibility changes", "[sqs][longpoll]") {
  Fixture f;
  std::string url = f.create("q", {{"VisibilityTimeout", "3"}});
  f.send(url, "delayed", 2);
  auto waiting = f.poll(url, 10);
  f.tick(1'000);
  CHECK(waiting->count() == 0);
  f.tick(1'001);
  CHECK(bodies(*waiting) == std::vector<std::string>{"delayed"});
  auto again = f.poll(url, 10);  // the message is in flight for 3 s
  f.tick(3'001);
  CHECK(bodies(*again) == std::vector<std::string>{"delayed"});
}

// Waiters are served oldest first, each message to one of them.
TEST_CASE("Many waiters, each message once", "[sqs][longpoll]") {
  Fixture f;
  std::string url = f.create("q");
  std::vector<std::shared_ptr<CaptureSink>> waiters;
  for (int i = 0; i < 1000; ++i) waiters.push_back(f.poll(url, 20));
  for (int i = 0; i < 10; ++i) f.send(url, "m" + std::to_string(i));
  for (int i = 0; i < 10; ++i) CHECK(bodies(*waiters[i]) == std::vector<std::string>{"m" + std::to_string(i)});
  for (int i = 10; i < 1000; ++i) CHECK(waiters[i]->count() == 0);
  f.tick(20'000);
  for (int i = 10; i < 1000; ++i) CHECK(bodies(*waiters[i]).empty());
  // What is left is the wake-up for the in-flight messages, which finds nobody waiting.
  f.tick(10'001);
  CHECK(f.scheduler->pending() == 0);
}

// Deadline timers and sends racing on real threads: every message goes to exactly one
// receiver, every receiver is answered exactly once.
TEST_CASE("Deadlines racing sends", "[sqs][longpoll][threads]") {
  Fixture f;
  std::string url = f.create("q");
  std::vector<std::shared_ptr<CaptureSink>> waiters;
  for (int i = 0; i < 200; ++i) waiters.push_back(f.poll(url, 1));
  std::thread sender([&] {
    for (int i = 0; i < 100; ++i) f.send(url, "m" + std::to_string(i));
  });
  std::thread timers([&] { f.scheduler->advance(std::chrono::seconds(1)); });
  sender.join();
  timers.join();
  std::set<std::string> seen;
  std::size_t delivered = 0;
  for (auto& w : waiters) {
    REQUIRE(w->count() == 1);
    for (auto& body : bodies(*w)) {
      CHECK(seen.insert(body).second);
      ++delivered;
    }
  }
  // What the waiters did not take is still in the queue, visible.
  GetQueueAttributesRequest in;
  in.queue_url = url;
  in.attribute_names = std::vector<std::string>{"ApproximateNumberOfMessages"};
  auto left = std::stoul(get_queue_attributes(*f.backend, f.ctx, in)->attributes->at("ApproximateNumberOfMessages"));
  CHECK(delivered + left == 100);
}

// DeleteQueue and a scope reset answer waiting receivers (with nothing).
TEST_CASE("Waiters of a deleted queue", "[sqs][longpoll]") {
  Fixture f;
  std::string url = f.create("q");
  auto waiting = f.poll(url, 20);
  DeleteQueueRequest del;
  del.queue_url = url;
  REQUIRE(delete_queue(*f.backend, f.ctx, del));
  CHECK(bodies(*waiting).empty());
  std::string other = f.create("r");
  auto waiting2 = f.poll(other, 20);
  f.service->reset(f.ctx.scope);
  CHECK(bodies(*waiting2).empty());
  CHECK(f.service->scopes().empty());
}

// A snapshot restored into a fresh service gives the same queues and messages; in-flight
// messages come back visible, delayed ones stay delayed; GET then PUT is an identity.
TEST_CASE("SQS views round-trip", "[sqs][views]") {
  Fixture f;
  std::string url = f.create("q", {{"VisibilityTimeout", "60"}, {"DelaySeconds", "0"}});
  f.create("f.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}});
  TagQueueRequest tag;
  tag.queue_url = url;
  tag.tags = {{"team", "a"}};
  REQUIRE(tag_queue(*f.backend, f.ctx, tag));
  SendMessageRequest in;
  in.queue_url = url;
  in.message_body = "with attributes";
  in.message_attributes = std::map<std::string, MessageAttributeValue>{
      {"s", {"v", {}, {}, {}, "String"}}, {"b", {{}, std::string("\x00\xff", 2), {}, {}, "Binary"}}};
  REQUIRE(send_message(*f.backend, f.ctx, in));
  f.send(url, "in flight");
  f.send(url, "delayed", 100);
  SendMessageRequest fifo;
  fifo.queue_url = "http://localhost:4566/123456789012/f.fifo";
  fifo.message_body = "fifo";
  fifo.message_group_id = "g";
  REQUIRE(send_message(*f.backend, f.ctx, fifo));
  REQUIRE(bodies(*f.poll(url, 0, 2)).size() == 2);  // "with attributes" and "in flight"

  std::string saved = f.snapshot();
  rapidjson::Document doc;
  doc.Parse(saved.c_str());
  REQUIRE_FALSE(f.service->validate(doc));

  Fixture g;
  g.clock = f.clock;
  g.service->restore(g.ctx.scope, doc);
  CHECK(g.snapshot() == saved);
  auto got = bodies(*g.poll(url, 0, 10));
  CHECK(got == std::vector<std::string>{"with attributes", "in flight"});
  g.tick(100'000);  // the two in flight (60 s) are back, and the delay has run out
  CHECK(bodies(*g.poll(url, 0, 10)) == std::vector<std::string>{"with attributes", "in flight", "delayed"});
  CHECK(bodies(*g.poll("http://localhost:4566/123456789012/f.fifo", 0, 10)) == std::vector<std::string>{"fifo"});
  ListQueueTagsRequest tags;
  tags.queue_url = url;
  CHECK(*list_queue_tags(*g.backend, g.ctx, tags)->tags == std::map<std::string, std::string>{{"team", "a"}});

  // Merge adds what is missing and keeps what is there.
  Fixture h;
  h.clock = f.clock;
  h.create("q");
  h.send(url, "already here");
  h.service->merge(h.ctx.scope, doc);
  h.service->merge(h.ctx.scope, doc);  // twice: nothing doubles
  GetQueueAttributesRequest count;
  count.queue_url = url;
  count.attribute_names = std::vector<std::string>{"All"};
  auto attrs = *get_queue_attributes(*h.backend, h.ctx, count)->attributes;
  CHECK(attrs["ApproximateNumberOfMessages"] == "3");
  CHECK(attrs["ApproximateNumberOfMessagesDelayed"] == "1");
  CHECK(attrs["VisibilityTimeout"] == "30");  // the live queue's settings stay
}

// Malformed views are refused with a reason.
TEST_CASE("SQS views validation", "[sqs][views]") {
  Fixture f;
  auto check = [&](const char* json, const char* reason) {
    rapidjson::Document doc;
    doc.Parse(json);
    auto error = f.service->validate(doc);
    REQUIRE(error);
    CHECK(error->find(reason) != std::string::npos);
  };
  check(R"({})", "queues");
  check(R"({"queues":[{"name":"bad name"}]})", "not a valid");
  check(R"({"queues":[{"name":"q","attributes":{"VisibilityTimeout":"-1"}}]})", "VisibilityTimeout");
  check(R"({"queues":[{"name":"q","messages":[{"body":"x"}]}]})", "messageId");
  check(R"({"queues":[{"name":"q"},{"name":"q"}]})", "twice");
  check(R"({"queues":[{"name":"q.fifo","attributes":{"FifoQueue":"true"},"messages":[{"messageId":"1","body":"x"}]}]})",
        "groupId");
}

// SNS delivers through QueueDelivery: it enqueues like SendMessage and wakes pollers.
TEST_CASE("QueueDelivery", "[sqs][QueueDelivery]") {
  Fixture f;
  std::string url = f.create("q");
  auto waiting = f.poll(url, 20);
  QueueMessage m;
  m.body = "from sns";
  m.attributes["a"] = {"String", "v", ""};
  m.sender_id = "AIDAEXAMPLE";
  CHECK_FALSE(f.service->deliver_to_queue("arn:aws:sqs:us-east-1:123456789012:q", m));
  CHECK(bodies(*waiting) == std::vector<std::string>{"from sns"});
  auto missing = f.service->deliver_to_queue("arn:aws:sqs:us-east-1:123456789012:none", m);
  REQUIRE(missing);
  CHECK(missing->code == "QueueDoesNotExist");
  f.create("f.fifo", {{"FifoQueue", "true"}});
  auto no_group = f.service->deliver_to_queue("arn:aws:sqs:us-east-1:123456789012:f.fifo", m);
  REQUIRE(no_group);
  CHECK(no_group->code == "MissingParameter");
  m.message_group_id = "g";
  m.deduplication_id = "d";
  CHECK_FALSE(f.service->deliver_to_queue("arn:aws:sqs:us-east-1:123456789012:f.fifo", m));
  CHECK_FALSE(f.service->deliver_to_queue("arn:aws:sqs:us-east-1:123456789012:f.fifo", m));  // deduplicated
  CHECK(bodies(*f.poll("http://localhost:4566/123456789012/f.fifo", 0, 10)) == std::vector<std::string>{"from sns"});
}
