"""services/<name>/generated/<name>_types.{h,cc}: a C++ struct per structure and union shape of
one implemented service, and its conversions from and to the neutral proto::Value.

Type mapping: string, enum, blob, bigInteger, bigDecimal -> std::string (big numbers as decimal
text); boolean -> bool; byte, short, integer, intEnum -> std::int32_t; long -> std::int64_t;
float, double -> double; timestamp -> proto::Timestamp; document -> proto::Value; list ->
std::vector<T>; map -> std::map<std::string, T>; structure, union -> the struct; smithy.api#Unit
(union variants) -> rime::Unit. @required members are plain T, the others std::optional<T>.

Cycles: a member that holds a struct directly (not through a list or map) whose struct reaches
back to the holder is a rime::Boxed<T> (required or not). Structs are defined dependencies first
(strongly connected components in topological order); inside a cycle the remaining references go
through std::vector / std::map, which accept a type that is still incomplete.
"""

from __future__ import annotations

from cpp import string_literal
from service_shapes import UNIT, ServiceShapes, TableShape, shape_kind
from smithy import Member, ShapeId

_SCALARS = {
    # Smithy type -> (C++ type, codec in <name>_types.cc)
    "string": ("std::string", "String"), "enum": ("std::string", "String"),
    "blob": ("std::string", "Blob"), "boolean": ("bool", "Bool"),
    "byte": ("std::int32_t", "Int32"), "short": ("std::int32_t", "Int32"),
    "integer": ("std::int32_t", "Int32"), "intEnum": ("std::int32_t", "Int32"),
    "long": ("std::int64_t", "Int64"), "float": ("double", "Double"),
    "double": ("double", "Double"), "bigInteger": ("std::string", "Big"),
    "bigDecimal": ("std::string", "Big"), "timestamp": ("::rime::proto::Timestamp", "Time"),
    "document": ("::rime::proto::Value", "Doc"),
}
# Scalars whose plain (required) field needs `{}` to start zeroed.
_ZEROED = frozenset({"bool", "std::int32_t", "std::int64_t", "double"})


class _Types:
    """C++ types and codecs of shapes, and the struct dependency graph."""

    def __init__(self, view: ServiceShapes):
        self.view = view

    def cpp_type(self, sid: ShapeId) -> str:
        shape = self.view.model.shape(sid)
        kind = shape_kind(shape)
        if sid == UNIT or shape.has_trait("smithy.api#unitType"):
            return "::rime::Unit"
        if kind in _SCALARS:
            return _SCALARS[kind][0]
        if kind == "list":
            return f"std::vector<{self.cpp_type(shape.members['member'].target)}>"
        if kind == "map":
            return f"std::map<std::string, {self.cpp_type(shape.members['value'].target)}>"
        if kind in ("structure", "union"):
            return self.view.struct_name(sid)
        raise SystemExit(f"smithy-gen: {self.view.name}: no C++ type for {sid} ({shape.type})")

    def codec(self, sid: ShapeId) -> str:
        shape = self.view.model.shape(sid)
        kind = shape_kind(shape)
        if sid == UNIT or shape.has_trait("smithy.api#unitType"):
            return "codec::UnitValue"
        if kind in _SCALARS:
            return f"codec::{_SCALARS[kind][1]}"
        if kind == "list":
            return f"codec::ListOf<{self.codec(shape.members['member'].target)}>"
        if kind == "map":
            return f"codec::MapOf<{self.codec(shape.members['value'].target)}>"
        return f"codec::Struct<{self.view.struct_name(sid)}>"

    def references(self, sid: ShapeId) -> list[tuple[ShapeId, bool]]:
        """(struct, direct) for every struct a member type of `sid` mentions; `direct` when
        held by value rather than inside a list or map."""
        # A loop, not a nested recursive function: that would be a reference cycle holding the
        # model, which the generator (cyclic collector off) would never free.
        found: list[tuple[ShapeId, bool]] = []
        for m in self.view.model.shape(sid).members.values():
            target, direct = m.target, True
            while True:
                shape = self.view.model.shape(target)
                kind = shape_kind(shape)
                if kind == "list":
                    target, direct = shape.members["member"].target, False
                elif kind == "map":
                    target, direct = shape.members["value"].target, False
                else:
                    break
            if target in self.view.struct_names:
                found.append((target, direct))
        return found


