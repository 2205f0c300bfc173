// Value: the protocol-neutral form of an operation's input or output. Protocol codecs parse wire
// requests into a Value shaped by the service model and serialise Values back; generated code
// converts between Values and typed structs. Structures and maps keep member order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace rime::proto {

class Value;
using List = std::vector<Value>;
/// Structure members or map entries, in order. Lookups are linear: shapes are small.
using Object = std::vector<std::pair<std::string, Value>>;

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

/// An instant with millisecond precision (what AWS timestamps carry).
struct Timestamp {
  std::int64_t epoch_millis = 0;
  bool operator==(const Timestamp&) const = default;
};

/// bigInteger / bigDecimal: kept as their decimal text, never rounded.
struct BigNumber {
  std::string text;
  bool operator==(const BigNumber&) const = default;
};

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kBlob, kTimestamp, kBigNumber, kList, kObject };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(int i) : data_(static_cast<std::int64_t>(i)) {}
  Value(std::int64_t i) : data_(i) {}
  Value(double d) : data_(d) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(Blob b) : data_(std::move(b)) {}
  Value(Timestamp t) : data_(t) {}
  Value(BigNumber n) : data_(std::move(n)) {}
  Value(List l) : data_(std::move(l)) {}
  Value(Object o) : data_(std::move(o)) {}

  static Value object() { return Value(Object{}); }
  static Value list() { return Value(List{}); }

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_blob() const { return kind() == Kind::kBlob; }
  bool is_timestamp() const { return kind() == Kind::kTimestamp; }
  bool is_big_number() const { return kind() == Kind::kBigNumber; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_object() const { return kind() == Kind::kObject; }

  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
  /// Either number kind as double.
  double as_double() const { return is_int() ? static_cast<double>(as_int()) : std::get<double>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  std::string& as_string() { return std::get<std::string>(data_); }
  const Blob& as_blob() const { return std::get<Blob>(data_); }
  Timestamp as_timestamp() const { return std::get<Timestamp>(data_); }
  const BigNumber& as_big_number() const { return std::get<BigNumber>(data_); }
  const List& as_list() const { return std::get<List>(data_); }
  List& as_list() { return std::get<List>(data_); }
  const Object& as_object() const { return std::get<Object>(data_); }
  Object& as_object() { return std::get<Object>(data_); }

  /// Member of an object, or nullptr (also when this is not an object).
  const Value* find(std::string_view name) const;
  Value* find(std::string_view name);
  /// Sets (or adds) a member; this must be an object (a null becomes one).
  Value& set(std::string name, Value value);
  /// Appends to a list (a null becomes one).
  Value& push(Value value);

  bool operator==(const Value& other) const { return data_ == other.data_; }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Blob, Timestamp, BigNumber, List, Object> data_;
};

/// Debug text (JSON-like) for tests and logs.
std::string to_debug_string(const Value& value);

}  // namespace rime::proto
