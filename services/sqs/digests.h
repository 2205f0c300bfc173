// The digests SQS hands back: MD5 of a body, MD5 of message (or system) attributes in AWS's
// documented binary encoding, and SHA-256 for content-based deduplication.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace rime::sqs {

/// A message attribute as SQS stores it: a data type ("String", "Number", "Binary", each
/// optionally followed by ".custom") and its value.
struct MessageAttribute {
  std::string data_type;
  std::string string_value;  // String and Number types
  std::string binary_value;  // Binary types (raw bytes)

  bool is_binary() const { return data_type.starts_with("Binary"); }
  bool operator==(const MessageAttribute&) const = default;
};

using MessageAttributes = std::map<std::string, MessageAttribute>;  // sorted by name, as the MD5 needs

/// Lower-case hex MD5 of `data`.
std::string md5_hex(std::string_view data);
/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

/// MD5OfMessageAttributes / MD5OfMessageSystemAttributes. AWS's encoding ("Calculating the MD5
/// message digest for message attributes", SQS Developer Guide): for each attribute in name
/// order, the name, the data type and the value, each as a 4-byte big-endian length and its
/// bytes, with a one-byte transport type before the value (1 String/Number, 2 Binary).
/// Empty when there are no attributes (AWS then omits the member).
std::string md5_of_attributes(const MessageAttributes& attributes);

/// The bytes an attribute counts towards the message size limit: name, type and value.
std::size_t attribute_size(const std::string& name, const MessageAttribute& attribute);

}  // namespace rime::sqs
