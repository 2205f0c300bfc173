// The protocol layer's entry points: which protocol a request speaks, request -> (operation,
// input Value) with validation, and output Value / AwsError -> Response. Services never see the
// wire; the answer goes out in the protocol the request came in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "core/aws_error.h"
#include "core/request.h"
#include "core/request_context.h"
#include "protocols/model.h"
#include "protocols/value.h"
#include "services/catalog/catalog.h"

namespace rime::proto {

using catalog::Protocol;

/// The protocol of `request`, among those `service`'s clients may send, read from the request
/// itself (smithy-protocol header and /service/../operation/.. path, X-Amz-Target and
/// Content-Type, form bodies with Action=, else the service's REST protocol).
Protocol detect_protocol(const catalog::Service& service, const Request& request);

/// The operation a request names, without a full model (stubs, logs): X-Amz-Target, Action=,
/// the rpcv2Cbor path, or the REST method + URI template. "" when none matches.
std::string_view identify_operation(Protocol protocol, const catalog::Service& service, const Request& request);

/// How specifically the request fits the best of these REST operations (@http method and URI
/// template), as a number that compares across services: larger is more specific. An exact path
/// beats one that fits only by trailing-slash tolerance, then segment by segment a literal beats
/// a label and a label a greedy label, then more query literals. nullopt when none fits. The
/// router ranks S3 Control's "/v20180820/bucket/{Name}" above S3's "/{Bucket}/{Key+}" with it.
std::optional<std::uint64_t> rest_binding_rank(std::span<const catalog::Operation> operations,
                                               const Request& request);

/// What the front end checks before a handler runs. AWS services differ: DynamoDB rejects an
/// unknown enum value with "Member must satisfy enum value set", SQS answers with its own errors
/// (InvalidAttributeName) from the handler, so a service may leave enums to its handlers.
struct ValidationPolicy {
  bool enums = true;
};

struct ParsedRequest {
  const Operation* operation = nullptr;
  Value input;  // an object shaped by the operation's input; members absent on the wire are absent
};

/// Parses and validates. Errors: the protocol's serialization error for malformed input (400),
/// the service's validation error for constraint violations, NotImplemented-style
/// UnknownOperation for operations the model lacks.
std::variant<ParsedRequest, AwsError> parse_request(Protocol protocol, const ServiceModel& model,
                                                    const Request& request, const ValidationPolicy& policy = {});

/// Serialises an operation's output (an object shaped by its output shape). A member targeting
/// an event-stream union holds a list of events, each a union value ({"chunk": {"bytes": ..}}):
/// the body is then one `application/vnd.amazon.eventstream` message per event.
Response serialize_output(Protocol protocol, const ServiceModel& model, const Operation& operation,
                          const Value& output, const RequestContext& ctx);

/// Serialises an error in the protocol's shape (DESIGN.md's table), with the request id.
/// With the service's model, `error.code` may be an error shape's name or its @awsQueryError
/// code: each protocol gets the name it expects (awsQuery: the query code; awsJson: the shape
/// name in __type and the query code in x-amzn-query-error). `model` is null for stubs.
Response serialize_error(Protocol protocol, const catalog::Service& service, const ServiceModel* model,
                         const AwsError& error, const RequestContext& ctx);

}  // namespace rime::proto
