// The protocol-neutral request and response the server hands to the dispatcher and services.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/body.h"
#include "core/headers.h"

namespace rime {

struct Request {
  std::string method;      // "GET", "POST", ...
  std::string target;      // raw request target as sent: path plus query
  std::string path;        // raw (still percent-encoded) path, before '?'
  std::string query;       // raw query string, after '?', without it
  Headers headers;
  Body body;
  std::string remote;      // peer address, for logs
  bool tls = false;
  int http_major = 1;      // 1 or 2

  /// Splits `target` into path and query.
  void set_target(std::string raw_target);
  std::string_view host() const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  /// When set, the body is streamed from here instead of `body` (large objects).
  std::shared_ptr<BodySource> stream;

  static Response text(int status, std::string body, std::string content_type = "text/plain");
  static Response json(int status, std::string body);
};

}  // namespace rime
