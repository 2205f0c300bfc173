// Accepts connections and sniffs each one: a TLS ClientHello goes through the handshake and
// ALPN (h2 or http/1.1); the HTTP/2 client preface goes to HTTP/2; anything else to HTTP/1.1.
#include "server/listener.h"

#include <openssl/ssl.h>

#include "server/log.h"

namespace rime::net {
namespace {

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

class Detector : public std::enable_shared_from_this<Detector> {
 public:
  Detector(Context& ctx, tcp::socket socket) : ctx_(ctx), stream_(std::move(socket)) {}

  void run() {
    // Before the first byte a connection is idle, not slow: the header timeout starts with it.
    stream_.expires_after(Millis(ctx_.options.idle_timeout_ms));
    if (ctx_.tls) {
      beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](beast::error_code ec, bool is_tls) {
        if (ec) return;
        if (is_tls) return self->handshake();
        self->sniff_plain();
      });
    } else {
      sniff_plain();
    }
  }

 private:
  void handshake() {
    stream_.expires_after(Millis(ctx_.options.header_timeout_ms));
    auto tls = std::make_shared<TlsStream>(std::move(stream_), *ctx_.tls);
    tls->async_handshake(ssl::stream_base::server, buffer_.data(),
                         [self = shared_from_this(), tls](beast::error_code ec, std::size_t used) {
                           if (ec) return;
                           self->buffer_.consume(used);
                           const unsigned char* proto = nullptr;
                           unsigned int len = 0;
                           SSL_get0_alpn_selected(tls->native_handle(), &proto, &len);
                           std::string_view alpn(reinterpret_cast<const char*>(proto), len);
                           if (alpn == "h2") run_http2(self->ctx_, std::move(*tls), std::move(self->buffer_));
                           else run_http1(self->ctx_, std::move(*tls), std::move(self->buffer_));
                         });
  }

  // Reads until the bytes either are the HTTP/2 preface or cannot be.
  void sniff_plain() {
    auto data = buffer_.data();
    std::string_view seen(static_cast<const char*>(data.data()), data.size());
    std::size_t n = std::min(seen.size(), kPreface.size());
    if (seen.substr(0, n) != kPreface.substr(0, n)) return run_http1(ctx_, std::move(stream_), std::move(buffer_));
    if (n == kPreface.size()) return run_http2(ctx_, std::move(stream_), std::move(buffer_));
    if (n > 0) stream_.expires_after(Millis(ctx_.options.header_timeout_ms));
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t got) {
      if (ec) return;
      self->buffer_.commit(got);
      self->sniff_plain();
    });
  }

  Context& ctx_;
  PlainStream stream_;
  beast::flat_buffer buffer_;
};

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void*) {
  // Prefer h2, then http/1.1; without either, go on without ALPN (HTTP/1.1).
  for (std::string_view want : {std::string_view("h2"), std::string_view("http/1.1")}) {
    for (unsigned int i = 0; i < inlen;) {
      unsigned int len = in[i];
      if (i + 1 + len > inlen) break;
      if (std::string_view(reinterpret_cast<const char*>(in + i + 1), len) == want) {
        *out = in + i + 1;
        *outlen = static_cast<unsigned char>(len);
        return SSL_TLSEXT_ERR_OK;
      }
      i += 1 + len;
    }
  }
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const std::string& cert, const std::string& key) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert, ec);
  if (ec) throw std::runtime_error("cannot load TLS certificate " + cert + ": " + ec.message());
  ctx->use_private_key_file(key, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load TLS key " + key + ": " + ec.message());
  SSL_CTX_set_alpn_select_cb(ctx->native_handle(), select_alpn, nullptr);
  return ctx;
}

Listener::Listener(std::vector<asio::io_context*> iocs, Context& ctx, const tcp::endpoint& endpoint)
    : iocs_(std::move(iocs)), ctx_(ctx), acceptor_(*iocs_.front()), retry_timer_(*iocs_.front()) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + endpoint.address().to_string() + ":" +
                             std::to_string(endpoint.port()) + ": " + ec.message());
}

std::uint16_t Listener::port() const { return acceptor_.local_endpoint().port(); }

void Listener::start() { do_accept(); }

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
  });
}

void Listener::do_accept() {
  asio::io_context& target = *iocs_[next_++ % iocs_.size()];
  acceptor_.async_accept(target, [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (!self->acceptor_.is_open()) return;
    if (ec) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      log::warn("accept failed: " + ec.message());
      self->retry_timer_.expires_after(Millis(50));
      self->retry_timer_.async_wait([self](beast::error_code) {
        if (self->acceptor_.is_open()) self->do_accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Detector>(self->ctx_, std::move(socket))->run();
    self->do_accept();
  });
}

std::uint64_t SessionTracker::add(std::weak_ptr<Session> session) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_id_++;
  sessions_.emplace(id, std::move(session));
  if (stopping()) {
    if (auto s = sessions_[id].lock()) s->shutdown();
  }
  return id;
}

void SessionTracker::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

std::size_t SessionTracker::count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SessionTracker::shutdown_all() {
  stopping_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [_, weak] : sessions_)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->shutdown();
}

}  // namespace rime::net
