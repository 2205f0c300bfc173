// STS: temporary credentials and caller identity. Credentials it issues are remembered, so a
// request signed with them acts as the assumed identity, in its account (CredentialResolver).
#pragma once

#include <memory>

#include "core/request_context.h"
#include "core/service_env.h"
#include "services/common/modeled_service.h"
#include "services/sts/generated/sts_operations.h"
#include "services/sts/state.h"

namespace rime::sts {

class StsService final : public ModeledService, public StatefulService, public CredentialResolver {
 public:
  explicit StsService(const ServiceEnv& env);

  // CredentialResolver
  std::optional<std::string> account_for(const std::string& access_key) const override;

  // StatefulService
  std::vector<Scope> scopes() const override { return backend_.state.scopes(); }
  std::uint64_t version(const Scope& scope) const override { return backend_.state.version(scope); }
  void snapshot(const Scope& scope, JsonWriter& out, BlobMode blobs) const override;
  std::optional<std::string> validate(const rapidjson::Value& view) const override;
  void restore(const Scope& scope, const rapidjson::Value& view) override;
  void merge(const Scope& scope, const rapidjson::Value& view) override;
  void reset(const Scope& scope) override;

 private:
  void unindex(const StsState& state);

  StsBackend backend_;
  StsHandlers handlers_;
};

std::shared_ptr<StsService> make_sts_service(const ServiceEnv& env);

}  // namespace rime::sts
