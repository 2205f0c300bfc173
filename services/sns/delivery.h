// Delivery: what SNS sends and how. The JSON envelope (Notification, SubscriptionConfirmation,
// UnsubscribeConfirmation) in AWS's own layout and signed; fan-out to SQS queues of this server
// through QueueDelivery (envelope, or the raw message with attributes mapped to SQS message
// attributes; FIFO group and deduplication ids kept); HTTP/S POSTs with AWS's headers, retried
// on 5xx, 429 and connection errors per the delivery policy (AWS's phases: immediate retries,
// pre-backoff at minDelayTarget, backoff from minDelayTarget to maxDelayTarget, post-backoff
// at maxDelayTarget), each policy second lasting SnsBackend::retry_unit_ms; failed deliveries go
// to the subscription's RedrivePolicy dead-letter queue. Protocols rime cannot reach (email,
// email-json, sms, application, lambda, firehose) are recorded in the state instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "services/sns/state.h"

namespace rime::sns {

struct Envelope {
  std::string type = "Notification";  // | SubscriptionConfirmation | UnsubscribeConfirmation
  std::string message_id;
  std::string topic_arn;
  std::optional<std::string> subject;
  std::string message;
  std::string timestamp;        // ISO 8601 UTC with milliseconds
  std::string sequence_number;  // FIFO notifications
  std::string token;            // confirmations
  std::string subscribe_url;    // confirmations
  std::string unsubscribe_url;  // notifications
  std::string signing_cert_url;
  std::string signature_version = "1";
  std::string signature;         // computed by envelope_json when empty
  MessageAttributes attributes;  // notifications
};

/// The text SNS signs: "Name\nvalue\n" for the envelope's signed fields in AWS's order.
std::string string_to_sign(const Envelope& e);

/// The envelope as AWS writes it (two-space indent, "key" : value, attributes as compact
/// {"Type":..,"Value":..} objects), with its Signature.
std::string envelope_json(const Envelope& e);

/// A delivery policy's retry parameters (healthyRetryPolicy), with AWS's defaults.
struct RetryPolicy {
  int min_delay = 20;
  int max_delay = 20;
  int num_retries = 3;
  int num_no_delay = 0;
  int num_min_delay = 0;
  int num_max_delay = 0;
  std::string backoff = "linear";  // linear | arithmetic | geometric | exponential
};

/// Seconds to wait before retry `n` (1-based) under `policy`.
int retry_delay_seconds(const RetryPolicy& policy, int n);

/// Checks a DeliveryPolicy document; the InvalidParameter detail when it is not acceptable.
/// `topic` selects the topic form ({"http": {"defaultHealthyRetryPolicy": ..}}) over the
/// subscription form ({"healthyRetryPolicy": ..}).
std::optional<std::string> validate_delivery_policy(std::string_view json, bool topic);

/// The retry policy and Content-Type that apply to an HTTP/S subscription.
struct HttpPolicy {
  RetryPolicy retry;
  std::string content_type = "text/plain; charset=UTF-8";
};
HttpPolicy effective_http_policy(std::string_view topic_policy, std::string_view subscription_policy);

/// GetTopicAttributes' EffectiveDeliveryPolicy and GetSubscriptionAttributes' (HTTP/S).
std::string topic_effective_delivery_policy(std::string_view topic_policy);
std::string subscription_effective_delivery_policy(std::string_view topic_policy, std::string_view subscription_policy);

/// One message on its way to one endpoint.
struct Delivery {
  Scope scope;  // the topic's scope: where outcomes are recorded
  std::string protocol;
  std::string endpoint;
  std::string subscription_arn;
  std::string topic_arn;
  std::string message_type = "Notification";
  std::string message_id;
  std::string subject;
  std::string body;  // envelope JSON or the raw message
  bool raw = false;
  MessageAttributes attributes;  // raw SQS deliveries carry them as SQS message attributes
  std::string group_id;          // FIFO
  std::string dedup_id;          // FIFO
  HttpPolicy http;
  std::string dead_letter_arn;   // RedrivePolicy deadLetterTargetArn
  std::uint64_t record_id = 0;   // the DeliveryRecord that tracks an HTTP delivery
};

/// A record of a delivery that rime cannot make for real (or one to be updated: HTTP, failures).
DeliveryRecord record_of(const Delivery& d, const std::string& status);

/// Sends `d` (SQS now; HTTP asynchronously with retries). Never holds a scope lock while
/// calling SQS or the network; outcomes are written back to the state afterwards.
void deliver(SnsBackend& backend, Delivery d);

/// The SQS message a delivery becomes (exposed for tests).
QueueMessage queue_message(const Delivery& d);

}  // namespace rime::sns
