// SNS handlers called directly with typed input, against fake SQS and HTTP and a manual clock:
// topic rules, FIFO publishing, fan-out with filter policies, HTTP confirmation and retries,
// dead-letter queues, PublishBatch, and the snapshot view.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>

#include "core/json.h"
#include "services/sns/handlers/handlers.h"
#include "services/sns/views.h"
#include "tests/support/manual_scheduler.h"

using namespace rime;
using namespace rime::sns;

namespace {

const std::string kAccount = "123456789012";
const std::string kTopic = "arn:aws:sns:us-east-1:123456789012:";

/// SQS as SNS sees it: records what arrives; queues named "missing" do not exist.
class FakeQueues final : public QueueDelivery {
 public:
  std::optional<AwsError> deliver_to_queue(const std::string& arn, QueueMessage message) override {
    if (arn.ends_with(":missing")) return AwsError::not_found("AWS.SimpleQueueService.NonExistentQueue", "no queue");
    sent.emplace_back(arn, std::move(message));
    return std::nullopt;
  }
  std::vector<std::pair<std::string, QueueMessage>> sent;
  std::vector<QueueMessage> to(const std::string& arn) const {
    std::vector<QueueMessage> out;
    for (const auto& [a, m] : sent)
      if (a == arn) out.push_back(m);
    return out;
  }
};

/// Outbound HTTP that answers each request with the next scripted status (then 200).
class FakeHttp final : public HttpClient {
 public:
  void send(OutboundRequest request, std::function<void(OutboundResponse)> done) override {
    requests.push_back(request);
    OutboundResponse r;
    r.status = statuses.empty() ? 200 : statuses.front();
    if (!statuses.empty()) statuses.erase(statuses.begin());
    done(r);
  }
  std::vector<OutboundRequest> requests;
  std::vector<int> statuses;
};

struct Fixture {
  std::shared_ptr<SnsBackend> backend = std::make_shared<SnsBackend>();
  FakeQueues queues;
  std::shared_ptr<FakeHttp> http = std::make_shared<FakeHttp>();
  std::shared_ptr<test::ManualScheduler> clock = std::make_shared<test::ManualScheduler>();
  RequestContext ctx;

  Fixture() {
    backend->queues = [this]() -> QueueDelivery* { return &queues; };
    backend->http = http;
    backend->scheduler = clock;
    ctx.request_id = "test";
    ctx.scope = {kAccount, "us-east-1"};
    ctx.host = "localhost:4566";
    SigV4Credential cred;
    cred.access_key = "test";
    ctx.credential = cred;
  }
  SnsBackend& b() { return *backend; }

  std::string topic(const std::string& name, std::map<std::string, std::string> attributes = {}) {
    CreateTopicInput in;
    in.name = name;
    if (!attributes.empty()) in.attributes = std::move(attributes);
    auto r = create_topic(b(), ctx, in);
    REQUIRE(r.ok());
    return *r->topic_arn;
  }
  std::string subscribe_to(const std::string& topic_arn, const std::string& protocol, const std::string& endpoint,
                           std::map<std::string, std::string> attributes = {}) {
    SubscribeInput in;
    in.topic_arn = topic_arn;
    in.protocol = protocol;
    in.endpoint = endpoint;
    in.return_subscription_arn = true;
    if (!attributes.empty()) in.attributes = std::move(attributes);
    auto r = subscribe(b(), ctx, in);
    INFO((r.ok() ? "" : r.error().message));
    REQUIRE(r.ok());
    return *r->subscription_arn;
  }
  Result<PublishResponse> send(const std::string& topic_arn, const std::string& message,
                               std::map<std::string, MessageAttributeValue> attributes = {},
                               std::optional<std::string> group = {}, std::optional<std::string> dedup = {}) {
    PublishInput in;
    in.topic_arn = topic_arn;
    in.message = message;
    if (!attributes.empty()) in.message_attributes = std::move(attributes);
    in.message_group_id = std::move(group);
    in.message_deduplication_id = std::move(dedup);
    return publish(b(), ctx, in);
  }
  std::vector<DeliveryRecord> records() {
    return b().state.read(ctx.scope, [](const SnsState& s) {
      return std::vector<DeliveryRecord>(s.deliveries.begin(), s.deliveries.end());
    });
  }
};

MessageAttributeValue str(const std::string& v) { return MessageAttributeValue{"String", v, std::nullopt}; }
MessageAttributeValue num(const std::string& v) { return MessageAttributeValue{"Number", v, std::nullopt}; }

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  std::string error;
  REQUIRE(parse_json(text, doc, error));
  return doc;
}

}  // namespace

