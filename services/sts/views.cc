#include "services/sts/views.h"

#include "core/json.h"
#include "core/scope.h"

namespace rime::sts {
namespace {

void str(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

const char* string_member(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = json_member(obj, name);
  return v && v->IsString() ? v->GetString() : nullptr;
}

}  // namespace

void write_view(const StsState& state, JsonWriter& w) {
  w.StartObject();
  w.Key("credentials");
  w.StartArray();
  for (const auto& [_, c] : state.credentials) {
    w.StartObject();
    str(w, "accessKeyId", c.access_key_id);
    str(w, "secretAccessKey", c.secret_access_key);
    str(w, "sessionToken", c.session_token);
    w.Key("expiration");
    w.Int64(c.expiration_ms);
    str(w, "kind", std::string(kind_name(c.identity.kind)));
    str(w, "account", c.identity.account);
    str(w, "arn", c.identity.arn);
    str(w, "userId", c.identity.user_id);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

std::optional<StsState> read_view(const rapidjson::Value& view, std::string& error) {
  const rapidjson::Value* list = json_member(view, "credentials");
  if (!list || !list->IsArray()) {
    error = "\"credentials\" must be an array";
    return std::nullopt;
  }
  StsState state;
  for (const auto& item : list->GetArray()) {
    IssuedCredential c;
    const char* fields[] = {"accessKeyId", "secretAccessKey", "sessionToken", "kind", "account", "arn", "userId"};
    for (const char* field : fields) {
      if (!string_member(item, field)) {
        error = std::string("each credential needs a string \"") + field + "\"";
        return std::nullopt;
      }
    }
    const rapidjson::Value* expiration = json_member(item, "expiration");
    auto kind = kind_from_name(string_member(item, "kind"));
    if (!expiration || !expiration->IsInt64() || !kind) {
      error = "each credential needs an integer \"expiration\" and a known \"kind\"";
      return std::nullopt;
    }
    c.access_key_id = string_member(item, "accessKeyId");
    c.secret_access_key = string_member(item, "secretAccessKey");
    c.session_token = string_member(item, "sessionToken");
    c.expiration_ms = expiration->GetInt64();
    c.identity = Identity{*kind, string_member(item, "account"), string_member(item, "arn"), string_member(item, "userId")};
    if (!is_account_id(c.identity.account)) {
      error = "credential " + c.access_key_id + ": account must be 12 digits";
      return std::nullopt;
    }
    state.credentials[c.access_key_id] = std::move(c);
  }
  return state;
}

}  // namespace rime::sts
