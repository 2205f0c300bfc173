// Internal to protocols/: one codec per protocol family, each in its own file. protocol.cc
// detects the protocol, calls the codec, validates, and handles what all share.
//
// A codec's parse finds the operation and builds the input Value from the wire (types coerced
// per the model: numbers, booleans, timestamps, blobs decoded; unknown members ignored as AWS
// does), but does not check constraints (validate.h does, for every protocol alike). Malformed
// input is AwsError::serialization(...)-style 400s, never exceptions.
#pragma once

#include <functional>
#include <string>
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

// Event-stream outputs (event_stream_output.cc): the stream member's value is a list of events,
// each a union value naming one member of the @streaming union ({"Chunk": {"bytes": ..}}).
struct EventStreamFormat {
  std::string_view content_type;  // of structured payloads: "application/json", "text/xml"
  /// A structure (an event's body members, an @eventPayload structure, an initial response) as
  /// the protocol's document; `member` is what names it where the format wants a name (XML's
  /// root element), null for an event's own shape.
  std::function<std::string(const Member* member, ShapeIndex shape, const Value& value)> write_document;
};
/// The output member targeting an @streaming union, or nullptr.
const Member* event_stream_member(const ServiceModel& model, const Shape& output);
/// The events of `output`'s stream member as framed messages: `:event-type` the union member,
/// @eventHeader members as typed headers, the @eventPayload member (blob, string or structure)
/// or else the other members as a document for the payload; @error members as exceptions.
std::string frame_event_stream(const ServiceModel& model, const Member& stream, const Value& output,
                               const EventStreamFormat& format);
/// RPC protocols' first message, `initial-response`: the output's other members as a document.
std::string frame_initial_response(const Member& stream, const Value& output, const EventStreamFormat& format,
                                   ShapeIndex output_shape);
inline constexpr std::string_view kEventStreamContentType = "application/vnd.amazon.eventstream";

/// REST: the operation whose @http method and URI template match (most specific first).
/// Shared by rest_json.cc, rest_xml.cc and identify_operation for stubs.
const catalog::Operation* match_rest_operation(std::span<const catalog::Operation> operations,
                                                const Request& request);

}  // namespace rime::proto
