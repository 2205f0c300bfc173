// Internal to protocols/: one codec per protocol family, each in its own file. protocol.cc
// detects the protocol, calls the codec, validates, and handles what all share.
//
// A codec's parse finds the operation and builds the input Value from the wire (types coerced
// per the model: numbers, booleans, timestamps, blobs decoded; unknown members ignored as AWS
// does), but does not check constraints (validate.h does, for every protocol alike). Malformed
// input is AwsError::serialization(...)-style 400s, never exceptions.
#pragma once

#include <variant>

#include "protocols/protocol.h"

namespace rime::proto {

using ParseResult = std::variant<ParsedRequest, AwsError>;

// awsQuery and ec2Query (query.cc): form bodies in, XML out.
ParseResult parse_query(bool ec2, const ServiceModel& model, const Request& request);
Response serialize_query_output(bool ec2, const ServiceModel& model, const Operation& op, const Value& output,
                                const RequestContext& ctx);
Response serialize_query_error(bool ec2, const catalog::Service& service, const AwsError& error,
                               const RequestContext& ctx);

// awsJson1_0 / awsJson1_1 (json_rpc.cc): X-Amz-Target + JSON in, JSON out.
ParseResult parse_json_rpc(const ServiceModel& model, const Request& request);
Response serialize_json_rpc_output(Protocol protocol, const ServiceModel& model, const Operation& op,
                                   const Value& output, const RequestContext& ctx);
Response serialize_json_rpc_error(Protocol protocol, const catalog::Service& service, const AwsError& error,
                                  const RequestContext& ctx);

// rpcv2Cbor (cbor_rpc.cc): /service/<S>/operation/<O> + CBOR in, CBOR out.
ParseResult parse_cbor_rpc(const ServiceModel& model, const Request& request);
Response serialize_cbor_rpc_output(const ServiceModel& model, const Operation& op, const Value& output,
                                   const RequestContext& ctx);
Response serialize_cbor_rpc_error(const catalog::Service& service, const AwsError& error, const RequestContext& ctx);

// restJson1 and restXml (rest_json.cc, rest_xml.cc, sharing http_bindings.h).
ParseResult parse_rest_json(const ServiceModel& model, const Request& request);
Response serialize_rest_json_output(const ServiceModel& model, const Operation& op, const Value& output,
                                    const RequestContext& ctx);
Response serialize_rest_json_error(const catalog::Service& service, const AwsError& error, const RequestContext& ctx);
ParseResult parse_rest_xml(const ServiceModel& model, const Request& request);
Response serialize_rest_xml_output(const ServiceModel& model, const Operation& op, const Value& output,
                                   const RequestContext& ctx);
Response serialize_rest_xml_error(const catalog::Service& service, const AwsError& error, const RequestContext& ctx);

/// REST: the operation whose @http method and URI template match (most specific first).
/// Shared by rest_json.cc, rest_xml.cc and identify_operation for stubs.
const catalog::Operation* match_rest_operation(std::span<const catalog::Operation> operations,
                                                const Request& request);

}  // namespace rime::proto
