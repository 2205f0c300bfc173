// The runtime shape model of an implemented service: what the protocol codecs need to parse,
// validate and serialise its operations. smithy-gen emits it as constant tables
// (services/<name>/generated/<name>_model.cc); nothing here is built at run time.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "services/catalog/catalog.h"

namespace rime::proto {

using catalog::Protocol;
using ShapeIndex = std::uint32_t;
inline constexpr ShapeIndex kNoShape = std::numeric_limits<ShapeIndex>::max();

enum class ShapeType : std::uint8_t {
  kBlob, kBoolean, kString, kEnum, kByte, kShort, kInteger, kIntEnum, kLong, kFloat, kDouble,
  kBigInteger, kBigDecimal, kTimestamp, kDocument, kList, kMap, kStructure, kUnion,
};

/// Where a member travels (Smithy HTTP binding traits); kBody when unbound.
enum class Location : std::uint8_t {
  kBody, kHeader, kPrefixHeaders, kQuery, kQueryParams, kLabel, kPayload, kStatusCode, kHostLabel,
};

enum class TimestampFormat : std::uint8_t { kDefault, kDateTime, kHttpDate, kEpochSeconds };

namespace member_flags {
inline constexpr std::uint16_t kRequired = 1 << 0;
inline constexpr std::uint16_t kXmlAttribute = 1 << 1;
inline constexpr std::uint16_t kXmlFlattened = 1 << 2;
inline constexpr std::uint16_t kIdempotencyToken = 1 << 3;
inline constexpr std::uint16_t kHasDefault = 1 << 4;
inline constexpr std::uint16_t kHostLabel = 1 << 5;
}  // namespace member_flags

struct Member {
  std::string_view name;            // member name as in the model ("QueueUrl")
  ShapeIndex target;
  Location location;
  TimestampFormat timestamp_format; // member trait, else the target's, else kDefault
  std::uint16_t flags;              // member_flags
  std::string_view location_name;   // header name, query key, label name, or header prefix
  std::string_view json_name;       // @jsonName, "" when absent
  std::string_view xml_name;        // @xmlName, "" when absent
  std::string_view ec2_query_name;  // @ec2QueryName, "" when absent
  std::string_view xml_namespace;   // @xmlNamespace uri on the member, "" when absent
  std::string_view default_json;    // @default as JSON text, "" when absent
  std::string_view xml_namespace_prefix = {};  // @xmlNamespace prefix on the member ("xsi")

  bool required() const { return flags & member_flags::kRequired; }
  bool xml_attribute() const { return flags & member_flags::kXmlAttribute; }
  bool xml_flattened() const { return flags & member_flags::kXmlFlattened; }
  bool idempotency_token() const { return flags & member_flags::kIdempotencyToken; }
};

namespace shape_flags {
inline constexpr std::uint16_t kSparse = 1 << 0;
inline constexpr std::uint16_t kStreaming = 1 << 1;     // blob body stream, or event stream union
inline constexpr std::uint16_t kSensitive = 1 << 2;
inline constexpr std::uint16_t kClientError = 1 << 3;   // @error("client")
inline constexpr std::uint16_t kServerError = 1 << 4;   // @error("server")
inline constexpr std::uint16_t kHasLengthMin = 1 << 5;
inline constexpr std::uint16_t kHasLengthMax = 1 << 6;
inline constexpr std::uint16_t kHasRangeMin = 1 << 7;
inline constexpr std::uint16_t kHasRangeMax = 1 << 8;
inline constexpr std::uint16_t kEventStream = 1 << 9;   // union carrying @streaming events
}  // namespace shape_flags

struct Shape {
  std::string_view name;            // short shape name ("SendMessageRequest")
  ShapeType type;
  std::uint16_t flags;              // shape_flags
  TimestampFormat timestamp_format; // shape-level @timestampFormat
  std::span<const Member> members;  // structure/union members; list: [member]; map: [key, value]
  std::span<const std::string_view> enum_values;  // enum shapes and @enum strings
  std::span<const std::int64_t> int_enum_values;  // intEnum shapes
  std::int64_t length_min, length_max;  // @length, valid when the flags say so
  double range_min, range_max;          // @range, valid when the flags say so
  std::string_view pattern;             // @pattern, "" when absent
  std::string_view xml_name;            // shape-level @xmlName
  std::string_view xml_namespace;       // shape-level @xmlNamespace uri
  std::string_view media_type;          // @mediaType (JSON in headers is base64 with "application/json")
  std::uint16_t http_error;             // @httpError, 0 when absent
  std::string_view query_error_code;    // @awsQueryError code, "" when absent
  std::uint16_t query_error_status;     // @awsQueryError httpResponseCode
  std::string_view xml_namespace_prefix = {};  // shape-level @xmlNamespace prefix

  bool has(std::uint16_t flag) const { return flags & flag; }
};

struct Operation {
  std::string_view name;
  ShapeIndex input;   // kNoShape for smithy.api#Unit
  ShapeIndex output;  // kNoShape for smithy.api#Unit
  std::span<const ShapeIndex> errors;
  std::string_view http_method;
  std::string_view http_uri;
  std::uint16_t http_code;
};

struct ServiceModel {
  const catalog::Service* info;           // routing facts (protocols, prefixes, namespace)
  std::span<const Shape> shapes;
  std::span<const Operation> operations;  // sorted by name
  std::span<const ShapeIndex> errors;     // service-level errors

  const Shape& shape(ShapeIndex i) const { return shapes[i]; }
  const Operation* find_operation(std::string_view name) const;
};

}  // namespace rime::proto
