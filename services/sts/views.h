// The stable snapshot format of STS state (admin API, --data-dir), separate from StsState so
// the saved format does not follow every runtime change.
//
//   {"credentials": [{"accessKeyId", "secretAccessKey", "sessionToken", "expiration" (epoch ms),
//                     "kind" ("assumed-role" | "federated-user" | "session-token" | "root"),
//                     "account", "arn", "userId"}]}
#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "core/mock_service.h"
#include "services/sts/state.h"

namespace rime::sts {

void write_view(const StsState& state, JsonWriter& out);
/// Parses a view; on failure returns nullopt and the reason in `error`.
std::optional<StsState> read_view(const rapidjson::Value& view, std::string& error);

}  // namespace rime::sts
