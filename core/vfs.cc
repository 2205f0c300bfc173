#include "core/vfs.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/clock.h"
#include "core/ids.h"

namespace rime {
namespace fs = std::filesystem;

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

// ---- MemVfs ---------------------------------------------------------------------------------

namespace {

// Reader over a shared immutable string: a concurrent put replaces the pointer, not the bytes.
class SharedStringSource final : public BodySource {
 public:
  explicit SharedStringSource(std::shared_ptr<const std::string> data) : data_(std::move(data)) {}
  std::int64_t read(char* out, std::size_t n) override {
    std::size_t take = std::min(n, data_->size() - pos_);
    std::memcpy(out, data_->data() + pos_, take);
    pos_ += take;
    return static_cast<std::int64_t>(take);
  }
  std::int64_t size() const override { return static_cast<std::int64_t>(data_->size()); }

 private:
  std::shared_ptr<const std::string> data_;
  std::size_t pos_ = 0;
};

class FdSource final : public BodySource {
 public:
  FdSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~FdSource() override { close(fd_); }
  std::int64_t read(char* out, std::size_t n) override {
    ssize_t got;
    do {
      got = ::read(fd_, out, n);
    } while (got < 0 && errno == EINTR);
    return got;
  }
  std::int64_t size() const override { return static_cast<std::int64_t>(size_); }

 private:
  int fd_;
  std::uint64_t size_;
};

bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

bool write_file_atomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp." + random_hex(8);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = write_all(fd, data.data(), data.size()) && fsync(fd) == 0;
  ok = (close(fd) == 0) && ok;
  if (ok) ok = std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) unlink(tmp.c_str());
  if (ok) {
    // fsync the directory too, so the rename itself survives a power cut.
    std::string dir = fs::path(path).parent_path().string();
    int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
  }
  return ok;
}

std::vector<std::string> write_files_atomic(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> failed;
  std::vector<std::pair<std::string, std::string>> staged;  // (tmp, final)
  int sync_fd = -1;
  for (const auto& [path, data] : files) {
    std::string tmp = path + ".tmp." + random_hex(8);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write_all(fd, data.data(), data.size());
    if (fd >= 0) ok = (close(fd) == 0) && ok;
    if (!ok) {
      unlink(tmp.c_str());
      failed.push_back(path);
      continue;
    }
    staged.emplace_back(std::move(tmp), path);
  }
  if (staged.empty()) return failed;
  // One syncfs makes every staged file durable before any rename exposes it; the second makes
  // the renames durable. N files cost two syncs instead of N fsyncs.
  sync_fd = ::open(fs::path(staged.front().second).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sync_fd >= 0) syncfs(sync_fd);
  for (auto& [tmp, path] : staged) {
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      unlink(tmp.c_str());
      failed.push_back(path);
    }
  }
  if (sync_fd >= 0) {
    syncfs(sync_fd);
    close(sync_fd);
  }
  return failed;
}

bool MemVfs::put(std::string_view key, std::string_view data) {
  auto blob = std::make_shared<const std::string>(data);
  BlobMeta meta{data.size(), epoch_millis(now())};
  std::lock_guard lock(mutex_);
  blobs_[std::string(key)] = Blob{std::move(blob), meta};
  return true;
}

bool MemVfs::put_stream(std::string_view key, BodySource& source) {
  std::string data;
  if (source.size() > 0) data.reserve(static_cast<std::size_t>(source.size()));
  char buf[64 * 1024];
  for (;;) {
    auto got = source.read(buf, sizeof buf);
    if (got < 0) return false;
    if (got == 0) break;
    data.append(buf, static_cast<std::size_t>(got));
  }
  return put(key, data);
}

std::optional<std::string> MemVfs::get(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = blobs_.find(key);
  if (it == blobs_.end()) return std::nullopt;
  return *it->second.data;
}

std::unique_ptr<BodySource> MemVfs::open(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = blobs_.find(key);
  if (it == blobs_.end()) return nullptr;
  return std::make_unique<SharedStringSource>(it->second.data);
}

bool MemVfs::remove(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto it = blobs_.find(key);
  if (it == blobs_.end()) return false;
  blobs_.erase(it);
  return true;
}

std::vector<std::string> MemVfs::list(std::string_view prefix) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (auto it = blobs_.lower_bound(prefix); it != blobs_.end() && it->first.starts_with(prefix); ++it)
    out.push_back(it->first);
  return out;
}

std::optional<BlobMeta> MemVfs::stat(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = blobs_.find(key);
  if (it == blobs_.end()) return std::nullopt;
  return it->second.meta;
}

