"""A loaded Smithy 2.0 JSON AST model: shape ids, shapes, members and traits.

Shapes are built lazily from the parsed JSON on first access and cached, so loading all 439
AWS models stays cheap when a generator only needs the service closure (the catalog), while a
generator that needs full shapes (typed structs) gets the same objects with members resolved.
Trait values are kept as the JSON the AST holds (absolute shape ids, plain dicts/lists).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, NamedTuple

PRELUDE = "smithy.api"

# Simple prelude shapes (smithy.api#String, ...) that models target without defining them.
_PRELUDE_TYPES = {
    "Blob": "blob", "Boolean": "boolean", "String": "string", "Byte": "byte", "Short": "short",
    "Integer": "integer", "Long": "long", "Float": "float", "Double": "double",
    "BigInteger": "bigInteger", "BigDecimal": "bigDecimal", "Timestamp": "timestamp",
    "Document": "document", "PrimitiveBoolean": "boolean", "PrimitiveByte": "byte",
    "PrimitiveShort": "short", "PrimitiveInteger": "integer", "PrimitiveLong": "long",
    "PrimitiveFloat": "float", "PrimitiveDouble": "double", "Unit": "structure",
}

# The lifecycle properties of a resource that bind one operation each (Smithy 2.0 spec).
RESOURCE_LIFECYCLE = ("create", "put", "read", "update", "delete", "list")


class ShapeId(NamedTuple):
    """An absolute shape id: `namespace#Name` or `namespace#Name$member`."""

    namespace: str
    name: str
    member: str | None = None

    @staticmethod
    def parse(text: str) -> "ShapeId":
        cached = _PARSED.get(text)
        if cached is not None:
            return cached
        ns, sep, rest = text.partition("#")
        if not sep or not ns or not rest:
            raise ValueError(f"not an absolute shape id: {text!r}")
        name, _, member = rest.partition("$")
        parsed = ShapeId(ns, name, member or None)
        _PARSED[text] = parsed
        return parsed

    def __str__(self) -> str:
        base = f"{self.namespace}#{self.name}"
        return f"{base}${self.member}" if self.member else base


# Shape ids repeat across a model (every reference to a shape); parse each text once.
_PARSED: dict[str, ShapeId] = {}


@dataclass
class Member:
    """A member of a structure, union, enum, list (`member`) or map (`key`, `value`)."""

    name: str
    target: ShapeId
    traits: dict[str, Any] = field(default_factory=dict)

    def trait(self, trait_id: str, default: Any = None) -> Any:
        return self.traits.get(trait_id, default)

    def has_trait(self, trait_id: str) -> bool:
        return trait_id in self.traits


@dataclass
class Shape:
    """One shape with its members and references resolved to ShapeIds.

    `members` holds structure/union/enum/intEnum members in model order, a list's `member`
    and a map's `key`/`value`. `refs` holds the named references of aggregate shapes
    (operation: input, output, errors; service: operations, resources, errors; resource:
    the lifecycle operations, operations, collectionOperations, resources, identifiers,
    properties), each a list of ShapeIds, or a dict name -> ShapeId for identifiers and
    properties.
    """

    id: ShapeId
    type: str
    traits: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    refs: dict[str, Any] = field(default_factory=dict)
    version: str | None = None  # service shapes only
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.id.name

    def trait(self, trait_id: str, default: Any = None) -> Any:
        return self.traits.get(trait_id, default)

    def has_trait(self, trait_id: str) -> bool:
        return trait_id in self.traits

    def ref(self, key: str) -> ShapeId | None:
        """A single reference (operation input/output, resource lifecycle operation)."""
        value = self.refs.get(key)
        return value[0] if value else None

    def ref_list(self, key: str) -> list[ShapeId]:
        return list(self.refs.get(key) or [])


def _target(obj: dict[str, Any]) -> ShapeId:
    return ShapeId.parse(obj["target"])


def _member(name: str, obj: dict[str, Any]) -> Member:
    return Member(name, _target(obj), obj.get("traits", {}))


def _build_shape(shape_id: ShapeId, raw: dict[str, Any]) -> Shape:
    kind = raw["type"]
    shape = Shape(shape_id, kind, raw.get("traits", {}), raw=raw)
    if kind in ("structure", "union", "enum", "intEnum"):
        shape.members = {n: _member(n, m) for n, m in raw.get("members", {}).items()}
    elif kind in ("list", "set"):
        if "member" in raw:
            shape.members = {"member": _member("member", raw["member"])}
    elif kind == "map":
        shape.members = {k: _member(k, raw[k]) for k in ("key", "value") if k in raw}
    elif kind == "operation":
        for key in ("input", "output"):
            if key in raw:
                shape.refs[key] = [_target(raw[key])]
        shape.refs["errors"] = [_target(e) for e in raw.get("errors", [])]
    elif kind == "service":
        shape.version = raw.get("version")
        for key in ("operations", "resources", "errors"):
            shape.refs[key] = [_target(e) for e in raw.get(key, [])]
    elif kind == "resource":
        for key in RESOURCE_LIFECYCLE:
            if key in raw:
                shape.refs[key] = [_target(raw[key])]
        for key in ("operations", "collectionOperations", "resources"):
            shape.refs[key] = [_target(e) for e in raw.get(key, [])]
        for key in ("identifiers", "properties"):
            shape.refs[key] = {n: _target(t) for n, t in raw.get(key, {}).items()}
    return shape


class Model:
    """The shapes of one model file, built on demand from the parsed JSON AST."""

    def __init__(self, document: dict[str, Any], source: str = "<memory>"):
        if not str(document.get("smithy", "")).startswith("2"):
            raise ValueError(f"{source}: not a Smithy 2.0 JSON AST model")
        self.source = source
        self.metadata: dict[str, Any] = document.get("metadata", {})
        self._raw: dict[str, dict[str, Any]] = document.get("shapes", {})
        self._cache: dict[ShapeId, Shape] = {}

    @staticmethod
    def from_bytes(data: bytes, source: str = "<memory>") -> "Model":
        return Model(json.loads(data), source)

    def __contains__(self, shape_id: ShapeId | str) -> bool:
        return str(shape_id) in self._raw or self._prelude(shape_id) is not None

    def ids(self) -> Iterator[ShapeId]:
        """Every shape id the file defines, in file order."""
        return (ShapeId.parse(k) for k in self._raw)

    def ids_of_type(self, kind: str) -> list[ShapeId]:
        return [ShapeId.parse(k) for k, v in self._raw.items() if v.get("type") == kind]

    def shape(self, shape_id: ShapeId | str) -> Shape:
        sid = shape_id if isinstance(shape_id, ShapeId) else ShapeId.parse(shape_id)
        cached = self._cache.get(sid)
        if cached is not None:
            return cached
        raw = self._raw.get(str(sid))
        if raw is not None:
            shape = _build_shape(sid, raw)
        else:
            shape = self._prelude(sid)
            if shape is None:
                raise KeyError(f"{self.source}: unknown shape {sid}")
        self._cache[sid] = shape
        return shape

    @staticmethod
    def _prelude(shape_id: ShapeId | str) -> Shape | None:
        sid = shape_id if isinstance(shape_id, ShapeId) else ShapeId.parse(shape_id)
        if sid.namespace != PRELUDE or sid.name not in _PRELUDE_TYPES:
            return None
        kind = _PRELUDE_TYPES[sid.name]
        traits = {"smithy.api#unitType": {}} if sid.name == "Unit" else {}
        return Shape(sid, kind, traits)

    def service(self) -> Shape:
        """The model's one service shape (AWS publishes one service per file)."""
        ids = self.ids_of_type("service")
        if len(ids) != 1:
            raise ValueError(f"{self.source}: expected one service shape, found {len(ids)}")
        return self.shape(ids[0])

    def operations_of(self, service: Shape) -> list[Shape]:
        """Every operation bound to the service: its own and those of its resources, recursively.

        In binding order, each operation once (a shape bound twice is listed at its first
        binding).
        """
        # Iterative on purpose: a recursive closure would form a reference cycle holding the
        # whole model, which the generator (running with the cyclic collector off) never frees.
        seen: set[ShapeId] = set()
        found: list[Shape] = []
        for sid in service.ref_list("operations"):
            if sid not in seen:
                seen.add(sid)
                found.append(self.shape(sid))
        visited: set[ShapeId] = set()
        stack = list(reversed(service.ref_list("resources")))
        while stack:
            rid = stack.pop()
            if rid in visited:
                continue
            visited.add(rid)
            resource = self.shape(rid)
            bound = [resource.ref(k) for k in RESOURCE_LIFECYCLE]
            bound += resource.ref_list("operations") + resource.ref_list("collectionOperations")
            for sid in bound:
                if sid is not None and sid not in seen:
                    seen.add(sid)
                    found.append(self.shape(sid))
            stack.extend(reversed(resource.ref_list("resources")))
        return found
