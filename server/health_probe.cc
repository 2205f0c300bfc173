#include "server/health_probe.h"

#include <cstring>
#include <iostream>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rime {

int probe_health(const Options& options) {
  std::string host = options.host == "0.0.0.0" ? "127.0.0.1" : options.host == "::" ? "::1" : options.host;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(options.port).c_str(), &hints, &res) != 0 || !res) {
    std::cerr << "health check: cannot resolve " << host << "\n";
    return 1;
  }
  int fd = socket(res->ai_family, SOCK_STREAM, 0);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  bool connected = fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0;
  freeaddrinfo(res);
  if (!connected) {
    std::cerr << "health check: cannot connect to " << host << ":" << options.port << "\n";
    if (fd >= 0) close(fd);
    return 1;
  }
  std::string request = "GET /_rime/health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
  if (!options.admin_token.empty()) request += "Authorization: Bearer " + options.admin_token + "\r\n";
  request += "\r\n";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char buf[64] = {};
  ssize_t got = recv(fd, buf, sizeof buf - 1, 0);
  close(fd);
  bool ok = got >= 12 && std::strncmp(buf, "HTTP/1.1 200", 12) == 0;
  std::cout << (ok ? "healthy" : "unhealthy") << "\n";
  return ok ? 0 : 1;
}

}  // namespace rime
