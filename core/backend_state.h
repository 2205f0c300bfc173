// BackendState<S>: a service's state partitioned by (account, region). Each entry has its own
// lock, is created on first use, and carries a version that changes on every write, so
// persistence can tell which scopes changed. Different scopes never block each other.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "core/scope.h"

namespace rime {

/// Process-wide monotonic counter: a re-created scope never reuses an earlier version number.
std::uint64_t next_state_version();

template <class S>
class BackendState {
 public:
  struct Entry {
    mutable std::shared_mutex mutex;
    S state{};
    std::atomic<std::uint64_t> version{0};
  };

  /// Runs `fn(S&)` under the scope's exclusive lock and marks the scope changed.
  template <class Fn>
  decltype(auto) write(const Scope& scope, Fn&& fn) {
    std::shared_ptr<Entry> entry = get_or_create(scope);
    std::unique_lock lock(entry->mutex);
    entry->version.store(next_state_version(), std::memory_order_release);
    return fn(entry->state);
  }

  /// Runs `fn(const S&)` under the scope's shared lock. A scope that does not exist yet is
  /// read as a default-constructed S without being created.
  template <class Fn>
  decltype(auto) read(const Scope& scope, Fn&& fn) const {
    std::shared_ptr<Entry> entry = find(scope);
    if (!entry) {
      static const S empty{};
      return fn(empty);
    }
    std::shared_lock lock(entry->mutex);
    return fn(static_cast<const S&>(entry->state));
  }

  std::vector<Scope> scopes() const {
    std::shared_lock lock(map_mutex_);
    std::vector<Scope> out;
    out.reserve(entries_.size());
    for (const auto& [scope, _] : entries_) out.push_back(scope);
    return out;
  }

  std::uint64_t version(const Scope& scope) const {
    auto entry = find(scope);
    return entry ? entry->version.load(std::memory_order_acquire) : 0;
  }

  /// Removes the scope entirely (admin reset).
  void erase(const Scope& scope) {
    std::unique_lock lock(map_mutex_);
    entries_.erase(scope);
  }

  /// Replaces the scope's state with `state` (admin restore).
  void replace(const Scope& scope, S state) {
    write(scope, [&](S& current) { current = std::move(state); });
  }

 private:
  std::shared_ptr<Entry> find(const Scope& scope) const {
    std::shared_lock lock(map_mutex_);
    auto it = entries_.find(scope);
    return it == entries_.end() ? nullptr : it->second;
  }

  std::shared_ptr<Entry> get_or_create(const Scope& scope) {
    if (auto entry = find(scope)) return entry;
    std::unique_lock lock(map_mutex_);
    auto& slot = entries_[scope];
    if (!slot) slot = std::make_shared<Entry>();
    return slot;
  }

  mutable std::shared_mutex map_mutex_;  // guards the map only, never held while fn runs
  std::map<Scope, std::shared_ptr<Entry>> entries_;
};

}  // namespace rime
