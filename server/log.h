// Logging: spdlog behind a small interface, so only log.cc pays for its headers. Request lines
// go through an asynchronous logger: the request path never waits for a write or a flush.
#pragma once

#include <string_view>

namespace rime::log {

/// Sets up the loggers; `format` is "text" or "json".
void init(std::string_view level, std::string_view format);
void shutdown();
/// Writes out buffered lines now (after start-up and shutdown messages, which people watch for).
void flush();

void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);
void debug(std::string_view message);

struct RequestLine {
  std::string_view method, path, service, operation, account, region, request_id;
  int status = 0;
  double latency_ms = 0;
};
/// One line per request at info level.
void request(const RequestLine& line);
bool request_logging_enabled();

}  // namespace rime::log
