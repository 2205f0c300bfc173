// Internal to server/: the accepting socket and TLS setup.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server/net.h"

namespace rime::net {

std::unique_ptr<ssl::context> make_tls_context(const std::string& cert, const std::string& key);

/// Accepts on the first io_context and hands each connection to the next io_context in turn:
/// one io_context per thread, so a connection's handlers never contend for a shared scheduler
/// (measured: two threads sharing one io_context served fewer requests than one thread alone).
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Binds and listens; throws std::runtime_error naming the address on failure.
  Listener(std::vector<asio::io_context*> iocs, Context& ctx, const tcp::endpoint& endpoint);
  void start();
  void stop();
  std::uint16_t port() const;

 private:
  void do_accept();

  std::vector<asio::io_context*> iocs_;
  std::size_t next_ = 0;
  Context& ctx_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
};

}  // namespace rime::net