def _components(nodes: list[ShapeId], edges: dict[ShapeId, list[ShapeId]]) -> list[list[ShapeId]]:
    """Tarjan's strongly connected components, each emitted after everything it reaches
    (dependencies first); iterative, deterministic for ordered inputs."""
    index: dict[ShapeId, int] = {}
    low: dict[ShapeId, int] = {}
    on_stack: set[ShapeId] = set()
    stack: list[ShapeId] = []
    out: list[list[ShapeId]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = edges[node]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                out.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


class _Layout:
    """Definition order of the structs and which members are boxed."""

    def __init__(self, view: ServiceShapes, types: _Types):
        nodes = [row.shape.id for row in view.structs]
        refs = {sid: types.references(sid) for sid in nodes}
        edges = {sid: list(dict.fromkeys(t for t, _ in refs[sid])) for sid in nodes}
        components = _components(nodes, edges)
        order_key = {sid: i for i, sid in enumerate(nodes)}
        self.order: list[ShapeId] = []
        component_of: dict[ShapeId, int] = {}
        for i, component in enumerate(components):
            for sid in sorted(component, key=order_key.__getitem__):
                component_of[sid] = i
                self.order.append(sid)
        # A member holding a struct of its own component directly closes a cycle.
        self.boxed: set[tuple[ShapeId, str]] = set()
        for sid in nodes:
            for m in view.model.shape(sid).members.values():
                if m.target in component_of and component_of[m.target] == component_of[sid]:
                    self.boxed.add((sid, m.name))


def _is_required(m: Member) -> bool:
    return m.has_trait("smithy.api#required")


def _field_type(view: ServiceShapes, types: _Types, layout: _Layout, owner: ShapeId,
                m: Member) -> str:
    base = types.cpp_type(m.target)
    if (owner, m.name) in layout.boxed:
        return f"::rime::Boxed<{base}>"
    if _is_required(m) and view.model.shape(owner).type == "structure":
        return base
    return f"std::optional<{base}>"


def _uses(view: ServiceShapes, types: _Types, layout: _Layout) -> tuple[bool, bool]:
    unit = any(types.cpp_type(m.target).find("::rime::Unit") >= 0
               for row in view.structs for m in row.shape.members.values())
    return unit, bool(layout.boxed)


def header(view: ServiceShapes, top: str) -> str:
    types = _Types(view)
    layout = _Layout(view, types)
    ns = view.namespace
    uses_unit, uses_boxed = _uses(view, types, layout)
    out = [f"{top}// The typed structures of {view.entry.sdk_id or view.name} ({view.service.id}): one struct per",
           "// structure and union shape, members in snake_case, and their conversions from and to",
           "// proto::Value (an object keyed by the model's member names).",
           "#pragma once", "",
           "#include <cstdint>", "#include <map>", "#include <optional>", "#include <string>",
           "#include <vector>", "", '#include "protocols/value.h"']
    if uses_boxed:
        out.append('#include "services/common/boxed.h"')
    if uses_unit:
        out.append('#include "services/common/result.h"')
    out.append("")
    out += [f"namespace rime::{ns} {{", ""]
    for row in view.structs:
        out.append(f"struct {view.struct_name(row.shape.id)};")
    out.append("")
    for sid in layout.order:
        shape = view.model.shape(sid)
        name = view.struct_name(sid)
        kind = "union: exactly one member is set" if shape.type == "union" else "structure"
        out.append(f"/// {sid} ({kind}).")
        out.append(f"struct {name} {{")
        for m in shape.members.values():
            ftype = _field_type(view, types, layout, sid, m)
            init = "{}" if ftype in _ZEROED else ""
            notes = [m.name]
            if _is_required(m) and shape.type == "structure":
                notes.append("required")
            out.append(f"  {ftype} {view.field_name(sid, m.name)}{init};  // {', '.join(notes)}")
        out.append("")
        out.append(f"  bool operator==(const {name}&) const = default;")
        out.append("};")
        out.append("")
    out.append("// Conversions: from_value reads the members it finds (skipping any of the wrong kind:")
    out.append("// the protocol layer has validated the input), to_value writes the members that are set.")
    for row in view.structs:
        name = view.struct_name(row.shape.id)
        out.append(f"void from_value(const ::rime::proto::Value& v, {name}& out);")
        out.append(f"::rime::proto::Value to_value(const {name}& x);")
    out += ["", f"}}  // namespace rime::{ns}", ""]
    return "\n".join(out)


def source(view: ServiceShapes, top: str, out_dir: str) -> str:
    types = _Types(view)
    layout = _Layout(view, types)
    ns = view.namespace
    # The member codecs are the same for every service: one hand-written header holds them.
    out = [f"{top}// Value conversions of the structs in {view.name}_types.h.",
           f'#include "{out_dir}/{view.name}_types.h"', "",
           "#include <string_view>", "#include <utility>", "",
           '#include "services/common/value_codec.h"', "",
           f"namespace rime::{ns} {{", "namespace codec = ::rime::value_codec;", ""]
    for row in view.structs:
        sid = row.shape.id
        name = view.struct_name(sid)
        members = list(row.shape.members.values())
        out.append(f"void from_value(const ::rime::proto::Value& v, {name}& out) {{")
        if not members:
            out.append("  (void)v;")
            out.append("  (void)out;")
        else:
            out.append("  if (!v.is_object()) return;")
            for m in members:
                out.append(f"  codec::get<{types.codec(m.target)}>(v, {string_literal(m.name)}, "
                           f"out.{view.field_name(sid, m.name)});")
        out.append("}")
        out.append("")
        out.append(f"::rime::proto::Value to_value(const {name}& x) {{")
        out.append("  ::rime::proto::Value v = ::rime::proto::Value::object();")
        if members:
            out.append("  auto& o = v.as_object();")
            out.append(f"  o.reserve({len(members)});")
            for m in members:
                out.append(f"  codec::put<{types.codec(m.target)}>(o, {string_literal(m.name)}, "
                           f"x.{view.field_name(sid, m.name)});")
        else:
            out.append("  (void)x;")
        out.append("  return v;")
        out.append("}")
        out.append("")
    out += [f"}}  // namespace rime::{ns}", ""]
    return "\n".join(out)
