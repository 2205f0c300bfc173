// Small JSON and encoding helpers over RapidJSON and OpenSSL shared by admin, persistence and
// snapshot views.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace rime {

std::string base64_encode(std::string_view data);
/// Strict standard base64 (with padding); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

/// Deepest nesting of arrays and objects parse_json accepts. RapidJSON's parser recurses once
/// per level, and so do the Writer and most code walking a document: without a bound, a client's
/// "[[[[..." (an admin PUT, an SNS message body) overflows the thread's stack.
inline constexpr int kMaxJsonDepth = 512;

/// Parses `text`; on failure returns false and a message with the offset. Documents nested
/// deeper than kMaxJsonDepth are refused before parsing.
bool parse_json(std::string_view text, rapidjson::Document& doc, std::string& error);

/// Member `name` of `obj`, or nullptr when `obj` is not an object or lacks it.
const rapidjson::Value* json_member(const rapidjson::Value& obj, const char* name);

}  // namespace rime
