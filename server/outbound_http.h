// Internal to server/: the HttpClient services get (core/http_client.h) for calls out of the
// server (SNS http/https subscriptions), asynchronous on the server's io_contexts.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "core/http_client.h"
#include "server/net.h"

namespace rime::net {

/// Where a URL points: scheme, host, port and request target.
struct UrlParts {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path plus query, "/" at least
};
/// Parses http:// and https:// URLs; nullopt for anything else.
std::optional<UrlParts> parse_http_url(std::string_view url);

class AsioHttpClient final : public HttpClient {
 public:
  explicit AsioHttpClient(std::vector<asio::io_context*> iocs);
  ~AsioHttpClient() override;
  void send(OutboundRequest request, std::function<void(OutboundResponse)> done) override;

 private:
  std::vector<asio::io_context*> iocs_;
  std::atomic<std::size_t> next_{0};
  /// Made on the first https call: creating it loads OpenSSL's configuration, which start-up
  /// must not pay. Subscribers are often local test endpoints with self-signed certificates:
  /// certificates are not verified (an emulator delivers where it is told to).
  ssl::context& tls();
  std::once_flag tls_once_;
  std::unique_ptr<ssl::context> tls_;
};

}  // namespace rime::net
