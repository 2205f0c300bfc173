#include "core/request.h"

namespace rime {

void Request::set_target(std::string raw_target) {
  target = std::move(raw_target);
  auto q = target.find('?');
  if (q == std::string::npos) {
    path = target;
    query.clear();
  } else {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
}

std::string_view Request::host() const {
  // HTTP/2 carries the authority in ":authority", which the server copies to "host".
  return headers.get("host");
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.add("content-type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::json(int status, std::string body) {
  return text(status, std::move(body), "application/json");
}

}  // namespace rime
