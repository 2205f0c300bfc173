// Internal to protocols/: Smithy's HTTP binding traits, shared by restJson1 (rest_json.cc),
// restXml (rest_xml.cc) and stub routing (match_rest_operation in codecs.h).
//
// URI templates: "/{Bucket}/{Key+}?uploads". Labels span whole path segments; a greedy label
// ({Key+}) takes one or more segments, slashes included; literals after '?' must be present
// in the request ("?uploads" as a key, "?list-type=2" as key and value). `x-id` literals are the
// exception: S3 models carry them (GetObject is "/{Bucket}/{Key+}?x-id=GetObject") but botocore
// and older SDKs do not send them, so they only count when present.
//
// Header, query and label text is coerced per the model: header lists are comma-separated with
// quoted strings, header timestamps default to http-date and query/label ones to date-time,
// blobs and @mediaType strings in headers travel base64-encoded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/codecs.h"

namespace rime::proto {

/// In a response, bindings that only exist for requests (query, labels) do not apply, so
/// Smithy serialises those members in the body like unbound ones.
inline bool in_output_body(Location location) {
  return location == Location::kBody || location == Location::kQuery || location == Location::kQueryParams ||
         location == Location::kLabel || location == Location::kHostLabel;
}

/// A URI label bound by a matched template, percent-decoded.
struct PathLabel {
  std::string_view name;  // the label name in the template ("Key" for "{Key+}")
  std::string value;
};
using PathLabels = std::vector<PathLabel>;

/// Matches one URI template against a raw (percent-encoded) path and query string. nullopt
/// when it does not match; else the decoded labels. A trailing slash on either side is
/// tolerated (botocore sends Route 53's "/rrset" as "/rrset/").
std::optional<PathLabels> match_uri_template(std::string_view uri_template, std::string_view raw_path,
                                             std::string_view raw_query);

struct RestOperationMatch {
  const Operation* operation = nullptr;
  PathLabels labels;
};

/// match_rest_operation over a full model: the same ranking, and ties (S3's GetObject and
/// ListParts differ only in an `x-id` botocore omits) go to the operation whose required
/// @httpHeader / @httpQuery members the request carries, then to the one that binds more of the
/// request's query keys (ListBuckets vs ListDirectoryBuckets, both "GET /").
std::optional<RestOperationMatch> match_rest_model_operation(const ServiceModel& model, const Request& request);

/// The "no operation matches" error both REST codecs answer with.
AwsError unknown_rest_operation(const Request& request);

/// The input or output member bound with @httpPayload, or nullptr.
const Member* payload_member(const Shape& shape);
/// True when some member of `shape` travels in the document body (unbound members).
bool has_body_members(const Shape& shape);

/// Reads the label, header, prefix-header, query and query-params bindings of the matched
/// operation's input from the request into `out` (an object keyed by member name). Malformed
/// values are 400s. The URI template's query literals ("?mode=import") are not input.
std::optional<AwsError> read_http_bindings(const ServiceModel& model, const RestOperationMatch& match,
                                           const Request& request, Value& out);

/// Writes the header, prefix-header and status-code bindings of `output`'s value.
void write_http_bindings(const ServiceModel& model, const Shape& output, const Value& value, Response& response);

/// A blob or string @httpPayload from the request body (absent when the body is empty).
/// Limitation: the bytes are buffered into the Value; @streaming blobs will get a body-reader
/// path from the lead's streaming work.
void read_raw_payload(const ServiceModel& model, const Member& payload, const Request& request, Value& out);
/// Writes a blob or string payload as the raw body, with its Content-Type unless a header
/// binding already set one.
void write_raw_payload(const ServiceModel& model, const Member& payload, const Value& value, Response& response);
/// True when `payload` targets a blob, string or enum (raw body) rather than a document shape.
bool is_raw_payload(const ServiceModel& model, const Member& payload);

/// The whole request body: a view of the in-memory bytes, or of `storage` when the body was
/// spilled to disk and had to be read back (the server bounds body sizes).
std::string_view request_body(const Request& request, std::string& storage);
/// True when `body` is empty or only whitespace.
bool blank_body(std::string_view body);

/// Header, query or label text -> Value for a scalar member target; nullopt when malformed.
std::optional<Value> parse_text_scalar(const ServiceModel& model, const Member& member, const Shape& target,
                                       std::string_view text, Location location);
/// Value -> header, query or label text for a scalar member target.
std::string format_text_scalar(const ServiceModel& model, const Member& member, const Shape& target,
                               const Value& value, Location location);

/// Splits a header list value: "a, \"b,c\", d" -> [a, b,c, d]. With `http_dates`, the comma
/// inside each "Mon, 16 Dec 2019 23:48:18 GMT" does not split.
std::vector<std::string> split_header_list(std::string_view value, bool http_dates);
/// Quotes a header list item when it holds a comma or double quote, escaping '"' and '\'.
std::string quote_header_list_item(std::string_view item);

/// Strict number text parsing shared by the codecs (no trailing bytes; NaN/Infinity/-Infinity).
std::optional<std::int64_t> parse_integer_text(std::string_view text, ShapeType type);
std::optional<double> parse_float_text(std::string_view text);
/// True for a JSON-style decimal number ("-12", "1.5e3"), the form bigInteger/bigDecimal keep.
bool is_number_text(std::string_view text, bool allow_fraction);
/// Shortest round-trip text of a double; "NaN", "Infinity", "-Infinity" for the specials.
std::string format_double(double value);

/// True for S3 (service name "s3" or sdk id "S3"), whose errors and request-id headers differ.
bool is_s3(const catalog::Service* service);
/// Sets the request-id headers: S3's x-amz-request-id and x-amz-id-2, else x-amzn-RequestId.
void add_request_id_headers(const catalog::Service* service, const RequestContext& ctx, Response& response);

}  // namespace rime::proto
