// Smithy HTTP bindings shared by the REST codecs: URI template matching and ranking, and the
// text forms of header, query and label values.
#include "protocols/http_bindings.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/json.h"
#include "core/uri.h"
#include "protocols/timestamps.h"

namespace rime::proto {
namespace {

// ---------------------------------------------------------------------------------------------
// URI templates

constexpr std::size_t kMaxTemplateSegments = 32;
constexpr std::size_t kMaxScoredSegments = 16;

// Ranks double as specificity: a literal segment beats a label, a label beats a greedy label.
enum class SegmentKind : std::uint8_t { kGreedy = 0, kLabel = 1, kLiteral = 2 };

struct TemplateSegment {
  std::string_view text;  // literal text, or the label name
  SegmentKind kind;
};

struct UriTemplate {
  std::array<TemplateSegment, kMaxTemplateSegments> segments;
  std::size_t count = 0;
  int greedy = -1;
  std::string_view query;  // the literals after '?'
  bool valid = true;
};

UriTemplate parse_template(std::string_view uri) {
  UriTemplate t;
  auto q = uri.find('?');
  std::string_view path = uri.substr(0, q);
  if (q != std::string_view::npos) t.query = uri.substr(q + 1);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::size_t start = 0;
  for (;;) {
    auto slash = path.find('/', start);
    std::string_view seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (t.count == kMaxTemplateSegments) {
      t.valid = false;
      return t;
    }
    TemplateSegment s{seg, SegmentKind::kLiteral};
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view inner = seg.substr(1, seg.size() - 2);
      if (!inner.empty() && inner.back() == '+') {
        if (t.greedy >= 0) t.valid = false;  // Smithy allows one greedy label per template
        t.greedy = static_cast<int>(t.count);
        s = {inner.substr(0, inner.size() - 1), SegmentKind::kGreedy};
      } else {
        s = {inner, SegmentKind::kLabel};
      }
    }
    t.segments[t.count++] = s;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return t;
}

/// The request side, split once per request.
struct RequestView {
  std::string_view method;
  std::string_view path;                 // without the leading '/'
  std::vector<std::string_view> segments;  // views into `path`
  QueryParams params;
};

RequestView make_request_view(const Request& request) {
  RequestView rv;
  rv.method = request.method;
  rv.path = request.path;
  if (!rv.path.empty() && rv.path.front() == '/') rv.path.remove_prefix(1);
  std::size_t start = 0;
  for (;;) {
    auto slash = rv.path.find('/', start);
    rv.segments.push_back(rv.path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  rv.params = rime::parse_query(request.query);
  return rv;
}

struct MatchScore {
  bool exact = true;  // no trailing-slash tolerance was needed
  std::array<std::uint8_t, kMaxScoredSegments> ranks{};
  std::size_t rank_count = 0;
  int query_literals = 0;
  // Model-aware tie-breaks (match_rest_model_operation only):
  bool required_all = true;  // every required header/query is present
  int required_present = 0;
  int foreign_params = 0;    // query keys the operation binds nowhere (fewer is better)
  int optional_params = 0;   // query keys bound to the operation's optional @httpQuery members
};

// Lexicographic over (exact, segment ranks, query literals, required bindings, query keys).
bool better(const MatchScore& a, const MatchScore& b) {
  if (a.exact != b.exact) return a.exact;
  std::size_t n = std::min(a.rank_count, b.rank_count);
  for (std::size_t i = 0; i < n; ++i)
    if (a.ranks[i] != b.ranks[i]) return a.ranks[i] > b.ranks[i];
  if (a.rank_count != b.rank_count) return a.rank_count > b.rank_count;
  if (a.query_literals != b.query_literals) return a.query_literals > b.query_literals;
  if (a.required_all != b.required_all) return a.required_all;
  if (a.required_present != b.required_present) return a.required_present > b.required_present;
  if (a.foreign_params != b.foreign_params) return a.foreign_params < b.foreign_params;
  return a.optional_params > b.optional_params;
}

// The template part of a score as one number that orders as better() does, so that matches in
// different services compare (the router's rest_binding_rank). Bit 40: exact; bits 8-39: the
// segment kinds, first segment highest, 2 bits each (kind + 1; 0 past the end, so a longer
// template with the same prefix ranks higher); bits 0-7: query literals.
std::uint64_t template_rank(const MatchScore& s) {
  std::uint64_t rank = s.exact ? 1 : 0;
  for (std::size_t i = 0; i < kMaxScoredSegments; ++i)
    rank = (rank << 2) | (i < s.rank_count ? static_cast<std::uint64_t>(s.ranks[i]) + 1 : 0);
  return (rank << 8) | static_cast<std::uint64_t>(std::min(s.query_literals, 255));
}

bool literal_matches(std::string_view raw_segment, std::string_view literal) {
  if (raw_segment.find('%') == std::string_view::npos) return raw_segment == literal;
  return percent_decode(raw_segment) == literal;
}

// Matches template segments [0, tn) against request segments [0, rn).
bool match_segments(const UriTemplate& t, std::size_t tn, const RequestView& rv, std::size_t rn, PathLabels* labels) {
  auto one = [&](const TemplateSegment& ts, std::string_view seg) {
    if (ts.kind == SegmentKind::kLiteral) return literal_matches(seg, ts.text);
    if (seg.empty()) return false;  // a label never binds an empty segment
    if (labels) labels->push_back({ts.text, percent_decode(seg)});
    return true;
  };
  if (t.greedy < 0 || static_cast<std::size_t>(t.greedy) >= tn) {
    if (tn != rn) return false;
    for (std::size_t i = 0; i < tn; ++i)
      if (!one(t.segments[i], rv.segments[i])) return false;
    return true;
  }
  std::size_t g = static_cast<std::size_t>(t.greedy);
  std::size_t suffix = tn - g - 1;
  if (rn < g + suffix + 1) return false;
  for (std::size_t i = 0; i < g; ++i)
    if (!one(t.segments[i], rv.segments[i])) return false;
  for (std::size_t i = 0; i < suffix; ++i)
    if (!one(t.segments[tn - 1 - i], rv.segments[rn - 1 - i])) return false;
  // The greedy label takes the raw text from its first segment to the end of its last one.
  std::string_view first = rv.segments[g], last = rv.segments[rn - suffix - 1];
  std::string_view raw(first.data(), static_cast<std::size_t>(last.data() + last.size() - first.data()));
  if (raw.empty()) return false;
  if (labels) labels->push_back({t.segments[g].text, percent_decode(raw)});
  return true;
}

bool match_query_literals(std::string_view literals, const QueryParams& params, int& count) {
  while (!literals.empty()) {
    auto amp = literals.find('&');
    std::string_view item = literals.substr(0, amp);
    literals = amp == std::string_view::npos ? std::string_view{} : literals.substr(amp + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    const std::string* value = find_param(params, key);
    if (!value) {
      if (key == "x-id") continue;  // S3's disambiguator: SDKs may omit it
      return false;
    }
    if (eq != std::string_view::npos && *value != item.substr(eq + 1)) return false;
    ++count;
  }
  return true;
}

bool match_template(std::string_view method, std::string_view uri, const RequestView& rv, MatchScore* score,
                    PathLabels* labels) {
  if (method != rv.method) return false;
  UriTemplate t = parse_template(uri);
  if (!t.valid) return false;
  int literals = 0;
  if (!match_query_literals(t.query, rv.params, literals)) return false;

  std::size_t tn = t.count, rn = rv.segments.size();
  bool exact = true;
  if (!match_segments(t, tn, rv, rn, nullptr)) {
    exact = false;
    if (rn > 1 && rv.segments[rn - 1].empty() && match_segments(t, tn, rv, rn - 1, nullptr)) {
      --rn;  // request "/a/b/" for template "/a/b"
    } else if (tn > 1 && t.segments[tn - 1].kind == SegmentKind::kLiteral && t.segments[tn - 1].text.empty() &&
               match_segments(t, tn - 1, rv, rn, nullptr)) {
      --tn;  // request "/a/b" for template "/a/b/"
    } else {
      return false;
    }
  }
  if (labels) match_segments(t, tn, rv, rn, labels);
  if (score) {
    score->exact = exact;
    score->rank_count = std::min(tn, kMaxScoredSegments);
    for (std::size_t i = 0; i < score->rank_count; ++i)
      score->ranks[i] = static_cast<std::uint8_t>(t.segments[i].kind);
    score->query_literals = literals;
  }
  return true;
}

// Is `key` one of the literals after '?' in a URI template ("?uploads", "?mode=import")?
bool is_query_literal(std::string_view uri_template, std::string_view key) {
  auto q = uri_template.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view literals = uri_template.substr(q + 1);
  while (!literals.empty()) {
    auto amp = literals.find('&');
    std::string_view item = literals.substr(0, amp);
    if (item.substr(0, item.find('=')) == key) return true;
    literals = amp == std::string_view::npos ? std::string_view{} : literals.substr(amp + 1);
  }
  return false;
}

// Query keys against what an operation binds: S3's ListBuckets and ListDirectoryBuckets are both
// "GET /" (their x-id literals are not sent); only the keys (max-buckets vs max-directory-buckets)
// tell them apart. An operation with an @httpQueryParams map binds every key.
void score_query_keys(const ServiceModel& model, const Operation& op, const QueryParams& params, MatchScore& s) {
  for (const auto& [key, _] : params) {
    if (key == "x-id" || is_query_literal(op.http_uri, key)) continue;
    const Member* bound = nullptr;
    if (op.input != kNoShape)
      for (const Member& m : model.shape(op.input).members) {
        if (m.location == Location::kQueryParams) return;
        if (m.location == Location::kQuery && m.location_name == key) bound = &m;
      }
    if (!bound)
      ++s.foreign_params;
    else if (!bound->required())
      ++s.optional_params;
  }
}

// "Accept-Encoding: identity" is the HTTP client asking for no content coding (urllib3 and
// others send it on every request), not a value for a member bound to that header (Neptune
// Data's GetSparqlStream `encoding`, whose only value is gzip): the member stays absent.
bool is_identity_coding(std::string_view header, std::string_view value) {
  return iequals(header, "accept-encoding") && iequals(value, "identity");
}

bool has_header_or_param(const Member& m, const Request& request, const QueryParams& params) {
  if (m.location == Location::kHeader) return request.headers.contains(m.location_name);
  if (m.location == Location::kQuery) return find_param(params, m.location_name) != nullptr;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Scalars

TimestampFormat declared_format(const Member& member, const Shape& target) {
  return member.timestamp_format != TimestampFormat::kDefault ? member.timestamp_format : target.timestamp_format;
}

std::string generic_text(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
    case Value::Kind::kInt: return std::to_string(v.as_int());
    case Value::Kind::kDouble: return format_double(v.as_double());
    case Value::Kind::kString: return v.as_string();
    case Value::Kind::kBlob: return base64_encode(v.as_blob().bytes);
    case Value::Kind::kTimestamp: return format_date_time(v.as_timestamp());
    case Value::Kind::kBigNumber: return v.as_big_number().text;
    default: return {};
  }
}

std::string format_timestamp_text(Timestamp t, TimestampFormat format) {
  switch (format) {
    case TimestampFormat::kHttpDate: return format_http_date(t);
    case TimestampFormat::kEpochSeconds: return format_epoch_seconds(t);
    default: return format_date_time(t);
  }
}

AwsError bad_binding(std::string_view where, std::string_view name, std::string_view text, const Shape& target) {
  std::string msg = "Invalid value for ";
  msg += where;
  msg += ' ';
  msg += name;
  msg += ": '";
  msg += text.substr(0, 128);
  msg += "' is not a valid ";
  msg += target.name.empty() ? std::string_view("value") : target.name;
  return AwsError::serialization(std::move(msg));
}

// Header values must not smuggle CR/LF into the response.
std::string header_safe(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Matching

std::optional<PathLabels> match_uri_template(std::string_view uri_template, std::string_view raw_path,
                                             std::string_view raw_query) {
  Request r;
  r.path = std::string(raw_path);
  r.query = std::string(raw_query);
  RequestView rv = make_request_view(r);
  PathLabels labels;
  if (!match_template(rv.method, uri_template, rv, nullptr, &labels)) return std::nullopt;
  return labels;
}

std::optional<std::uint64_t> rest_binding_rank(std::span<const catalog::Operation> operations,
                                               const Request& request) {
  RequestView rv = make_request_view(request);
  std::optional<std::uint64_t> best;
  for (const auto& op : operations) {
    MatchScore s;
    if (op.http_uri.empty() || !match_template(op.http_method, op.http_uri, rv, &s, nullptr)) continue;
    best = std::max(best.value_or(0), template_rank(s));
  }
  return best;
}

const catalog::Operation* match_rest_operation(std::span<const catalog::Operation> operations,
                                                const Request& request) {
  RequestView rv = make_request_view(request);
  const catalog::Operation* best = nullptr;
  MatchScore best_score;
  for (const auto& op : operations) {
    MatchScore s;
    if (op.http_uri.empty() || !match_template(op.http_method, op.http_uri, rv, &s, nullptr)) continue;
    if (!best || better(s, best_score)) {
      best = &op;
      best_score = s;
    }
  }
  return best;
}

std::optional<RestOperationMatch> match_rest_model_operation(const ServiceModel& model, const Request& request) {
  RequestView rv = make_request_view(request);
  const Operation* best = nullptr;
  MatchScore best_score;
  for (const auto& op : model.operations) {
    MatchScore s;
    if (op.http_uri.empty() || !match_template(op.http_method, op.http_uri, rv, &s, nullptr)) continue;
    if (op.input != kNoShape) {
      for (const Member& m : model.shape(op.input).members) {
        if (!m.required() || (m.location != Location::kHeader && m.location != Location::kQuery)) continue;
        if (has_header_or_param(m, request, rv.params))
          ++s.required_present;
        else
          s.required_all = false;
      }
    }
    score_query_keys(model, op, rv.params, s);
    if (!best || better(s, best_score)) {
      best = &op;
      best_score = s;
    }
  }
  if (!best) return std::nullopt;
  RestOperationMatch out{best, {}};
  match_template(best->http_method, best->http_uri, rv, nullptr, &out.labels);
  return out;
}

AwsError unknown_rest_operation(const Request& request) {
  std::string msg = "No operation matches ";
  msg += request.method;
  msg += ' ';
  msg += request.path.substr(0, 256);
  return AwsError{"UnknownOperationException", std::move(msg), 404, true};
}

// ---------------------------------------------------------------------------------------------
// Members

const Member* payload_member(const Shape& shape) {
  for (const Member& m : shape.members)
    if (m.location == Location::kPayload) return &m;
  return nullptr;
}

bool has_body_members(const Shape& shape) {
  for (const Member& m : shape.members)
    if (m.location == Location::kBody) return true;
  return false;
}

std::optional<AwsError> read_http_bindings(const ServiceModel& model, const RestOperationMatch& match,
                                           const Request& request, Value& out) {
  if (match.operation->input == kNoShape) return std::nullopt;
  const Shape& input = model.shape(match.operation->input);
  const PathLabels& labels = match.labels;
  std::optional<QueryParams> params;
  auto query = [&]() -> const QueryParams& {
    if (!params) params = rime::parse_query(request.query);
    return *params;
  };
  for (const Member& m : input.members) {
    const Shape& target = model.shape(m.target);
    switch (m.location) {
      case Location::kLabel: {
        std::string_view name = m.location_name.empty() ? m.name : m.location_name;
        for (const auto& label : labels) {
          if (label.name != name) continue;
          auto v = parse_text_scalar(model, m, target, label.value, Location::kLabel);
          if (!v) return bad_binding("label", name, label.value, target);
          out.set(std::string(m.name), std::move(*v));
        }
        break;
      }
      case Location::kHeader: {
        if (target.type == ShapeType::kList) {
          // The list member's @timestampFormat, else the bound member's.
          Member item = target.members[0];
          if (item.timestamp_format == TimestampFormat::kDefault) item.timestamp_format = m.timestamp_format;
          const Shape& item_target = model.shape(item.target);
          bool dates = item_target.type == ShapeType::kTimestamp &&
                       effective_format(declared_format(item, item_target), Protocol::kRestJson1, Location::kHeader) ==
                           TimestampFormat::kHttpDate;
          Value list = Value::list();
          bool any = false;
          for (const auto& [name, value] : request.headers) {
            if (!iequals(name, m.location_name)) continue;
            any = true;
            for (const std::string& text : split_header_list(value, dates)) {
              auto v = parse_text_scalar(model, item, item_target, text, Location::kHeader);
              if (!v) return bad_binding("header", m.location_name, text, item_target);
              list.push(std::move(*v));
            }
          }
          if (any) out.set(std::string(m.name), std::move(list));
        } else if (const std::string* text = request.headers.find(m.location_name)) {
          if (is_identity_coding(m.location_name, *text)) break;
          auto v = parse_text_scalar(model, m, target, *text, Location::kHeader);
          if (!v) return bad_binding("header", m.location_name, *text, target);
          out.set(std::string(m.name), std::move(*v));
        }
        break;
      }
      case Location::kPrefixHeaders: {
        if (target.type != ShapeType::kMap) break;
        const Member& value_member = target.members[1];
        const Shape& value_target = model.shape(value_member.target);
        Value map = Value::object();
        bool any = false;
        for (const auto& [name, value] : request.headers) {
          if (name.size() < m.location_name.size() ||
              !iequals(std::string_view(name).substr(0, m.location_name.size()), m.location_name))
            continue;
          if (m.location_name.empty()) {
            // An empty prefix takes every header not bound to another member (@httpHeader wins).
            bool bound = false;
            for (const Member& other : input.members)
              if (other.location == Location::kHeader && iequals(other.location_name, name)) bound = true;
            if (bound) continue;
          }
          auto v = parse_text_scalar(model, value_member, value_target, value, Location::kHeader);
          if (!v) return bad_binding("header", name, value, value_target);
          map.set(name.substr(m.location_name.size()), std::move(*v));
          any = true;
        }
        if (any) out.set(std::string(m.name), std::move(map));
        break;
      }
      case Location::kQuery: {
        const QueryParams& qp = query();
        if (target.type == ShapeType::kList) {
          const Member& item = target.members[0];
          const Shape& item_target = model.shape(item.target);
          Value list = Value::list();
          bool any = false;
          for (const auto& [key, text] : qp) {
            if (key != m.location_name) continue;
            any = true;
            auto v = parse_text_scalar(model, item, item_target, text, Location::kQuery);
            if (!v) return bad_binding("query parameter", key, text, item_target);
            list.push(std::move(*v));
          }
          if (any) out.set(std::string(m.name), std::move(list));
        } else if (const std::string* text = find_param(qp, m.location_name)) {
          auto v = parse_text_scalar(model, m, target, *text, Location::kQuery);
          if (!v) return bad_binding("query parameter", m.location_name, *text, target);
          out.set(std::string(m.name), std::move(*v));
        }
        break;
      }
      case Location::kQueryParams: {
        if (target.type != ShapeType::kMap) break;
        const Member& value_member = target.members[1];
        const Shape& value_target = model.shape(value_member.target);
        bool lists = value_target.type == ShapeType::kList;
        Value map = Value::object();
        bool any = false;
        for (const auto& [key, text] : query()) {
          // The URI's own literals ("?mode=import") select the operation; they are no input.
          if (is_query_literal(match.operation->http_uri, key)) continue;
          // @httpQuery members take precedence over the catch-all map.
          bool bound = false;
          for (const Member& other : input.members)
            if (other.location == Location::kQuery && other.location_name == key) bound = true;
          if (bound) continue;
          any = true;
          if (lists) {
            const Member& item = value_target.members[0];
            const Shape& item_target = model.shape(item.target);
            auto v = parse_text_scalar(model, item, item_target, text, Location::kQuery);
            if (!v) return bad_binding("query parameter", key, text, item_target);
            Value* existing = map.find(key);
            if (!existing) existing = &map.set(key, Value::list());
            existing->push(std::move(*v));
          } else {
            auto v = parse_text_scalar(model, value_member, value_target, text, Location::kQuery);
            if (!v) return bad_binding("query parameter", key, text, value_target);
            if (!map.find(key)) map.set(key, std::move(*v));  // the first occurrence wins
          }
        }
        if (any) out.set(std::string(m.name), std::move(map));
        break;
      }
      default: break;
    }
  }
  return std::nullopt;
}

void write_http_bindings(const ServiceModel& model, const Shape& output, const Value& value, Response& response) {
  for (const Member& m : output.members) {
    const Value* v = value.find(m.name);
    if (!v || v->is_null()) continue;
    const Shape& target = model.shape(m.target);
    switch (m.location) {
      case Location::kHeader: {
        if (target.type == ShapeType::kList) {
          if (!v->is_list() || v->as_list().empty()) break;
          Member item = target.members[0];
          if (item.timestamp_format == TimestampFormat::kDefault) item.timestamp_format = m.timestamp_format;
          const Shape& item_target = model.shape(item.target);
          bool quote = item_target.type == ShapeType::kString || item_target.type == ShapeType::kEnum;
          std::string joined;
          for (const Value& e : v->as_list()) {
            if (e.is_null()) continue;
            if (!joined.empty()) joined += ", ";
            std::string text = format_text_scalar(model, item, item_target, e, Location::kHeader);
            joined += quote ? quote_header_list_item(text) : text;
          }
          response.headers.set(m.location_name, header_safe(std::move(joined)));
        } else {
          response.headers.set(m.location_name,
                               header_safe(format_text_scalar(model, m, target, *v, Location::kHeader)));
        }
        break;
      }
      case Location::kPrefixHeaders: {
        if (target.type != ShapeType::kMap || !v->is_object()) break;
        const Member& value_member = target.members[1];
        const Shape& value_target = model.shape(value_member.target);
        for (const auto& [key, entry] : v->as_object()) {
          if (entry.is_null()) continue;
          response.headers.set(std::string(m.location_name) + key,
                               header_safe(format_text_scalar(model, value_member, value_target, entry,
                                                              Location::kHeader)));
        }
        break;
      }
      case Location::kStatusCode:
        if (v->is_int() && v->as_int() >= 100 && v->as_int() <= 999) response.status = static_cast<int>(v->as_int());
        break;
      default: break;
    }
  }
}

bool is_raw_payload(const ServiceModel& model, const Member& payload) {
  ShapeType t = model.shape(payload.target).type;
  return t == ShapeType::kBlob || t == ShapeType::kString || t == ShapeType::kEnum;
}

void read_raw_payload(const ServiceModel& model, const Member& payload, const Request& request, Value& out) {
  if (request.body.empty()) return;
  std::string bytes = request.body.in_memory() ? std::string(request.body.view()) : request.body.read_all();
  if (model.shape(payload.target).type == ShapeType::kBlob)
    out.set(std::string(payload.name), Blob{std::move(bytes)});
  else
    out.set(std::string(payload.name), std::move(bytes));
}

void write_raw_payload(const ServiceModel& model, const Member& payload, const Value& value, Response& response) {
  const Value* v = value.find(payload.name);
  if (!v || v->is_null()) return;
  const Shape& target = model.shape(payload.target);
  if (v->is_blob())
    response.body = v->as_blob().bytes;
  else if (v->is_string())
    response.body = v->as_string();
  else
    response.body = generic_text(*v);
  if (!response.headers.contains("content-type")) {
    std::string_view type = target.media_type;
    if (type.empty()) type = target.type == ShapeType::kBlob ? "application/octet-stream" : "text/plain";
    response.headers.set("Content-Type", std::string(type));
  }
}

std::string_view request_body(const Request& request, std::string& storage) {
  if (request.body.in_memory()) return request.body.view();
  storage = request.body.read_all();
  return storage;
}

bool blank_body(std::string_view body) {
  for (char c : body)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Scalar text

std::optional<Value> parse_text_scalar(const ServiceModel& model, const Member& member, const Shape& target,
                                       std::string_view text, Location location) {
  switch (target.type) {
    case ShapeType::kString:
      if (location == Location::kHeader && !target.media_type.empty()) {
        auto decoded = base64_decode(text);
        if (!decoded) return std::nullopt;
        return Value(std::move(*decoded));
      }
      return Value(text);
    case ShapeType::kEnum: return Value(text);
    case ShapeType::kBoolean:
      if (iequals(text, "true")) return Value(true);
      if (iequals(text, "false")) return Value(false);
      return std::nullopt;
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kIntEnum:
      if (auto n = parse_integer_text(text, target.type)) return Value(*n);
      return std::nullopt;
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      if (auto d = parse_float_text(text)) return Value(*d);
      return std::nullopt;
    case ShapeType::kBigInteger:
    case ShapeType::kBigDecimal:
      if (!is_number_text(text, target.type == ShapeType::kBigDecimal)) return std::nullopt;
      return Value(BigNumber{std::string(text)});
    case ShapeType::kTimestamp: {
      TimestampFormat format = effective_format(declared_format(member, target), Protocol::kRestJson1, location);
      if (auto t = parse_timestamp(text, format)) return Value(*t);
      // Be liberal in what we accept: clients disagree on header date forms.
      if (auto t = parse_timestamp(text, TimestampFormat::kDefault)) return Value(*t);
      return std::nullopt;
    }
    case ShapeType::kBlob: {
      auto decoded = base64_decode(text);
      if (!decoded) return std::nullopt;
      return Value(Blob{std::move(*decoded)});
    }
    default: return std::nullopt;  // aggregates and documents have no text form
  }
}

std::string format_text_scalar(const ServiceModel& model, const Member& member, const Shape& target,
                               const Value& value, Location location) {
  switch (target.type) {
    case ShapeType::kString:
      if (location == Location::kHeader && !target.media_type.empty()) return base64_encode(generic_text(value));
      return generic_text(value);
    case ShapeType::kTimestamp: {
      TimestampFormat format = effective_format(declared_format(member, target), Protocol::kRestJson1, location);
      if (value.is_timestamp()) return format_timestamp_text(value.as_timestamp(), format);
      if (value.is_number()) return format_timestamp_text(from_epoch_seconds(value.as_double()), format);
      return generic_text(value);
    }
    case ShapeType::kBlob:
      if (value.is_string()) return base64_encode(value.as_string());
      return generic_text(value);
    default: return generic_text(value);
  }
}

std::vector<std::string> split_header_list(std::string_view value, bool http_dates) {
  std::vector<std::string> items;
  std::size_t i = 0, n = value.size();
  auto skip_ws = [&] {
    while (i < n && (value[i] == ' ' || value[i] == '\t')) ++i;
  };
  while (i < n) {
    skip_ws();
    if (i >= n) break;
    std::string item;
    if (value[i] == '"') {
      ++i;
      while (i < n && value[i] != '"') {
        if (value[i] == '\\' && i + 1 < n) ++i;
        item += value[i++];
      }
      if (i < n) ++i;  // closing quote
      while (i < n && value[i] != ',') ++i;
    } else {
      std::size_t comma = value.find(',', i);
      std::size_t end = comma == std::string_view::npos ? n : comma;
      std::string_view raw = value.substr(i, end - i);
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
      item = raw;
      i = end;
    }
    if (i < n && value[i] == ',') ++i;
    items.push_back(std::move(item));
  }
  if (!http_dates) return items;
  // "Mon, 16 Dec 2019 23:48:18 GMT, Tue, ..." splits into weekday and date halves: rejoin.
  std::vector<std::string> dates;
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (items[k].size() == 3 && k + 1 < items.size()) {
      dates.push_back(items[k] + ", " + items[k + 1]);
      ++k;
    } else {
      dates.push_back(std::move(items[k]));
    }
  }
  return dates;
}

std::string quote_header_list_item(std::string_view item) {
  if (item.find_first_of(",\"") == std::string_view::npos) return std::string(item);
  std::string out = "\"";
  for (char c : item) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::optional<std::int64_t> parse_integer_text(std::string_view text, ShapeType type) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  std::int64_t lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  switch (type) {
    case ShapeType::kByte: lo = -128, hi = 127; break;
    case ShapeType::kShort: lo = -32768, hi = 32767; break;
    case ShapeType::kInteger:
    case ShapeType::kIntEnum:
      lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
      break;
    default: break;
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<double> parse_float_text(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (!is_number_text(text, true)) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

bool is_number_text(std::string_view s, bool allow_fraction) {
  std::size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  auto digits = [&] {
    std::size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (!digits()) return false;
  if (!allow_fraction) return i == n;
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

std::string format_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, ptr);
}

bool is_s3(const catalog::Service* service) {
  return service && (service->name == "s3" || service->sdk_id == "S3");
}

void add_request_id_headers(const catalog::Service* service, const RequestContext& ctx, Response& response) {
  if (is_s3(service)) {
    response.headers.set("x-amz-request-id", ctx.request_id);
    // S3's extended request id; any opaque token serves, derived here from the request id.
    response.headers.set("x-amz-id-2", base64_encode(ctx.request_id));
  } else {
    response.headers.set("x-amzn-RequestId", ctx.request_id);
  }
}

}  // namespace rime::proto
