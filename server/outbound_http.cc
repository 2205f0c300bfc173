#include "server/outbound_http.h"

#include <optional>

namespace rime::net {

std::optional<UrlParts> parse_http_url(std::string_view url) {
  UrlParts parts;
  constexpr std::string_view kHttp = "http://", kHttps = "https://";
  if (url.substr(0, kHttp.size()) == kHttp) {
    url.remove_prefix(kHttp.size());
  } else if (url.substr(0, kHttps.size()) == kHttps) {
    url.remove_prefix(kHttps.size());
    parts.tls = true;
  } else {
    return std::nullopt;
  }
  auto end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view() : url.substr(end);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return std::nullopt;
  if (authority.front() == '[') {  // [v6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    parts.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      parts.port = std::string(authority.substr(close + 2));
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    parts.host = std::string(authority.substr(0, colon));
    parts.port = std::string(authority.substr(colon + 1));
  } else {
    parts.host = std::string(authority);
  }
  if (parts.host.empty()) return std::nullopt;
  if (parts.port.empty()) parts.port = parts.tls ? "443" : "80";
  for (char c : parts.port)
    if (c < '0' || c > '9') return std::nullopt;
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  parts.target = rest.empty() || rest.front() != '/' ? "/" + std::string(rest) : std::string(rest);
  return parts;
}

namespace {

/// One request: resolve, connect, (TLS handshake), write, read, each under the deadline.
template <class Stream>
class Exchange : public std::enable_shared_from_this<Exchange<Stream>> {
 public:
  template <class... StreamArgs>
  Exchange(asio::io_context& ioc, UrlParts url, OutboundRequest request, std::function<void(OutboundResponse)> done,
           StreamArgs&&... stream_args)
      : resolver_(ioc),
        stream_(std::forward<StreamArgs>(stream_args)...),
        url_(std::move(url)),
        request_(std::move(request)),
        done_(std::move(done)) {}

  void start() {
    tcp_stream().expires_after(Millis(request_.timeout_ms));
    resolver_.async_resolve(url_.host, url_.port, [self = this->shared_from_this()](auto ec, auto results) {
      if (ec) return self->fail("resolve " + self->url_.host + ": " + ec.message());
      self->tcp_stream().async_connect(results, [self](auto ec, auto) {
        if (ec) return self->fail("connect: " + ec.message());
        self->after_connect();
      });
    });
  }

 private:
  beast::tcp_stream& tcp_stream() {
    if constexpr (std::is_same_v<Stream, TlsStream>) return stream_.next_layer();
    else return stream_;
  }

  void after_connect() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      SSL_set_tlsext_host_name(stream_.native_handle(), url_.host.c_str());
      stream_.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](auto ec) {
        if (ec) return self->fail("TLS handshake: " + ec.message());
        self->write();
      });
    } else {
      write();
    }
  }

  void write() {
    http_request_.method_string(request_.method);
    http_request_.target(url_.target);
    http_request_.version(11);
    bool default_port = url_.port == (url_.tls ? "443" : "80");
    http_request_.set(http::field::host, default_port ? url_.host : url_.host + ":" + url_.port);
    http_request_.set(http::field::connection, "close");
    for (const auto& [name, value] : request_.headers) http_request_.set(name, value);
    http_request_.body() = std::move(request_.body);
    http_request_.prepare_payload();
    http::async_write(stream_, http_request_, [self = this->shared_from_this()](auto ec, auto) {
      if (ec) return self->fail("write: " + ec.message());
      http::async_read(self->stream_, self->buffer_, self->response_, [self](auto ec, auto) {
        // A server that closes right after its response is fine: the response is complete.
        if (ec && ec != http::error::end_of_stream) return self->fail("read: " + ec.message());
        OutboundResponse out;
        out.status = static_cast<int>(self->response_.result_int());
        out.body = std::move(self->response_.body());
        self->finish(std::move(out));
      });
    });
  }

  void fail(std::string why) {
    OutboundResponse out;
    out.error = std::move(why);
    finish(std::move(out));
  }

  void finish(OutboundResponse out) {
    beast::error_code ignored;
    tcp_stream().socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (done_) std::exchange(done_, nullptr)(std::move(out));
  }

  tcp::resolver resolver_;
  Stream stream_;
  UrlParts url_;
  OutboundRequest request_;
  std::function<void(OutboundResponse)> done_;
  http::request<http::string_body> http_request_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> response_;
};

}  // namespace

AsioHttpClient::AsioHttpClient(std::vector<asio::io_context*> iocs) : iocs_(std::move(iocs)) {}

ssl::context& AsioHttpClient::tls() {
  std::call_once(tls_once_, [this] {
    tls_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    tls_->set_verify_mode(ssl::verify_none);
  });
  return *tls_;
}

AsioHttpClient::~AsioHttpClient() = default;

void AsioHttpClient::send(OutboundRequest request, std::function<void(OutboundResponse)> done) {
  auto url = parse_http_url(request.url);
  asio::io_context& ioc = *iocs_[next_.fetch_add(1, std::memory_order_relaxed) % iocs_.size()];
  if (!url) {
    // Never call back inline: callers may hold their own locks.
    asio::post(ioc, [done = std::move(done), bad = request.url] {
      OutboundResponse out;
      out.error = "not an http(s) URL: " + bad;
      done(std::move(out));
    });
    return;
  }
  if (url->tls) {
    auto exchange = std::make_shared<Exchange<TlsStream>>(ioc, std::move(*url), std::move(request), std::move(done),
                                                           beast::tcp_stream(ioc), tls());
    asio::post(ioc, [exchange] { exchange->start(); });
  } else {
    auto exchange = std::make_shared<Exchange<PlainStream>>(ioc, std::move(*url), std::move(request), std::move(done),
                                                             ioc);
    asio::post(ioc, [exchange] { exchange->start(); });
  }
}

}  // namespace rime::net
