"""services/<name>/generated/<name>_model.{h,cc}: the runtime shape model (protocols/model.h)
of one implemented service as constant tables.

Everything but the ServiceModel object is constexpr in an anonymous namespace, so the tables
are constant-initialised (no dynamic initializer); the ServiceModel itself is a function-local
static because its `info` comes from a lookup in the catalog (done once, on first use).
"""

from __future__ import annotations

import json
from typing import Any

from cpp import Namer, pascal_case, string_literal, sv
from service_shapes import ServiceShapes, TableShape, shape_kind
from smithy import Member

_SHAPE_TYPES = {
    "blob": "kBlob", "boolean": "kBoolean", "string": "kString", "enum": "kEnum",
    "byte": "kByte", "short": "kShort", "integer": "kInteger", "intEnum": "kIntEnum",
    "long": "kLong", "float": "kFloat", "double": "kDouble", "bigInteger": "kBigInteger",
    "bigDecimal": "kBigDecimal", "timestamp": "kTimestamp", "document": "kDocument",
    "list": "kList", "map": "kMap", "structure": "kStructure", "union": "kUnion",
}
_TIMESTAMP_FORMATS = {"date-time": "kDateTime", "http-date": "kHttpDate",
                      "epoch-seconds": "kEpochSeconds"}
# HTTP binding traits -> (Location, what location_name holds). hostLabel is a flag, not a
# location: Smithy's protocol tests (EndpointWithHostLabelOperation) send a host-label member in
# the body as well, so it keeps the location its other traits give it. Members of event
# structures bound with @eventHeader / @eventPayload travel as an event header (named by the
# member) / the event payload.
_LOCATIONS = (
    ("smithy.api#httpHeader", "kHeader", "trait"),
    ("smithy.api#httpPrefixHeaders", "kPrefixHeaders", "trait"),
    ("smithy.api#httpQuery", "kQuery", "trait"),
    ("smithy.api#httpQueryParams", "kQueryParams", ""),
    ("smithy.api#httpLabel", "kLabel", "member"),
    ("smithy.api#httpPayload", "kPayload", ""),
    ("smithy.api#httpResponseCode", "kStatusCode", ""),
    ("smithy.api#eventHeader", "kHeader", "member"),
    ("smithy.api#eventPayload", "kPayload", ""),
)
_MEMBER_FLAGS = (
    ("smithy.api#required", "kRequired"),
    ("smithy.api#xmlAttribute", "kXmlAttribute"),
    ("smithy.api#xmlFlattened", "kXmlFlattened"),
    ("smithy.api#idempotencyToken", "kIdempotencyToken"),
    ("smithy.api#hostLabel", "kHostLabel"),
)


def _flags(names: list[str], prefix: str) -> str:
    return " | ".join(f"{prefix}::{n}" for n in names)


def _double(value: Any) -> str:
    """A C++ double literal (always with '.' or an exponent: no narrowing from an integer)."""
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):
        raise SystemExit(f"smithy-gen: range bound {value!r} is not a finite number")
    return text


def _int64(value: Any) -> str:
    n = int(value)
    if n == -(1 << 63):
        return "std::numeric_limits<std::int64_t>::min()"
    return str(n)


def _default_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def _timestamp_format(traits: dict[str, Any]) -> str | None:
    fmt = traits.get("smithy.api#timestampFormat")
    if fmt is None:
        return None
    if fmt not in _TIMESTAMP_FORMATS:
        raise SystemExit(f"smithy-gen: unknown timestampFormat {fmt!r}")
    return _TIMESTAMP_FORMATS[fmt]