// CreateTopic is idempotent for the same attributes and refuses different ones; FIFO naming.
TEST_CASE("CreateTopic rules", "[sns][CreateTopic]") {
  Fixture f;
  std::string arn = f.topic("orders", {{"DisplayName", "Orders"}});
  CHECK(arn == kTopic + "orders");
  CHECK(f.topic("orders", {{"DisplayName", "Orders"}}) == arn);
  CHECK(f.topic("orders") == arn);
  CreateTopicInput in;
  in.name = "orders";
  in.attributes = std::map<std::string, std::string>{{"DisplayName", "Other"}};
  auto conflict = create_topic(f.b(), f.ctx, in);
  REQUIRE_FALSE(conflict.ok());
  CHECK(conflict.error().message == "Invalid parameter: Attributes Reason: Topic already exists with different attributes");
  in.name = "bad name";
  in.attributes.reset();
  CHECK(create_topic(f.b(), f.ctx, in).error().message == "Invalid parameter: Topic Name");
  in.name = "x.fifo";
  CHECK(create_topic(f.b(), f.ctx, in).error().message == "Invalid parameter: Topic Name");
  in.name = "x";
  in.attributes = std::map<std::string, std::string>{{"FifoTopic", "true"}};
  CHECK(create_topic(f.b(), f.ctx, in).error().message.starts_with("Invalid parameter: Fifo Topic names must end with .fifo"));
  in.name = "orders";
  in.attributes = std::map<std::string, std::string>{{"ContentBasedDeduplication", "true"}};
  CHECK_FALSE(create_topic(f.b(), f.ctx, in).ok());  // FIFO-only attribute on a standard topic
  std::string fifo = f.topic("x.fifo", {{"FifoTopic", "true"}});
  auto attrs = get_topic_attributes(f.b(), f.ctx, GetTopicAttributesInput{fifo});
  REQUIRE(attrs.ok());
  CHECK(attrs->attributes->at("FifoTopic") == "true");
  CHECK(attrs->attributes->at("ContentBasedDeduplication") == "false");
  CHECK(attrs->attributes->at("Owner") == kAccount);
}

