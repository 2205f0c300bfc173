// Internal to server/: the accepting socket and TLS setup.
#pragma once

#include <memory>
#include <string>

#include "server/net.h"

namespace rime::net {

std::unique_ptr<ssl::context> make_tls_context(const std::string& cert, const std::string& key);

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Binds and listens; throws std::runtime_error naming the address on failure.
  Listener(asio::io_context& ioc, Context& ctx, const tcp::endpoint& endpoint);
  void start();
  void stop();
  std::uint16_t port() const;

 private:
  void do_accept();

  asio::io_context& ioc_;
  Context& ctx_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
};

}  // namespace rime::net
