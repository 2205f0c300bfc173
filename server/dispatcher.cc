#include "server/dispatcher.h"

#include <exception>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/aws_error.h"
#include "server/admin.h"
#include "server/log.h"

namespace rime {
namespace {

bool is_admin_path(std::string_view path) {
  return path.starts_with("/_rime/") || path.starts_with("/moto-api/") || path.starts_with("/_localstack/");
}

// Wraps the connection's sink: stamps the request id and writes the request log line.
class LoggingSink final : public ResponseSink {
 public:
  LoggingSink(std::shared_ptr<ResponseSink> inner, std::shared_ptr<RequestContext> ctx, std::string method,
              std::string path)
      : inner_(std::move(inner)), ctx_(std::move(ctx)), method_(std::move(method)), path_(std::move(path)) {}

  void complete(Response response) override {
    if (!response.headers.contains("x-amzn-requestid") && !response.headers.contains("x-amz-request-id"))
      response.headers.add("x-amzn-RequestId", ctx_->request_id);
    if (log::request_logging_enabled()) {
      log::RequestLine line;
      line.method = method_;
      line.path = path_;
      line.service = ctx_->service;
      line.operation = ctx_->operation;
      line.account = ctx_->account();
      line.region = ctx_->region();
      line.request_id = ctx_->request_id;
      line.status = response.status;
      line.latency_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - ctx_->started).count();
      log::request(line);
    }
    inner_->complete(std::move(response));
  }

 private:
  std::shared_ptr<ResponseSink> inner_;
  std::shared_ptr<RequestContext> ctx_;
  std::string method_, path_;
};

std::string error_json(const AwsError& error) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("__type");
  w.String(error.code.c_str(), static_cast<rapidjson::SizeType>(error.code.size()));
  w.Key("message");
  w.String(error.message.c_str(), static_cast<rapidjson::SizeType>(error.message.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

Response unknown_service_response(const Request& request, const RequestContext& ctx) {
  std::string service = ctx.credential ? ctx.credential->service : std::string(request.host());
  AwsError error = AwsError::not_implemented(service.empty() ? "(unknown)" : service, "");
  Response r = Response::json(error.status, error_json(error));
  r.headers.add("x-amzn-ErrorType", error.code);
  return r;
}

Dispatcher::Dispatcher(const ServiceRegistry& registry, Admin& admin, Defaults defaults)
    : registry_(registry), router_(registry), admin_(admin), defaults_(std::move(defaults)) {}

void Dispatcher::dispatch(Request request, std::shared_ptr<ResponseSink> sink) {
  auto ctx = std::make_shared<RequestContext>(
      make_request_context(request.headers, request.query, defaults_, resolver_));
  ctx->host = std::string(request.host());
  ctx->tls = request.tls;
  auto logged = std::make_shared<LoggingSink>(std::move(sink), ctx, request.method, request.path);
  if (is_admin_path(request.path)) {
    ctx->service = "admin";
    logged->complete(admin_.handle(request));
    return;
  }
  Route route = router_.route(request, *ctx);
  if (!route.service) {
    logged->complete(unknown_service_response(request, *ctx));
    return;
  }
  ctx->service = std::string(route.service->name());
  Responder responder(logged);
  try {
    route.service->handle(request, *ctx, responder);
  } catch (const std::exception& e) {
    // A handler bug must cost one request, never the server.
    log::error(std::string("handler for ") + ctx->service + " threw: " + e.what());
    AwsError error = AwsError::internal("We encountered an internal error. Please try again.");
    responder.send(Response::json(error.status, error_json(error)));
  }
}

}  // namespace rime
