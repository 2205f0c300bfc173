#include "core/body.h"

#include <algorithm>
#include <cerrno>
#include <string>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace rime {
namespace {

// Reads a spilled body through pread, so readers never disturb each other's offsets.
class FileSource final : public BodySource {
 public:
  FileSource(int fd, std::uint64_t size) : fd_(dup(fd)), size_(size) {}
  ~FileSource() override {
    if (fd_ >= 0) close(fd_);
  }
  std::int64_t read(char* out, std::size_t n) override {
    if (fd_ < 0) return -1;
    if (pos_ >= size_) return 0;
    ssize_t got;
    do {
      got = pread(fd_, out, n, static_cast<off_t>(pos_));
    } while (got < 0 && errno == EINTR);
    if (got < 0) return -1;
    pos_ += static_cast<std::uint64_t>(got);
    return got;
  }
  std::int64_t size() const override { return static_cast<std::int64_t>(size_); }

 private:
  int fd_;
  std::uint64_t size_;
  std::uint64_t pos_ = 0;
};

int make_temp_file() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp");
  int fd = -1;
#ifdef O_TMPFILE
  fd = open(path.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
#endif
  path += "/rime-body-XXXXXX";
  fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd >= 0) unlink(path.c_str());
  return fd;
}

}  // namespace

Body::Body(Body&& other) noexcept : memory_(std::move(other.memory_)), fd_(other.fd_), size_(other.size_) {
  other.fd_ = -1;
  other.size_ = 0;
}

Body& Body::operator=(Body&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    memory_ = std::move(other.memory_);
    fd_ = other.fd_;
    size_ = other.size_;
    other.fd_ = -1;
    other.size_ = 0;
  }
  return *this;
}

Body::~Body() {
  if (fd_ >= 0) close(fd_);
}

std::string Body::read_all() const {
  if (in_memory()) return memory_;
  std::string out;
  out.resize(size_);
  auto src = open();
  std::size_t pos = 0;
  while (pos < out.size()) {
    auto got = src->read(out.data() + pos, out.size() - pos);
    if (got <= 0) break;
    pos += static_cast<std::size_t>(got);
  }
  out.resize(pos);
  return out;
}

std::unique_ptr<BodySource> Body::open() const {
  if (in_memory()) return std::make_unique<StringSource>(memory_);
  return std::make_unique<FileSource>(fd_, size_);
}

bool BodyBuilder::spill() {
  int fd = make_temp_file();
  if (fd < 0) return false;
  const char* p = body_.memory_.data();
  std::size_t left = body_.memory_.size();
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      close(fd);
      return false;
    }
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  body_.fd_ = fd;
  std::string().swap(body_.memory_);
  return true;
}

bool BodyBuilder::append(const char* data, std::size_t n) {
  if (n == 0) return true;
  if (body_.fd_ < 0 && body_.size_ + n > threshold_) {
    if (!spill()) return false;
  }
  if (body_.fd_ >= 0) {
    while (n > 0) {
      ssize_t w = write(body_.fd_, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      data += w;
      n -= static_cast<std::size_t>(w);
      body_.size_ += static_cast<std::uint64_t>(w);
    }
    return true;
  }
  body_.memory_.append(data, n);
  body_.size_ += n;
  return true;
}

std::int64_t StringSource::read(char* out, std::size_t n) {
  std::size_t take = std::min(n, data_.size() - pos_);
  std::copy_n(data_.data() + pos_, take, out);
  pos_ += take;
  return static_cast<std::int64_t>(take);
}

}  // namespace rime
