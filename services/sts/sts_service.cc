#include "services/sts/sts_service.h"

#include "services/sts/generated/sts_model.h"
#include "services/sts/handlers/handlers.h"
#include "services/sts/views.h"

namespace rime::sts {

StsService::StsService(const ServiceEnv& env) : ModeledService(sts_model(), make_invoker(handlers_)) {
  backend_.default_account = env.defaults.account;
  // Each slot binds a handler to this service's backend; empty slots answer NotImplemented.
  auto bind = [this](auto handler) {
    return [this, handler](RequestContext& ctx, const auto& in) { return handler(backend_, ctx, in); };
  };
  handlers_.assume_role = bind(assume_role);
  handlers_.assume_role_with_web_identity = bind(assume_role_with_web_identity);
  handlers_.assume_role_with_saml = bind(assume_role_with_saml);
  handlers_.get_session_token = bind(get_session_token);
  handlers_.get_federation_token = bind(get_federation_token);
  handlers_.assume_root = bind(assume_root);
  handlers_.get_caller_identity = bind(get_caller_identity);
  handlers_.get_access_key_info = bind(get_access_key_info);
  handlers_.decode_authorization_message = bind(decode_authorization_message);
}

std::optional<std::string> StsService::account_for(const std::string& access_key) const {
  if (auto identity = backend_.index.find(access_key)) return identity->account;
  return std::nullopt;
}

void StsService::snapshot(const Scope& scope, JsonWriter& out, BlobMode) const {
  backend_.state.read(scope, [&](const StsState& s) { write_view(s, out); });
}

std::optional<std::string> StsService::validate(const rapidjson::Value& view) const {
  std::string error;
  if (!read_view(view, error)) return error;
  return std::nullopt;
}

void StsService::unindex(const StsState& state) {
  for (const auto& [key, _] : state.credentials) backend_.index.remove(key);
}

void StsService::restore(const Scope& scope, const rapidjson::Value& view) {
  std::string error;
  auto next = read_view(view, error);
  if (!next) return;  // validated before restore is called
  backend_.state.write(scope, [&](StsState& s) {
    unindex(s);
    s = std::move(*next);
    for (const auto& [_, c] : s.credentials) backend_.index.put(c);
  });
}

void StsService::merge(const Scope& scope, const rapidjson::Value& view) {
  std::string error;
  auto incoming = read_view(view, error);
  if (!incoming) return;
  backend_.state.write(scope, [&](StsState& s) {
    for (auto& [key, c] : incoming->credentials) {
      backend_.index.put(c);
      s.credentials[key] = std::move(c);
    }
  });
}

void StsService::reset(const Scope& scope) {
  backend_.state.read(scope, [&](const StsState& s) { unindex(s); });
  backend_.state.erase(scope);
}

std::shared_ptr<StsService> make_sts_service(const ServiceEnv& env) { return std::make_shared<StsService>(env); }

}  // namespace rime::sts
