// restXml (S3, Route 53, CloudFront, S3 Control): method + URI template in, HTTP bindings plus an
// XML document body; XML out; errors as S3's bare <Error> or everyone else's <ErrorResponse>.
//
// Facts followed (Smithy's restXml spec, its protocol tests, and botocore as the oracle):
// - the body is one element named by the input/output shape's @xmlName, else its shape name;
//   an @httpPayload structure is the element named by the member's @xmlName, else the target's
//   @xmlName, else the target's shape name;
// - members are child elements named by @xmlName or the member name; @xmlAttribute members are
//   attributes; lists are wrapped (<member> or the list member's @xmlName) unless @xmlFlattened,
//   when each item repeats the member's own element name; maps are <entry><key/><value/></entry>,
//   flattened maps repeat the member element holding <key/><value/>;
// - timestamps in the body are date-time unless @timestampFormat; blobs are base64;
// - the root element carries the service's @xmlNamespace; S3's Grantee carries the xsi prefix;
// - S3 errors are <Error><Code/><Message/><RequestId/><HostId/></Error> with x-amz-request-id and
//   x-amz-id-2 headers (the model's noErrorWrapping); others wrap them in <ErrorResponse> with a
//   <Type>Sender|Receiver</Type> and a sibling <RequestId>.
//
// XML is parsed and written with protocols/xml.h: no DTD or entity declarations, element depth
// capped by the parser (100), and never built by string concatenation.
#include <cmath>

#include "core/json.h"
#include "protocols/codecs.h"
#include "protocols/http_bindings.h"
#include "protocols/timestamps.h"
#include "protocols/xml.h"

