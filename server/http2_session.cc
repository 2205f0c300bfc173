// HTTP/2 front end (nghttp2): prior-knowledge h2c, h2 over TLS (ALPN), and Upgrade: h2c.
// nghttp2 does the framing; this file moves bytes between it and the socket and turns streams
// into Requests. Responses may arrive from any thread: they are posted to the connection's
// strand and submitted there.
#include <map>
#include <optional>

#include <nghttp2/nghttp2.h>

#include "core/json.h"
#include "core/request.h"
#include "server/dispatcher.h"
#include "server/net.h"

namespace rime::net {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kWriteBatch = 256 * 1024;

struct H2Stream {
  std::int32_t id = 0;
  Request request;
  BodyBuilder body;
  std::uint64_t header_bytes = 0;
  int reject_status = 0;  // 431 or 413 once a limit is passed
  bool dispatched = false;
  // Response body: a string or a source, read by nghttp2 through the data provider.
  std::string response_body;
  std::size_t response_offset = 0;
  std::shared_ptr<BodySource> response_stream;
};

bool is_connection_header(std::string_view name) {
  return iequals(name, "connection") || iequals(name, "keep-alive") || iequals(name, "proxy-connection") ||
         iequals(name, "transfer-encoding") || iequals(name, "upgrade");
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

template <class Stream>
class Http2Session final : public TrackedSession, public std::enable_shared_from_this<Http2Session<Stream>> {
 public:
  Http2Session(Context& ctx, Stream stream)
      : TrackedSession(ctx), stream_(std::move(stream)), idle_timer_(stream_.get_executor()) {}

  ~Http2Session() override {
    if (session_) nghttp2_session_del(session_);
  }

  /// Starts the session; `buffer` holds bytes already read (the client preface, or more).
  /// With `upgrade`, the HTTP/1.1 request becomes stream 1 first.
  void start(beast::flat_buffer buffer, std::optional<std::pair<std::string, Request>> upgrade = std::nullopt) {
    this->track(this->weak_from_this());
    if (!create_session()) return close();
    if (upgrade) {
      std::string settings = decode_base64url(upgrade->first);
      int head = upgrade->second.method == "HEAD";
      if (nghttp2_session_upgrade2(session_, reinterpret_cast<const uint8_t*>(settings.data()), settings.size(),
                                   head, nullptr) != 0)
        return close();
      auto stream = std::make_unique<H2Stream>();
      stream->id = 1;
      stream->request = std::move(upgrade->second);
      stream->request.http_major = 2;
      H2Stream* raw = stream.get();
      streams_[1] = std::move(stream);
      dispatch(raw);
    }
    auto data = buffer.data();
    if (asio::buffer_size(data) > 0) {
      for (auto b : beast::buffers_range_ref(data)) {
        if (nghttp2_session_mem_recv(session_, static_cast<const uint8_t*>(b.data()), b.size()) < 0) return close();
      }
    }
    // Our own idle timer, not the stream's: a stream waiting for a long poll is not idleness,
    // and tcp_stream's timeout would close the socket under it.
    lowest().expires_never();
    touch();
    arm_idle_timer();
    do_write();
    do_read();
  }

  void shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->session_ || self->closed_) return;
      // A graceful GOAWAY: no new streams; those already received finish, then nghttp2's
      // want_read/want_write drop to 0 and do_write closes the connection.
      nghttp2_submit_goaway(self->session_, NGHTTP2_FLAG_NONE,
                            nghttp2_session_get_last_proc_stream_id(self->session_), NGHTTP2_NO_ERROR, nullptr, 0);
      self->do_write();
    });
  }

 private:
  class Sink final : public ResponseSink {
   public:
    Sink(std::shared_ptr<Http2Session> session, std::int32_t id) : session_(std::move(session)), id_(id) {}
    void complete(Response response) override {
      auto session = std::move(session_);
      auto id = id_;
      asio::dispatch(session->stream_.get_executor(), [session, id, r = std::move(response)]() mutable {
        session->submit(id, std::move(r));
      });
    }

   private:
    std::shared_ptr<Http2Session> session_;
    std::int32_t id_;
  };

  auto& lowest() { return beast::get_lowest_layer(stream_); }

  static std::string decode_base64url(std::string text) {
    for (char& c : text) {
      if (c == '-') c = '+';
      else if (c == '_') c = '/';
    }
    while (text.size() % 4) text.push_back('=');
    return base64_decode(text).value_or("");
  }

  bool create_session() {
    nghttp2_session_callbacks* cbs;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
    nghttp2_option* opt;
    nghttp2_option_new(&opt);
    // Header blocks above our limit are answered 431 per stream (see on_header), not by tearing
    // down the connection, so let nghttp2 accept a little more than the limit.
    nghttp2_option_set_max_deflate_dynamic_table_size(opt, 4096);
    int rv = nghttp2_session_server_new2(&session_, cbs, this, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cbs);
    if (rv != 0) return false;
    nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 256},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(ctx_.options.max_header_bytes)},
    };
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    // A larger connection window: uploads are not throttled to 64 KiB per round trip.
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, 16 << 20);
    return true;
  }

  static Http2Session* self_of(void* user_data) { return static_cast<Http2Session*>(user_data); }

  H2Stream* find(std::int32_t id) {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
  }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    auto stream = std::make_unique<H2Stream>();
    stream->id = frame->hd.stream_id;
    stream->request.http_major = 2;
    stream->request.tls = !std::is_same_v<Stream, PlainStream>;
    self_of(ud)->streams_[stream->id] = std::move(stream);
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t namelen,
                       const uint8_t* value, size_t valuelen, uint8_t, void* ud) {
    Http2Session* self = self_of(ud);
    H2Stream* s = self->find(frame->hd.stream_id);
    if (!s) return 0;
    std::string_view n(reinterpret_cast<const char*>(name), namelen), v(reinterpret_cast<const char*>(value), valuelen);
    s->header_bytes += namelen + valuelen + 32;  // RFC 7540's accounting for SETTINGS_MAX_HEADER_LIST_SIZE
    if (s->header_bytes > self->ctx_.options.max_header_bytes) {
      s->reject_status = 431;
      return 0;
    }
    if (n == ":method") s->request.method.assign(v);
    else if (n == ":path") s->request.set_target(std::string(v));
    else if (n == ":authority") s->request.headers.add("host", std::string(v));
    else if (!n.empty() && n[0] == ':') {}
    else s->request.headers.add(std::string(n), std::string(v));
    return 0;
  }

  static int on_data_chunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, size_t len, void* ud) {
    Http2Session* self = self_of(ud);
    H2Stream* s = self->find(stream_id);
    if (!s || s->reject_status) return 0;
    if (s->body.size() + len > self->ctx_.options.max_body_bytes) {
      s->reject_status = 413;
      self->reject(s);
      return 0;
    }
    if (!s->body.append(reinterpret_cast<const char*>(data), len)) {
      s->reject_status = 500;
      self->reject(s);
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    Http2Session* self = self_of(ud);
    bool end = frame->hd.flags & NGHTTP2_FLAG_END_STREAM;
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) && end) {
      H2Stream* s = self->find(frame->hd.stream_id);
      if (!s || s->dispatched) return 0;
      if (s->reject_status) return self->reject(s), 0;
      s->request.body = s->body.finish();
      self->dispatch(s);
    } else if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      H2Stream* s = self->find(frame->hd.stream_id);
      if (s && s->reject_status == 431) self->reject(s);
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t, void* ud) {
    self_of(ud)->streams_.erase(stream_id);
    return 0;
  }

  void reject(H2Stream* s) {
    if (s->dispatched) return;
    s->dispatched = true;
    const char* message = s->reject_status == 431   ? "request header fields too large\n"
                          : s->reject_status == 413 ? "request body too large\n"
                                                    : "could not store request body\n";
    submit(s->id, Response::text(s->reject_status, message));
  }

  void dispatch(H2Stream* s) {
    s->dispatched = true;
    if (s->request.method.empty() || s->request.target.empty()) {
      submit(s->id, Response::text(400, "missing :method or :path\n"));
      return;
    }
    ++in_flight_;
    Request request = std::move(s->request);
    head_streams_[s->id] = request.method == "HEAD";
    ctx_.dispatcher.dispatch(std::move(request), std::make_shared<Sink>(this->shared_from_this(), s->id));
  }

  static ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                           nghttp2_data_source* source, void*) {
    auto* s = static_cast<H2Stream*>(source->ptr);
    if (s->response_stream) {
      auto got = s->response_stream->read(reinterpret_cast<char*>(buf), length);
      if (got < 0) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
      if (got == 0) *flags |= NGHTTP2_DATA_FLAG_EOF;
      return got;
    }
    std::size_t n = std::min(length, s->response_body.size() - s->response_offset);
    std::memcpy(buf, s->response_body.data() + s->response_offset, n);
    s->response_offset += n;
    if (s->response_offset == s->response_body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  void submit(std::int32_t id, Response response) {
    auto head_it = head_streams_.find(id);
    bool head = head_it != head_streams_.end() && head_it->second;
    if (head_it != head_streams_.end()) {
      head_streams_.erase(head_it);
      --in_flight_;
    }
    H2Stream* s = find(id);
    if (!s || closed_) return;  // the client reset the stream meanwhile
    std::string status = std::to_string(response.status);
    std::vector<std::string> names;
    names.reserve(response.headers.size() + 1);
    std::vector<nghttp2_nv> nva;
    nva.reserve(response.headers.size() + 2);
    auto add = [&](std::string_view n, std::string_view v) {
      nva.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                     reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                     NGHTTP2_NV_FLAG_NONE});
    };
    add(":status", status);
    bool has_length = false;
    for (auto& [name, value] : response.headers) {
      if (is_connection_header(name)) continue;
      names.push_back(lower(name));  // HTTP/2 field names are lowercase
      has_length = has_length || names.back() == "content-length";
      add(names.back(), value);
    }
    std::uint64_t size = response.stream ? static_cast<std::uint64_t>(response.stream->size()) : response.body.size();
    std::string length = std::to_string(size);
    if (!has_length && response.status != 204 && response.status != 304) add("content-length", length);
    nghttp2_data_provider provider{};
    nghttp2_data_provider* provider_ptr = nullptr;
    if (!head && size > 0) {
      s->response_body = std::move(response.body);
      s->response_stream = std::move(response.stream);
      provider.source.ptr = s;
      provider.read_callback = read_body;
      provider_ptr = &provider;
    }
    nghttp2_submit_response(session_, id, nva.data(), nva.size(), provider_ptr);
    if (!in_recv_) do_write();
  }

  void touch() { last_activity_ = std::chrono::steady_clock::now(); }

  void arm_idle_timer() {
    idle_timer_.expires_after(Millis(ctx_.options.idle_timeout_ms));
    idle_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      auto idle = std::chrono::steady_clock::now() - self->last_activity_;
      // Requests awaiting an answer keep the connection; so does a write still progressing.
      if (self->in_flight_ == 0 && idle >= Millis(self->ctx_.options.idle_timeout_ms)) return self->close();
      self->arm_idle_timer();
    });
  }

  void do_read() {
    if (closed_) return;
    stream_.async_read_some(asio::buffer(read_buf_), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(beast::error_code ec, std::size_t n) {
    if (ec) return close();
    touch();
    in_recv_ = true;
    auto rv = nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(read_buf_.data()), n);
    in_recv_ = false;
    if (rv < 0) {
      do_write();  // nghttp2 queued a GOAWAY explaining why
      return;
    }
    do_write();
    do_read();
  }

  void do_write() {
    if (writing_ || closed_) return;
    out_.clear();
    for (;;) {
      const uint8_t* data;
      auto n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) return close();
      if (n == 0) break;
      out_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
      if (out_.size() >= kWriteBatch) break;
    }
    if (out_.empty()) {
      if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)) close();
      return;
    }
    writing_ = true;
    asio::async_write(stream_, asio::buffer(out_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->close();
      self->touch();
      self->do_write();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    idle_timer_.cancel();
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().socket().close(ec);
  }

  Stream stream_;
  asio::steady_timer idle_timer_;
  std::chrono::steady_clock::time_point last_activity_;
  nghttp2_session* session_ = nullptr;
  std::map<std::int32_t, std::unique_ptr<H2Stream>> streams_;
  std::map<std::int32_t, bool> head_streams_;  // dispatched streams awaiting their response: is it HEAD?
  std::array<char, kReadChunk> read_buf_{};
  std::string out_;
  int in_flight_ = 0;
  bool in_recv_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace

void run_http2(Context& ctx, PlainStream stream, beast::flat_buffer buffer) {
  std::make_shared<Http2Session<PlainStream>>(ctx, std::move(stream))->start(std::move(buffer));
}

void run_http2(Context& ctx, TlsStream stream, beast::flat_buffer buffer) {
  std::make_shared<Http2Session<TlsStream>>(ctx, std::move(stream))->start(std::move(buffer));
}

void run_http2_upgrade(Context& ctx, PlainStream stream, beast::flat_buffer buffer, std::string settings_b64url,
                       Request request) {
  auto session = std::make_shared<Http2Session<PlainStream>>(ctx, std::move(stream));
  session->start(std::move(buffer), std::make_pair(std::move(settings_b64url), std::move(request)));
}

}  // namespace rime::net