// FIFO publishing: group id required, deduplication (explicit and content-based), sequence
// numbers, and group/dedup ids kept on the way to a FIFO queue.
TEST_CASE("FIFO publish rules", "[sns][Publish][fifo]") {
  Fixture f;
  std::string topic = f.topic("t.fifo", {{"FifoTopic", "true"}});
  std::string queue = "arn:aws:sqs:us-east-1:123456789012:q.fifo";
  f.subscribe_to(topic, "sqs", queue);
  CHECK(f.send(topic, "m").error().message ==
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
  CHECK(f.send(topic, "m", {}, "g").error().message ==
        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
        "provided explicitly");
  auto first = f.send(topic, "m", {}, "g", "d1");
  REQUIRE(first.ok());
  REQUIRE(first->sequence_number);
  CHECK(first->sequence_number->size() == 20);
  auto again = f.send(topic, "m", {}, "g", "d1");  // duplicate within five minutes
  REQUIRE(again.ok());
  CHECK(*again->message_id == *first->message_id);
  CHECK(*again->sequence_number == *first->sequence_number);
  auto second = f.send(topic, "m", {}, "g", "d2");
  REQUIRE(second.ok());
  CHECK(*second->sequence_number > *first->sequence_number);
  auto delivered = f.queues.to(queue);
  REQUIRE(delivered.size() == 2);
  CHECK(delivered[0].message_group_id == "g");
  CHECK(delivered[0].deduplication_id == "d1");
  CHECK(parse(delivered[0].body)["SequenceNumber"].GetString() == *first->sequence_number);

  SetTopicAttributesInput cbd{topic, "ContentBasedDeduplication", "true"};
  REQUIRE(set_topic_attributes(f.b(), f.ctx, cbd).ok());
  auto c1 = f.send(topic, "same body", {}, "g");
  auto c2 = f.send(topic, "same body", {}, "g");
  REQUIRE(c1.ok());
  CHECK(*c2->message_id == *c1->message_id);
  CHECK(f.queues.to(queue).size() == 3);
  CHECK(f.queues.to(queue)[2].deduplication_id.size() == 64);  // SHA-256 of the body

  // A standard queue on a FIFO topic gets the group id (fair queues) but no deduplication id.
  std::string plain = "arn:aws:sqs:us-east-1:123456789012:plain";
  f.subscribe_to(topic, "sqs", plain);
  REQUIRE(f.send(topic, "to both", {}, "g", "d9").ok());
  REQUIRE(f.queues.to(plain).size() == 1);
  CHECK(f.queues.to(plain)[0].message_group_id == "g");
  CHECK(f.queues.to(plain)[0].deduplication_id.empty());

  std::string standard = f.topic("std");
  CHECK(f.send(standard, "m", {}, std::nullopt, "d").error().message ==
        "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that "
        "is not valid for this topic type");
  SubscribeInput fifo_queue{standard, "sqs", queue, std::nullopt, std::nullopt};
  CHECK(subscribe(f.b(), f.ctx, fifo_queue).error().message ==
        "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS "
        "topics");
}

// Fan-out: each queue gets the envelope or raw message its filter policy lets through.
TEST_CASE("fan-out with filter policies", "[sns][Publish][filter]") {
  Fixture f;
  std::string topic = f.topic("events");
  std::string all = "arn:aws:sqs:us-east-1:123456789012:all";
  std::string sports = "arn:aws:sqs:us-east-1:123456789012:sports";
  std::string pricey = "arn:aws:sqs:us-east-1:123456789012:pricey";
  std::string body = "arn:aws:sqs:us-east-1:123456789012:body";
  f.subscribe_to(topic, "sqs", all);
  f.subscribe_to(topic, "sqs", sports, {{"FilterPolicy", R"({"interest": ["rugby", "football"]})"}, {"RawMessageDelivery", "true"}});
  f.subscribe_to(topic, "sqs", pricey, {{"FilterPolicy", R"({"price": [{"numeric": [">", 100]}]})"}});
  f.subscribe_to(topic, "sqs", body, {{"FilterPolicy", R"({"order": {"kind": ["book"]}})"}, {"FilterPolicyScope", "MessageBody"}});
  REQUIRE(f.send(topic, "rugby match", {{"interest", str("rugby")}, {"price", num("50")}}).ok());
  REQUIRE(f.send(topic, "expensive", {{"interest", str("golf")}, {"price", num("150")}}).ok());
  REQUIRE(f.send(topic, R"({"order": {"kind": "book"}})").ok());
  CHECK(f.queues.to(all).size() == 3);
  auto sport = f.queues.to(sports);
  REQUIRE(sport.size() == 1);
  CHECK(sport[0].body == "rugby match");  // raw
  CHECK(sport[0].attributes.at("interest").string_value == "rugby");
  auto expensive = f.queues.to(pricey);
  REQUIRE(expensive.size() == 1);
  auto envelope = parse(expensive[0].body);
  CHECK(std::string(envelope["Type"].GetString()) == "Notification");
  CHECK(std::string(envelope["Message"].GetString()) == "expensive");
  CHECK(std::string(envelope["MessageAttributes"]["price"]["Type"].GetString()) == "Number");
  CHECK(std::string(envelope["UnsubscribeURL"].GetString()).starts_with("http://localhost:4566/?Action=Unsubscribe&"));
  CHECK(f.queues.to(body).size() == 1);
  CHECK(expensive[0].attributes.empty());
}

// An HTTP subscription: SubscriptionConfirmation POST, confirmation with its token, then a
// Notification POST with AWS's headers.
TEST_CASE("HTTP subscription confirmation and delivery", "[sns][Subscribe][http]") {
  Fixture f;
  std::string topic = f.topic("web");
  SubscribeInput in{topic, "http", "http://example.test/hook", std::nullopt, std::nullopt};
  auto r = subscribe(f.b(), f.ctx, in);
  REQUIRE(r.ok());
  CHECK(*r->subscription_arn == "pending confirmation");
  REQUIRE(f.http->requests.size() == 1);
  OutboundRequest confirm = f.http->requests[0];
  CHECK(confirm.url == "http://example.test/hook");
  auto header = [](const OutboundRequest& req, const std::string& name) {
    for (const auto& [k, v] : req.headers)
      if (k == name) return v;
    return std::string();
  };
  CHECK(header(confirm, "x-amz-sns-message-type") == "SubscriptionConfirmation");
  CHECK(header(confirm, "Content-Type") == "text/plain; charset=UTF-8");
  auto doc = parse(confirm.body);
  std::string token = doc["Token"].GetString();
  CHECK(std::string(doc["SubscribeURL"].GetString()).find("Action=ConfirmSubscription&TopicArn=" + topic + "&Token=" + token) !=
        std::string::npos);
  // Nothing is delivered while the subscription is pending; subscribing again resends the
  // confirmation with the same token.
  REQUIRE(f.send(topic, "early").ok());
  CHECK(f.http->requests.size() == 1);
  REQUIRE(subscribe(f.b(), f.ctx, in).ok());
  REQUIRE(f.http->requests.size() == 2);
  CHECK(std::string(parse(f.http->requests[1].body)["Token"].GetString()) == token);
  f.http->requests.erase(f.http->requests.begin() + 1);
  CHECK(confirm_subscription(f.b(), f.ctx, ConfirmSubscriptionInput{topic, "wrong", std::nullopt}).error().message ==
        "Invalid token");
  auto confirmed = confirm_subscription(f.b(), f.ctx, ConfirmSubscriptionInput{topic, token, "true"});
  REQUIRE(confirmed.ok());
  auto attrs = get_subscription_attributes(f.b(), f.ctx, GetSubscriptionAttributesInput{*confirmed->subscription_arn});
  REQUIRE(attrs.ok());
  CHECK(attrs->attributes->at("PendingConfirmation") == "false");
  CHECK(attrs->attributes->at("ConfirmationWasAuthenticated") == "true");
  CHECK(attrs->attributes->count("EffectiveDeliveryPolicy") == 1);
  REQUIRE(f.send(topic, "hello").ok());
  REQUIRE(f.http->requests.size() == 2);
  const OutboundRequest& note = f.http->requests[1];
  CHECK(header(note, "x-amz-sns-message-type") == "Notification");
  CHECK(header(note, "x-amz-sns-subscription-arn") == *confirmed->subscription_arn);
  CHECK(header(note, "x-amz-sns-topic-arn") == topic);
  CHECK(std::string(parse(note.body)["Message"].GetString()) == "hello");
  // AuthenticateOnUnsubscribe: the (unsigned) UnsubscribeURL may not remove it, a signed call may.
  RequestContext via_url = f.ctx;
  via_url.credential->presigned = true;
  auto refused = unsubscribe(f.b(), via_url, UnsubscribeInput{*confirmed->subscription_arn});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "AuthorizationErrorException");
  REQUIRE(unsubscribe(f.b(), f.ctx, UnsubscribeInput{*confirmed->subscription_arn}).ok());
  REQUIRE(f.http->requests.size() == 3);
  CHECK(header(f.http->requests[2], "x-amz-sns-message-type") == "UnsubscribeConfirmation");
}

