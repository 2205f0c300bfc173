#include "server/admin.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"
#include "core/uri.h"

namespace rime {
namespace {

constexpr std::string_view kStateFormat = "rime-state/1";

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

Response json_message(int status, std::string_view key, std::string_view message) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  write_str(w, key);
  write_str(w, message);
  w.EndObject();
  return Response::json(status, std::string(buf.GetString(), buf.GetSize()));
}

Response bad_request(std::string_view message) { return json_message(400, "error", message); }

std::vector<std::string> split_csv(const std::string* value) {
  std::vector<std::string> out;
  if (!value) return out;
  std::string_view rest = *value;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return out;
}

bool matches(const Scope& scope, const std::string& account, const std::string& region) {
  return (account.empty() || scope.account == account) && (region.empty() || scope.region == region);
}

bool bearer_ok(const Request& request, const std::string& token) {
  if (token.empty()) return true;
  std::string_view auth = request.headers.get("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  return auth.size() == kBearer.size() + token.size() && iequals(auth.substr(0, kBearer.size()), kBearer) &&
         auth.substr(kBearer.size()) == token;
}

}  // namespace

Admin::Admin(const ServiceRegistry& registry, std::string admin_token)
    : registry_(registry), token_(std::move(admin_token)) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("status");
  w.String("running");
  w.Key("version");
  w.String(RIME_VERSION);
  w.Key("services");
  w.StartObject();
  for (MockService* svc : registry_.all()) {
    write_str(w, svc->name());
    w.String(svc->implemented() ? "available" : "stub");
  }
  w.EndObject();
  w.EndObject();
  health_body_.assign(buf.GetString(), buf.GetSize());

  // LocalStack's shape: {"services": {...}, "edition": .., "version": ..}.
  rapidjson::StringBuffer lbuf;
  Writer lw(lbuf);
  lw.StartObject();
  lw.Key("services");
  lw.StartObject();
  for (MockService* svc : registry_.all()) {
    write_str(lw, svc->name());
    lw.String(svc->implemented() ? "available" : "disabled");
  }
  lw.EndObject();
  lw.Key("edition");
  lw.String("community");
  lw.Key("version");
  lw.String(RIME_VERSION);
  lw.EndObject();
  localstack_body_.assign(lbuf.GetString(), lbuf.GetSize());
}

Response Admin::handle(const Request& request) {
  if (!bearer_ok(request, token_)) {
    Response r = json_message(401, "error", "admin token required: send 'Authorization: Bearer <token>'");
    r.headers.add("www-authenticate", "Bearer");
    return r;
  }
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (path == "/_rime/health") {
    if (method != "GET" && method != "HEAD") return json_message(405, "error", "use GET");
    return health();
  }
  if (path == "/_rime/state") return state(request);
  if (path == "/_localstack/health" || path == "/_localstack/info") {
    if (method != "GET" && method != "HEAD") return json_message(405, "error", "use GET");
    return localstack_health();
  }
  if (path == "/moto-api/reset" || path == "/_localstack/state/reset") {
    if (method != "POST") return json_message(405, "error", "use POST");
    reset({}, "", "");
    return json_message(200, "status", "ok");
  }
  return json_message(404, "error", "no admin endpoint at " + path);
}

Response Admin::health() const { return Response::json(200, health_body_); }
Response Admin::localstack_health() const { return Response::json(200, localstack_body_); }

Response Admin::state(const Request& request) {
  QueryParams params = parse_query(request.query);
  std::vector<std::string> services = split_csv(find_param(params, "service"));
  const std::string* account_param = find_param(params, "account");
  const std::string* region_param = find_param(params, "region");
  std::string account = account_param ? *account_param : "";
  std::string region = region_param ? *region_param : "";
  for (const auto& name : services)
    if (!registry_.find_stateful(name)) return bad_request("unknown or stateless service '" + name + "'");
  if (!account.empty() && !is_account_id(account)) return bad_request("account must be 12 digits");
  if (!region.empty() && !is_region_name(region)) return bad_request("invalid region '" + region + "'");

  if (request.method == "GET") {
    const std::string* blobs = find_param(params, "blobs");
    if (blobs && *blobs != "refs" && *blobs != "inline") return bad_request("blobs must be inline or refs");
    BlobMode mode = blobs && *blobs == "refs" ? BlobMode::kRefs : BlobMode::kInline;
    return Response::json(200, snapshot(services, account, region, mode));
  }
  if (request.method == "PUT" || request.method == "PATCH") {
    // Snapshots of deep queues run to hundreds of MB, and a GET must PUT back: documents that
    // spilled to disk are read back, up to a bound that keeps the parsed DOM within memory.
    constexpr std::uint64_t kMaxStateDocument = 1ull << 30;
    if (request.body.size() > kMaxStateDocument)
      return json_message(413, "error", "state document larger than 1 GiB");
    std::string spilled;
    if (!request.body.in_memory()) spilled = request.body.read_all();
    std::string_view document = request.body.in_memory() ? request.body.view() : std::string_view(spilled);
    if (auto err = apply(document, request.method == "PATCH")) return bad_request(*err);
    return json_message(200, "status", "ok");
  }
  if (request.method == "DELETE") {
    reset(services, account, region);
    return json_message(200, "status", "ok");
  }
  return json_message(405, "error", "use GET, PUT, PATCH or DELETE");
}

