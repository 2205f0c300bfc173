"""One implemented service as the per-service generators see it: its operations, the closure of
shapes they reach (the runtime model's shape table) and the C++ names of everything.

Table rules (protocols/model.h is the contract):
  * every shape reachable from the operations (input, output, errors) and the service's errors,
    through members, list members and map keys/values; prelude shapes (smithy.api#String) are
    ordinary entries; smithy.api#Unit is an entry only where a member targets it (union
    variants), operation input/output Unit is kNoShape;
  * ordered by short name (case-insensitively, then namespace), so a model change moves few rows;
  * a member carrying its own @length/@range/@pattern points at a copy of its target with those
    traits applied (member traits win over the target's, as in Smithy), because the runtime
    Member has no constraint fields; copies come after the model's shapes, deduplicated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cpp import RESERVED, Namer, identifier, pascal_case, snake_case
from services import RPC_PROTOCOLS, ServiceEntry, _operation
from smithy import PRELUDE, Member, Model, Shape, ShapeId

UNIT = ShapeId(PRELUDE, "Unit")
MEMBER_CONSTRAINTS = ("smithy.api#length", "smithy.api#range", "smithy.api#pattern")
AGGREGATES = ("structure", "union")


@dataclass
class TableShape:
    """One row of the shape table: a model shape, or a member-constrained copy of one."""

    index: int
    shape: Shape
    traits: dict[str, Any]  # the shape's traits, with a copy's member constraints applied
    ident: str  # C++ enumerator naming the index ("kAssumeRoleRequest")
    copy_of: str = ""  # for copies: "Struct.Member" whose constraints made it


@dataclass
class OperationView:
    shape: Shape
    input: ShapeId | None  # None: smithy.api#Unit
    output: ShapeId | None
    errors: list[ShapeId]
    http_method: str
    http_uri: str
    http_code: int
    slot: str = ""  # handler slot ("assume_role")
    async_slot: str = ""  # "assume_role_async"

    @property
    def name(self) -> str:
        return self.shape.name


def _is_unit(model: Model, sid: ShapeId | None) -> bool:
    return sid is None or sid == UNIT or model.shape(sid).has_trait("smithy.api#unitType")


def _own_constraints(member: Member) -> dict[str, Any]:
    return {t: member.traits[t] for t in MEMBER_CONSTRAINTS if t in member.traits}


def shape_kind(shape: Shape) -> str:
    """The Smithy type, with Smithy 1.0 `set` read as a list."""
    return "list" if shape.type == "set" else shape.type


class ServiceShapes:
    def __init__(self, name: str, model: Model, entry: ServiceEntry):
        self.name = name
        self.model = model
        self.entry = entry
        self.service = model.service()
        self.namespace = self._cpp_namespace(name)
        self.handlers_type = pascal_case(name) + "Handlers"
        self.operations = self._operations()
        self.service_errors = self.service.ref_list("errors")
        self._build_table()
        self._name_structs()
        self._name_slots()

    # ----- operations ------------------------------------------------------------------------

    @staticmethod
    def _cpp_namespace(name: str) -> str:
        """`acm-pca` -> `acm_pca`: the service name with '-' (and any non-identifier) as '_'."""
        ns = identifier(name)
        return ns + "_" if ns in RESERVED or ns[0].isdigit() else ns

    def _operations(self) -> list[OperationView]:
        rpc = all(p in RPC_PROTOCOLS for p in self.entry.protocols)
        by_name: dict[str, Shape] = {}
        for op in self.model.operations_of(self.service):
            by_name.setdefault(op.name, op)  # the catalog keeps the first of a shared name too
        views = []
        for op_name in sorted(by_name):
            op = by_name[op_name]
            http = _operation(op, rpc)
            inp, out = op.ref("input"), op.ref("output")
            views.append(OperationView(
                op, None if _is_unit(self.model, inp) else inp,
                None if _is_unit(self.model, out) else out, op.ref_list("errors"),
                http.http_method, http.http_uri, http.http_code))
        return views

    def _name_slots(self) -> None:
        namer = Namer()
        for op in self.operations:
            op.slot = namer.take(snake_case(op.name))
            op.async_slot = namer.take(op.slot + "_async")

    # ----- the shape table -------------------------------------------------------------------

    def _roots(self) -> list[ShapeId]:
        roots: list[ShapeId] = []
        for op in self.operations:
            roots += [s for s in (op.input, op.output) if s is not None] + op.errors
        return roots + self.service_errors

    def _build_table(self) -> None:
        seen: set[ShapeId] = set()
        order: list[ShapeId] = []
        # (target, own constraints as JSON) -> (owner "Struct.Member", constraints)
        copies: dict[tuple[ShapeId, str], tuple[str, dict[str, Any]]] = {}
        stack = list(reversed(self._roots()))
        while stack:
            sid = stack.pop()
            if sid in seen:
                continue
            seen.add(sid)
            order.append(sid)
            shape = self.model.shape(sid)
            for m in shape.members.values():
                if shape.type in ("enum", "intEnum"):
                    continue  # enum members target smithy.api#Unit; they are values, not shapes
                own = _own_constraints(m)
                if own:
                    key = (m.target, json.dumps(own, sort_keys=True))
                    copies.setdefault(key, (f"{shape.name}.{m.name}", own))
                stack.append(m.target)

        order.sort(key=lambda s: (s.name.lower(), s.name, s.namespace))
        namer = Namer()
        self.table: list[TableShape] = []
        self._index: dict[ShapeId, int] = {}
        for sid in order:
            shape = self.model.shape(sid)
            self._index[sid] = len(self.table)
            self.table.append(TableShape(len(self.table), shape, dict(shape.traits),
                                         namer.take("k" + pascal_case(sid.name))))
        self._copy_index: dict[tuple[ShapeId, str], int] = {}
        for key in sorted(copies, key=lambda k: (copies[k][0].lower(), k[0].name, k[1])):
            owner, own = copies[key]
            shape = self.model.shape(key[0])
            ident = namer.take("k" + pascal_case(owner.replace(".", "_")))
            self._copy_index[key] = len(self.table)
            self.table.append(TableShape(len(self.table), shape, {**shape.traits, **own}, ident,
                                         owner))

    def index_of(self, sid: ShapeId) -> int:
        return self._index[sid]

    def member_target(self, member: Member) -> TableShape:
        """The table row a member points at: its target, or the copy with its constraints."""
        own = _own_constraints(member)
        if own:
            return self.table[self._copy_index[(member.target, json.dumps(own, sort_keys=True))]]
        return self.table[self._index[member.target]]

    # ----- typed structs ---------------------------------------------------------------------

    def _name_structs(self) -> None:
        """C++ names of the structure and union shapes: the short shape name, PascalCase;
        a clash with another struct, a prelude shape, a rime name that handler code uses
        unqualified, or the handlers struct gets '_' appended (first come in table order)."""
        taken = {self.handlers_type} | _PRELUDE_NAMES | _RIME_NAMES
        namer = Namer(taken)
        self.structs: list[TableShape] = []
        self.struct_names: dict[ShapeId, str] = {}
        for row in self.table:
            if row.copy_of or row.shape.type not in AGGREGATES or row.shape.id == UNIT:
                continue
            if row.shape.has_trait("smithy.api#unitType"):
                continue
            self.structs.append(row)
            self.struct_names[row.shape.id] = namer.take(pascal_case(row.shape.name))
        self._member_names: dict[ShapeId, dict[str, str]] = {}
        for row in self.structs:
            # `std` and `rime` as member names would hide the namespaces in later member types.
            names = Namer({"std", "rime"})
            self._member_names[row.shape.id] = {
                m: names.take(snake_case(m)) for m in row.shape.members}

    def struct_name(self, sid: ShapeId) -> str:
        return self.struct_names[sid]

    def field_name(self, owner: ShapeId, member: str) -> str:
        return self._member_names[owner][member]

    def is_unit(self, sid: ShapeId) -> bool:
        return _is_unit(self.model, sid)


# Prelude shape names (smithy.api#String, ...): a model struct may not take them.
_PRELUDE_NAMES = frozenset({
    "Blob", "Boolean", "String", "Byte", "Short", "Integer", "Long", "Float", "Double",
    "BigInteger", "BigDecimal", "Timestamp", "Document", "Unit", "PrimitiveBoolean",
    "PrimitiveByte", "PrimitiveShort", "PrimitiveInteger", "PrimitiveLong", "PrimitiveFloat",
    "PrimitiveDouble",
})
# Names in namespace rime that service code next to the generated structs uses unqualified
# (Result<T>, Reply<T>, RequestContext, ...): a struct of the same name would hide them.
_RIME_NAMES = frozenset({
    "Result", "Unit", "Boxed", "Reply", "ReplyTarget", "Invoker", "AwsError", "RequestContext",
    "Responder", "Request", "Response", "Scope", "ModeledService", "MockService",
    "StatefulService", "ServiceEnv", "Defaults",
})
