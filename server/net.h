// Internal to server/: the Asio/Beast types the front ends share. No other folder includes this.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server/options.h"

namespace rime {
class Dispatcher;
}

namespace rime::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using PlainStream = beast::tcp_stream;
// asio's ssl::stream rather than beast::ssl_stream: Boost 1.81's beast wrapper rejects the
// buffered handshake (its completion-token constraint has the wrong signature).
using TlsStream = ssl::stream<beast::tcp_stream>;
using Millis = std::chrono::milliseconds;

/// A live connection the server can ask to finish: close when idle, or after the request in flight.
class Session {
 public:
  virtual ~Session() = default;
  virtual void shutdown() = 0;  // thread-safe
};

/// Tracks live sessions so that shutdown can reach them and wait for them.
class SessionTracker {
 public:
  std::uint64_t add(std::weak_ptr<Session> session);
  void remove(std::uint64_t id);
  std::size_t count() const;
  /// Marks the server as stopping and asks every session to finish.
  void shutdown_all();
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
  std::uint64_t next_id_ = 1;
  std::atomic<bool> stopping_{false};
};

/// Everything a connection needs from the server; outlives every session.
struct Context {
  const Options& options;
  Dispatcher& dispatcher;
  SessionTracker& tracker;
  ssl::context* tls = nullptr;  // set when TLS is configured
};

/// Registers on construction, unregisters on destruction.
class TrackedSession : public Session {
 public:
  explicit TrackedSession(Context& ctx) : ctx_(ctx) {}
  ~TrackedSession() override {
    if (id_) ctx_.tracker.remove(id_);
  }

 protected:
  void track(std::weak_ptr<Session> self) { id_ = ctx_.tracker.add(std::move(self)); }
  Context& ctx_;

 private:
  std::uint64_t id_ = 0;
};

/// Starts HTTP/1.1 on an accepted stream; `buffer` holds bytes already read.
void run_http1(Context& ctx, PlainStream stream, beast::flat_buffer buffer);
void run_http1(Context& ctx, TlsStream stream, beast::flat_buffer buffer);
/// Starts HTTP/2 (after the preface was seen or ALPN chose h2).
void run_http2(Context& ctx, PlainStream stream, beast::flat_buffer buffer);
void run_http2(Context& ctx, TlsStream stream, beast::flat_buffer buffer);

}  // namespace rime::net

namespace rime {
struct Request;
namespace net {
/// h2c upgrade: the HTTP/1.1 request becomes stream 1 of a new HTTP/2 session.
void run_http2_upgrade(Context& ctx, PlainStream stream, beast::flat_buffer buffer, std::string settings_b64url,
                       rime::Request request);
}  // namespace net
}  // namespace rime