namespace rime::proto {
namespace {

constexpr int kMaxDepth = 100;

std::string_view wire_name(const Member& m) { return m.xml_name.empty() ? m.name : m.xml_name; }

std::string_view local_name(std::string_view name) {
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool names_match(std::string_view element, std::string_view wire) {
  return element == wire || local_name(element) == local_name(wire);
}

/// The prefix of a namespaced member. The model keeps only the uri; the one prefixed namespace in
/// the AWS models is XML Schema instance ("xsi", S3's Grantee), so it is recognised by its uri.
std::string namespace_attribute(std::string_view uri) {
  if (uri == "http://www.w3.org/2001/XMLSchema-instance") return "xmlns:xsi";
  return "xmlns";
}

TimestampFormat body_format(const Member* member, const Shape& target) {
  TimestampFormat declared = member && member->timestamp_format != TimestampFormat::kDefault
                                 ? member->timestamp_format
                                 : target.timestamp_format;
  return effective_format(declared, Protocol::kRestXml, Location::kBody);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

AwsError malformed(const catalog::Service* service, std::string detail) {
  if (is_s3(service))
    return AwsError{"MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our published schema",
                    400, true};
  return AwsError::serialization("Malformed XML body: " + detail);
}

class XmlInput {
 public:
  explicit XmlInput(const ServiceModel& model) : model_(model) {}
  std::string error;

  /// Reads `el` as `target`; leaves `out` null for empty non-string scalars (absent).
  bool read(const Member* member, ShapeIndex target_index, const xml::Element& el, Value& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    const Shape& target = model_.shape(target_index);
    switch (target.type) {
      case ShapeType::kStructure:
      case ShapeType::kUnion:
        out = Value::object();
        if (!read_members(target, el, out, false, depth)) return false;
        if (target.type == ShapeType::kUnion && out.as_object().size() != 1)
          return fail("union " + std::string(target.name) + " must have exactly one member set");
        return true;
      case ShapeType::kList: {
        const Member& item = target.members[0];
        out = Value::list();
        for (const xml::Element& c : el.children) {
          Value v;
          if (!read(&item, item.target, c, v, depth + 1)) return false;
          if (!v.is_null() || target.has(shape_flags::kSparse)) out.push(std::move(v));
        }
        return true;
      }
      case ShapeType::kMap: {
        out = Value::object();
        for (const xml::Element& entry : el.children)
          if (!read_entry(target, entry, out, depth)) return false;
        return true;
      }
      case ShapeType::kDocument: return true;  // restXml has no document type
      default: return read_scalar(member, target, el.text, out);
    }
  }

  /// One map entry: an element holding the key and value elements.
  bool read_entry(const Shape& map, const xml::Element& entry, Value& out, int depth) {
    const Member& key_member = map.members[0];
    const Member& value_member = map.members[1];
    std::string_view key_name = key_member.xml_name.empty() ? "key" : key_member.xml_name;
    std::string_view value_name = value_member.xml_name.empty() ? "value" : value_member.xml_name;
    const xml::Element* k = nullptr;
    const xml::Element* v = nullptr;
    for (const xml::Element& c : entry.children) {
      if (!k && names_match(c.name, key_name)) k = &c;
      else if (!v && names_match(c.name, value_name)) v = &c;
    }
    if (!k) return fail("map entry without a <" + std::string(key_name) + "> element");
    Value value;
    if (v && !read(&value_member, value_member.target, *v, value, depth + 1)) return false;
    if (value.is_null() && !map.has(shape_flags::kSparse)) return true;
    out.set(k->text, std::move(value));
    return true;
  }

  /// Attributes and child elements of a structure; `body_only` skips members bound elsewhere.
  bool read_members(const Shape& shape, const xml::Element& el, Value& out, bool body_only, int depth) {
    for (const Member& m : shape.members) {
      if (!m.xml_attribute() || (body_only && m.location != Location::kBody)) continue;
      const std::string* text = el.attribute(wire_name(m));
      if (!text) continue;
      Value v;
      if (!read_scalar(&m, model_.shape(m.target), *text, v)) return false;
      if (!v.is_null()) out.set(std::string(m.name), std::move(v));
    }
    for (const xml::Element& c : el.children) {
      const Member* m = nullptr;
      for (const Member& candidate : shape.members) {
        if (candidate.xml_attribute() || (body_only && candidate.location != Location::kBody)) continue;
        if (names_match(c.name, wire_name(candidate))) {
          m = &candidate;
          break;
        }
      }
      if (!m) continue;  // unknown elements are ignored
      const Shape& target = model_.shape(m->target);
      if (m->xml_flattened() && target.type == ShapeType::kList) {
        const Member& item = target.members[0];
        Value v;
        if (!read(&item, item.target, c, v, depth + 1)) return false;
        Value* list = out.find(m->name);
        if (!list) list = &out.set(std::string(m->name), Value::list());
        if (!v.is_null() || target.has(shape_flags::kSparse)) list->push(std::move(v));
      } else if (m->xml_flattened() && target.type == ShapeType::kMap) {
        Value* map = out.find(m->name);
        if (!map) map = &out.set(std::string(m->name), Value::object());
        if (!read_entry(target, c, *map, depth)) return false;
      } else {
        Value v;
        if (!read(m, m->target, c, v, depth + 1)) return false;
        if (!v.is_null()) out.set(std::string(m->name), std::move(v));
      }
    }
    return true;
  }

 private:
  bool read_scalar(const Member* member, const Shape& target, std::string_view raw, Value& out) {
    if (target.type == ShapeType::kString || target.type == ShapeType::kEnum) {
      out = Value(raw);
      return true;
    }
    std::string_view text = trim(raw);
    if (text.empty()) return true;  // <MaxKeys/>: treated as absent
    switch (target.type) {
      case ShapeType::kBoolean:
        if (text == "true") out = true;
        else if (text == "false") out = false;
        else return fail_type(member, target, text);
        return true;
      case ShapeType::kByte:
      case ShapeType::kShort:
      case ShapeType::kInteger:
      case ShapeType::kLong:
      case ShapeType::kIntEnum:
        if (auto n = parse_integer_text(text, target.type)) {
          out = *n;
          return true;
        }
        return fail_type(member, target, text);
      case ShapeType::kFloat:
      case ShapeType::kDouble:
        if (auto d = parse_float_text(text)) {
          out = *d;
          return true;
        }
        return fail_type(member, target, text);
      case ShapeType::kBigInteger:
      case ShapeType::kBigDecimal:
        if (!is_number_text(text, target.type == ShapeType::kBigDecimal)) return fail_type(member, target, text);
        out = BigNumber{std::string(text)};
        return true;
      case ShapeType::kTimestamp: {
        auto t = parse_timestamp(text, body_format(member, target));
        if (!t) t = parse_timestamp(text, TimestampFormat::kDefault);
        if (!t) return fail_type(member, target, text);
        out = *t;
        return true;
      }
      case ShapeType::kBlob: {
        std::string compact;  // base64 in XML may be wrapped over lines
        for (char c : text)
          if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
        auto bytes = base64_decode(compact);
        if (!bytes) return fail_type(member, target, text);
        out = Blob{std::move(*bytes)};
        return true;
      }
      default: return true;
    }
  }

  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }
  bool fail_type(const Member* member, const Shape& target, std::string_view text) {
    std::string msg = "Invalid value for ";
    msg += member ? member->name : target.name;
    msg += ": '";
    msg += text.substr(0, 128);
    msg += "' is not a valid ";
    msg += target.name;
    return fail(std::move(msg));
  }

  const ServiceModel& model_;
};

/// Writes Values into an xml::Writer; each write_* fills the element open now.
class XmlOutput {
 public:
  XmlOutput(const ServiceModel& model, xml::Writer& out) : model_(model), out_(out) {}

  void write_members(const Shape& shape, const Value& v, bool body_only, int depth) {
    if (!v.is_object() || depth > kMaxDepth) return;
    for (const Member& m : shape.members) {
      if (!m.xml_attribute() || (body_only && !in_output_body(m.location))) continue;
      const Value* e = v.find(m.name);
      if (!e || e->is_null()) continue;
      out_.attribute(wire_name(m), scalar_text(&m, model_.shape(m.target), *e));
    }
    for (const Member& m : shape.members) {
      if (m.xml_attribute() || (body_only && !in_output_body(m.location))) continue;
      const Value* e = v.find(m.name);
      if (!e || e->is_null()) continue;
      const Shape& target = model_.shape(m.target);
      std::string_view name = wire_name(m);
      if (m.xml_flattened() && target.type == ShapeType::kList && e->is_list()) {
        const Member& item = target.members[0];
        for (const Value& x : e->as_list()) {
          open_child(name, m.xml_namespace);
          if (!x.is_null()) write_value(&item, item.target, x, depth + 1);
          out_.close();
        }
      } else if (m.xml_flattened() && target.type == ShapeType::kMap && e->is_object()) {
        for (const auto& [k, x] : e->as_object()) {
          open_child(name, m.xml_namespace);
          write_entry(target, k, x, depth);
          out_.close();
        }
      } else {
        open_child(name, m.xml_namespace);
        write_value(&m, m.target, *e, depth + 1);
        out_.close();
      }
    }
  }

  void write_value(const Member* member, ShapeIndex target_index, const Value& v, int depth) {
    if (depth > kMaxDepth) return;
    const Shape& target = model_.shape(target_index);
    switch (target.type) {
      case ShapeType::kStructure:
      case ShapeType::kUnion: write_members(target, v, false, depth); return;
      case ShapeType::kList: {
        if (!v.is_list()) return;
        const Member& item = target.members[0];
        std::string_view name = item.xml_name.empty() ? std::string_view("member") : item.xml_name;
        for (const Value& x : v.as_list()) {
          open_child(name, item.xml_namespace);
          if (!x.is_null()) write_value(&item, item.target, x, depth + 1);
          out_.close();
        }
        return;
      }
      case ShapeType::kMap:
        if (!v.is_object()) return;
        for (const auto& [k, x] : v.as_object()) {
          open_child("entry", {});
          write_entry(target, k, x, depth);
          out_.close();
        }
        return;
      case ShapeType::kDocument: return;
      default: out_.text(scalar_text(member, target, v)); return;
    }
  }

 private:
  /// <key>k</key><value>..</value> inside the open entry element.
  void write_entry(const Shape& map, const std::string& key, const Value& v, int depth) {
    const Member& key_member = map.members[0];
    const Member& value_member = map.members[1];
    open_child(key_member.xml_name.empty() ? std::string_view("key") : key_member.xml_name, key_member.xml_namespace);
    out_.text(key);
    out_.close();
    open_child(value_member.xml_name.empty() ? std::string_view("value") : value_member.xml_name,
               value_member.xml_namespace);
    if (!v.is_null()) write_value(&value_member, value_member.target, v, depth + 1);
    out_.close();
  }

  void open_child(std::string_view name, std::string_view ns) {
    out_.open(name);
    if (!ns.empty()) out_.attribute(namespace_attribute(ns), ns);
  }

  std::string scalar_text(const Member* member, const Shape& target, const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kTimestamp: return timestamp_text(v.as_timestamp(), body_format(member, target));
      case Value::Kind::kDouble: return format_double(v.as_double());
      case Value::Kind::kBlob: return base64_encode(v.as_blob().bytes);
      case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
      case Value::Kind::kInt:
        if (target.type == ShapeType::kTimestamp)
          return timestamp_text(from_epoch_seconds(v.as_double()), body_format(member, target));
        return std::to_string(v.as_int());
      case Value::Kind::kBigNumber: return v.as_big_number().text;
      case Value::Kind::kString:
        if (target.type == ShapeType::kBlob) return base64_encode(v.as_string());
        return v.as_string();
      default: return {};
    }
  }
  static std::string timestamp_text(Timestamp t, TimestampFormat format) {
    if (format == TimestampFormat::kHttpDate) return format_http_date(t);
    if (format == TimestampFormat::kEpochSeconds) return format_epoch_seconds(t);
    return format_date_time(t);
  }

  const ServiceModel& model_;
  xml::Writer& out_;
};

/// The XML declaration and the root element's start tag, with its namespace.
void open_root(xml::Writer& out, std::string_view name, std::string_view ns) {
  out.declaration();
  out.open(name);
  if (!ns.empty()) out.attribute("xmlns", ns);
}

}  // namespace

ParseResult parse_rest_xml(const ServiceModel& model, const Request& request) {
  auto match = match_rest_model_operation(model, request);
  if (!match) return unknown_rest_operation(request);
  ParsedRequest parsed{match->operation, Value::object()};
  if (parsed.operation->input == kNoShape) return parsed;
  const Shape& input = model.shape(parsed.operation->input);
  if (auto err = read_http_bindings(model, *match, request, parsed.input)) return *err;

  const Member* payload = payload_member(input);
  if (payload && is_raw_payload(model, *payload)) {
    read_raw_payload(model, *payload, request, parsed.input);
    return parsed;
  }
  if (!payload && !has_body_members(input)) return parsed;
  std::string storage;
  std::string_view body = request_body(request, storage);
  if (blank_body(body)) return parsed;

  // The parser refuses a second root element and any DTD (no AWS API takes one).
  xml::ParsedDocument doc = xml::parse(body);
  if (!doc.root) return malformed(model.info, doc.error);
  const xml::Element& root = *doc.root;

  XmlInput reader(model);
  if (payload) {
    Value v;
    if (!reader.read(payload, payload->target, root, v, 0)) return malformed(model.info, reader.error);
    if (!v.is_null()) parsed.input.set(std::string(payload->name), std::move(v));
    return parsed;
  }
  // The root element's name is not checked: SDKs agree on it and AWS front ends do not insist.
  if (!reader.read_members(input, root, parsed.input, true, 0)) return malformed(model.info, reader.error);
  return parsed;
}

Response serialize_rest_xml_output(const ServiceModel& model, const Operation& op, const Value& output,
                                   const RequestContext& ctx) {
  Response r;
  r.status = op.http_code ? op.http_code : 200;
  add_request_id_headers(model.info, ctx, r);
  if (op.output == kNoShape) return r;
  const Shape& shape = model.shape(op.output);
  write_http_bindings(model, shape, output, r);
  std::string_view service_ns = model.info ? model.info->xml_namespace : std::string_view{};
  if (const Member* stream = event_stream_member(model, shape)) {
    EventStreamFormat format{"text/xml", [&](const Member* member, ShapeIndex target, const Value& v) {
                               xml::Writer out;
                               const Shape& s = model.shape(target);
                               std::string_view name = member && !member->xml_name.empty() ? member->xml_name
                                                       : !s.xml_name.empty()                ? s.xml_name
                                                                                            : s.name;
                               open_root(out, name, {});
                               XmlOutput(model, out).write_value(member, target, v, 0);
                               out.close();
                               return out.take();
                             }};
    r.body = frame_event_stream(model, *stream, output, format);
    // A member bound to Content-Type (Lambda's ResponseStreamContentType) keeps its value.
    if (!r.headers.contains("content-type")) r.headers.set("Content-Type", std::string(kEventStreamContentType));
    return r;
  }

  xml::Writer xml;
  XmlOutput out(model, xml);
  if (const Member* payload = payload_member(shape)) {
    if (is_raw_payload(model, *payload)) {
      write_raw_payload(model, *payload, output, r);
      return r;
    }
    const Value* v = output.find(payload->name);
    if (!v || v->is_null()) return r;
    const Shape& target = model.shape(payload->target);
    std::string_view name = !payload->xml_name.empty() ? payload->xml_name
                            : !target.xml_name.empty() ? target.xml_name
                                                       : target.name;
    std::string_view ns = !payload->xml_namespace.empty() ? payload->xml_namespace
                          : !target.xml_namespace.empty()  ? target.xml_namespace
                                                           : service_ns;
    open_root(xml, name, ns);
    out.write_value(payload, payload->target, *v, 0);
  } else {
    if (!has_body_members(shape)) return r;  // everything travels in headers: no body
    std::string_view name = shape.xml_name.empty() ? shape.name : shape.xml_name;
    std::string_view ns = shape.xml_namespace.empty() ? service_ns : shape.xml_namespace;
    open_root(xml, name, ns);
    out.write_members(shape, output, true, 0);
  }
  xml.close();
  r.body = xml.take();
  if (!r.headers.contains("content-type")) r.headers.set("Content-Type", "application/xml");
  return r;
}

Response serialize_rest_xml_error(const catalog::Service& service, const AwsError& error, const RequestContext& ctx) {
  Response r;
  r.status = error.status;
  add_request_id_headers(&service, ctx, r);
  xml::Writer xml;
  if (is_s3(&service)) {
    open_root(xml, "Error", {});
    xml.element("Code", error.code);
    xml.element("Message", error.message);
    xml.element("RequestId", ctx.request_id);
    xml.element("HostId", r.headers.get("x-amz-id-2"));
    r.headers.set("Content-Type", "application/xml");
  } else {
    open_root(xml, "ErrorResponse", service.xml_namespace);
    xml.open("Error");
    xml.element("Type", error.sender_fault ? "Sender" : "Receiver");
    xml.element("Code", error.code);
    xml.element("Message", error.message);
    xml.close();
    xml.element("RequestId", ctx.request_id);
    r.headers.set("Content-Type", "text/xml");
  }
  xml.close();
  r.body = xml.take();
  return r;
}

}  // namespace rime::proto
