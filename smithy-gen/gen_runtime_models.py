#!/usr/bin/env python3
"""Runtime models for tests: one JSON file per service with the resolved shape model in the
terms of protocols/model.h, read back by tests/support/runtime_model.{h,cc} (the conformance
echo, tests/conformance/ECHO.md). Test-only output: never committed, never built into rime.

    python3 smithy-gen/gen_runtime_models.py --models DIR --out OUT [--services a,b]

Each OUT/<name>.json (compact) is:

  {"format": "rime-runtime-model/1", "service": name,
   "shapes": [shape...],          # indexed by ShapeIndex
   "operations": [operation...],  # sorted by name
   "errors": [ShapeIndex...]}     # service-level errors

  shape:     {"name", "type", ["flags": [..]], ["timestamp_format"], ["members": [member..]],
              ["enum_values"], ["int_enum_values"], ["length_min"], ["length_max"],
              ["range_min"], ["range_max"], ["pattern"], ["xml_name"], ["xml_namespace"],
              ["xml_namespace_prefix"], ["media_type"], ["http_error"], ["query_error_code"],
              ["query_error_status"]}
  member:    {"name", "target", ["location"], ["location_name"], ["timestamp_format"],
              ["flags": [..]], ["json_name"], ["xml_name"], ["ec2_query_name"],
              ["xml_namespace"], ["xml_namespace_prefix"], ["default_json"]}
  operation: {"name", "input": index|null, "output": index|null, "errors": [..],
              "http_method", "http_uri", "http_code"}

Optional keys are left out when they hold model.h's default ("" / 0 / kBody / kDefault / no
flags). Enumerations use model.h's names in snake case without the k ("structure",
"prefix_headers", "epoch_seconds"; flags "required", "xml_flattened", "event_stream", ...).
The has-length/has-range flags are implied by the presence of the bounds.

Resolution rules:
* Shapes: the closure of every operation's input, output and errors and the service's errors,
  numbered in discovery order (operations by name). smithy.api#Unit (or any @unitType shape) as
  an operation's input or output is null; a union member targeting Unit gets an empty structure
  shape "Unit".
* @default(null) (a member opting out of its target's default) is no default: no has_default
  flag, no default_json.
* Member-level constraint traits (@length, @range, @pattern) apply to the member's value, and
  model.h keeps constraints on shapes only: such a member targets a copy of its target with the
  member's constraints applied (same name; identical copies shared).
* Location: @httpLabel, @httpQuery, @httpQueryParams, @httpHeader, @httpPrefixHeaders,
  @httpPayload, @httpResponseCode, @eventHeader (header named by the member), @eventPayload; else body. location_name: the header name, query key, header
  prefix, or the label's name (the member name). @hostLabel is a flag (the member also travels
  where its other bindings say).
* timestamp_format of a member: its own @timestampFormat, else its target's.
* Enum values: enum shapes (each member's @enumValue, else its name), intEnum shapes, and the
  legacy @enum trait on strings (which stay type "string").
* Operations as the catalog has them (services.py): the service's and its resources', each name
  once; RPC protocols are POST "/" 200 whatever @http says.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections import deque
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

import inputs as inputs_mod  # noqa: E402
from services import RPC_PROTOCOLS, _operation, facts_from_model  # noqa: E402
from smithy import Member, Model, Shape, ShapeId  # noqa: E402

FORMAT = "rime-runtime-model/1"
UNIT = ShapeId("smithy.api", "Unit")

_TYPES = {
    "blob": "blob", "boolean": "boolean", "string": "string", "enum": "enum", "byte": "byte",
    "short": "short", "integer": "integer", "intEnum": "int_enum", "long": "long", "float": "float",
    "double": "double", "bigInteger": "big_integer", "bigDecimal": "big_decimal",
    "timestamp": "timestamp", "document": "document", "list": "list", "set": "list", "map": "map",
    "structure": "structure", "union": "union",
}
_TIMESTAMP_FORMATS = {"date-time": "date_time", "http-date": "http_date",
                      "epoch-seconds": "epoch_seconds"}
# Member traits that constrain the member's value; model.h keeps them on shapes.
_CONSTRAINTS = ("smithy.api#length", "smithy.api#range", "smithy.api#pattern")


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


class _Builder:
    """The shape table of one service: discovery-ordered, with member-constraint variants."""

    def __init__(self, model: Model):
        self.model = model
        self.index: dict[Any, int] = {}  # ShapeId, or (ShapeId, constraints json) for variants
        self.shapes: list[dict[str, Any] | None] = []
        self.pending: deque[tuple[int, Shape, dict[str, Any]]] = deque()

    def ref(self, sid: ShapeId, overrides: dict[str, Any] | None = None) -> int:
        key: Any = sid
        if overrides:
            key = (sid, json.dumps(overrides, sort_keys=True))
        found = self.index.get(key)
        if found is not None:
            return found
        shape = self.model.shape(sid)
        if shape.type not in _TYPES:
            raise ValueError(f"{self.model.source}: {sid} ({shape.type}) is not a data shape")
        i = len(self.shapes)
        self.index[key] = i
        self.shapes.append(None)
        self.pending.append((i, shape, overrides or {}))
        return i

    def drain(self) -> None:
        while self.pending:
            i, shape, overrides = self.pending.popleft()
            self.shapes[i] = self._shape(shape, overrides)

    # -- shapes -----------------------------------------------------------------------------

    def _shape(self, shape: Shape, overrides: dict[str, Any]) -> dict[str, Any]:
        traits = dict(shape.traits)
        traits.update(overrides)
        out: dict[str, Any] = {"name": shape.name, "type": _TYPES[shape.type]}
        flags = []
        if "smithy.api#sparse" in traits:
            flags.append("sparse")
        if "smithy.api#streaming" in traits:
            flags.append("streaming")
            if shape.type == "union":
                flags.append("event_stream")
        if "smithy.api#sensitive" in traits:
            flags.append("sensitive")
        error = traits.get("smithy.api#error")
        if error == "client":
            flags.append("client_error")
        elif error == "server":
            flags.append("server_error")
        if flags:
            out["flags"] = flags
        tf = traits.get("smithy.api#timestampFormat")
        if tf is not None:
            out["timestamp_format"] = _TIMESTAMP_FORMATS[tf]

        if shape.type in ("structure", "union"):
            out["members"] = [self._member(m) for m in shape.members.values()]
        elif shape.type in ("list", "set"):
            if "member" not in shape.members:
                raise ValueError(f"{self.model.source}: list {shape.id} has no member")
            out["members"] = [self._member(shape.members["member"])]
        elif shape.type == "map":
            if "key" not in shape.members or "value" not in shape.members:
                raise ValueError(f"{self.model.source}: map {shape.id} lacks key or value")
            out["members"] = [self._member(shape.members["key"]), self._member(shape.members["value"])]
        elif shape.type == "enum":
            out["enum_values"] = [_enum_value(m, str) for m in shape.members.values()]
        elif shape.type == "intEnum":
            out["int_enum_values"] = [_enum_value(m, int) for m in shape.members.values()]
        legacy = traits.get("smithy.api#enum")
        if isinstance(legacy, list) and shape.type == "string":
            out["enum_values"] = [e["value"] for e in legacy]

        length = traits.get("smithy.api#length")
        if isinstance(length, dict):
            for bound in ("min", "max"):
                if length.get(bound) is not None:
                    out[f"length_{bound}"] = int(length[bound])
        rng = traits.get("smithy.api#range")
        if isinstance(rng, dict):
            for bound in ("min", "max"):
                if rng.get(bound) is not None:
                    out[f"range_{bound}"] = rng[bound]
        for trait, key in (("smithy.api#pattern", "pattern"), ("smithy.api#xmlName", "xml_name"),
                           ("smithy.api#mediaType", "media_type")):
            if _str(traits.get(trait)):
                out[key] = traits[trait]
        ns = traits.get("smithy.api#xmlNamespace")
        if isinstance(ns, dict):
            if _str(ns.get("uri")):
                out["xml_namespace"] = ns["uri"]
            if _str(ns.get("prefix")):
                out["xml_namespace_prefix"] = ns["prefix"]
        if traits.get("smithy.api#httpError") is not None:
            out["http_error"] = int(traits["smithy.api#httpError"])
        qe = traits.get("aws.protocols#awsQueryError")
        if isinstance(qe, dict):
            if _str(qe.get("code")):
                out["query_error_code"] = qe["code"]
            if qe.get("httpResponseCode") is not None:
                out["query_error_status"] = int(qe["httpResponseCode"])
        return out

    # -- members ----------------------------------------------------------------------------

    def _member(self, m: Member) -> dict[str, Any]:
        t = m.traits
        overrides = {k: t[k] for k in _CONSTRAINTS if k in t}
        target = self.model.shape(m.target)
        out: dict[str, Any] = {"name": m.name, "target": self.ref(m.target, overrides)}

        location, location_name = "body", ""
        if "smithy.api#httpLabel" in t:
            location, location_name = "label", m.name
        elif "smithy.api#httpQuery" in t:
            location, location_name = "query", t["smithy.api#httpQuery"]
        elif "smithy.api#httpQueryParams" in t:
            location = "query_params"
        elif "smithy.api#httpHeader" in t:
            location, location_name = "header", t["smithy.api#httpHeader"]
        elif "smithy.api#httpPrefixHeaders" in t:
            location, location_name = "prefix_headers", t["smithy.api#httpPrefixHeaders"]
        elif "smithy.api#httpPayload" in t:
            location = "payload"
        elif "smithy.api#httpResponseCode" in t:
            location = "status_code"
        elif "smithy.api#eventHeader" in t:  # event-stream members: an event header named by the member
            location, location_name = "header", m.name
        elif "smithy.api#eventPayload" in t:
            location = "payload"
        if location != "body":
            out["location"] = location
        if location_name:
            out["location_name"] = location_name

        tf = t.get("smithy.api#timestampFormat") or target.trait("smithy.api#timestampFormat")
        if tf is not None:
            out["timestamp_format"] = _TIMESTAMP_FORMATS[tf]

        flags = []
        if "smithy.api#required" in t:
            flags.append("required")
        if "smithy.api#xmlAttribute" in t:
            flags.append("xml_attribute")
        if "smithy.api#xmlFlattened" in t:
            flags.append("xml_flattened")
        if "smithy.api#idempotencyToken" in t:
            flags.append("idempotency_token")
        default = t.get("smithy.api#default")
        if default is not None:
            flags.append("has_default")
        if "smithy.api#hostLabel" in t:
            flags.append("host_label")
        if flags:
            out["flags"] = flags

        for trait, key in (("smithy.api#jsonName", "json_name"), ("smithy.api#xmlName", "xml_name"),
                           ("aws.protocols#ec2QueryName", "ec2_query_name")):
            if _str(t.get(trait)):
                out[key] = t[trait]
        ns = t.get("smithy.api#xmlNamespace")
        if isinstance(ns, dict):
            if _str(ns.get("uri")):
                out["xml_namespace"] = ns["uri"]
            if _str(ns.get("prefix")):
                out["xml_namespace_prefix"] = ns["prefix"]
        if default is not None:
            out["default_json"] = json.dumps(default, separators=(",", ":"), ensure_ascii=False)
        return out


def _enum_value(m: Member, kind: type) -> Any:
    value = m.trait("smithy.api#enumValue")
    if value is None:
        if kind is int:
            raise ValueError(f"intEnum member {m.name} has no @enumValue")
        return m.name
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"enum member {m.name}: @enumValue {value!r} is not {kind.__name__}")
    return value


def build(name: str, model: Model, manifest_entry: dict[str, Any] | None) -> dict[str, Any]:
    """The runtime model document of one service."""
    service = model.service()
    protocols = (manifest_entry or {}).get("protocols") or facts_from_model(model)["protocols"]
    rpc = all(p in RPC_PROTOCOLS for p in protocols)
    b = _Builder(model)

    def io(sid: ShapeId | None) -> int | None:
        if sid is None or sid == UNIT or model.shape(sid).has_trait("smithy.api#unitType"):
            return None
        return b.ref(sid)

    by_name: dict[str, Shape] = {}
    for op in model.operations_of(service):
        by_name.setdefault(op.name, op)
    operations = []
    for op_name in sorted(by_name):
        op = by_name[op_name]
        http = _operation(op, rpc)
        entry = {"name": op_name, "input": io(op.ref("input")), "output": io(op.ref("output"))}
        entry["errors"] = [b.ref(e) for e in op.ref_list("errors")]
        entry.update(http_method=http.http_method, http_uri=http.http_uri, http_code=http.http_code)
        operations.append(entry)
        b.drain()
    errors = [b.ref(e) for e in service.ref_list("errors")]
    b.drain()
    return {"format": FORMAT, "service": name, "shapes": b.shapes, "operations": operations,
            "errors": errors}


def _files(models_dir: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    manifest = os.path.join(models_dir, inputs_mod.MANIFEST)
    if os.path.isfile(manifest):
        with open(manifest, "rb") as f:
            return [(e["name"], e["file"], e) for e in json.load(f)]
    return [(n, rel, None) for n, rel in inputs_mod._api_models_layout(models_dir)]


def _write(out_dir: str, job: tuple[str, str, dict[str, Any] | None], models_dir: str) -> int:
    name, relpath, entry = job
    with open(os.path.join(models_dir, relpath), "rb") as f:
        model = Model.from_bytes(f.read(), relpath)
    doc = build(name, model, entry)
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    path = os.path.join(out_dir, f"{name}.json")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return len(doc["shapes"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gen_runtime_models",
                                     description="Write test runtime models (protocols/model.h terms) as JSON.")
    parser.add_argument("--models", required=True, help="models folder (manifest.json + <name>.json)")
    parser.add_argument("--out", required=True, help="folder to write <service>.json into")
    parser.add_argument("--services", default="", help="comma-separated service names (default: all)")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.models):
        print(f"gen_runtime_models: models folder not found: {args.models}", file=sys.stderr)
        return 2
    gc.disable()  # as cli.py: the parsed models hold no garbage cycles worth collecting
    jobs = _files(args.models)
    if args.services:
        wanted = {s.strip() for s in args.services.split(",") if s.strip()}
        unknown = wanted - {j[0] for j in jobs}
        if unknown:
            print(f"gen_runtime_models: unknown services: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        jobs = [j for j in jobs if j[0] in wanted]
    os.makedirs(args.out, exist_ok=True)
    shapes = 0
    for job in sorted(jobs, key=lambda j: j[0]):
        try:
            shapes += _write(args.out, job, args.models)
        except (ValueError, KeyError) as e:
            print(f"gen_runtime_models: {job[0]}: {e}", file=sys.stderr)
            return 1
    print(f"gen_runtime_models: {len(jobs)} services, {shapes} shapes -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
