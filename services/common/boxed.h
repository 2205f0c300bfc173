// Boxed<T>: a copyable, nullable owning pointer for recursive generated structures, where
// std::optional<T> cannot hold a type that is still incomplete.
#pragma once

#include <memory>

namespace rime {

template <class T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(T value) : ptr_(std::make_unique<T>(std::move(value))) {}
  Boxed(const Boxed& other) : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    ptr_ = other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;

  bool has_value() const { return ptr_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() const { return *ptr_; }
  T* operator->() const { return ptr_.get(); }
  T& emplace() { ptr_ = std::make_unique<T>(); return *ptr_; }
  void reset() { ptr_.reset(); }

  /// Equal when both are empty or both hold equal values (generated structs compare by value).
  friend bool operator==(const Boxed& a, const Boxed& b) {
    if (!a.ptr_ || !b.ptr_) return !a.ptr_ && !b.ptr_;
    return *a.ptr_ == *b.ptr_;
  }

 private:
  std::unique_ptr<T> ptr_;
};

}  // namespace rime
