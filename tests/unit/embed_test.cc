// The embedding API: a whole server in-process on a free port, driven over real HTTP.
#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/embed.h"
#include "tests/support/kv_service.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr const char* kAuth =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/rimetest/aws4_request, SignedHeaders=host, "
    "Signature=00";

http::response<http::string_body> call(std::uint16_t port, http::verb verb, const std::string& target,
                                       const std::string& body = "") {
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::authorization, kAuth);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return res;
}

std::shared_ptr<rime::MockService> kv(const rime::ServiceEnv& env) { return rime::testing::make_kv_service(env); }

}  // namespace

// The seed's MockAws builder: start with chosen services, get the endpoint, stop.
TEST_CASE("MockAws serves chosen services on a free port", "[server][embed]") {
  auto aws = rime::MockAws::builder().with_service(kv).build();
  REQUIRE(aws.port() != 0);
  CHECK(aws.endpoint() == "http://127.0.0.1:" + std::to_string(aws.port()));

  auto health = call(aws.port(), http::verb::get, "/_rime/health");
  CHECK(health.result_int() == 200);
  CHECK(health.body().find("\"rimetest\":\"available\"") != std::string::npos);

  CHECK(call(aws.port(), http::verb::put, "/greeting", "hello").result_int() == 200);
  auto got = call(aws.port(), http::verb::get, "/greeting");
  CHECK(got.result_int() == 200);
  CHECK(got.body() == "hello");

  // The credential scope's region is where the state lives.
  auto state = call(aws.port(), http::verb::get, "/_rime/state?region=eu-west-1");
  CHECK(state.body().find("\"eu-west-1\"") != std::string::npos);
  CHECK(state.body().find("aGVsbG8=") != std::string::npos);
  aws.stop();
}

// Two embedded servers are independent: state never leaks between them.
TEST_CASE("MockAws instances are isolated", "[server][embed]") {
  auto a = rime::MockAws::builder().with_service(kv).build();
  auto b = rime::MockAws::builder().with_service(kv).build();
  REQUIRE(a.port() != b.port());
  CHECK(call(a.port(), http::verb::put, "/only-in-a", "x").result_int() == 200);
  CHECK(call(b.port(), http::verb::get, "/only-in-a").result_int() == 404);
}
