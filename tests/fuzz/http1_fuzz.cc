// Raw bytes -> the HTTP/1.1 front end's parser (server/http1_parse.h: Beast's request parser
// with the server's limits and spooled body) -> Dispatcher::dispatch with the real registry:
// admin paths, SigV4 context, routing over every stub, STS, SQS and SNS, their protocol layers
// and handlers. Several pipelined requests in one input run in order against the same state,
// which is reset before each input.
//
// Invariants beyond "no crash": every request is answered exactly once (after its timers run),
// with a status between 100 and 599, and no response header contains CR or LF (no response
// splitting from anything a client sent).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "server/admin.h"
#include "server/http1_parse.h"
#include "server/options.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/support.h"

namespace {

using namespace rime;

void check_response(const Response& response) {
  RIME_FUZZ_CHECK(response.status >= 100 && response.status <= 599, std::to_string(response.status));
  for (const auto& [name, value] : response.headers) {
    RIME_FUZZ_CHECK(name.find_first_of("\r\n") == std::string::npos, name);
    RIME_FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos, name + ": " + value);
  }
}

}  // namespace

RIME_FUZZ_TARGET(http1) {
  static const Options options;  // the server's defaults: 64 KiB of headers, 6 GiB of body
  static const bool debug = std::getenv("RIME_FUZZ_DEBUG") != nullptr;
  auto& pipeline = fuzz::Pipeline::instance();
  pipeline.reset();
  net::beast::flat_buffer buffer;
  auto bytes = buffer.prepare(size);
  if (size) std::memcpy(bytes.data(), data, size);
  buffer.commit(size);
  for (int n = 0; n < 16 && buffer.size() > 0; ++n) {
    net::RequestParser parser;
    net::configure_parser(parser, options);
    bool done = false;
    while (buffer.size() > 0) {
      net::beast::error_code ec;
      std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == net::http::error::need_more) break;
      if (ec) return 0;  // the server answers 400/413/431 and closes
      if (parser.is_done()) {
        done = true;
        break;
      }
      if (used == 0) break;
    }
    if (!done) {
      // End of input: a message without a length ends here (what the server sees at EOF).
      net::beast::error_code ec;
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return 0;
    }
    auto msg = parser.release();
    Request request = net::make_request(msg);
    std::string method = request.method, target = request.target;
    request.http_major = 1;
    request.remote = "127.0.0.1";
    auto responses = pipeline.handle(std::move(request));
    RIME_FUZZ_CHECK(responses.size() == 1, std::to_string(responses.size()) + " responses to one request");
    check_response(responses.front());
    if (debug) {  // RIME_FUZZ_DEBUG=1: what each request got (to check seeds reach their handlers)
      const Response& r = responses.front();
      std::fprintf(stderr, "%s %.*s -> %d %.*s\n", method.c_str(), 120, target.c_str(), r.status,
                   static_cast<int>(std::min<std::size_t>(r.body.size(), 300)), r.body.data());
    }
  }
  return 0;
}
