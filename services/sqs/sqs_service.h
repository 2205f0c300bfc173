// SQS: standard and FIFO queues over awsQuery and awsJson1_0 (the protocol layer picks the one
// the request used; handlers see typed structs). Long polls answer later, from a send, a message
// becoming visible or their deadline, without holding a thread. Other services enqueue through
// QueueDelivery (SNS subscriptions).
#pragma once

#include <memory>

#include "core/service_env.h"
#include "services/common/modeled_service.h"
#include "services/common/queue_delivery.h"
#include "services/sqs/generated/sqs_operations.h"
#include "services/sqs/state.h"

namespace rime::sqs {

class SqsService final : public ModeledService, public StatefulService, public QueueDelivery {
 public:
  explicit SqsService(const ServiceEnv& env);

  // QueueDelivery
  std::optional<AwsError> deliver_to_queue(const std::string& queue_arn, QueueMessage message) override;

  // StatefulService
  std::vector<Scope> scopes() const override { return backend_->state.scopes(); }
  std::uint64_t version(const Scope& scope) const override { return backend_->state.version(scope); }
  void snapshot(const Scope& scope, JsonWriter& out, BlobMode blobs) const override;
  std::optional<std::string> validate(const rapidjson::Value& view) const override;
  void restore(const Scope& scope, const rapidjson::Value& view) override;
  void merge(const Scope& scope, const rapidjson::Value& view) override;
  void reset(const Scope& scope) override;

  /// The state and timers behind the handlers (unit tests drive it directly).
  SqsBackend& backend() { return *backend_; }

 private:
  std::shared_ptr<SqsBackend> backend_;
  SqsHandlers handlers_;
};

std::shared_ptr<SqsService> make_sqs_service(const ServiceEnv& env);

}  // namespace rime::sqs
