#include "server/persistence.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"
#include "core/vfs.h"
#include "server/log.h"

namespace rime {
namespace fs = std::filesystem;

Persistence::Persistence(const ServiceRegistry& registry, std::string data_dir, int interval_ms)
    : registry_(registry), dir_(std::move(data_dir)), interval_ms_(interval_ms) {}

Persistence::~Persistence() { stop(); }

std::string Persistence::path_for(std::string_view service, const Scope& scope) const {
  return state_dir(dir_) + "/" + std::string(service) + "/" + scope.account + "/" + scope.region + ".json";
}

void Persistence::load() {
  std::error_code ec;
  fs::create_directories(state_dir(dir_), ec);
  if (ec) throw std::runtime_error("cannot create " + state_dir(dir_) + ": " + ec.message());
  for (const auto& top : fs::directory_iterator(dir_)) {
    std::string name = top.path().filename().string();
    if (name != "state" && name != "blobs")
      throw std::runtime_error("foreign file in data dir (rime keeps only state/ and blobs/ there): " +
                               top.path().string());
  }
  struct Loaded {
    StatefulService* service;
    Scope scope;
    rapidjson::Document view;
  };
  std::vector<Loaded> loaded;
  for (const auto& svc_dir : fs::directory_iterator(state_dir(dir_))) {
    std::string service = svc_dir.path().filename().string();
    StatefulService* svc = registry_.find_stateful(service);
    if (!svc_dir.is_directory() || !svc)
      throw std::runtime_error("foreign file in data dir (not a stateful service of this build): " +
                               svc_dir.path().string());
    for (const auto& acct_dir : fs::directory_iterator(svc_dir.path())) {
      std::string account = acct_dir.path().filename().string();
      if (!acct_dir.is_directory() || !is_account_id(account))
        throw std::runtime_error("foreign file in data dir (expected an account directory): " +
                                 acct_dir.path().string());
      for (const auto& file : fs::directory_iterator(acct_dir.path())) {
        std::string fname = file.path().filename().string();
        if (fname.find(".tmp.") != std::string::npos) {
          // A write interrupted by a crash; the previous file (if any) is intact.
          fs::remove(file.path());
          continue;
        }
        std::string region = fname.ends_with(".json") ? fname.substr(0, fname.size() - 5) : "";
        if (!file.is_regular_file() || !is_region_name(region))
          throw std::runtime_error("foreign file in data dir (expected <region>.json): " + file.path().string());
        std::ifstream in(file.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        Loaded entry{svc, Scope{account, region}, rapidjson::Document()};
        std::string error;
        if (!in || !parse_json(text.str(), entry.view, error))
          throw std::runtime_error("corrupt state file " + file.path().string() + ": " + error);
        if (auto err = svc->validate(entry.view))
          throw std::runtime_error("invalid state file " + file.path().string() + ": " + *err);
        loaded.push_back(std::move(entry));
      }
    }
  }
  // Everything parsed and validated: apply.
  for (auto& entry : loaded) {
    entry.service->restore(entry.scope, entry.view);
    written_[{std::string(entry.service->name()), entry.scope.account, entry.scope.region}] =
        entry.service->version(entry.scope);
  }
  log::info("loaded " + std::to_string(loaded.size()) + " state file(s) from " + dir_);
}

int Persistence::flush() {
  std::lock_guard guard(flush_mutex_);
  struct Pending {
    std::tuple<std::string, std::string, std::string> key;
    std::string path;
    std::string json;
    std::uint64_t version;
  };
  // First copy every changed scope (each under its own lock, briefly), then write them all:
  // a slow disk never holds a scope's lock, and the copies are taken close together.
  std::vector<Pending> pending;
  std::set<std::tuple<std::string, std::string, std::string>> live;
  for (StatefulService* svc : registry_.stateful()) {
    std::string name(svc->name());
    for (const Scope& scope : svc->scopes()) {
      std::uint64_t version = svc->version(scope);
      if (version == 0) continue;
      auto key = std::make_tuple(name, scope.account, scope.region);
      live.insert(key);
      auto it = written_.find(key);
      if (it != written_.end() && it->second == version) continue;
      rapidjson::StringBuffer buf;
      JsonWriter writer(buf);
      svc->snapshot(scope, writer, BlobMode::kRefs);
      pending.push_back({key, path_for(name, scope), std::string(buf.GetString(), buf.GetSize()), version});
    }
  }
  int changes = 0;
  std::vector<std::pair<std::string, std::string>> files;
  for (auto& item : pending) {
    std::error_code ec;
    fs::create_directories(fs::path(item.path).parent_path(), ec);
    files.emplace_back(item.path, std::move(item.json));
  }
  std::vector<std::string> failed = write_files_atomic(files);
  for (auto& item : pending) {
    if (std::find(failed.begin(), failed.end(), item.path) != failed.end()) {
      log::error("could not write " + item.path);
      continue;
    }
    written_[item.key] = item.version;
    ++changes;
  }
  // Scopes that were reset since the last pass: remove their files.
  for (auto it = written_.begin(); it != written_.end();) {
    if (live.count(it->first)) {
      ++it;
      continue;
    }
    auto& [service, account, region] = it->first;
    std::error_code ec;
    fs::remove(path_for(service, Scope{account, region}), ec);
    it = written_.erase(it);
    ++changes;
  }
  return changes;
}

void Persistence::start() { thread_ = std::thread([this] { run(); }); }

void Persistence::run() {
  std::unique_lock lock(wake_mutex_);
  // A fixed rate, not a fixed pause: a pass that takes long does not push the next one back.
  auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(interval_ms_);
  while (!stopping_) {
    wake_.wait_until(lock, next, [this] { return stopping_; });
    if (stopping_) break;
    next += std::chrono::milliseconds(interval_ms_);
    auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    lock.unlock();
    try {
      flush();
    } catch (const std::exception& e) {
      log::error(std::string("persistence: ") + e.what());
    }
    lock.lock();
  }
}

void Persistence::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  try {
    flush();
  } catch (const std::exception& e) {
    log::error(std::string("persistence: final flush failed: ") + e.what());
  }
}

}  // namespace rime
