// Event-stream outputs: an output member targeting an @streaming union (Bedrock ConverseStream,
// Lambda InvokeWithResponseStream, S3 SelectObjectContent, Kinesis SubscribeToShard) goes out as
// `application/vnd.amazon.eventstream` messages, one per event, as botocore's EventStream reads
// them. The codecs supply the document format (JSON, XML) for structured payloads.
#include <variant>

#include "protocols/codecs.h"
#include "protocols/event_stream.h"

namespace rime::proto {
namespace {

bool is_error_shape(const Shape& shape) {
  return shape.has(shape_flags::kClientError) || shape.has(shape_flags::kServerError);
}

// An @eventHeader value in the header type its target calls for; nullopt for a value of the
// wrong kind (left out, as a null member would be).
std::optional<eventstream::HeaderValue> header_value(const Shape& target, const Value& v) {
  switch (target.type) {
    case ShapeType::kBoolean:
      if (v.is_bool()) return v.as_bool();
      break;
    case ShapeType::kByte:
      if (v.is_int()) return static_cast<std::int8_t>(v.as_int());
      break;
    case ShapeType::kShort:
      if (v.is_int()) return static_cast<std::int16_t>(v.as_int());
      break;
    case ShapeType::kInteger:
    case ShapeType::kIntEnum:
      if (v.is_int()) return static_cast<std::int32_t>(v.as_int());
      break;
    case ShapeType::kLong:
      if (v.is_int()) return v.as_int();
      break;
    case ShapeType::kBlob:
      if (v.is_blob()) return eventstream::ByteArray{v.as_blob().bytes};
      if (v.is_string()) return eventstream::ByteArray{v.as_string()};
      break;
    case ShapeType::kTimestamp:
      if (v.is_timestamp()) return v.as_timestamp();
      break;
    default:
      if (v.is_string()) return v.as_string();
      break;
  }
  return std::nullopt;
}

// One event (a union value naming one member of `stream`) as a framed message; "" when the value
// names no member of the union.
std::string frame_event(const ServiceModel& model, const Shape& stream, const Value& event,
                        const EventStreamFormat& format) {
  if (!event.is_object() || event.as_object().size() != 1) return {};
  const auto& [event_type, body] = *event.as_object().begin();
  const Member* member = nullptr;
  for (const Member& m : stream.members)
    if (m.name == event_type) member = &m;
  if (!member || !body.is_object()) return {};
  const Shape& shape = model.shape(member->target);

  eventstream::Message message;
  std::string content_type;
  const Member* payload = nullptr;
  Value document = Value::object();  // the members that travel in the payload document
  for (const Member& m : shape.members) {
    if (m.location == Location::kPayload) payload = &m;  // the whole body, set or not
    const Value* v = body.find(m.name);
    if (!v || v->is_null()) continue;
    if (m.location == Location::kHeader) {
      if (auto h = header_value(model.shape(m.target), *v)) message.headers.push_back({std::string(m.name), *h});
    } else if (m.location != Location::kPayload) {
      document.set(std::string(m.name), *v);
    }
  }
  if (payload) {
    const Value* v = body.find(payload->name);
    const Shape& target = model.shape(payload->target);
    if (target.type == ShapeType::kBlob) {
      if (v && v->is_blob()) message.payload = v->as_blob().bytes;
      else if (v && v->is_string()) message.payload = v->as_string();
      content_type = "application/octet-stream";
    } else if (target.type == ShapeType::kString || target.type == ShapeType::kEnum) {
      if (v && v->is_string()) message.payload = v->as_string();
      content_type = "text/plain";
    } else if (v && !v->is_null()) {
      message.payload = format.write_document(payload, payload->target, *v);
      content_type = format.content_type;
    }
  } else {
    message.payload = format.write_document(nullptr, member->target, document);
    content_type = format.content_type;
  }

  std::vector<eventstream::Header> modeled = std::move(message.headers);
  message = is_error_shape(shape) ? eventstream::exception(event_type, std::move(message.payload), content_type)
                                  : eventstream::event(event_type, std::move(message.payload), content_type);
  for (auto& h : modeled) message.headers.push_back(std::move(h));
  auto framed = eventstream::encode(message);
  return std::holds_alternative<std::string>(framed) ? std::get<std::string>(std::move(framed)) : std::string();
}

}  // namespace

const Member* event_stream_member(const ServiceModel& model, const Shape& output) {
  for (const Member& m : output.members)
    if (model.shape(m.target).has(shape_flags::kEventStream)) return &m;
  return nullptr;
}

std::string frame_event_stream(const ServiceModel& model, const Member& stream, const Value& output,
                               const EventStreamFormat& format) {
  std::string body;
  const Value* events = output.find(stream.name);
  if (!events || !events->is_list()) return body;
  const Shape& shape = model.shape(stream.target);
  for (const Value& event : events->as_list()) body += frame_event(model, shape, event, format);
  return body;
}

std::string frame_initial_response(const Member& stream, const Value& output, const EventStreamFormat& format,
                                   ShapeIndex output_shape) {
  Value initial = Value::object();
  if (output.is_object())
    for (const auto& [name, v] : output.as_object())
      if (name != stream.name) initial.set(name, v);
  auto framed = eventstream::encode(
      eventstream::event("initial-response", format.write_document(nullptr, output_shape, initial), format.content_type));
  return std::holds_alternative<std::string>(framed) ? std::get<std::string>(std::move(framed)) : std::string();
}

}  // namespace rime::proto
