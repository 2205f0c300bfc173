// SNS delivery pieces: the envelope as AWS lays it out and signs it, retry schedules, delivery
// policies, the SQS message a delivery becomes, and the error mapping.
#include <catch2/catch.hpp>

#include <regex>

#include <rapidjson/document.h>

#include "core/json.h"
#include "services/sns/delivery.h"
#include "services/sns/errors.h"
#include "services/sns/signing.h"

using namespace rime;
using namespace rime::sns;

namespace {

Envelope notification() {
  Envelope e;
  e.message_id = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324";
  e.topic_arn = "arn:aws:sns:us-west-2:123456789012:MyTopic";
  e.subject = "My First Message";
  e.message = "Hello world!";
  e.timestamp = "2012-05-02T00:54:06.655Z";
  e.signing_cert_url = "http://localhost:4566/SimpleNotificationService-x.pem";
  e.unsubscribe_url = "http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0";
  return e;
}

std::string without_signature(const std::string& json) {
  return std::regex_replace(json, std::regex(R"("Signature" : "[^"]*")"), R"("Signature" : "SIG")");
}

}  // namespace

// The Notification envelope: AWS's field order and layout, Subject only when set, attributes
// as compact {"Type","Value"} objects (Binary in base64).
TEST_CASE("SNS notification envelope layout", "[sns][envelope]") {
  Envelope e = notification();
  e.attributes["store"] = MessageAttribute{"String", "example_corp", ""};
  e.attributes["blob"] = MessageAttribute{"Binary", "", std::string("\x01\x02", 2)};
  std::string json = without_signature(envelope_json(e));
  CHECK(json ==
        "{\n"
        "  \"Type\" : \"Notification\",\n"
        "  \"MessageId\" : \"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\",\n"
        "  \"TopicArn\" : \"arn:aws:sns:us-west-2:123456789012:MyTopic\",\n"
        "  \"Subject\" : \"My First Message\",\n"
        "  \"Message\" : \"Hello world!\",\n"
        "  \"Timestamp\" : \"2012-05-02T00:54:06.655Z\",\n"
        "  \"SignatureVersion\" : \"1\",\n"
        "  \"Signature\" : \"SIG\",\n"
        "  \"SigningCertURL\" : \"http://localhost:4566/SimpleNotificationService-x.pem\",\n"
        "  \"UnsubscribeURL\" : \"http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0\",\n"
        "  \"MessageAttributes\" : {\n"
        "    \"blob\" : {\"Type\":\"Binary\",\"Value\":\"AQI=\"},\n"
        "    \"store\" : {\"Type\":\"String\",\"Value\":\"example_corp\"}\n"
        "  }\n"
        "}");
  // Messages with quotes, colons and newlines stay valid JSON (colons inside strings untouched).
  e.message = "a \"b\": c\nd : e";
  e.subject.reset();
  e.attributes.clear();
  e.sequence_number = "10000000000000000001";
  rapidjson::Document doc;
  std::string error;
  std::string text = envelope_json(e);
  REQUIRE(parse_json(text, doc, error));
  CHECK(std::string(doc["Message"].GetString()) == "a \"b\": c\nd : e");
  CHECK_FALSE(doc.HasMember("Subject"));
  CHECK_FALSE(doc.HasMember("MessageAttributes"));
  CHECK(text.find("\"MessageId\" : \"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\",\n  \"SequenceNumber\" : ") !=
        std::string::npos);
}

// The signature covers AWS's canonical string and verifies with the served certificate's key.
TEST_CASE("SNS envelope signatures", "[sns][envelope]") {
  Envelope e = notification();
  CHECK(string_to_sign(e) ==
        "Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\n"
        "Timestamp\n2012-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n");
  rapidjson::Document doc;
  std::string error;
  REQUIRE(parse_json(envelope_json(e), doc, error));
  CHECK(verify_message(string_to_sign(e), doc["Signature"].GetString(), "1"));
  CHECK_FALSE(verify_message(string_to_sign(e) + "x", doc["Signature"].GetString(), "1"));
  e.signature_version = "2";
  REQUIRE(parse_json(envelope_json(e), doc, error));
  CHECK(verify_message(string_to_sign(e), doc["Signature"].GetString(), "2"));
  CHECK(signing_certificate_pem().starts_with("-----BEGIN CERTIFICATE-----"));
  CHECK(std::regex_match(signing_certificate_name(), std::regex("SimpleNotificationService-[0-9a-f]{32}\\.pem")));

  Envelope c;
  c.type = "SubscriptionConfirmation";
  c.message_id = "id";
  c.token = "tok";
  c.topic_arn = "arn:aws:sns:us-east-1:123456789012:t";
  c.message = "m";
  c.subscribe_url = "http://x/?Action=ConfirmSubscription";
  c.timestamp = "2026-01-01T00:00:00.000Z";
  CHECK(string_to_sign(c) ==
        "Message\nm\nMessageId\nid\nSubscribeURL\nhttp://x/?Action=ConfirmSubscription\nTimestamp\n"
        "2026-01-01T00:00:00.000Z\nToken\ntok\nTopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\n"
        "SubscriptionConfirmation\n");
  std::string json = without_signature(envelope_json(c));
  CHECK(json.starts_with("{\n  \"Type\" : \"SubscriptionConfirmation\",\n  \"MessageId\" : \"id\",\n"
                         "  \"Token\" : \"tok\",\n  \"TopicArn\" : \"arn:aws:sns:us-east-1:123456789012:t\",\n"
                         "  \"Message\" : \"m\",\n  \"SubscribeURL\" : \"http://x/?Action=ConfirmSubscription\",\n"));
  CHECK(json.find("UnsubscribeURL") == std::string::npos);
}

// Retry delays follow AWS's phases: immediate, pre-backoff, backoff, post-backoff.
TEST_CASE("SNS retry schedule", "[sns][delivery]") {
  RetryPolicy defaults;
  for (int n = 1; n <= 3; ++n) CHECK(retry_delay_seconds(defaults, n) == 20);
  RetryPolicy p;
  p.min_delay = 1;
  p.max_delay = 60;
  p.num_retries = 10;
  p.num_no_delay = 2;
  p.num_min_delay = 2;
  p.num_max_delay = 2;
  p.backoff = "linear";
  CHECK(retry_delay_seconds(p, 1) == 0);
  CHECK(retry_delay_seconds(p, 2) == 0);
  CHECK(retry_delay_seconds(p, 3) == 1);
  CHECK(retry_delay_seconds(p, 4) == 1);
  int previous = 1;
  for (int n = 5; n <= 8; ++n) {  // backoff phase climbs to the maximum
    CHECK(retry_delay_seconds(p, n) >= previous);
    previous = retry_delay_seconds(p, n);
  }
  CHECK(retry_delay_seconds(p, 8) == 60);
  CHECK(retry_delay_seconds(p, 9) == 60);
  CHECK(retry_delay_seconds(p, 10) == 60);
  p.backoff = "exponential";
  CHECK(retry_delay_seconds(p, 5) < retry_delay_seconds(p, 7));
}

// Delivery policies: validation, and the effective policy a subscription gets.
TEST_CASE("SNS delivery policies", "[sns][delivery]") {
  CHECK_FALSE(validate_delivery_policy(R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":5,"minDelayTarget":1,"maxDelayTarget":5}}})", true));
  CHECK(validate_delivery_policy("nope", true).value() == "DeliveryPolicy: failed to parse JSON");
  CHECK(validate_delivery_policy(R"({"healthyRetryPolicy":{"numRetries":101}})", false).has_value());
  CHECK(validate_delivery_policy(R"({"healthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":10}})", false).has_value());
  CHECK(validate_delivery_policy(R"({"healthyRetryPolicy":{"numRetries":50,"minDelayTarget":100,"maxDelayTarget":100}})", false)
            .has_value());  // 5,000 s of retries: over the one-hour limit

  std::string topic = R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":5,"minDelayTarget":2,"maxDelayTarget":4},
                          "defaultRequestPolicy":{"headerContentType":"application/json"}}})";
  HttpPolicy p = effective_http_policy(topic, "");
  CHECK(p.retry.num_retries == 5);
  CHECK(p.content_type == "application/json");
  p = effective_http_policy(topic, R"({"healthyRetryPolicy":{"numRetries":1},"requestPolicy":{"headerContentType":"text/xml"}})");
  CHECK(p.retry.num_retries == 1);
  CHECK(p.content_type == "text/xml");
  // disableSubscriptionOverrides keeps the topic's policy.
  p = effective_http_policy(R"({"http":{"disableSubscriptionOverrides":true}})", R"({"healthyRetryPolicy":{"numRetries":1}})");
  CHECK(p.retry.num_retries == 3);
  CHECK(topic_effective_delivery_policy("") ==
        R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,)"
        R"("numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},)"
        R"("disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}})");
  CHECK(subscription_effective_delivery_policy("", "").starts_with(R"({"healthyRetryPolicy":{"minDelayTarget":20,)"));
}

