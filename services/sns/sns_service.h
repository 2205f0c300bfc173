// SNS: topics, subscriptions, publishing with filter policies and fan-out (SQS queues of this
// server, HTTP/S endpoints; the other protocols recorded), platform applications and SMS.
#pragma once

#include <memory>

#include "core/service_env.h"
#include "services/common/modeled_service.h"
#include "services/sns/generated/sns_operations.h"
#include "services/sns/state.h"

namespace rime::sns {

class SnsService final : public ModeledService, public StatefulService {
 public:
  explicit SnsService(const ServiceEnv& env);

  /// Answers GET of the signing certificate (SigningCertURL) itself; the rest is the model's.
  void handle(Request& request, RequestContext& ctx, Responder responder) override;

  // StatefulService
  std::vector<Scope> scopes() const override { return backend_->state.scopes(); }
  std::uint64_t version(const Scope& scope) const override { return backend_->state.version(scope); }
  void snapshot(const Scope& scope, JsonWriter& out, BlobMode blobs) const override;
  std::optional<std::string> validate(const rapidjson::Value& view) const override;
  void restore(const Scope& scope, const rapidjson::Value& view) override;
  void merge(const Scope& scope, const rapidjson::Value& view) override;
  void reset(const Scope& scope) override;

  SnsBackend& backend() { return *backend_; }

 private:
  std::shared_ptr<SnsBackend> backend_;
  SnsHandlers handlers_;
};

std::shared_ptr<SnsService> make_sns_service(const ServiceEnv& env);

}  // namespace rime::sns