// HTTP retries: 5xx answers are retried on the policy's schedule (20 policy seconds apart by
// default, each lasting retry_unit_ms), 4xx ones are not; the outcome is recorded.
TEST_CASE("HTTP delivery retries", "[sns][http][retry]") {
  Fixture f;
  std::string topic = f.topic("retry");
  f.http->statuses = {200};  // the confirmation
  f.subscribe_to(topic, "http", "http://example.test/r");
  std::string token = parse(f.http->requests[0].body)["Token"].GetString();
  REQUIRE(confirm_subscription(f.b(), f.ctx, ConfirmSubscriptionInput{topic, token, std::nullopt}).ok());
  f.http->statuses = {500, 503};
  REQUIRE(f.send(topic, "retry me").ok());
  CHECK(f.http->requests.size() == 2);  // first attempt failed
  CHECK(f.records().back().status == "pending");
  f.clock->advance(std::chrono::milliseconds(20 * f.b().retry_unit_ms - 1));
  CHECK(f.http->requests.size() == 2);
  f.clock->advance(std::chrono::milliseconds(1));
  CHECK(f.http->requests.size() == 3);  // second attempt: 503
  f.clock->advance(std::chrono::milliseconds(20 * f.b().retry_unit_ms));
  CHECK(f.http->requests.size() == 4);  // third attempt: 200
  CHECK(f.records().back().status == "delivered");
  CHECK(f.records().back().attempts == 3);
  CHECK(f.clock->pending() == 0);

  f.http->statuses = {404};
  REQUIRE(f.send(topic, "gone").ok());
  CHECK(f.records().back().status == "failed");
  CHECK(f.clock->pending() == 0);

  f.http->statuses = {500, 500, 500, 500};
  REQUIRE(f.send(topic, "never").ok());
  f.clock->advance(std::chrono::milliseconds(100 * f.b().retry_unit_ms));
  CHECK(f.records().back().status == "failed");
  CHECK(f.records().back().attempts == 4);  // one attempt and three retries
}

