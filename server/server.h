// Server: the whole daemon behind a socket-free interface: services registered, listener bound,
// I/O threads running, persistence on; stopped gracefully. main() and the embedding API use it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/service_env.h"
#include "core/service_registry.h"
#include "server/options.h"

namespace rime {

using RegisterServices = std::function<void(ServiceRegistry&, const ServiceEnv&)>;

class Server {
 public:
  Server(Options options, RegisterServices register_services);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Loads saved state, binds and starts the I/O threads. Throws std::runtime_error with a
  /// message naming what failed (port in use, corrupt data dir, bad certificate).
  void start();
  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// "http://127.0.0.1:<port>" (https with TLS).
  std::string endpoint() const;
  /// Graceful stop: stop accepting, let in-flight requests finish (bounded by
  /// shutdown_timeout_ms), flush state, join threads. Idempotent, callable from any thread.
  void stop();
  /// Blocks until stop() completes.
  void wait();

  const ServiceRegistry& registry() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The daemon's main(): options, logging, health probe, serve. `register_services` adds the
/// services of this build.
int server_main(int argc, char** argv, const RegisterServices& register_services);

}  // namespace rime
