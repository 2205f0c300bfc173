// Options: every setting of the daemon, resolved CLI11 flags > RIME_* environment > TOML file >
// defaults. config/rime.toml lists each with its default.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rime {

struct Options {
  std::string host = "127.0.0.1";
  int port = 4566;
  std::string account = "123456789012";
  std::string region = "us-east-1";
  std::string data_dir;                   // empty: in memory only
  int persist_interval_ms = 1000;
  int threads = 0;                        // 0: one per core
  std::string log_level = "info";         // trace, debug, info, warn, error, off
  std::string log_format = "text";        // text | json
  std::string admin_token;                // empty: admin API open
  std::string tls_cert;                   // PEM; with tls_key enables TLS (h2 + http/1.1 via ALPN)
  std::string tls_key;
  std::uint64_t max_header_bytes = 64 * 1024;
  std::uint64_t max_body_bytes = 6ull << 30;  // S3 allows 5 GiB per PUT, plus aws-chunked framing
  int header_timeout_ms = 10000;          // from a request's first byte to its last header byte
  int idle_timeout_ms = 60000;            // keep-alive idle, and between body chunks
  int shutdown_timeout_ms = 10000;        // in-flight requests get this long at SIGTERM
  std::string config_file;
};

/// What parsing produced: options to run with, or an exit (help, version, error) with its text.
struct ParseOutcome {
  Options options;
  std::optional<int> exit_code;  // set when the process should exit without serving
  std::string message;           // help, version or error text
  bool health_check = false;     // --health-check: probe a running server and exit
};

using EnvLookup = std::function<const char*(const char*)>;

/// Parses argv with precedence CLI > environment (via `env`) > TOML file > defaults.
ParseOutcome parse_options(int argc, const char* const* argv, const EnvLookup& env);

/// Checks values (port range, log level, TLS pair); returns the first problem.
std::optional<std::string> validate_options(const Options& options);

}  // namespace rime
