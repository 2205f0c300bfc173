// Tagged JSON for a proto::Value (tests/conformance/ECHO.md): the text the conformance echo
// exchanges with its Python driver. Objects, arrays, strings, bools and null map directly;
// integers are JSON integers; finite doubles are JSON numbers written with a fraction or
// exponent; NaN/Infinity/-Infinity are {"$double": "NaN" | "Infinity" | "-Infinity"}; blobs
// {"$blob": base64}; timestamps {"$timestamp": epoch_millis}; big numbers {"$big": "text"}.
// An object with exactly one key starting with '$' is always a tag.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocols/value.h"

namespace rime::testing {

/// Compact tagged JSON for `value`.
std::string to_tagged_json(const proto::Value& value);

/// Parses tagged JSON; nullopt (and a reason in `error`) when the text is not JSON, a tag is
/// unknown or malformed, or the nesting is too deep.
std::optional<proto::Value> from_tagged_json(std::string_view text, std::string* error = nullptr);

}  // namespace rime::testing