def _fields(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(f".{k} = {v}" for k, v in pairs)


def _member(view: ServiceShapes, m: Member) -> str:
    target = view.member_target(m)
    fields = [("name", sv(m.name)), ("target", target.ident)]
    location, location_name = "", ""
    for trait, loc, holds in _LOCATIONS:
        if trait in m.traits:
            location = loc
            if holds == "trait":
                location_name = str(m.traits[trait])
            elif holds == "member":
                location_name = m.name
            break
    if location:
        fields.append(("location", f"Location::{location}"))
    fmt = _timestamp_format(m.traits) or _timestamp_format(target.traits)
    if fmt:
        fields.append(("timestamp_format", f"TimestampFormat::{fmt}"))
    flags = [f for t, f in _MEMBER_FLAGS if t in m.traits]
    # @default(null) is a member opting out of its target's default: no default at all.
    default = m.traits.get("smithy.api#default")
    if default is not None:
        flags.insert(flags.index("kHostLabel") if "kHostLabel" in flags else len(flags), "kHasDefault")
    if flags:
        fields.append(("flags", _flags(flags, "mf")))
    if location_name:
        fields.append(("location_name", sv(location_name)))
    for trait, field in (("smithy.api#jsonName", "json_name"), ("smithy.api#xmlName", "xml_name"),
                         ("aws.protocols#ec2QueryName", "ec2_query_name")):
        if trait in m.traits:
            fields.append((field, sv(str(m.traits[trait]))))
    ns = m.traits.get("smithy.api#xmlNamespace")
    if isinstance(ns, dict) and ns.get("uri"):
        fields.append(("xml_namespace", sv(ns["uri"])))
    if default is not None:
        fields.append(("default_json", sv(_default_json(default))))
    if isinstance(ns, dict) and ns.get("prefix"):
        fields.append(("xml_namespace_prefix", sv(ns["prefix"])))
    return "{" + _fields(fields) + "}"


def _enum_values(row: TableShape) -> list[str] | None:
    shape = row.shape
    if shape.type == "enum":
        return [str(m.trait("smithy.api#enumValue", m.name)) for m in shape.members.values()]
    legacy = row.traits.get("smithy.api#enum")
    if shape.type == "string" and isinstance(legacy, list):
        return [str(e["value"]) for e in legacy]
    return None


def _shape_flags(row: TableShape) -> list[str]:
    t, kind = row.traits, shape_kind(row.shape)
    flags = []
    if "smithy.api#sparse" in t:
        flags.append("kSparse")
    if "smithy.api#streaming" in t:
        flags.append("kStreaming")
    if "smithy.api#sensitive" in t:
        flags.append("kSensitive")
    error = t.get("smithy.api#error")
    if error == "client":
        flags.append("kClientError")
    elif error == "server":
        flags.append("kServerError")
    length = t.get("smithy.api#length") or {}
    if "min" in length:
        flags.append("kHasLengthMin")
    if "max" in length:
        flags.append("kHasLengthMax")
    rng = t.get("smithy.api#range") or {}
    if "min" in rng:
        flags.append("kHasRangeMin")
    if "max" in rng:
        flags.append("kHasRangeMax")
    if kind == "union" and "smithy.api#streaming" in t:
        flags.append("kEventStream")
    return flags


class _Emitter:
    def __init__(self, view: ServiceShapes):
        self.view = view
        self.names = Namer({row.ident for row in view.table})
        self.lines: list[str] = []

    def array_name(self, base: str) -> str:
        return self.names.take(base)

    def shape_entry(self, row: TableShape, members: str | None, values: str | None,
                    int_values: str | None) -> str:
        t, kind = row.traits, shape_kind(row.shape)
        fields = [("name", sv(row.shape.name)), ("type", f"ShapeType::{_SHAPE_TYPES[kind]}")]
        flags = _shape_flags(row)
        if flags:
            fields.append(("flags", _flags(flags, "sf")))
        fmt = _timestamp_format(t)
        if fmt:
            fields.append(("timestamp_format", f"TimestampFormat::{fmt}"))
        if members:
            fields.append(("members", members))
        if values:
            fields.append(("enum_values", values))
        if int_values:
            fields.append(("int_enum_values", int_values))
        length = t.get("smithy.api#length") or {}
        if "min" in length:
            fields.append(("length_min", _int64(length["min"])))
        if "max" in length:
            fields.append(("length_max", _int64(length["max"])))
        rng = t.get("smithy.api#range") or {}
        if "min" in rng:
            fields.append(("range_min", _double(rng["min"])))
        if "max" in rng:
            fields.append(("range_max", _double(rng["max"])))
        if "smithy.api#pattern" in t:
            fields.append(("pattern", sv(str(t["smithy.api#pattern"]))))
        if "smithy.api#xmlName" in t:
            fields.append(("xml_name", sv(str(t["smithy.api#xmlName"]))))
        ns = t.get("smithy.api#xmlNamespace")
        if isinstance(ns, dict) and ns.get("uri"):
            fields.append(("xml_namespace", sv(ns["uri"])))
        if "smithy.api#mediaType" in t:
            fields.append(("media_type", sv(str(t["smithy.api#mediaType"]))))
        if "smithy.api#httpError" in t:
            fields.append(("http_error", str(int(t["smithy.api#httpError"]))))
        query_error = t.get("aws.protocols#awsQueryError")
        if isinstance(query_error, dict):
            fields.append(("query_error_code", sv(str(query_error.get("code", "")))))
            fields.append(("query_error_status", str(int(query_error.get("httpResponseCode", 0)))))
        if isinstance(ns, dict) and ns.get("prefix"):
            fields.append(("xml_namespace_prefix", sv(ns["prefix"])))
        return "{" + _fields(fields) + "}"

    def emit(self) -> str:
        view, out = self.view, self.lines
        out.append("// Shape indices: the position of each shape in kShapes.")
        out.append("enum : ShapeIndex {")
        for row in view.table:
            note = f"  // {row.shape.id}" + (f", as constrained by {row.copy_of}" if row.copy_of else "")
            out.append(f"  {row.ident} = {row.index},{note}")
        out.append("};")
        out.append("")
        entries: list[str] = []
        # Arrays per model shape; a constrained copy (always after its shape) reuses them.
        arrays: dict[object, tuple[str | None, str | None, str | None]] = {}
        for row in view.table:
            if row.copy_of:
                entries.append(self.shape_entry(row, *arrays[row.shape.id]))
                continue
            members = values = int_values = None
            kind = shape_kind(row.shape)
            if kind in ("structure", "union", "list", "map") and row.shape.members:
                members = self.array_name(f"{row.ident}Members")
                out.append(f"constexpr Member {members}[] = {{")
                for m in row.shape.members.values():
                    out.append(f"    {_member(view, m)},")
                out.append("};")
            enum = _enum_values(row)
            if enum:
                values = self.array_name(f"{row.ident}Values")
                out.append(f"constexpr std::string_view {values}[] = {{")
                out += [f"    {sv(v)}," for v in enum]
                out.append("};")
            if row.shape.type == "intEnum" and row.shape.members:
                int_values = self.array_name(f"{row.ident}IntValues")
                nums = [_int64(m.trait("smithy.api#enumValue", 0)) for m in row.shape.members.values()]
                out.append(f"constexpr std::int64_t {int_values}[] = {{{', '.join(nums)}}};")
            arrays[row.shape.id] = (members, values, int_values)
            entries.append(self.shape_entry(row, members, values, int_values))
        out.append("")
        if view.table:
            out.append("constexpr Shape kShapes[] = {")
            out += [f"    {entry}," for entry in entries]
            out.append("};")
            out.append(f"static_assert(std::size(kShapes) == {len(view.table)});")
        out.append("")
        errors: dict[str, str] = {}
        for op in view.operations:
            if op.errors:
                name = self.array_name(f"k{pascal_case(op.name)}Errors")
                idents = ", ".join(view.table[view.index_of(e)].ident for e in op.errors)
                out.append(f"constexpr ShapeIndex {name}[] = {{{idents}}};")
                errors[op.name] = name
        out.append("")
        if view.operations:
            out.append("// Sorted by name.")
            out.append("constexpr Operation kOperations[] = {")
        for op in view.operations:
            inp = view.table[view.index_of(op.input)].ident if op.input else "kNoShape"
            outp = view.table[view.index_of(op.output)].ident if op.output else "kNoShape"
            fields = [("name", sv(op.name)), ("input", inp), ("output", outp)]
            if op.name in errors:
                fields.append(("errors", errors[op.name]))
            fields += [("http_method", sv(op.http_method)), ("http_uri", sv(op.http_uri)),
                       ("http_code", str(op.http_code))]
            out.append(f"    {{{_fields(fields)}}},")
        if view.operations:
            out.append("};")
        if view.service_errors:
            idents = ", ".join(view.table[view.index_of(e)].ident for e in view.service_errors)
            out.append(f"constexpr ShapeIndex kServiceErrors[] = {{{idents}}};")
        return "\n".join(out)


def model_function(view: ServiceShapes) -> str:
    return f"{view.namespace}_model"


def header(view: ServiceShapes, top: str) -> str:
    fn = model_function(view)
    return f"""{top}// The runtime shape model of {view.entry.sdk_id or view.name} ({view.service.id}): shapes, operations and errors
// as the protocol layer reads them (protocols/model.h).
#pragma once

#include "protocols/model.h"

namespace rime::{view.namespace} {{

/// The model, built on first use from constant tables ({len(view.table)} shapes, {len(view.operations)} operations).
const proto::ServiceModel& {fn}();

}}  // namespace rime::{view.namespace}
"""


def source(view: ServiceShapes, top: str, out_dir: str) -> str:
    body = _Emitter(view).emit()
    errors = "kServiceErrors" if view.service_errors else "{}"
    shapes = "kShapes" if view.table else "{}"
    operations = "kOperations" if view.operations else "{}"
    return f"""{top}// The model tables of {view.service.id}; see {view.namespace}_model.h.
#include "{out_dir}/{view.name}_model.h"

#include <cstdint>
#include <iterator>
#include <limits>
#include <string_view>

#include "services/catalog/catalog.h"

namespace rime::{view.namespace} {{
namespace {{

using namespace std::string_view_literals;
using proto::kNoShape;
using proto::Location;
using proto::Member;
using proto::Operation;
using proto::Shape;
using proto::ShapeIndex;
using proto::ShapeType;
using proto::TimestampFormat;
namespace mf = proto::member_flags;
namespace sf = proto::shape_flags;

{body}

}}  // namespace

const proto::ServiceModel& {model_function(view)}() {{
  // `info` is a lookup in the catalog's table, so the object is built on first use; the
  // tables it spans are constants.
  static const proto::ServiceModel model{{catalog::find({string_literal(view.name)}), {shapes}, {operations}, {errors}}};
  return model;
}}

}}  // namespace rime::{view.namespace}
"""
