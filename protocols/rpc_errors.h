// Internal to protocols/: model-aware error rendering for the RPC codecs (awsJson, rpcv2Cbor),
// beyond codecs.h's catalog-only functions.
//
// Why: an @awsQueryCompatible service must answer `__type: <ErrorShapeName>` together with
// `x-amzn-query-error: <awsQueryError code>;Sender`. botocore picks the modeled exception class
// from the shape name (SQS: QueueDoesNotExist) and reports the query code as Error.Code
// (AWS.SimpleQueueService.NonExistentQueue); one AwsError::code cannot carry both, but the model
// can: whichever of the two the service put in `code`, the other is found on the error shape.
#pragma once

#include <string_view>

#include "protocols/codecs.h"

namespace rime::proto {

struct ErrorNames {
  std::string_view type;        // for __type: the error shape's name, else error.code
  std::string_view query_code;  // for x-amzn-query-error: the shape's @awsQueryError code, else error.code
};

/// Resolves `code` (an error shape name or an @awsQueryError code) against `model`'s error shapes.
ErrorNames resolve_error_names(const ServiceModel* model, std::string_view code);

/// As serialize_json_rpc_error / serialize_cbor_rpc_error, resolving names through `model`.
Response serialize_json_rpc_error(Protocol protocol, const ServiceModel& model, const AwsError& error,
                                  const RequestContext& ctx);
Response serialize_cbor_rpc_error(const ServiceModel& model, const AwsError& error, const RequestContext& ctx);

}  // namespace rime::proto
