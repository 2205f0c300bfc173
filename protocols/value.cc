#include "protocols/value.h"

#include <cstdio>

namespace rime::proto {

const Value* Value::find(std::string_view name) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object())
    if (k == name) return &v;
  return nullptr;
}

Value* Value::find(std::string_view name) {
  if (!is_object()) return nullptr;
  for (auto& [k, v] : as_object())
    if (k == name) return &v;
  return nullptr;
}

Value& Value::set(std::string name, Value value) {
  if (is_null()) data_ = Object{};
  if (Value* existing = find(name)) return *existing = std::move(value);
  auto& obj = as_object();
  obj.emplace_back(std::move(name), std::move(value));
  return obj.back().second;
}

Value& Value::push(Value value) {
  if (is_null()) data_ = List{};
  auto& list = as_list();
  list.push_back(std::move(value));
  return list.back();
}

namespace {

void quote(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void debug(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: out += "null"; break;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; break;
    case Value::Kind::kInt: out += std::to_string(v.as_int()); break;
    case Value::Kind::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", v.as_double());
      out += buf;
      break;
    }
    case Value::Kind::kString: quote(out, v.as_string()); break;
    case Value::Kind::kBlob: out += "blob:"; quote(out, v.as_blob().bytes); break;
    case Value::Kind::kTimestamp: out += "ts:" + std::to_string(v.as_timestamp().epoch_millis); break;
    case Value::Kind::kBigNumber: out += "big:" + v.as_big_number().text; break;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const auto& item : v.as_list()) {
        if (!first) out += ',';
        first = false;
        debug(out, item);
      }
      out += ']';
      break;
    }
    case Value::Kind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.as_object()) {
        if (!first) out += ',';
        first = false;
        quote(out, k);
        out += ':';
        debug(out, item);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string to_debug_string(const Value& value) {
  std::string out;
  debug(out, value);
  return out;
}

}  // namespace rime::proto
