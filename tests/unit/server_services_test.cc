// What the server lends services: timers (AsioScheduler) and outbound HTTP (AsioHttpClient),
// on real io_contexts and loopback sockets.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "server/outbound_http.h"
#include "server/timers.h"

namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// One io_context running on its own thread for the test's lifetime.
struct RunningContext {
  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::thread thread{[this] { ioc.run(); }};
  ~RunningContext() {
    work.reset();
    ioc.stop();
    thread.join();
  }
};

}  // namespace

TEST_CASE("AsioScheduler runs timers in due order and skips cancelled ones") {
  RunningContext rc;
  rime::net::AsioScheduler scheduler({&rc.ioc});
  std::mutex mutex;
  std::vector<int> fired;
  std::promise<void> last;
  auto record = [&](int n) {
    std::lock_guard lock(mutex);
    fired.push_back(n);
  };
  scheduler.after(60ms, [&] {
    record(3);
    last.set_value();
  });
  scheduler.after(20ms, [&] { record(1); });
  auto cancelled = scheduler.after(30ms, [&] { record(2); });
  CHECK(scheduler.cancel(cancelled));
  CHECK_FALSE(scheduler.cancel(cancelled));
  REQUIRE(last.get_future().wait_for(5s) == std::future_status::ready);
  std::lock_guard lock(mutex);
  CHECK(fired == std::vector<int>{1, 3});
}

TEST_CASE("AsioScheduler refuses timers after shutdown") {
  RunningContext rc;
  rime::net::AsioScheduler scheduler({&rc.ioc});
  scheduler.shutdown();
  CHECK(scheduler.after(1ms, [] {}) == 0);
}

TEST_CASE("parse_http_url splits scheme, host, port and target") {
  using rime::net::parse_http_url;
  auto a = parse_http_url("http://example.com/hook?x=1#frag");
  REQUIRE(a);
  CHECK_FALSE(a->tls);
  CHECK(a->host == "example.com");
  CHECK(a->port == "80");
  CHECK(a->target == "/hook?x=1");
  auto b = parse_http_url("https://user:pw@[::1]:8443");
  REQUIRE(b);
  CHECK(b->tls);
  CHECK(b->host == "::1");
  CHECK(b->port == "8443");
  CHECK(b->target == "/");
  auto c = parse_http_url("http://127.0.0.1:9/?q");
  REQUIRE(c);
  CHECK(c->target == "/?q");
  CHECK_FALSE(parse_http_url("ftp://example.com/"));
  CHECK_FALSE(parse_http_url("http:///path"));
  CHECK_FALSE(parse_http_url("http://host:port/"));
}

TEST_CASE("AsioHttpClient posts to a local endpoint and reports its answer") {
  asio::io_context server_ioc;
  tcp::acceptor acceptor(server_ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto port = acceptor.local_endpoint().port();
  std::promise<std::string> received;
  std::thread server([&] {
    tcp::socket socket(server_ioc);
    acceptor.accept(socket);
    std::string data;
    char buf[4096];
    boost::system::error_code ec;
    // Read the head, then the 5-byte body the test sends.
    while (data.find("\r\n\r\n") == std::string::npos || data.size() < data.find("\r\n\r\n") + 4 + 5) {
      auto n = socket.read_some(asio::buffer(buf), ec);
      if (ec) break;
      data.append(buf, n);
    }
    received.set_value(data);
    std::string reply = "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    asio::write(socket, asio::buffer(reply), ec);
  });

  RunningContext rc;
  rime::net::AsioHttpClient client({&rc.ioc});
  std::promise<rime::OutboundResponse> answer;
  rime::OutboundRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/sns/hook";
  request.headers = {{"x-amz-sns-message-type", "Notification"}, {"Content-Type", "text/plain; charset=UTF-8"}};
  request.body = "hello";
  client.send(request, [&](rime::OutboundResponse r) { answer.set_value(std::move(r)); });
  auto future = answer.get_future();
  REQUIRE(future.wait_for(5s) == std::future_status::ready);
  auto response = future.get();
  server.join();
  CHECK(response.status == 202);
  CHECK(response.body == "ok");
  auto sent = received.get_future().get();
  CHECK(sent.rfind("POST /sns/hook HTTP/1.1\r\n", 0) == 0);
  CHECK(sent.find("x-amz-sns-message-type: Notification\r\n") != std::string::npos);
  CHECK(sent.find("Host: 127.0.0.1:" + std::to_string(port) + "\r\n") != std::string::npos);
  CHECK(sent.substr(sent.size() - 5) == "hello");
}

TEST_CASE("AsioHttpClient reports a refused connection as status 0 with a reason") {
  // A port that was free a moment ago: nothing listens there.
  asio::io_context probe;
  tcp::acceptor acceptor(probe, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto port = acceptor.local_endpoint().port();
  acceptor.close();

  RunningContext rc;
  rime::net::AsioHttpClient client({&rc.ioc});
  std::promise<rime::OutboundResponse> answer;
  rime::OutboundRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  client.send(request, [&](rime::OutboundResponse r) { answer.set_value(std::move(r)); });
  auto future = answer.get_future();
  REQUIRE(future.wait_for(5s) == std::future_status::ready);
  auto response = future.get();
  CHECK(response.status == 0);
  CHECK(response.error.find("connect") != std::string::npos);

  std::promise<rime::OutboundResponse> bad;
  request.url = "mailto:someone@example.com";
  client.send(request, [&](rime::OutboundResponse r) { bad.set_value(std::move(r)); });
  auto bad_future = bad.get_future();
  REQUIRE(bad_future.wait_for(5s) == std::future_status::ready);
  CHECK(bad_future.get().status == 0);
}
