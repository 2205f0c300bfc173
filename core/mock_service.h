// MockService: one emulated AWS service, shared by all threads; StatefulService adds the
// snapshot/restore/merge contract of the admin API (DESIGN.md).
#pragma once

#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/request.h"
#include "core/request_context.h"
#include "core/responder.h"
#include "core/scope.h"

namespace rime {

/// A host regex a service answers to (virtual-hosted S3, sqs.<region>.amazonaws.com). `literal`
/// is a substring every match contains: checked first, so most hosts never reach the regex.
struct HostPattern {
  std::string literal;
  std::regex regex;
  HostPattern(std::string literal_part, const std::string& pattern)
      : literal(std::move(literal_part)), regex(pattern, std::regex::ECMAScript | std::regex::icase | std::regex::optimize) {}
  bool matches(std::string_view host) const;
};

/// What the router needs to know about a service; filled from the generated catalog.
struct RoutingInfo {
  std::string name;                       // "sqs": the registry key and state key
  std::vector<std::string> target_prefixes;  // X-Amz-Target prefixes ("AmazonSQS")
  std::string signing_name;               // SigV4 credential-scope service
  std::string endpoint_prefix;            // first host label ("sqs")
  std::string cbor_service_shape;         // rpcv2Cbor path name (/service/<this>/operation/..)
  std::string api_version;                // query protocols' Version=, e.g. "2011-06-15" for STS
  /// Tie-breaker among services that share a target prefix, signing name or host and all fit
  /// the request (rds/docdb/neptune): the larger API (more operations) wins.
  int priority = 0;
};

class MockService {
 public:
  virtual ~MockService() = default;
  virtual const RoutingInfo& routing() const = 0;
  std::string_view name() const { return routing().name; }
  virtual std::span<const HostPattern> host_patterns() const { return {}; }
  /// False for services that only answer NotImplemented ("stub" in health).
  virtual bool implemented() const { return true; }
  /// Where several services share a signing name or host: does this request fit this
  /// service's HTTP bindings? The router asks only when there is a choice.
  virtual bool matches_http_binding(const Request&) const { return false; }
  /// Handles one request; the Responder may be completed now or later, from any thread.
  virtual void handle(Request& request, RequestContext& ctx, Responder responder) = 0;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// How blobs (object bodies) appear in a snapshot: inline base64 or references to the Vfs.
enum class BlobMode { kInline, kRefs };

class StatefulService : public virtual MockService {
 public:
  /// Scopes that currently hold state.
  virtual std::vector<Scope> scopes() const = 0;
  /// Writes the view of one scope as a JSON value. Takes the scope's lock only while copying.
  virtual void snapshot(const Scope& scope, JsonWriter& out, BlobMode blobs) const = 0;
  /// Checks a view without applying it; returns the reason it is invalid.
  virtual std::optional<std::string> validate(const rapidjson::Value& view) const = 0;
  /// Replaces the scope with the (validated) view.
  virtual void restore(const Scope& scope, const rapidjson::Value& view) = 0;
  /// Adds what the view has; never deletes what it lacks.
  virtual void merge(const Scope& scope, const rapidjson::Value& view) = 0;
  /// Drops the scope's state.
  virtual void reset(const Scope& scope) = 0;
  /// A number that changes whenever the scope's state changes (persistence writes on change);
  /// 0 when the scope holds no state.
  virtual std::uint64_t version(const Scope& scope) const = 0;
};

}  // namespace rime
