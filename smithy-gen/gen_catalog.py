"""The service catalog: services/catalog/generated/ (constant tables for catalog.h).

Layout of the output, chosen so that startup does no work and both cores share the compile:
  catalog_data.h     what catalog.cc sees: the service table and its size
  catalog_ops.h      extern declarations of the per-service operation arrays
  catalog_data.cc    the service table, sorted by name
  catalog_ops_<n>.cc the operation arrays, split into parts of about equal operation count
  sources.cmake      the list of generated sources, for services/catalog/CMakeLists.txt
Every table is `constinit` (or constexpr) over string_view literals: no dynamic initializer.
"""

from __future__ import annotations

from cpp import banner, identifier, sv
from inputs import Inputs
from services import PROTOCOLS, ServiceEntry

OUT_DIR = "services/catalog/generated"
# Parts of the operation arrays: each compiles in about a second at -O2, two keep both cores busy.
OPS_PARTS = 2

_ENUMERATOR = {
    "aws.protocols#awsQuery": "kAwsQuery",
    "aws.protocols#ec2Query": "kEc2Query",
    "aws.protocols#awsJson1_0": "kAwsJson1_0",
    "aws.protocols#awsJson1_1": "kAwsJson1_1",
    "aws.protocols#restJson1": "kRestJson1",
    "aws.protocols#restXml": "kRestXml",
    "smithy.protocols#rpcv2Cbor": "kRpcV2Cbor",
}
assert set(_ENUMERATOR) == set(PROTOCOLS)

NAMESPACE = "rime::catalog::generated"


def _ops_array(entry: ServiceEntry) -> str:
    return f"kOps_{identifier(entry.name)}"


def _split(entries: list[ServiceEntry], parts: int) -> list[list[ServiceEntry]]:
    """Contiguous runs of services with about equal operation counts."""
    with_ops = [e for e in entries if e.operations]
    total = sum(len(e.operations) for e in with_ops)
    groups: list[list[ServiceEntry]] = [[] for _ in range(parts)]
    done = 0
    for e in with_ops:
        index = min(parts - 1, done * parts // max(total, 1))
        groups[index].append(e)
        done += len(e.operations)
    return [g for g in groups if g]


def _header_data(entries: list[ServiceEntry], top: str) -> str:
    count = sum(len(e.operations) for e in entries)
    return f"""{top}// The catalog's tables, as catalog.cc sees them: every service, sorted by name.
#pragma once

#include <cstddef>

#include "services/catalog/catalog.h"

namespace {NAMESPACE} {{

inline constexpr std::size_t kServiceCount = {len(entries)};
inline constexpr std::size_t kOperationCount = {count};

/// One row per service, sorted by name; each row's operations are sorted by name.
extern const Service kServiceTable[kServiceCount];

}}  // namespace {NAMESPACE}
"""


def _header_ops(entries: list[ServiceEntry], top: str) -> str:
    lines = [f"{top}// The per-service operation arrays, defined in catalog_ops_<n>.cc and referenced",
             "// by the service table in catalog_data.cc.",
             "#pragma once", "", '#include "services/catalog/catalog.h"', "",
             f"namespace {NAMESPACE} {{", ""]
    for e in entries:
        if e.operations:
            lines.append(f"extern const Operation {_ops_array(e)}[{len(e.operations)}];")
    lines += ["", f"}}  // namespace {NAMESPACE}", ""]
    return "\n".join(lines)


def _mask(entry: ServiceEntry) -> str:
    return " | ".join(f"bit(Protocol::{_ENUMERATOR[p]})" for p in entry.client_protocols)


def _data_cc(entries: list[ServiceEntry], top: str) -> str:
    lines = [f"{top}// The service table: routing facts per service (see catalog.h for each field).",
             '#include "services/catalog/generated/catalog_data.h"', "",
             "#include <string_view>", "",
             '#include "services/catalog/generated/catalog_ops.h"', "",
             f"namespace {NAMESPACE} {{", "",
             "using namespace std::string_view_literals;", "",
             "constinit const Service kServiceTable[kServiceCount] = {"]
    for e in entries:
        ops = _ops_array(e) if e.operations else "{}"
        lines += [
            "    {",
            f"        .name = {sv(e.name)},",
            f"        .sdk_id = {sv(e.sdk_id)},",
            f"        .shape_name = {sv(e.shape_name)},",
            f"        .endpoint_prefix = {sv(e.endpoint_prefix)},",
            f"        .signing_name = {sv(e.signing_name)},",
            f"        .target_prefix = {sv(e.target_prefix)},",
            f"        .client_target_prefix = {sv(e.client_target_prefix)},",
            f"        .api_version = {sv(e.api_version)},",
            f"        .xml_namespace = {sv(e.xml_namespace)},",
            f"        .protocol = Protocol::{_ENUMERATOR[e.protocol]},",
            f"        .client_protocols = {_mask(e)},",
            f"        .aws_query_compatible = {'true' if e.aws_query_compatible else 'false'},",
            f"        .operations = {ops},",
            "    },",
        ]
    lines += ["};", "", f"}}  // namespace {NAMESPACE}", ""]
    return "\n".join(lines)


def _ops_cc(group: list[ServiceEntry], top: str) -> str:
    first, last = group[0].name, group[-1].name
    lines = [f"{top}// Operation arrays of the services {first} .. {last}: name, HTTP method, URI, code.",
             "#include <string_view>", "",
             '#include "services/catalog/generated/catalog_ops.h"', "",
             f"namespace {NAMESPACE} {{", "",
             "using namespace std::string_view_literals;", ""]
    for e in group:
        lines.append(f"// {e.name}: {e.service_id}")
        lines.append(f"constinit const Operation {_ops_array(e)}[{len(e.operations)}] = {{")
        for op in e.operations:
            lines.append(f"    {{{sv(op.name)}, {sv(op.http_method)}, {sv(op.http_uri)}, {op.http_code}}},")
        lines += ["};", ""]
    lines += [f"}}  // namespace {NAMESPACE}", ""]
    return "\n".join(lines)


def _sources_cmake(names: list[str], top: str) -> str:
    body = "\n".join(f"  ${{CMAKE_CURRENT_LIST_DIR}}/{n}" for n in names)
    return f"""{top}# The generated sources of rime_catalog (included by services/catalog/CMakeLists.txt).
set(RIME_CATALOG_GENERATED_SOURCES
{body})
"""


def generate(inputs: Inputs, entries: list[ServiceEntry]) -> dict[str, str]:
    """relative output path -> file text."""
    arrays = [_ops_array(e) for e in entries]
    if len(set(arrays)) != len(arrays):
        raise SystemExit("smithy-gen: two service names map to the same C++ identifier")
    top = banner(inputs.description, inputs.digest)
    files: dict[str, str] = {
        "catalog_data.h": _header_data(entries, top),
        "catalog_ops.h": _header_ops(entries, top),
        "catalog_data.cc": _data_cc(entries, top),
    }
    for index, group in enumerate(_split(entries, OPS_PARTS), start=1):
        files[f"catalog_ops_{index}.cc"] = _ops_cc(group, top)
    sources = sorted(n for n in files if n.endswith(".cc"))
    files["sources.cmake"] = _sources_cmake(sources, banner(inputs.description, inputs.digest, "#"))
    return {f"{OUT_DIR}/{name}": text for name, text in files.items()}


# Folders whose every file smithy-gen owns: files there that it does not produce are stale.
OWNED_DIRS = (OUT_DIR,)
