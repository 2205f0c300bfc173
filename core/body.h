// Request and response bodies that need not fit in memory: small ones live in a string, larger
// ones spill to an unlinked temporary file, and streamed responses read from a BodySource.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rime {

/// Pull-style reader over bytes (a request body, a stored blob).
class BodySource {
 public:
  virtual ~BodySource() = default;
  /// Reads up to `n` bytes into `out`; returns the count, 0 at the end, -1 on error.
  virtual std::int64_t read(char* out, std::size_t n) = 0;
  /// Total size when known, else -1.
  virtual std::int64_t size() const = 0;
};

/// A complete request body. Built by the server from the wire (via BodyBuilder), read by handlers.
class Body {
 public:
  Body() = default;
  explicit Body(std::string data) : memory_(std::move(data)), size_(memory_.size()) {}
  Body(Body&&) noexcept;
  Body& operator=(Body&&) noexcept;
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  ~Body();

  std::uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// True when the bytes are held in memory (view() is then the whole body).
  bool in_memory() const { return fd_ < 0; }
  /// The whole body; only valid when in_memory().
  std::string_view view() const { return memory_; }
  /// Reads the whole body into a string, spilled or not. Callers bound the size first.
  std::string read_all() const;
  /// A fresh reader from the first byte; independent readers may coexist.
  std::unique_ptr<BodySource> open() const;

 private:
  friend class BodyBuilder;
  std::string memory_;
  int fd_ = -1;  // unlinked temporary file once spilled
  std::uint64_t size_ = 0;
};

/// Accumulates a body as it arrives; spills to a temporary file past `spill_threshold` bytes.
class BodyBuilder {
 public:
  explicit BodyBuilder(std::uint64_t spill_threshold = 8u << 20) : threshold_(spill_threshold) {}
  /// Appends bytes; false when the spill file cannot be written.
  bool append(const char* data, std::size_t n);
  std::uint64_t size() const { return body_.size_; }
  Body finish() { return std::move(body_); }

 private:
  bool spill();
  Body body_;
  std::uint64_t threshold_;
};

/// BodySource over an in-memory string.
class StringSource final : public BodySource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  std::int64_t read(char* out, std::size_t n) override;
  std::int64_t size() const override { return static_cast<std::int64_t>(data_.size()); }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

}  // namespace rime
