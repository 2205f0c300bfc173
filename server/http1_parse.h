// Internal to server/ (and the fuzz targets): how the HTTP/1.1 front end turns bytes into a
// Request. Beast's request parser with a body that spools through BodyBuilder, configured with
// the server's limits, and the conversion of the parsed message. Socket-free, so that
// tests/fuzz can feed it raw bytes and hand the result to the Dispatcher.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/body.h"
#include "core/request.h"
#include "server/net.h"

namespace rime::net {

/// Beast body type whose reader appends to a BodyBuilder (spills large bodies to disk).
struct SpoolBody {
  using value_type = BodyBuilder;
  struct reader {
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>&, beast::error_code& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      std::size_t n = 0;
      for (auto b : beast::buffers_range_ref(buffers)) {
        if (!body_.append(static_cast<const char*>(b.data()), b.size())) {
          ec = beast::errc::make_error_code(beast::errc::io_error);
          return n;
        }
        n += b.size();
      }
      ec = {};
      return n;
    }
    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

using RequestParser = http::request_parser<SpoolBody>;

/// A fresh parser with the server's header and body limits.
inline void configure_parser(RequestParser& parser, const Options& options) {
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::uint64_t>(options.max_header_bytes, UINT32_MAX)));
  parser.body_limit(options.max_body_bytes);
  parser.eager(true);
}

/// The neutral Request of a complete message (method, target, headers, body); the caller sets
/// tls, remote and http_major.
inline Request make_request(http::request<SpoolBody>& msg) {
  Request request;
  request.method = std::string(msg.method_string());
  request.set_target(std::string(msg.target()));
  for (const auto& field : msg) request.headers.add(std::string(field.name_string()), std::string(field.value()));
  request.body = msg.body().finish();
  return request;
}

}  // namespace rime::net
