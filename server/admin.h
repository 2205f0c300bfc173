// Admin API (DESIGN.md): health, state snapshot/restore/merge/reset, and the moto_server and
// LocalStack aliases. Every body is validated whole before anything is applied.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/request.h"
#include "core/service_registry.h"

namespace rime {

class Admin {
 public:
  Admin(const ServiceRegistry& registry, std::string admin_token);
  Response handle(const Request& request);

  /// The snapshot document for the given filters (empty filter: everything).
  std::string snapshot(const std::vector<std::string>& services, const std::string& account,
                       const std::string& region, BlobMode blobs) const;
  /// Validates then applies a state document; returns the error on invalid input.
  std::optional<std::string> apply(std::string_view body, bool merge);
  /// Resets matching scopes; empty filters match everything.
  void reset(const std::vector<std::string>& services, const std::string& account, const std::string& region);

 private:
  Response health() const;
  Response localstack_health() const;
  Response state(const Request& request);

  const ServiceRegistry& registry_;
  std::string token_;
  std::string health_body_;      // built once: the registry does not change while serving
  std::string localstack_body_;
};

}  // namespace rime
