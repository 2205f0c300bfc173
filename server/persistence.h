// Persistence under --data-dir: every stateful scope that changed is written as
// DIR/state/<service>/<account>/<region>.json (temp file, fsync, rename) on an interval and at
// shutdown, and everything is loaded at start. Blobs live in DIR/blobs through FsVfs.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>

#include "core/service_registry.h"

namespace rime {

class Persistence {
 public:
  Persistence(const ServiceRegistry& registry, std::string data_dir, int interval_ms);
  ~Persistence();

  /// Loads every saved scope. Throws std::runtime_error naming the file when the directory
  /// holds a corrupt or foreign file: a user's state is never silently dropped.
  void load();
  /// Starts the background writer.
  void start();
  /// Stops the writer and writes whatever changed since its last pass.
  void stop();
  /// Writes changed scopes now; returns the number of files written or removed.
  int flush();

  static std::string state_dir(const std::string& data_dir) { return data_dir + "/state"; }
  static std::string blob_dir(const std::string& data_dir) { return data_dir + "/blobs"; }

 private:
  std::string path_for(std::string_view service, const Scope& scope) const;
  void run();

  const ServiceRegistry& registry_;
  std::string dir_;
  int interval_ms_;
  std::mutex flush_mutex_;  // one flush at a time (interval thread vs shutdown)
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> written_;  // scope -> version on disk
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rime
