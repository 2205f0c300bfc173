// Message rules: what SendMessage and QueueDelivery accept (characters, attributes, size, FIFO
// group and deduplication ids, delays), with AWS's error codes and messages.
#include <cctype>

#include "services/sqs/errors.h"
#include "services/sqs/state.h"

namespace rime::sqs {
namespace {

constexpr int kMaxMessageAttributes = 10;

/// Whether `text` is a valid 1-128 character FIFO group or deduplication id.
bool valid_fifo_token(std::string_view text) {
  if (text.empty() || text.size() > 128) return false;
  for (unsigned char c : text)
    if (c < 0x21 || c > 0x7e) return false;  // alphanumerics and punctuation
  return true;
}

bool valid_attribute_name(std::string_view name) {
  if (name.empty() || name.size() > 256 || name.front() == '.' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.starts_with("aws.") || lower.starts_with("amazon.")) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.') return false;
  return true;
}

bool valid_number(std::string_view text) {
  // Up to 38 digits of precision, optional sign, fraction and exponent, as AWS accepts.
  std::size_t i = 0, digits = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  bool seen_digit = false;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) seen_digit = true;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) seen_digit = true;
  }
  if (!seen_digit) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t start = i;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    }
    if (i == start) return false;
  }
  return i == text.size() && digits <= 38;
}

}  // namespace

bool valid_message_characters(std::string_view text) {
  // XML 1.0 characters: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF, in UTF-8.
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    std::uint32_t cp;
    int len;
    if (c < 0x80) cp = c, len = 1;
    else if ((c & 0xe0) == 0xc0) cp = c & 0x1f, len = 2;
    else if ((c & 0xf0) == 0xe0) cp = c & 0x0f, len = 3;
    else if ((c & 0xf8) == 0xf0) cp = c & 0x07, len = 4;
    else return false;
    if (end - p < len) return false;
    for (int i = 1; i < len; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len]) return false;  // overlong
    bool ok = cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
              (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) return false;
    p += len;
  }
  return true;
}

std::optional<AwsError> check_message_attributes(const MessageAttributes& attributes) {
  if (attributes.size() > kMaxMessageAttributes)
    return make_error(SqsError::kInvalidParameterValue,
                      "Number of message attributes [" + std::to_string(attributes.size()) +
                          "] exceeds the allowed maximum [" + std::to_string(kMaxMessageAttributes) + "].");
  for (const auto& [name, a] : attributes) {
    if (!valid_attribute_name(name))
      return make_error(SqsError::kInvalidParameterValue,
                        "The message attribute name '" + name +
                            "' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), "
                            "and period (.) characters.");
    std::string_view type = a.data_type;
    std::string_view base = type.substr(0, type.find('.'));
    bool custom_ok = type.size() == base.size() || type.size() > base.size() + 1;
    if ((base != "String" && base != "Number" && base != "Binary") || !custom_ok || type.size() > 256)
      return make_error(SqsError::kInvalidParameterValue,
                        "The message attribute '" + name +
                            "' has an invalid message attribute type, the set of supported type prefixes is Binary, "
                            "Number, and String.");
    bool empty = base == "Binary" ? a.binary_value.empty() : a.string_value.empty();
    if (empty)
      return make_error(SqsError::kInvalidParameterValue,
                        "The message attribute '" + name +
                            "' must contain non-empty message attribute value for message attribute type '" +
                            std::string(base) + "'.");
    if (base == "Number" && !valid_number(a.string_value))
      return make_error(SqsError::kInvalidParameterValue,
                        "Can't cast the value of message (user) attribute '" + name + "' to a number.");
    if (base == "String" && !valid_message_characters(a.string_value))
      return make_error(SqsError::kInvalidParameterValue,
                        "The message attribute '" + name + "' contains invalid characters.");
  }
  return std::nullopt;
}

std::optional<AwsError> check_new_message(const Queue& q, const NewMessage& m) {
  if (m.body.empty()) return make_error(SqsError::kMissingParameter, "MessageBody");
  if (!valid_message_characters(m.body)) return make_error(SqsError::kInvalidMessageContents);
  if (auto error = check_message_attributes(m.attributes)) return error;
  std::size_t size = m.body.size();
  for (const auto& [name, a] : m.attributes) size += attribute_size(name, a);
  if (size > static_cast<std::size_t>(q.config.maximum_message_size))
    return make_error(SqsError::kInvalidParameterValue,
                      "One or more parameters are invalid. Reason: Message must be shorter than " +
                          std::to_string(q.config.maximum_message_size) + " bytes.");
  if (m.delay_seconds && (*m.delay_seconds < 0 || *m.delay_seconds > 900))
    return invalid_parameter(std::to_string(*m.delay_seconds), "DelaySeconds", "DelaySeconds must be >= 0 and <= 900.");
  if (!m.group_id.empty() && !valid_fifo_token(m.group_id))
    return invalid_parameter(m.group_id, "MessageGroupId",
                             "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in "
                             "length.");
  if (q.config.fifo) {
    if (m.group_id.empty()) return make_error(SqsError::kMissingParameter, "MessageGroupId");
    if (m.delay_seconds && *m.delay_seconds != 0)
      return invalid_parameter(std::to_string(*m.delay_seconds), "DelaySeconds",
                               "The request include parameter that is not valid for this queue type.");
    if (m.deduplication_id.empty() && !q.config.content_based_deduplication)
      return make_error(SqsError::kInvalidParameterValue,
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                        "provided explicitly");
    if (!m.deduplication_id.empty() && !valid_fifo_token(m.deduplication_id))
      return invalid_parameter(m.deduplication_id, "MessageDeduplicationId",
                               "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 "
                               "to 128 in length.");
  } else if (!m.deduplication_id.empty()) {
    return invalid_parameter(m.deduplication_id, "MessageDeduplicationId",
                             "The request includes a parameter that is not valid for this queue type.");
  }
  return std::nullopt;
}

}  // namespace rime::sqs