// Raw deliveries carry the attributes as SQS message attributes; envelopes do not.
TEST_CASE("SNS delivery to an SQS message", "[sns][delivery]") {
  Delivery d;
  d.body = "hello";
  d.raw = true;
  d.attributes["n"] = MessageAttribute{"Number", "5", ""};
  d.attributes["b"] = MessageAttribute{"Binary", "", "\x01"};
  d.group_id = "g";
  d.dedup_id = "d";
  QueueMessage m = queue_message(d);
  CHECK(m.body == "hello");
  CHECK(m.attributes.at("n").data_type == "Number");
  CHECK(m.attributes.at("n").string_value == "5");
  CHECK(m.attributes.at("b").binary_value == "\x01");
  CHECK(m.message_group_id == "g");
  CHECK(m.deduplication_id == "d");
  d.raw = false;
  CHECK(queue_message(d).attributes.empty());
}

// Every error maps to the code and status AWS uses (the query code is the shape's awsQueryError).
TEST_CASE("SNS error mapping", "[sns][errors]") {
  CHECK(make_error(SnsError::kInvalidParameter, "Topic Name").message == "Invalid parameter: Topic Name");
  CHECK(make_error(SnsError::kInvalidParameter).code == "InvalidParameterException");
  CHECK(make_error(SnsError::kInvalidParameterValue, "x").code == "InvalidParameterValueException");
  CHECK(make_error(SnsError::kTopicNotFound).status == 404);
  CHECK(make_error(SnsError::kTopicNotFound).message == "Topic does not exist");
  CHECK(make_error(SnsError::kSubscriptionNotFound).message == "Subscription does not exist");
  CHECK(make_error(SnsError::kResourceNotFound).code == "ResourceNotFoundException");
  CHECK(make_error(SnsError::kTagLimitExceeded).code == "TagLimitExceededException");
  CHECK(make_error(SnsError::kTooManyEntriesInBatch).code == "TooManyEntriesInBatchRequestException");
  CHECK(make_error(SnsError::kEmptyBatch).code == "EmptyBatchRequestException");
  CHECK(make_error(SnsError::kBatchIdsNotDistinct).code == "BatchEntryIdsNotDistinctException");
  CHECK(make_error(SnsError::kBatchTooLong).code == "BatchRequestTooLongException");
  CHECK(make_error(SnsError::kInvalidBatchEntryId).code == "InvalidBatchEntryIdException");
  CHECK(make_error(SnsError::kEndpointDisabled).code == "EndpointDisabledException");
  CHECK(make_error(SnsError::kApplicationDisabled).code == "PlatformApplicationDisabledException");
  CHECK(make_error(SnsError::kOptedOut).code == "OptedOutException");
  CHECK(make_error(SnsError::kVerification).code == "VerificationException");
  CHECK(make_error(SnsError::kAuthorizationError, "no").status == 403);
  CHECK(make_error(SnsError::kInvalidToken).message == "Invalid token");
  CHECK(wire_code("InvalidParameterException") == "InvalidParameter");
  CHECK(wire_code("InvalidParameterValueException") == "ParameterValueInvalid");
  CHECK(wire_code("NotFoundException") == "NotFound");
}
