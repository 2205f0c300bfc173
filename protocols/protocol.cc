#include "protocols/protocol.h"

#include <algorithm>

#include "core/uri.h"
#include "protocols/codecs.h"
#include "protocols/rpc_errors.h"
#include "protocols/validate.h"

namespace rime::proto {
namespace {

// @awsQueryCompatible means the service spoke awsQuery before: older SDKs still send it (SQS).
bool supports(const catalog::Service& s, Protocol p) {
  return (s.client_protocols & catalog::bit(p)) || (p == Protocol::kAwsQuery && s.aws_query_compatible);
}

bool is_form(const Request& request) {
  std::string_view type = request.headers.get("content-type");
  return type.starts_with("application/x-www-form-urlencoded");
}

// "Action=..." in a form body or, for GET, in the query string (older query clients).
std::string action_of(const Request& request) {
  if (is_form(request) && request.body.in_memory()) {
    auto params = rime::parse_query(request.body.view());
    if (const std::string* action = find_param(params, "Action")) return *action;
  }
  auto params = rime::parse_query(request.query);
  if (const std::string* action = find_param(params, "Action")) return *action;
  return {};
}

}  // namespace

const Operation* ServiceModel::find_operation(std::string_view name) const {
  auto it = std::lower_bound(operations.begin(), operations.end(), name,
                             [](const Operation& op, std::string_view n) { return op.name < n; });
  return it != operations.end() && it->name == name ? &*it : nullptr;
}

Protocol detect_protocol(const catalog::Service& service, const Request& request) {
  if (supports(service, Protocol::kRpcV2Cbor) && request.headers.contains("smithy-protocol") &&
      request.path.starts_with("/service/"))
    return Protocol::kRpcV2Cbor;
  if (request.headers.contains("x-amz-target")) {
    std::string_view type = request.headers.get("content-type");
    if (supports(service, Protocol::kAwsJson1_1) && (type.find("1.1") != std::string_view::npos ||
                                                     !supports(service, Protocol::kAwsJson1_0)))
      return Protocol::kAwsJson1_1;
    if (supports(service, Protocol::kAwsJson1_0)) return Protocol::kAwsJson1_0;
  }
  bool query_like = is_form(request) || request.query.find("Action=") != std::string::npos;
  if (query_like) {
    if (supports(service, Protocol::kEc2Query)) return Protocol::kEc2Query;
    if (supports(service, Protocol::kAwsQuery)) return Protocol::kAwsQuery;
  }
  if (supports(service, Protocol::kRestJson1)) return Protocol::kRestJson1;
  if (supports(service, Protocol::kRestXml)) return Protocol::kRestXml;
  return service.protocol;
}

std::string_view identify_operation(Protocol protocol, const catalog::Service& service, const Request& request) {
  auto known = [&](std::string_view name) -> std::string_view {
    const catalog::Operation* op = catalog::find_operation(service, name);
    return op ? op->name : std::string_view{};
  };
  switch (protocol) {
    case Protocol::kAwsJson1_0:
    case Protocol::kAwsJson1_1: {
      std::string_view target = request.headers.get("x-amz-target");
      auto dot = target.rfind('.');
      return dot == std::string_view::npos ? std::string_view{} : known(target.substr(dot + 1));
    }
    case Protocol::kRpcV2Cbor: {
      auto pos = request.path.rfind("/operation/");
      return pos == std::string::npos ? std::string_view{} : known(std::string_view(request.path).substr(pos + 11));
    }
    case Protocol::kAwsQuery:
    case Protocol::kEc2Query:
      return known(action_of(request));
    case Protocol::kRestJson1:
    case Protocol::kRestXml: {
      const catalog::Operation* op = match_rest_operation(service.operations, request);
      return op ? op->name : std::string_view{};
    }
  }
  return {};
}

std::variant<ParsedRequest, AwsError> parse_request(Protocol protocol, const ServiceModel& model,
                                                    const Request& request, const ValidationPolicy& policy) {
  ParseResult result;
  switch (protocol) {
    case Protocol::kAwsQuery: result = parse_query(false, model, request); break;
    case Protocol::kEc2Query: result = parse_query(true, model, request); break;
    case Protocol::kAwsJson1_0:
    case Protocol::kAwsJson1_1: result = parse_json_rpc(model, request); break;
    case Protocol::kRpcV2Cbor: result = parse_cbor_rpc(model, request); break;
    case Protocol::kRestJson1: result = parse_rest_json(model, request); break;
    case Protocol::kRestXml: result = parse_rest_xml(model, request); break;
  }
  if (auto* parsed = std::get_if<ParsedRequest>(&result)) {
    auto violations = validate(model, parsed->operation->input, parsed->input, policy);
    if (!violations.empty()) return validation_error(protocol, violations);
  }
  return result;
}

Response serialize_output(Protocol protocol, const ServiceModel& model, const Operation& operation,
                          const Value& output, const RequestContext& ctx) {
  switch (protocol) {
    case Protocol::kAwsQuery: return serialize_query_output(false, model, operation, output, ctx);
    case Protocol::kEc2Query: return serialize_query_output(true, model, operation, output, ctx);
    case Protocol::kAwsJson1_0:
    case Protocol::kAwsJson1_1: return serialize_json_rpc_output(protocol, model, operation, output, ctx);
    case Protocol::kRpcV2Cbor: return serialize_cbor_rpc_output(model, operation, output, ctx);
    case Protocol::kRestJson1: return serialize_rest_json_output(model, operation, output, ctx);
    case Protocol::kRestXml: return serialize_rest_xml_output(model, operation, output, ctx);
  }
  return Response::text(500, "unknown protocol");
}

Response serialize_error(Protocol protocol, const catalog::Service& service, const ServiceModel* model,
                         const AwsError& error, const RequestContext& ctx) {
  switch (protocol) {
    case Protocol::kAwsQuery:
    case Protocol::kEc2Query: {
      // Query clients see the @awsQueryError code ("AWS.SimpleQueueService.NonExistentQueue").
      AwsError query_error = error;
      query_error.code = std::string(resolve_error_names(model, error.code).query_code);
      return serialize_query_error(protocol == Protocol::kEc2Query, service, query_error, ctx);
    }
    case Protocol::kAwsJson1_0:
    case Protocol::kAwsJson1_1:
      return model ? serialize_json_rpc_error(protocol, *model, error, ctx)
                   : serialize_json_rpc_error(protocol, service, error, ctx);
    case Protocol::kRpcV2Cbor:
      return model ? serialize_cbor_rpc_error(*model, error, ctx) : serialize_cbor_rpc_error(service, error, ctx);
    case Protocol::kRestJson1: return serialize_rest_json_error(service, error, ctx);
    case Protocol::kRestXml: return serialize_rest_xml_error(service, error, ctx);
  }
  return Response::text(500, "unknown protocol");
}

}  // namespace rime::proto
