#include "core/blob_store.h"

#include <cstdio>

namespace rime {
namespace {

// Reads several blobs one after another, so composing parts never buffers the whole object.
class ConcatSource final : public BodySource {
 public:
  explicit ConcatSource(std::vector<std::unique_ptr<BodySource>> parts) : parts_(std::move(parts)) {
    for (auto& p : parts_) total_ += p->size();
  }
  std::int64_t read(char* out, std::size_t n) override {
    while (index_ < parts_.size()) {
      auto got = parts_[index_]->read(out, n);
      if (got != 0) return got;
      ++index_;
    }
    return 0;
  }
  std::int64_t size() const override { return total_; }

 private:
  std::vector<std::unique_ptr<BodySource>> parts_;
  std::size_t index_ = 0;
  std::int64_t total_ = 0;
};

}  // namespace

std::string BlobStore::current_key(std::string_view name) const {
  std::string key = ns_;
  key += "/c/";
  key += name;
  return key;
}

std::string BlobStore::version_key(std::string_view name, std::string_view version) const {
  std::string key = ns_;
  key += "/v/";
  key += name;
  key += '\0';
  key += version;
  return key;
}

std::string BlobStore::part_key(std::string_view upload_id, int part) const {
  char num[16];
  std::snprintf(num, sizeof num, "%05d", part);
  std::string key = ns_;
  key += "/p/";
  key += upload_id;
  key += '\0';
  key += num;
  return key;
}

std::vector<std::string> BlobStore::list(std::string_view prefix) const {
  std::string base = current_key("");
  std::vector<std::string> out;
  for (auto& key : vfs_->list(base + std::string(prefix))) out.push_back(key.substr(base.size()));
  return out;
}

std::vector<std::string> BlobStore::versions(std::string_view name) const {
  std::string base = version_key(name, "");
  std::vector<std::string> out;
  for (auto& key : vfs_->list(base)) out.push_back(key.substr(base.size()));
  return out;
}

bool BlobStore::compose(std::string_view upload_id, const std::vector<int>& parts, std::string_view name) {
  std::vector<std::unique_ptr<BodySource>> sources;
  for (int part : parts) {
    auto source = vfs_->open(part_key(upload_id, part));
    if (!source) return false;
    sources.push_back(std::move(source));
  }
  ConcatSource all(std::move(sources));
  if (!vfs_->put_stream(current_key(name), all)) return false;
  abort(upload_id);
  return true;
}

void BlobStore::abort(std::string_view upload_id) {
  std::string base = ns_ + "/p/" + std::string(upload_id) + '\0';
  for (auto& key : vfs_->list(base)) vfs_->remove(key);
}

void BlobStore::clear() {
  for (auto& key : vfs_->list(ns_ + "/")) vfs_->remove(key);
}

}  // namespace rime
