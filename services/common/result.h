// Result<T>: a handler's typed output or the AwsError it answers with (std::expected arrives in
// C++23; this is the small part of it we need).
#pragma once

#include <utility>
#include <variant>

#include "core/aws_error.h"

namespace rime {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}
  Result(AwsError error) : data_(std::move(error)) {}

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(data_); }
  const T& value() const { return std::get<0>(data_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const AwsError& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, AwsError> data_;
};

/// For operations without output (smithy.api#Unit).
struct Unit {
  bool operator==(const Unit&) const = default;
};

}  // namespace rime
