// Outbound HTTP for services that call out (SNS http/https subscriptions): asynchronous, so a
// slow endpoint never holds a server thread. The server implements it with its own sockets.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace rime {

struct OutboundRequest {
  std::string method = "POST";
  std::string url;  // http://host[:port]/path or https://...
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int timeout_ms = 15000;
};

struct OutboundResponse {
  int status = 0;     // 0: no HTTP answer (connection refused, timeout, bad URL, TLS failure)
  std::string error;  // why, when status is 0
  std::string body;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Sends the request and calls `done` exactly once, on a server thread.
  virtual void send(OutboundRequest request, std::function<void(OutboundResponse)> done) = 0;
};

}  // namespace rime
