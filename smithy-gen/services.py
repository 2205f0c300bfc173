"""What routing needs to know about each service, from its model and manifest entry.

The facts are derived from the model itself (service shape, `aws.api#service`, `aws.auth#sigv4`,
protocol traits, `smithy.api#xmlNamespace`, version). With a manifest, the manifest's values are
used and compared with the model's, so a disagreement is reported instead of silently taken;
the manifest alone contributes what botocore knows (`clientProtocols`, `clientJsonTargetPrefix`).
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field
from typing import Any

from smithy import Model, Shape

# Protocol trait ids in the order of rime::catalog::Protocol (services/catalog/catalog.h).
PROTOCOLS = (
    "aws.protocols#awsQuery",
    "aws.protocols#ec2Query",
    "aws.protocols#awsJson1_0",
    "aws.protocols#awsJson1_1",
    "aws.protocols#restJson1",
    "aws.protocols#restXml",
    "smithy.protocols#rpcv2Cbor",
)
# Protocols that send every request as POST / (rpcv2Cbor: POST /service/S/operation/O) and
# ignore @http bindings, per their Smithy specifications.
RPC_PROTOCOLS = frozenset(PROTOCOLS) - {"aws.protocols#restJson1", "aws.protocols#restXml"}
# Protocols whose requests carry `X-Amz-Target: <service shape name>.<Operation>`.
TARGET_PROTOCOLS = frozenset({"aws.protocols#awsJson1_0", "aws.protocols#awsJson1_1"})

# Manifest keys that the model also determines; compared when a manifest is present.
CHECKED_KEYS = ("service", "sdkId", "endpointPrefix", "signingName", "protocols",
                "awsQueryCompatible", "jsonTargetPrefix", "xmlNamespace", "apiVersion")


@dataclass(frozen=True)
class Operation:
    name: str
    http_method: str
    http_uri: str
    http_code: int


@dataclass
class ServiceEntry:
    """One row of the catalog (mirrors rime::catalog::Service)."""

    name: str
    file: str
    service_id: str
    sdk_id: str
    shape_name: str
    endpoint_prefix: str
    signing_name: str
    target_prefix: str
    client_target_prefix: str
    api_version: str
    xml_namespace: str
    protocols: list[str]  # the model's protocol traits, in model order
    client_protocols: list[str]  # sorted in catalog enum order; includes `protocols`
    aws_query_compatible: bool
    operations: list[Operation] = field(default_factory=list)  # sorted by name, unique

    @property
    def protocol(self) -> str:
        return self.protocols[0]

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["protocol"] = self.protocol
        out["operations"] = [asdict(op) for op in self.operations]
        return out


def facts_from_model(model: Model) -> dict[str, Any]:
    """The manifest-style facts of a model's service shape, per Smithy's trait defaults."""
    service = model.service()
    api = service.trait("aws.api#service", {})
    shape_name = service.id.name
    # Smithy: arnNamespace defaults to the lower-cased shape name, endpointPrefix to arnNamespace.
    arn_namespace = api.get("arnNamespace") or shape_name.lower()
    protocols = [t for t in service.traits if t in PROTOCOLS]
    sigv4 = service.trait("aws.auth#sigv4")
    xml_ns = service.trait("smithy.api#xmlNamespace")
    return {
        "service": str(service.id),
        "sdkId": api.get("sdkId"),
        "endpointPrefix": api.get("endpointPrefix") or arn_namespace,
        "signingName": sigv4.get("name") if isinstance(sigv4, dict) else None,
        "protocols": protocols,
        "awsQueryCompatible": service.has_trait("aws.protocols#awsQueryCompatible"),
        "jsonTargetPrefix": shape_name if any(p in TARGET_PROTOCOLS for p in protocols) else None,
        "xmlNamespace": xml_ns.get("uri") if isinstance(xml_ns, dict) else None,
        "apiVersion": service.version,
    }


def _operation(op: Shape, rpc: bool) -> Operation:
    http = op.trait("smithy.api#http")
    if rpc or not isinstance(http, dict):
        return Operation(op.name, "POST", "/", 200)
    return Operation(op.name, http["method"], http["uri"], int(http.get("code", 200)))


def _warn(message: str) -> None:
    print(f"smithy-gen: warning: {message}", file=sys.stderr)


def build_entry(name: str, relpath: str, model: Model,
                manifest_entry: dict[str, Any] | None) -> ServiceEntry:
    derived = facts_from_model(model)
    facts = derived
    if manifest_entry is not None:
        facts = {k: manifest_entry.get(k) for k in CHECKED_KEYS}
        for key in CHECKED_KEYS:
            if facts[key] != derived[key]:
                _warn(f"{name}: manifest {key}={facts[key]!r}, model says {derived[key]!r}")
    protocols = list(facts["protocols"])
    if not protocols:
        raise SystemExit(f"smithy-gen: {name}: the service has no protocol trait")
    client = (manifest_entry or {}).get("clientProtocols") or []
    for p in protocols + client:
        if p not in PROTOCOLS:
            raise SystemExit(f"smithy-gen: {name}: unknown protocol {p}")
    client_protocols = [p for p in PROTOCOLS if p in protocols or p in client]
    target_prefix = facts["jsonTargetPrefix"] or ""
    client_target = (manifest_entry or {}).get("clientJsonTargetPrefix") or ""
    service = model.service()
    endpoint_prefix = facts["endpointPrefix"]
    entry = ServiceEntry(
        name=name,
        file=relpath,
        service_id=facts["service"],
        sdk_id=facts["sdkId"] or "",
        shape_name=service.id.name,
        endpoint_prefix=endpoint_prefix,
        # No SigV4 trait (bearer-token codecatalyst, SigV2 sdb and importexport): fall back to
        # the endpoint prefix, which is what a SigV4 scope would name if a client sent one.
        signing_name=facts["signingName"] or endpoint_prefix,
        target_prefix=target_prefix,
        client_target_prefix=client_target if client_target != target_prefix else "",
        api_version=facts["apiVersion"] or "",
        xml_namespace=facts["xmlNamespace"] or "",
        protocols=protocols,
        client_protocols=client_protocols,
        aws_query_compatible=bool(facts["awsQueryCompatible"]),
    )
    rpc = all(p in RPC_PROTOCOLS for p in protocols)
    by_name: dict[str, tuple[Operation, str]] = {}
    for op in model.operations_of(service):
        prior = by_name.get(op.name)
        if prior is not None:
            if prior[1] != str(op.id):
                _warn(f"{name}: operations {prior[1]} and {op.id} share a name; keeping the first")
            continue
        by_name[op.name] = (_operation(op, rpc), str(op.id))
    entry.operations = [by_name[k][0] for k in sorted(by_name)]
    if manifest_entry is not None and manifest_entry.get("operationCount") not in (None, len(entry.operations)):
        _warn(f"{name}: manifest operationCount={manifest_entry['operationCount']}, "
              f"found {len(entry.operations)}")
    return entry
