// Conversions between generated structs' members and proto::Value, shared by every service's
// generated <name>_types.cc (smithy-gen emits `namespace codec = ::rime::value_codec;`).
// Struct<T> finds from_value/to_value of T by argument-dependent lookup in T's namespace.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/value.h"
#include "services/common/boxed.h"
#include "services/common/result.h"

// How each kind of member maps to a Value: get() reads (false when the Value has another
// kind), put() writes.
namespace rime::value_codec {

using ::rime::proto::Value;

struct String {
  using type = std::string;
  static bool get(const Value& v, type& out) {
    if (!v.is_string()) return false;
    out = v.as_string();
    return true;
  }
  static Value put(const type& x) { return Value(x); }
};

struct Blob {
  using type = std::string;
  static bool get(const Value& v, type& out) {
    if (v.is_blob()) out = v.as_blob().bytes;
    else if (v.is_string()) out = v.as_string();
    else return false;
    return true;
  }
  static Value put(const type& x) { return Value(::rime::proto::Blob{x}); }
};

struct Bool {
  using type = bool;
  static bool get(const Value& v, type& out) {
    if (!v.is_bool()) return false;
    out = v.as_bool();
    return true;
  }
  static Value put(type x) { return Value(x); }
};

struct Int32 {
  using type = std::int32_t;
  static bool get(const Value& v, type& out) {
    if (!v.is_int()) return false;
    out = static_cast<type>(v.as_int());
    return true;
  }
  static Value put(type x) { return Value(static_cast<std::int64_t>(x)); }
};

struct Int64 {
  using type = std::int64_t;
  static bool get(const Value& v, type& out) {
    if (!v.is_int()) return false;
    out = v.as_int();
    return true;
  }
  static Value put(type x) { return Value(x); }
};

struct Double {
  using type = double;
  static bool get(const Value& v, type& out) {
    if (!v.is_number()) return false;
    out = v.as_double();
    return true;
  }
  static Value put(type x) { return Value(x); }
};

struct Big {
  using type = std::string;
  static bool get(const Value& v, type& out) {
    if (v.is_big_number()) out = v.as_big_number().text;
    else if (v.is_string()) out = v.as_string();
    else if (v.is_int()) out = std::to_string(v.as_int());
    else return false;
    return true;
  }
  static Value put(const type& x) { return Value(::rime::proto::BigNumber{x}); }
};

struct Time {
  using type = ::rime::proto::Timestamp;
  static bool get(const Value& v, type& out) {
    if (!v.is_timestamp()) return false;
    out = v.as_timestamp();
    return true;
  }
  static Value put(type x) { return Value(x); }
};

struct Doc {
  using type = Value;
  static bool get(const Value& v, type& out) {
    out = v;
    return true;
  }
  static Value put(const type& x) { return x; }
};

struct UnitValue {
  using type = ::rime::Unit;
  static bool get(const Value&, type&) { return true; }
  static Value put(const type&) { return Value::object(); }
};

template <class T>
struct Struct {
  using type = T;
  static bool get(const Value& v, type& out) {
    if (!v.is_object()) return false;
    from_value(v, out);
    return true;
  }
  static Value put(const type& x) { return to_value(x); }
};

template <class C>
struct ListOf {
  using type = std::vector<typename C::type>;
  static bool get(const Value& v, type& out) {
    if (!v.is_list()) return false;
    out.clear();
    out.reserve(v.as_list().size());
    for (const Value& element : v.as_list()) {
      typename C::type item{};
      if (C::get(element, item)) out.push_back(std::move(item));
    }
    return true;
  }
  static Value put(const type& x) {
    Value v = Value::list();
    v.as_list().reserve(x.size());
    for (const auto& item : x) v.as_list().push_back(C::put(item));
    return v;
  }
};

template <class C>
struct MapOf {
  using type = std::map<std::string, typename C::type>;
  static bool get(const Value& v, type& out) {
    if (!v.is_object()) return false;
    out.clear();
    for (const auto& [key, element] : v.as_object()) {
      typename C::type item{};
      if (C::get(element, item)) out.insert_or_assign(key, std::move(item));
    }
    return true;
  }
  static Value put(const type& x) {
    Value v = Value::object();
    v.as_object().reserve(x.size());
    for (const auto& [key, item] : x) v.as_object().emplace_back(key, C::put(item));
    return v;
  }
};

// Members: required (plain), optional, boxed.
template <class C>
void get(const Value& v, std::string_view name, typename C::type& out) {
  if (const Value* m = v.find(name)) C::get(*m, out);
}

template <class C>
void get(const Value& v, std::string_view name, std::optional<typename C::type>& out) {
  const Value* m = v.find(name);
  if (!m) return;
  typename C::type item{};
  if (C::get(*m, item)) out = std::move(item);
}

template <class C>
void get(const Value& v, std::string_view name, ::rime::Boxed<typename C::type>& out) {
  const Value* m = v.find(name);
  if (!m) return;
  typename C::type item{};
  if (C::get(*m, item)) out = std::move(item);
}

template <class C>
void put(::rime::proto::Object& o, std::string_view name, const typename C::type& x) {
  o.emplace_back(std::string(name), C::put(x));
}

template <class C>
void put(::rime::proto::Object& o, std::string_view name, const std::optional<typename C::type>& x) {
  if (x) o.emplace_back(std::string(name), C::put(*x));
}

template <class C>
void put(::rime::proto::Object& o, std::string_view name, const ::rime::Boxed<typename C::type>& x) {
  if (x) o.emplace_back(std::string(name), C::put(*x));
}

}  // namespace rime::value_codec
