#include "tests/support/echo_service.h"

#include <cstdio>
#include <memory>
#include <mutex>

#include "core/json.h"
#include "core/mock_service.h"
#include "protocols/protocol.h"
#include "services/catalog/catalog.h"
#include "services/common/catalog_routing.h"
#include "tests/support/runtime_model.h"
#include "tests/support/tagged_json.h"

namespace rime::testing {
namespace {

constexpr std::string_view kOperationHeader = "x-rime-echo-operation";
constexpr std::string_view kInputHeader = "x-rime-echo-input";
constexpr std::string_view kErrorHeader = "x-rime-echo-error";
constexpr std::string_view kOutputHeader = "x-rime-echo-output";

class EchoService final : public MockService {
 public:
  EchoService(const catalog::Service& service, std::string models_dir)
      : service_(service), routing_(routing_from_catalog(service)), models_dir_(std::move(models_dir)) {}

  const RoutingInfo& routing() const override { return routing_; }

  // The same check as stubs and implemented services: echoes must route as the daemon does.
  bool matches_http_binding(const Request& request) const override { return fits_request(service_, request); }

  void handle(Request& request, RequestContext& ctx, Responder responder) override {
    proto::Protocol protocol = proto::detect_protocol(service_, request);
    const proto::ServiceModel* model = load();
    if (!model) {
      ctx.operation = std::string(proto::identify_operation(protocol, service_, request));
      AwsError error = AwsError::internal("rime echo: no runtime model for " + std::string(service_.name) + ": " +
                                          load_error_);
      return answer_error(responder, protocol, nullptr, error, ctx, "RimeEchoModelError");
    }
    auto parsed = proto::parse_request(protocol, *model, request);
    if (auto* error = std::get_if<AwsError>(&parsed)) {
      ctx.operation = std::string(proto::identify_operation(protocol, service_, request));
      return answer_error(responder, protocol, model, *error, ctx, error->code);
    }
    const proto::ParsedRequest& input = std::get<proto::ParsedRequest>(parsed);
    const proto::Operation& op = *input.operation;
    ctx.operation = std::string(op.name);

    proto::Value output = proto::Value::object();
    if (const std::string* encoded = request.headers.find(kOutputHeader)) {
      std::string why;
      std::optional<proto::Value> decoded;
      if (auto json = base64_decode(*encoded)) decoded = from_tagged_json(*json, &why);
      else why = "not base64";
      if (!decoded) {
        AwsError error = AwsError::internal("rime echo: bad " + std::string(kOutputHeader) + ": " + why);
        return answer_error(responder, protocol, model, error, ctx, "RimeEchoBadOutput");
      }
      output = std::move(*decoded);
    }
    Response response = proto::serialize_output(protocol, *model, op, output, ctx);
    response.headers.set(kOperationHeader, std::string(op.name));
    response.headers.set(kInputHeader, base64_encode(to_tagged_json(input.input)));
    responder.send(std::move(response));
  }

 private:
  void answer_error(const Responder& responder, proto::Protocol protocol, const proto::ServiceModel* model,
                    const AwsError& error, const RequestContext& ctx, std::string_view code) const {
    Response response = proto::serialize_error(protocol, service_, model, error, ctx);
    response.headers.set(kErrorHeader, std::string(code));
    responder.send(std::move(response));
  }

  /// The runtime model, loaded once by the first request (others wait for it).
  const proto::ServiceModel* load() {
    std::call_once(once_, [this] {
      std::string path = models_dir_ + "/" + std::string(service_.name) + ".json";
      model_ = RuntimeModel::load_file(path, load_error_);
      if (model_ && model_->model().info != &service_) {
        load_error_ = path + ": the file is the model of " + std::string(model_->model().info->name);
        model_.reset();
      }
      if (!model_) std::fprintf(stderr, "rime echo: %s\n", load_error_.c_str());
    });
    return model_ ? &model_->model() : nullptr;
  }

  const catalog::Service& service_;
  RoutingInfo routing_;
  std::string models_dir_;
  std::once_flag once_;
  std::unique_ptr<RuntimeModel> model_;
  std::string load_error_;
};

}  // namespace

void register_echo_services(ServiceRegistry& registry, const std::string& models_dir) {
  for (const catalog::Service& service : catalog::services())
    registry.add(std::make_shared<EchoService>(service, models_dir));
}

}  // namespace rime::testing
