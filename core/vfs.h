// Vfs: where blobs (object bodies, large payloads) live, by opaque key. MemVfs keeps them in
// memory (the default); FsVfs writes one file per key under a directory (--data-dir). Keys are
// any byte sequence: FsVfs never turns a key into a path, so "../x" cannot escape its root.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/body.h"

namespace rime {

struct BlobMeta {
  std::uint64_t size = 0;
  std::int64_t modified_ms = 0;  // epoch milliseconds of the last put
};

class Vfs {
 public:
  virtual ~Vfs() = default;
  /// Stores `data` under `key`, replacing any previous blob. False on an I/O failure.
  virtual bool put(std::string_view key, std::string_view data) = 0;
  /// Stores everything `source` yields; the source may be larger than memory.
  virtual bool put_stream(std::string_view key, BodySource& source) = 0;
  virtual std::optional<std::string> get(std::string_view key) const = 0;
  /// A reader over the blob, or nullptr when absent.
  virtual std::unique_ptr<BodySource> open(std::string_view key) const = 0;
  /// True when a blob was removed.
  virtual bool remove(std::string_view key) = 0;
  /// Keys that start with `prefix`, in byte order.
  virtual std::vector<std::string> list(std::string_view prefix) const = 0;
  virtual std::optional<BlobMeta> stat(std::string_view key) const = 0;
};

class MemVfs final : public Vfs {
 public:
  bool put(std::string_view key, std::string_view data) override;
  bool put_stream(std::string_view key, BodySource& source) override;
  std::optional<std::string> get(std::string_view key) const override;
  std::unique_ptr<BodySource> open(std::string_view key) const override;
  bool remove(std::string_view key) override;
  std::vector<std::string> list(std::string_view prefix) const override;
  std::optional<BlobMeta> stat(std::string_view key) const override;

 private:
  struct Blob {
    std::shared_ptr<const std::string> data;
    BlobMeta meta;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Blob, std::less<>> blobs_;
};

/// One file per blob under `root`, named by the SHA-256 of the key, with the key beside it in a
/// ".key" file. Writes go to a temporary file, are fsynced and renamed into place, so a crash
/// leaves either the old blob or the new one.
class FsVfs final : public Vfs {
 public:
  /// Opens (creating if needed) `root` and indexes the blobs already there.
  /// Throws std::runtime_error naming the path when the directory cannot be used.
  explicit FsVfs(std::string root);
  bool put(std::string_view key, std::string_view data) override;
  bool put_stream(std::string_view key, BodySource& source) override;
  std::optional<std::string> get(std::string_view key) const override;
  std::unique_ptr<BodySource> open(std::string_view key) const override;
  bool remove(std::string_view key) override;
  std::vector<std::string> list(std::string_view prefix) const override;
  std::optional<BlobMeta> stat(std::string_view key) const override;
  const std::string& root() const { return root_; }

 private:
  std::string path_for(std::string_view key) const;
  bool commit(std::string_view key, const std::string& tmp_path, std::uint64_t size);
  void load_index();

  /// Writers of one key take its stripe across file changes and index update, so the files on
  /// disk and the index always tell the same story; different keys rarely share a stripe.
  std::mutex& stripe_for(std::string_view key);

  std::string root_;
  mutable std::mutex mutex_;  // guards index_ only
  std::map<std::string, BlobMeta, std::less<>> index_;
  std::array<std::mutex, 64> stripes_;
};

/// Writes a file so that a crash leaves the old content or the new, never a mix: temporary
/// file, fsync, rename, fsync of the directory.
bool write_file_atomic(const std::string& path, std::string_view data);

/// Writes several files with the guarantee of write_file_atomic for each, syncing once for all:
/// temporary files, syncfs, renames, syncfs. Returns the paths that could not be written.
std::vector<std::string> write_files_atomic(const std::vector<std::pair<std::string, std::string>>& files);

/// Lowercase hex SHA-256 of `data` (OpenSSL).
std::string sha256_hex(std::string_view data);

}  // namespace rime