// A delivery that fails goes to the subscription's dead-letter queue.
TEST_CASE("RedrivePolicy dead-letter queue", "[sns][delivery]") {
  Fixture f;
  std::string topic = f.topic("dlq");
  std::string dlq = "arn:aws:sqs:us-east-1:123456789012:dead";
  f.subscribe_to(topic, "sqs", "arn:aws:sqs:us-east-1:123456789012:missing",
                 {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlq + "\"}"}});
  REQUIRE(f.send(topic, "lost").ok());
  auto dead = f.queues.to(dlq);
  REQUIRE(dead.size() == 1);
  CHECK(std::string(parse(dead[0].body)["Message"].GetString()) == "lost");
  CHECK(f.records().back().status == "failed");
}

// Email, SMS and email-json deliveries are recorded; email confirmations carry the token.
TEST_CASE("recorded deliveries", "[sns][delivery]") {
  Fixture f;
  std::string topic = f.topic("mail");
  SubscribeInput in{topic, "email", "someone@example.com", std::nullopt, std::nullopt};
  auto pending = subscribe(f.b(), f.ctx, in);
  REQUIRE(pending.ok());
  CHECK(*pending->subscription_arn == "pending confirmation");
  auto record = f.records().back();
  CHECK(record.protocol == "email");
  CHECK(record.message_type == "SubscriptionConfirmation");
  auto token_at = record.body.find("Token=");
  REQUIRE(token_at != std::string::npos);
  std::string token = record.body.substr(token_at + 6, 128);
  REQUIRE(confirm_subscription(f.b(), f.ctx, ConfirmSubscriptionInput{topic, token, std::nullopt}).ok());
  f.subscribe_to(topic, "sms", "+15555550100");
  PublishInput msg;
  msg.topic_arn = topic;
  msg.message = R"({"default": "plain", "sms": "short", "email": "long text"})";
  msg.message_structure = "json";
  msg.subject = "Hi";
  REQUIRE(publish(f.b(), f.ctx, msg).ok());
  auto records = f.records();
  std::map<std::string, std::string> bodies;
  for (const auto& r : records)
    if (r.message_type == "Notification") bodies[r.protocol] = r.body;
  CHECK(bodies.at("sms") == "short");
  CHECK(bodies.at("email") == "long text");
  PublishInput direct;
  direct.phone_number = "+15555550123";
  direct.message = "code 1234";
  REQUIRE(publish(f.b(), f.ctx, direct).ok());
  CHECK(f.records().back().endpoint == "+15555550123");
  direct.phone_number = "12";
  CHECK_FALSE(publish(f.b(), f.ctx, direct).ok());
}

// PublishBatch: whole-batch errors and per-entry failures, as AWS reports them.
TEST_CASE("PublishBatch", "[sns][PublishBatch]") {
  Fixture f;
  std::string topic = f.topic("batch");
  f.subscribe_to(topic, "sqs", "arn:aws:sqs:us-east-1:123456789012:b");
  PublishBatchInput in;
  in.topic_arn = topic;
  CHECK(publish_batch(f.b(), f.ctx, in).error().code == "EmptyBatchRequestException");
  for (int i = 0; i < 11; ++i) in.publish_batch_request_entries.push_back({std::to_string(i), "m"});
  CHECK(publish_batch(f.b(), f.ctx, in).error().code == "TooManyEntriesInBatchRequestException");
  in.publish_batch_request_entries = {{"a", "m"}, {"a", "m"}};
  CHECK(publish_batch(f.b(), f.ctx, in).error().code == "BatchEntryIdsNotDistinctException");
  in.publish_batch_request_entries = {{"bad id!", "m"}};
  CHECK(publish_batch(f.b(), f.ctx, in).error().code == "InvalidBatchEntryIdException");
  in.publish_batch_request_entries = {{"a", std::string(200000, 'x')}, {"b", std::string(70000, 'y')}};
  CHECK(publish_batch(f.b(), f.ctx, in).error().code == "BatchRequestTooLongException");
  PublishBatchRequestEntry bad{"bad", "m"};
  bad.message_attributes = std::map<std::string, MessageAttributeValue>{{"n", num("abc")}};
  in.publish_batch_request_entries = {{"ok", "hello"}, bad};
  auto r = publish_batch(f.b(), f.ctx, in);
  REQUIRE(r.ok());
  REQUIRE(r->successful->size() == 1);
  CHECK(*r->successful->at(0).id == "ok");
  REQUIRE(r->failed->size() == 1);
  CHECK(r->failed->at(0).id == "bad");
  CHECK(r->failed->at(0).code == "ParameterValueInvalid");
  CHECK(r->failed->at(0).sender_fault);
  CHECK(f.queues.sent.size() == 1);
}

