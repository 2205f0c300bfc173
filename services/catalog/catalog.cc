// The catalog's lookups over the generated constant tables (generated/catalog_data.cc).
#include "services/catalog/catalog.h"

#include <algorithm>

#include "services/catalog/generated/catalog_data.h"

namespace rime::catalog {

std::string_view protocol_name(Protocol p) {
  // Exhaustive on purpose: a new enumerator must get its trait id here (-Wswitch).
  switch (p) {
    case Protocol::kAwsQuery: return "aws.protocols#awsQuery";
    case Protocol::kEc2Query: return "aws.protocols#ec2Query";
    case Protocol::kAwsJson1_0: return "aws.protocols#awsJson1_0";
    case Protocol::kAwsJson1_1: return "aws.protocols#awsJson1_1";
    case Protocol::kRestJson1: return "aws.protocols#restJson1";
    case Protocol::kRestXml: return "aws.protocols#restXml";
    case Protocol::kRpcV2Cbor: return "smithy.protocols#rpcv2Cbor";
  }
  return {};
}

std::span<const Service> services() { return generated::kServiceTable; }

const Service* find(std::string_view name) {
  const auto table = services();
  const auto it = std::lower_bound(table.begin(), table.end(), name,
                                   [](const Service& s, std::string_view n) { return s.name < n; });
  return it != table.end() && it->name == name ? &*it : nullptr;
}

const Operation* find_operation(const Service& service, std::string_view operation) {
  const auto ops = service.operations;
  const auto it = std::lower_bound(ops.begin(), ops.end(), operation,
                                   [](const Operation& o, std::string_view n) { return o.name < n; });
  return it != ops.end() && it->name == operation ? &*it : nullptr;
}

}  // namespace rime::catalog