// ---- FsVfs ----------------------------------------------------------------------------------

FsVfs::FsVfs(std::string root) : root_(std::move(root)) {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec || !fs::is_directory(root_)) throw std::runtime_error("cannot use blob directory " + root_);
  load_index();
}

std::string FsVfs::path_for(std::string_view key) const {
  std::string hash = sha256_hex(key);
  return root_ + "/" + hash.substr(0, 2) + "/" + hash;
}

void FsVfs::load_index() {
  for (const auto& shard : fs::directory_iterator(root_)) {
    if (!shard.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(shard.path())) {
      std::string name = file.path().filename().string();
      // Leftovers of a write interrupted by a crash: never committed, safe to drop.
      if (name.find(".tmp.") != std::string::npos) {
        fs::remove(file.path());
        continue;
      }
      if (!name.ends_with(".key")) continue;
      std::string data_path = file.path().string();
      data_path.resize(data_path.size() - 4);
      std::error_code ec;
      auto size = fs::file_size(data_path, ec);
      if (ec) continue;  // key written but blob removed: not a blob
      int fd = ::open(file.path().c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      std::string key;
      char buf[4096];
      ssize_t got;
      while ((got = ::read(fd, buf, sizeof buf)) > 0) key.append(buf, static_cast<std::size_t>(got));
      close(fd);
      if (path_for(key) != data_path) {
        throw std::runtime_error("blob key file does not match its blob: " + file.path().string());
      }
      struct stat st {};
      ::stat(data_path.c_str(), &st);
      index_[key] = BlobMeta{size, static_cast<std::int64_t>(st.st_mtime) * 1000};
    }
  }
}

std::mutex& FsVfs::stripe_for(std::string_view key) {
  return stripes_[std::hash<std::string_view>{}(key) % stripes_.size()];
}

bool FsVfs::commit(std::string_view key, const std::string& tmp_path, std::uint64_t size) {
  std::string path = path_for(key);
  std::lock_guard stripe(stripe_for(key));
  // The key file goes first: a blob file without its key file would be unreachable.
  if (!write_file_atomic(path + ".key", key)) {
    unlink(tmp_path.c_str());
    return false;
  }
  if (std::rename(tmp_path.c_str(), path.c_str()) != 0) {
    unlink(tmp_path.c_str());
    return false;
  }
  std::lock_guard lock(mutex_);
  index_[std::string(key)] = BlobMeta{size, epoch_millis(now())};
  return true;
}

bool FsVfs::put(std::string_view key, std::string_view data) {
  StringSource source{std::string(data)};
  return put_stream(key, source);
}

bool FsVfs::put_stream(std::string_view key, BodySource& source) {
  std::string path = path_for(key);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp." + random_hex(8);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::uint64_t size = 0;
  bool ok = true;
  char buf[64 * 1024];
  for (;;) {
    auto got = source.read(buf, sizeof buf);
    if (got < 0) {
      ok = false;
      break;
    }
    if (got == 0) break;
    if (!write_all(fd, buf, static_cast<std::size_t>(got))) {
      ok = false;
      break;
    }
    size += static_cast<std::uint64_t>(got);
  }
  ok = ok && fsync(fd) == 0;
  ok = (close(fd) == 0) && ok;
  if (!ok) {
    unlink(tmp.c_str());
    return false;
  }
  return commit(key, tmp, size);
}

std::optional<std::string> FsVfs::get(std::string_view key) const {
  auto source = open(key);
  if (!source) return std::nullopt;
  std::string out;
  char buf[64 * 1024];
  std::int64_t got;
  while ((got = source->read(buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(got));
  if (got < 0) return std::nullopt;
  return out;
}

std::unique_ptr<BodySource> FsVfs::open(std::string_view key) const {
  // Under the key's stripe, the index size and the opened inode belong to the same put.
  std::lock_guard stripe(const_cast<FsVfs*>(this)->stripe_for(key));
  std::uint64_t size;
  {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    size = it->second.size;
  }
  int fd = ::open(path_for(key).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  return std::make_unique<FdSource>(fd, size);
}

bool FsVfs::remove(std::string_view key) {
  std::lock_guard stripe(stripe_for(key));
  {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    index_.erase(it);
  }
  std::string path = path_for(key);
  unlink(path.c_str());
  unlink((path + ".key").c_str());
  return true;
}

std::vector<std::string> FsVfs::list(std::string_view prefix) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (auto it = index_.lower_bound(prefix); it != index_.end() && it->first.starts_with(prefix); ++it)
    out.push_back(it->first);
  return out;
}

std::optional<BlobMeta> FsVfs::stat(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

}  // namespace rime
