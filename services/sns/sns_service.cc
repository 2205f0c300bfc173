#include "services/sns/sns_service.h"

#include "services/common/queue_delivery.h"
#include "services/sns/generated/sns_model.h"
#include "services/sns/handlers/handlers.h"
#include "services/sns/signing.h"
#include "services/sns/views.h"

namespace rime::sns {

SnsService::SnsService(const ServiceEnv& env)
    : ModeledService(sns_model(), make_invoker(handlers_)), backend_(std::make_shared<SnsBackend>()) {
  backend_->defaults = env.defaults;
  backend_->scheduler = env.scheduler;
  backend_->http = env.http;
  // SQS is looked up at delivery time, through its public interface only.
  backend_->queues = [find = env.find_service]() -> QueueDelivery* {
    MockService* sqs = find ? find("sqs") : nullptr;
    return sqs ? dynamic_cast<QueueDelivery*>(sqs) : nullptr;
  };
  // Each slot binds a handler to this service's backend; empty slots answer NotImplemented.
  auto bind = [this](auto handler) {
    return [backend = backend_, handler](RequestContext& ctx, const auto& in) { return handler(*backend, ctx, in); };
  };
  handlers_.create_topic = bind(create_topic);
  handlers_.delete_topic = bind(delete_topic);
  handlers_.list_topics = bind(list_topics);
  handlers_.get_topic_attributes = bind(get_topic_attributes);
  handlers_.set_topic_attributes = bind(set_topic_attributes);
  handlers_.tag_resource = bind(tag_resource);
  handlers_.untag_resource = bind(untag_resource);
  handlers_.list_tags_for_resource = bind(list_tags_for_resource);
  handlers_.add_permission = bind(add_permission);
  handlers_.remove_permission = bind(remove_permission);
  handlers_.put_data_protection_policy = bind(put_data_protection_policy);
  handlers_.get_data_protection_policy = bind(get_data_protection_policy);
  handlers_.subscribe = bind(subscribe);
  handlers_.confirm_subscription = bind(confirm_subscription);
  handlers_.unsubscribe = bind(unsubscribe);
  handlers_.get_subscription_attributes = bind(get_subscription_attributes);
  handlers_.set_subscription_attributes = bind(set_subscription_attributes);
  handlers_.list_subscriptions = bind(list_subscriptions);
  handlers_.list_subscriptions_by_topic = bind(list_subscriptions_by_topic);
  handlers_.publish = bind(publish);
  handlers_.publish_batch = bind(publish_batch);
  handlers_.create_platform_application = bind(create_platform_application);
  handlers_.delete_platform_application = bind(delete_platform_application);
  handlers_.get_platform_application_attributes = bind(get_platform_application_attributes);
  handlers_.set_platform_application_attributes = bind(set_platform_application_attributes);
  handlers_.list_platform_applications = bind(list_platform_applications);
  handlers_.create_platform_endpoint = bind(create_platform_endpoint);
  handlers_.delete_endpoint = bind(delete_endpoint);
  handlers_.get_endpoint_attributes = bind(get_endpoint_attributes);
  handlers_.set_endpoint_attributes = bind(set_endpoint_attributes);
  handlers_.list_endpoints_by_platform_application = bind(list_endpoints_by_platform_application);
  handlers_.set_sms_attributes = bind(set_sms_attributes);
  handlers_.get_sms_attributes = bind(get_sms_attributes);
  handlers_.check_if_phone_number_is_opted_out = bind(check_if_phone_number_is_opted_out);
  handlers_.list_phone_numbers_opted_out = bind(list_phone_numbers_opted_out);
  handlers_.opt_in_phone_number = bind(opt_in_phone_number);
  handlers_.get_sms_sandbox_account_status = bind(get_sms_sandbox_account_status);
  handlers_.create_sms_sandbox_phone_number = bind(create_sms_sandbox_phone_number);
  handlers_.delete_sms_sandbox_phone_number = bind(delete_sms_sandbox_phone_number);
  handlers_.verify_sms_sandbox_phone_number = bind(verify_sms_sandbox_phone_number);
  handlers_.list_sms_sandbox_phone_numbers = bind(list_sms_sandbox_phone_numbers);
  handlers_.list_origination_numbers = bind(list_origination_numbers);
}

void SnsService::handle(Request& request, RequestContext& ctx, Responder responder) {
  // SigningCertURL points here (with a credential scope in its query, so that it routes to SNS).
  if (request.method == "GET" && request.path == "/" + signing_certificate_name()) {
    ctx.operation = "GetSigningCertificate";
    responder.send(Response::text(200, signing_certificate_pem(), "application/x-x509-ca-cert"));
    return;
  }
  ModeledService::handle(request, ctx, std::move(responder));
}

void SnsService::snapshot(const Scope& scope, JsonWriter& out, BlobMode) const {
  backend_->state.read(scope, [&](const SnsState& s) { write_view(s, out); });
}

std::optional<std::string> SnsService::validate(const rapidjson::Value& view) const {
  std::string error;
  if (!read_view(view, error)) return error;
  return std::nullopt;
}

void SnsService::restore(const Scope& scope, const rapidjson::Value& view) {
  std::string error;
  auto next = read_view(view, error);
  if (!next) return;  // validated before restore is called
  backend_->state.replace(scope, std::move(*next));
}

void SnsService::merge(const Scope& scope, const rapidjson::Value& view) {
  std::string error;
  auto incoming = read_view(view, error);
  if (!incoming) return;
  backend_->state.write(scope, [&](SnsState& s) { merge_into(s, std::move(*incoming)); });
}

void SnsService::reset(const Scope& scope) { backend_->state.erase(scope); }

std::shared_ptr<SnsService> make_sns_service(const ServiceEnv& env) { return std::make_shared<SnsService>(env); }

}  // namespace rime::sns
