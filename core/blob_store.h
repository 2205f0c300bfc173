// BlobStore: one service's namespace of blobs on a Vfs, with the three kinds S3-like services
// need: current blobs by name, versions of a name, and multipart parts composed into a blob.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/vfs.h"

namespace rime {

class BlobStore {
 public:
  BlobStore(std::shared_ptr<Vfs> vfs, std::string ns) : vfs_(std::move(vfs)), ns_(std::move(ns)) {}

  // Current blobs.
  bool put(std::string_view name, std::string_view data) { return vfs_->put(current_key(name), data); }
  bool put_stream(std::string_view name, BodySource& source) { return vfs_->put_stream(current_key(name), source); }
  std::optional<std::string> get(std::string_view name) const { return vfs_->get(current_key(name)); }
  std::unique_ptr<BodySource> open(std::string_view name) const { return vfs_->open(current_key(name)); }
  std::optional<BlobMeta> stat(std::string_view name) const { return vfs_->stat(current_key(name)); }
  bool remove(std::string_view name) { return vfs_->remove(current_key(name)); }
  /// Names of current blobs starting with `prefix`.
  std::vector<std::string> list(std::string_view prefix = {}) const;

  // Versions of a name.
  bool put_version(std::string_view name, std::string_view version, std::string_view data) {
    return vfs_->put(version_key(name, version), data);
  }
  std::optional<std::string> get_version(std::string_view name, std::string_view version) const {
    return vfs_->get(version_key(name, version));
  }
  bool remove_version(std::string_view name, std::string_view version) {
    return vfs_->remove(version_key(name, version));
  }
  std::vector<std::string> versions(std::string_view name) const;

  // Multipart uploads: parts by number, composed in the given order into a current blob.
  bool put_part(std::string_view upload_id, int part, std::string_view data) {
    return vfs_->put(part_key(upload_id, part), data);
  }
  bool put_part_stream(std::string_view upload_id, int part, BodySource& source) {
    return vfs_->put_stream(part_key(upload_id, part), source);
  }
  std::optional<BlobMeta> stat_part(std::string_view upload_id, int part) const {
    return vfs_->stat(part_key(upload_id, part));
  }
  /// Concatenates `parts` into the current blob `name` and removes the upload's parts.
  bool compose(std::string_view upload_id, const std::vector<int>& parts, std::string_view name);
  /// Removes every part of an upload.
  void abort(std::string_view upload_id);

  /// Removes everything in this namespace (admin reset).
  void clear();
  const std::string& ns() const { return ns_; }
  Vfs& vfs() const { return *vfs_; }

 private:
  // Keys: "<ns>/c/<name>", "<ns>/v/<name>\0<version>", "<ns>/p/<upload>\0<part, 5 digits>".
  // NUL separates parts because no AWS name contains it.
  std::string current_key(std::string_view name) const;
  std::string version_key(std::string_view name, std::string_view version) const;
  std::string part_key(std::string_view upload_id, int part) const;

  std::shared_ptr<Vfs> vfs_;
  std::string ns_;
};

}  // namespace rime
