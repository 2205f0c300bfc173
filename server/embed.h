// Embedding API: run the whole server in-process on a free port with the services you choose,
// for C++ tests and tools (the seed's MockAws builder).
//
//   auto aws = rime::MockAws::builder().with_builtin_services().build();
//   std::string url = aws.endpoint();   // "http://127.0.0.1:40123"
//   ...
//   aws.stop();                         // also done by the destructor
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server/server.h"

namespace rime {

class MockAws {
 public:
  class Builder {
   public:
    /// Adds a service built from the environment the server provides (its Vfs, defaults).
    Builder& with_service(std::function<std::shared_ptr<MockService>(const ServiceEnv&)> factory);
    /// Adds every service the daemon registers.
    Builder& with_builtin_services();
    /// Changes options (port is forced to 0 unless set here; host stays 127.0.0.1).
    Builder& with_options(std::function<void(Options&)> edit);
    /// Starts the server; throws std::runtime_error when it cannot.
    MockAws build();

   private:
    std::vector<std::function<std::shared_ptr<MockService>(const ServiceEnv&)>> factories_;
    bool builtin_ = false;
    Options options_ = [] {
      Options o;
      o.port = 0;
      o.threads = 2;
      o.log_level = "warn";
      return o;
    }();
  };

  static Builder builder() { return Builder{}; }

  MockAws(MockAws&&) noexcept = default;
  MockAws& operator=(MockAws&&) noexcept = default;
  ~MockAws();

  std::string endpoint() const { return server_->endpoint(); }
  std::uint16_t port() const { return server_->port(); }
  void stop();

 private:
  explicit MockAws(std::unique_ptr<Server> server) : server_(std::move(server)) {}
  std::unique_ptr<Server> server_;
};

}  // namespace rime
