#include "services/common/modeled_service.h"

#include "services/common/catalog_routing.h"

namespace rime {

void ReplyTarget::send_value(const proto::Value& output) const {
  responder.send(proto::serialize_output(protocol, *model, *operation, output, *ctx));
}

void ReplyTarget::send_error(const AwsError& error) const {
  responder.send(proto::serialize_error(protocol, *model->info, model, error, *ctx));
}

ModeledService::ModeledService(const proto::ServiceModel& model, Invoker invoker)
    : model_(model), invoker_(std::move(invoker)), routing_(routing_from_catalog(*model.info)) {}

bool ModeledService::matches_http_binding(const Request& request) const {
  return fits_request(*model_.info, request);
}

void ModeledService::handle(Request& request, RequestContext& ctx, Responder responder) {
  proto::Protocol protocol = proto::detect_protocol(*model_.info, request);
  auto parsed = proto::parse_request(protocol, model_, request, validation_);
  if (auto* error = std::get_if<AwsError>(&parsed)) {
    ctx.operation = std::string(proto::identify_operation(protocol, *model_.info, request));
    responder.send(proto::serialize_error(protocol, *model_.info, &model_, *error, ctx));
    return;
  }
  auto& request_value = std::get<proto::ParsedRequest>(parsed);
  const proto::Operation& op = *request_value.operation;
  ctx.operation = std::string(op.name);
  ReplyTarget target{responder, protocol, &model_, &op, std::make_shared<RequestContext>(ctx)};
  if (!invoker_(op, ctx, request_value.input, target))
    target.send_error(AwsError::not_implemented(model_.info->name, op.name));
}

}  // namespace rime