// Subscription attributes: validation, FilterPolicyScope shown only with a policy, removal.
TEST_CASE("subscription attributes", "[sns][SetSubscriptionAttributes]") {
  Fixture f;
  std::string topic = f.topic("attrs");
  std::string sub = f.subscribe_to(topic, "sqs", "arn:aws:sqs:us-east-1:123456789012:a");
  auto set = [&](const std::string& name, const std::string& value) {
    return set_subscription_attributes(f.b(), f.ctx, SetSubscriptionAttributesInput{sub, name, value});
  };
  auto get = [&] { return *get_subscription_attributes(f.b(), f.ctx, GetSubscriptionAttributesInput{sub})->attributes; };
  CHECK(set("Bogus", "x").error().message == "Invalid parameter: AttributeName");
  REQUIRE(set("FilterPolicyScope", "MessageBody").ok());
  CHECK(get().count("FilterPolicyScope") == 0);
  REQUIRE(set("FilterPolicy", R"({"a": {"b": ["c"]}})").ok());
  CHECK(get().at("FilterPolicyScope") == "MessageBody");
  CHECK(set("FilterPolicyScope", "MessageAttributes").error().message ==
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy");
  CHECK(set("FilterPolicyScope", "RandomValue").error().message ==
        "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes");
  REQUIRE(set("FilterPolicy", "").ok());
  CHECK(get().count("FilterPolicy") == 0);
  REQUIRE(set("RawMessageDelivery", "True").ok());
  CHECK(get().at("RawMessageDelivery") == "true");
  std::string mail = f.subscribe_to(topic, "sms", "+15555550100");
  CHECK(set_subscription_attributes(f.b(), f.ctx, SetSubscriptionAttributesInput{mail, "RawMessageDelivery", "true"})
            .error()
            .message == "Invalid parameter: Delivery protocol [sms] does not support raw message delivery.");
  SubscribeInput in{topic, "sqs", "arn:aws:sqs:us-east-1:123456789012:z",
                    std::map<std::string, std::string>{{"FilterPolicy", R"({"k": [{"numeric": [">", "x"]}]})"}}, true};
  CHECK(subscribe(f.b(), f.ctx, in).error().message ==
        "Invalid parameter: Attributes Reason: FilterPolicy: Value of > must be numeric");
}

// The view round-trips the state (filters recompiled, tokens reindexed); bad views are refused.
TEST_CASE("SNS snapshot view", "[sns][views]") {
  Fixture f;
  std::string topic = f.topic("snap", {{"DisplayName", "Snap"}});
  f.subscribe_to(topic, "sqs", "arn:aws:sqs:us-east-1:123456789012:s", {{"FilterPolicy", R"({"k": ["v"]})"}});
  SubscribeInput mail{topic, "email", "a@example.com", std::nullopt, std::nullopt};
  REQUIRE(subscribe(f.b(), f.ctx, mail).ok());
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  f.b().state.read(f.ctx.scope, [&](const SnsState& s) { write_view(s, w); });
  auto doc = parse(buffer.GetString());
  std::string error;
  auto restored = read_view(doc, error);
  REQUIRE(restored);
  CHECK(restored->topics.at(topic).attribute("DisplayName") == "Snap");
  CHECK(restored->subscriptions.size() == 2);
  CHECK(restored->tokens.size() == 1);
  for (const auto& [_, sub] : restored->subscriptions)
    if (sub.protocol == "sqs") CHECK(sub.filter);
  CHECK(restored->deliveries.size() == 1);

  auto bad = parse(R"({"topics": [{"arn": "not-an-arn", "name": "x"}]})");
  CHECK_FALSE(read_view(bad, error));
  CHECK(error.find("topic") != std::string::npos);
  auto bad_sub = parse(R"({"subscriptions": [{"arn": "arn:aws:sns:us-east-1:1:t:x", "topicArn": "arn:aws:sns:us-east-1:1:t",
                          "protocol": "sqs", "endpoint": "e", "attributes": {"FilterPolicy": "[1]"}}]})");
  CHECK_FALSE(read_view(bad_sub, error));
  SnsState merged;
  merge_into(merged, std::move(*restored));
  CHECK(merged.topics.size() == 1);
  CHECK(merged.tokens.size() == 1);
}