std::string Admin::snapshot(const std::vector<std::string>& services, const std::string& account,
                            const std::string& region, BlobMode blobs) const {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("format");
  write_str(w, kStateFormat);
  w.Key("services");
  w.StartObject();
  for (StatefulService* svc : registry_.stateful()) {
    if (!services.empty() && std::find(services.begin(), services.end(), svc->name()) == services.end()) continue;
    std::vector<Scope> scopes = svc->scopes();
    std::erase_if(scopes, [&](const Scope& s) { return !matches(s, account, region) || svc->version(s) == 0; });
    if (scopes.empty()) continue;
    std::sort(scopes.begin(), scopes.end());
    write_str(w, svc->name());
    w.StartObject();
    for (std::size_t i = 0; i < scopes.size(); ++i) {
      if (i == 0 || scopes[i].account != scopes[i - 1].account) {
        if (i > 0) w.EndObject();
        write_str(w, scopes[i].account);
        w.StartObject();
      }
      write_str(w, scopes[i].region);
      svc->snapshot(scopes[i], w, blobs);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<std::string> Admin::apply(std::string_view body, bool merge) {
  rapidjson::Document doc;
  std::string error;
  if (!parse_json(body, doc, error)) return "body is not valid JSON: " + error;
  if (!doc.IsObject()) return "body must be a JSON object";
  const rapidjson::Value* format = json_member(doc, "format");
  if (!format || !format->IsString() || std::string_view(format->GetString()) != kStateFormat)
    return std::string("\"format\" must be \"") + std::string(kStateFormat) + "\"";
  const rapidjson::Value* services = json_member(doc, "services");
  if (!services || !services->IsObject()) return "\"services\" must be an object";
  // Validate everything first: a partly invalid document changes nothing.
  for (auto& svc_entry : services->GetObject()) {
    std::string name(svc_entry.name.GetString(), svc_entry.name.GetStringLength());
    StatefulService* svc = registry_.find_stateful(name);
    if (!svc) return "unknown or stateless service '" + name + "'";
    if (!svc_entry.value.IsObject()) return "services." + name + " must be an object of accounts";
    for (auto& acct : svc_entry.value.GetObject()) {
      std::string account(acct.name.GetString(), acct.name.GetStringLength());
      if (!is_account_id(account)) return "services." + name + ": account '" + account + "' is not 12 digits";
      if (!acct.value.IsObject()) return "services." + name + "." + account + " must be an object of regions";
      for (auto& reg : acct.value.GetObject()) {
        std::string region(reg.name.GetString(), reg.name.GetStringLength());
        if (!is_region_name(region)) return "services." + name + "." + account + ": invalid region '" + region + "'";
        if (auto err = svc->validate(reg.value))
          return "services." + name + "." + account + "." + region + ": " + *err;
      }
    }
  }
  for (auto& svc_entry : services->GetObject()) {
    StatefulService* svc = registry_.find_stateful(svc_entry.name.GetString());
    for (auto& acct : svc_entry.value.GetObject())
      for (auto& reg : acct.value.GetObject()) {
        Scope scope{acct.name.GetString(), reg.name.GetString()};
        if (merge) svc->merge(scope, reg.value);
        else svc->restore(scope, reg.value);
      }
  }
  return std::nullopt;
}

void Admin::reset(const std::vector<std::string>& services, const std::string& account, const std::string& region) {
  for (StatefulService* svc : registry_.stateful()) {
    if (!services.empty() && std::find(services.begin(), services.end(), svc->name()) == services.end()) continue;
    for (const Scope& scope : svc->scopes())
      if (matches(scope, account, region)) svc->reset(scope);
  }
}

}  // namespace rime
