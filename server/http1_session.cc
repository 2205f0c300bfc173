// HTTP/1.1 front end (Boost.Beast): keep-alive, chunked and streamed bodies spooled through
// BodyBuilder, Expect: 100-continue, header/idle timeouts, size limits, Upgrade: h2c, and
// graceful close on shutdown. One request at a time per connection (pipelined requests wait
// in the read buffer).
#include <array>
#include <optional>

#include "core/request.h"
#include "server/dispatcher.h"
#include "server/http1_parse.h"
#include "server/net.h"

namespace rime::net {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::string_view kSwitching = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
constexpr std::size_t kReadChunk = 64 * 1024;

bool header_has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view part = value.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (iequals(part, token)) return true;
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
  }
  return false;
}

template <class Stream>
class Http1Session final : public TrackedSession, public std::enable_shared_from_this<Http1Session<Stream>> {
 public:
  Http1Session(Context& ctx, Stream stream, beast::flat_buffer buffer)
      : TrackedSession(ctx), stream_(std::move(stream)), buffer_(std::move(buffer)) {}

  void start() {
    this->track(this->weak_from_this());
    beast::error_code ec;  // once per connection, not a getpeername per request
    auto endpoint = lowest().socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->start_request(); });
  }

  void shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->closing_ = true;
      if (!self->in_flight_) self->close();
    });
  }

 private:
  class Sink final : public ResponseSink {
   public:
    explicit Sink(std::shared_ptr<Http1Session> session) : session_(std::move(session)) {}
    void complete(Response response) override {
      auto session = std::move(session_);
      // dispatch: a handler that answers at once runs the write inline on the strand.
      asio::dispatch(session->stream_.get_executor(),
                     [session, r = std::move(response)]() mutable { session->write_response(std::move(r)); });
    }

   private:
    std::shared_ptr<Http1Session> session_;
  };

  auto& lowest() { return beast::get_lowest_layer(stream_); }

  void start_request() {
    if (closing_ || ctx_.tracker.stopping()) return close();
    parser_.emplace();
    configure_parser(*parser_, ctx_.options);
    header_done_ = false;
    bytes_seen_ = buffer_.size() > 0;
    if (bytes_seen_) header_deadline_ = std::chrono::steady_clock::now() + Millis(ctx_.options.header_timeout_ms);
    feed();
  }

  // Parses what the buffer holds; reads more when the parser needs it.
  void feed() {
    while (buffer_.size() > 0) {
      beast::error_code ec;
      std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return fail_parse(ec);
      if (!header_done_ && parser_->is_header_done()) {
        header_done_ = true;
        if (!on_header()) return;
      }
      if (parser_->is_done()) return on_request();
      if (used == 0) break;
    }
    read_more();
  }

  void read_more() {
    if (!header_done_) {
      if (bytes_seen_) lowest().expires_at(header_deadline_);
      else lowest().expires_after(Millis(ctx_.options.idle_timeout_ms));
    } else {
      lowest().expires_after(Millis(ctx_.options.idle_timeout_ms));  // body progress
    }
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(beast::error_code ec, std::size_t n) {
    if (ec == beast::error::timeout && bytes_seen_) return reply_and_close(408, "request timed out");
    if (ec) return close();
    buffer_.commit(n);
    if (!bytes_seen_ && n > 0) {
      bytes_seen_ = true;
      header_deadline_ = std::chrono::steady_clock::now() + Millis(ctx_.options.header_timeout_ms);
    }
    feed();
  }

  bool on_header() {
    auto& msg = parser_->get();
    if (!parser_->is_done() && header_has_token(std::string_view(msg[http::field::expect]), "100-continue")) {
      // SDKs wait for this before sending an upload's body.
      lowest().expires_after(Millis(ctx_.options.idle_timeout_ms));
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->close();
                          self->feed();
                        });
      return false;
    }
    return true;
  }

  void fail_parse(beast::error_code ec) {
    if (ec == http::error::header_limit) return reply_and_close(431, "request header fields too large");
    if (ec == http::error::body_limit) return reply_and_close(413, "request body too large");
    if (ec == beast::errc::make_error_code(beast::errc::io_error))
      return reply_and_close(500, "could not store request body");
    reply_and_close(400, "malformed HTTP request");
  }

  void on_request() {
    auto msg = parser_->release();
    Request request = make_request(msg);
    request.tls = !std::is_same_v<Stream, PlainStream>;
    request.http_major = 1;
    request.remote = remote_;
    keep_alive_ = msg.keep_alive();
    head_ = msg.method() == http::verb::head;
    in_flight_ = true;

    if constexpr (std::is_same_v<Stream, PlainStream>) {
      auto upgrade = msg[http::field::upgrade];
      auto settings = msg["HTTP2-Settings"];
      if (!ctx_.tracker.stopping() && header_has_token(std::string_view(upgrade), "h2c") && !settings.empty() &&
          header_has_token(std::string_view(msg[http::field::connection]), "upgrade")) {
        return upgrade_h2c(std::string(settings), std::move(request));
      }
    }
    ctx_.dispatcher.dispatch(std::move(request), std::make_shared<Sink>(this->shared_from_this()));
  }

  void upgrade_h2c(std::string settings, Request request) {
    lowest().expires_after(Millis(ctx_.options.idle_timeout_ms));
    asio::async_write(stream_, asio::buffer(kSwitching.data(), kSwitching.size()),
                      [self = this->shared_from_this(), settings = std::move(settings),
                       request = std::move(request)](beast::error_code ec, std::size_t) mutable {
                        if (ec) return self->close();
                        self->in_flight_ = false;
                        if constexpr (std::is_same_v<Stream, PlainStream>) {
                          run_http2_upgrade(self->ctx_, std::move(self->stream_), std::move(self->buffer_),
                                            std::move(settings), std::move(request));
                        }
                      });
  }

  void fill_headers(http::response_header<>& header, Response& response, std::uint64_t body_size) {
    header.result(static_cast<unsigned>(response.status));
    header.version(11);
    bool has_length = false;
    for (auto& [name, value] : response.headers) {
      if (iequals(name, "content-length")) has_length = true;
      header.insert(name, value);
    }
    if (!has_length && response.status != 204 && response.status != 304 && response.status >= 200)
      header.set(http::field::content_length, std::to_string(body_size));
    bool keep = keep_alive_ && !closing_ && !ctx_.tracker.stopping();
    if (!keep) header.set(http::field::connection, "close");
    keep_alive_ = keep;
  }

  void write_response(Response response) {
    if (response.stream && !head_) return write_streamed(std::move(response));
    // The head is formatted by hand into a buffer kept across requests and sent with the body in
    // one gather write: Beast's generic serializer cost ~10% of a small request's CPU (perf).
    std::uint64_t size = response.stream ? static_cast<std::uint64_t>(response.stream->size()) : response.body.size();
    format_head(response, size);
    body_out_ = head_ ? std::string() : std::move(response.body);
    lowest().expires_after(Millis(ctx_.options.idle_timeout_ms));
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_out_), asio::buffer(body_out_)};
    asio::async_write(stream_, buffers, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->after_write(ec);
    });
  }

  void format_head(const Response& response, std::uint64_t body_size) {
    head_out_.clear();
    head_out_ += "HTTP/1.1 ";
    head_out_ += std::to_string(response.status);
    head_out_ += ' ';
    head_out_ += http::obsolete_reason(http::int_to_status(static_cast<unsigned>(response.status)));
    head_out_ += "\r\n";
    bool has_length = false;
    for (const auto& [name, value] : response.headers) {
      if (iequals(name, "content-length")) has_length = true;
      append_field(name, value);
    }
    if (!has_length && response.status != 204 && response.status != 304 && response.status >= 200)
      append_field("Content-Length", std::to_string(body_size));
    bool keep = keep_alive_ && !closing_ && !ctx_.tracker.stopping();
    if (!keep) append_field("Connection", "close");
    keep_alive_ = keep;
    head_out_ += "\r\n";
  }

  void append_field(std::string_view name, std::string_view value) {
    head_out_ += name;
    head_out_ += ": ";
    // A CR or LF inside a value would end the header early (response splitting): drop them.
    for (char c : value)
      if (c != '\r' && c != '\n') head_out_ += c;
    head_out_ += "\r\n";
  }

  void write_streamed(Response response) {
    source_ = std::move(response.stream);
    stream_res_.emplace();
    fill_headers(stream_res_->base(), response, static_cast<std::uint64_t>(source_->size()));
    stream_res_->body().data = nullptr;
    stream_res_->body().more = true;
    serializer_.emplace(*stream_res_);
    chunk_.resize(kReadChunk);
    lowest().expires_after(Millis(ctx_.options.idle_timeout_ms));
    http::async_write_header(stream_, *serializer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->after_write(ec);
      self->write_chunk();
    });
  }

  void write_chunk() {
    auto got = source_->read(chunk_.data(), chunk_.size());
    if (got < 0) return close();  // the blob vanished mid-response: the length no longer holds
    auto& body = stream_res_->body();
    body.data = got > 0 ? chunk_.data() : nullptr;
    body.size = static_cast<std::size_t>(got);
    body.more = got > 0;
    lowest().expires_after(Millis(ctx_.options.idle_timeout_ms));
    http::async_write(stream_, *serializer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return self->after_write(ec);
      if (self->serializer_->is_done()) {
        self->source_.reset();
        return self->after_write({});
      }
      self->write_chunk();
    });
  }

  void after_write(beast::error_code ec) {
    in_flight_ = false;
    // Keep small buffers for the next response; give large bodies back at once.
    if (body_out_.capacity() > kReadChunk) body_out_ = std::string();
    else body_out_.clear();
    serializer_.reset();
    stream_res_.reset();
    if (ec || !keep_alive_) return close();
    start_request();
  }

  void reply_and_close(int status, std::string_view message) {
    keep_alive_ = false;
    head_ = false;
    in_flight_ = true;
    Response r = Response::text(status, std::string(message) + "\n");
    write_response(std::move(r));
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      lowest().expires_after(Millis(1000));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().close(ignored);
      });
    } else {
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      lowest().socket().close(ec);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string head_out_;  // the response head being written (capacity reused)
  std::string body_out_;
  std::optional<http::response<http::buffer_body>> stream_res_;
  std::optional<http::response_serializer<http::buffer_body>> serializer_;
  std::shared_ptr<BodySource> source_;
  std::vector<char> chunk_;
  std::string remote_;
  std::chrono::steady_clock::time_point header_deadline_;
  bool header_done_ = false;
  bool bytes_seen_ = false;
  bool keep_alive_ = true;
  bool head_ = false;
  bool in_flight_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace

void run_http1(Context& ctx, PlainStream stream, beast::flat_buffer buffer) {
  std::make_shared<Http1Session<PlainStream>>(ctx, std::move(stream), std::move(buffer))->start();
}

void run_http1(Context& ctx, TlsStream stream, beast::flat_buffer buffer) {
  std::make_shared<Http1Session<TlsStream>>(ctx, std::move(stream), std::move(buffer))->start();
}

}  // namespace rime::net
