#include "tests/support/kv_service.h"

#include <map>
#include <thread>

#include "core/backend_state.h"
#include "core/blob_store.h"
#include "core/json.h"
#include "core/uri.h"

namespace rime::testing {
namespace {

struct KvState {
  std::map<std::string, std::uint64_t> sizes;  // key -> size; the bytes live in the BlobStore
};

class KvService final : public StatefulService {
 public:
  explicit KvService(const ServiceEnv& env) : vfs_(env.vfs) {
    info_.name = "rimetest";
    info_.signing_name = "rimetest";
    info_.endpoint_prefix = "rimetest";
  }

  const RoutingInfo& routing() const override { return info_; }

  void handle(Request& request, RequestContext& ctx, Responder responder) override {
    std::string key = percent_decode(std::string_view(request.path).substr(1));
    if (key.starts_with("_wait/")) {
      ctx.operation = "Wait";
      int ms = std::atoi(key.c_str() + 6);
      std::thread([responder, ms] {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        responder.send(Response::json(200, "{\"waited\":" + std::to_string(ms) + "}"));
      }).detach();
      return;
    }
    BlobStore blobs = store(ctx.scope);
    if (request.method == "PUT") {
      ctx.operation = "Put";
      auto source = request.body.open();
      state_.write(ctx.scope, [&](KvState& s) {
        blobs.put_stream(key, *source);
        s.sizes[key] = request.body.size();
      });
      return (void)responder.send(Response::json(200, "{\"size\":" + std::to_string(request.body.size()) + "}"));
    }
    if (request.method == "DELETE") {
      ctx.operation = "Delete";
      state_.write(ctx.scope, [&](KvState& s) {
        s.sizes.erase(key);
        blobs.remove(key);
      });
      Response r;
      r.status = 204;
      return (void)responder.send(std::move(r));
    }
    if (request.method == "GET" && key.empty()) {
      ctx.operation = "List";
      rapidjson::StringBuffer buf;
      JsonWriter w(buf);
      w.StartObject();
      w.Key("keys");
      w.StartArray();
      state_.read(ctx.scope, [&](const KvState& s) {
        for (auto& [k, _] : s.sizes) w.String(k.data(), static_cast<rapidjson::SizeType>(k.size()));
      });
      w.EndArray();
      w.EndObject();
      return (void)responder.send(Response::json(200, std::string(buf.GetString(), buf.GetSize())));
    }
    if (request.method == "GET" || request.method == "HEAD") {
      ctx.operation = "Get";
      bool exists = state_.read(ctx.scope, [&](const KvState& s) { return s.sizes.count(key) > 0; });
      auto source = exists ? blobs.open(key) : nullptr;
      if (!source) return (void)responder.send(Response::json(404, "{\"__type\":\"NoSuchKey\"}"));
      Response r;
      r.headers.add("content-type", "application/octet-stream");
      r.stream = std::move(source);
      return (void)responder.send(std::move(r));
    }
    responder.send(Response::json(405, "{\"__type\":\"MethodNotAllowed\"}"));
  }

  std::vector<Scope> scopes() const override { return state_.scopes(); }
  std::uint64_t version(const Scope& scope) const override { return state_.version(scope); }

  // View: {"items": {key: {"data": base64} | {"ref": true}}}
  void snapshot(const Scope& scope, JsonWriter& w, BlobMode mode) const override {
    BlobStore blobs = store(scope);
    state_.read(scope, [&](const KvState& s) {
      w.StartObject();
      w.Key("items");
      w.StartObject();
      for (auto& [key, size] : s.sizes) {
        w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
        w.StartObject();
        if (mode == BlobMode::kInline) {
          std::string data = base64_encode(blobs.get(key).value_or(""));
          w.Key("data");
          w.String(data.c_str(), static_cast<rapidjson::SizeType>(data.size()));
        } else {
          w.Key("ref");
          w.Bool(true);
        }
        w.EndObject();
      }
      w.EndObject();
      w.EndObject();
    });
  }

  std::optional<std::string> validate(const rapidjson::Value& view) const override {
    const rapidjson::Value* items = json_member(view, "items");
    if (!items || !items->IsObject()) return "\"items\" must be an object";
    for (auto& item : items->GetObject()) {
      const rapidjson::Value* data = json_member(item.value, "data");
      const rapidjson::Value* ref = json_member(item.value, "ref");
      if (data && data->IsString() && base64_decode({data->GetString(), data->GetStringLength()})) continue;
      if (ref && ref->IsBool()) continue;
      return std::string("item '") + item.name.GetString() + "' needs base64 \"data\" or \"ref\"";
    }
    return std::nullopt;
  }

  void restore(const Scope& scope, const rapidjson::Value& view) override { apply(scope, view, true); }
  void merge(const Scope& scope, const rapidjson::Value& view) override { apply(scope, view, false); }

  void reset(const Scope& scope) override {
    store(scope).clear();
    state_.erase(scope);
  }

 private:
  BlobStore store(const Scope& scope) const {
    return BlobStore(vfs_, "rimetest/" + scope.account + "/" + scope.region);
  }

  void apply(const Scope& scope, const rapidjson::Value& view, bool replace) {
    BlobStore blobs = store(scope);
    state_.write(scope, [&](KvState& s) {
      KvState next = replace ? KvState{} : s;
      for (auto& item : view["items"].GetObject()) {
        std::string key(item.name.GetString(), item.name.GetStringLength());
        if (const rapidjson::Value* data = json_member(item.value, "data")) {
          std::string bytes = *base64_decode({data->GetString(), data->GetStringLength()});
          blobs.put(key, bytes);
          next.sizes[key] = bytes.size();
        } else if (auto meta = blobs.stat(key)) {
          next.sizes[key] = meta->size;  // a ref: the blob is already in the Vfs
        }
      }
      if (replace)
        for (auto& [key, _] : s.sizes)
          if (!next.sizes.count(key)) blobs.remove(key);
      s = std::move(next);
    });
  }

  RoutingInfo info_;
  std::shared_ptr<Vfs> vfs_;
  BackendState<KvState> state_;
};

}  // namespace

std::shared_ptr<StatefulService> make_kv_service(const ServiceEnv& env) { return std::make_shared<KvService>(env); }

}  // namespace rime::testing
