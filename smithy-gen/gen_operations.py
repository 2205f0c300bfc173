"""services/<name>/generated/<name>_operations.{h,cc}: the handler slots of one implemented
service and the invoker that ModeledService calls (services/common/modeled_service.h).

`<Service>Handlers` is named from the manifest name in PascalCase (`sts` -> StsHandlers,
`acm-pca` -> AcmPcaHandlers). Per operation `Op` it holds `op` (sync: typed input -> Result) and
`op_async` (typed input + Reply, answered later); the invoker finds the operation in a sorted
table, decodes the input, calls the async slot if set, else the sync one, and returns false
when both are empty (ModeledService then answers NotImplemented).
"""

from __future__ import annotations

from cpp import sv
from service_shapes import OperationView, ServiceShapes


def _io(view: ServiceShapes, op: OperationView) -> tuple[str, str]:
    inp = view.struct_name(op.input) if op.input else "::rime::Unit"
    out = view.struct_name(op.output) if op.output else "::rime::Unit"
    return inp, out


def header(view: ServiceShapes, top: str, out_dir: str) -> str:
    ns, handlers = view.namespace, view.handlers_type
    lines = [f"{top}// The operation table of {view.entry.sdk_id or view.name} ({view.service.id}): a handler slot per operation",
             "// and the invoker that decodes inputs, calls the slots and encodes their answers.",
             "#pragma once", "", "#include <functional>", "",
             '#include "core/request_context.h"',
             '#include "services/common/modeled_service.h"',
             '#include "services/common/result.h"',
             f'#include "{out_dir}/{view.name}_types.h"', "",
             f"namespace rime::{ns} {{", "",
             f"/// The handlers of {view.entry.sdk_id or view.name}, one pair of slots per operation: `op` answers at once,",
             "/// `op_async` answers later through its Reply (called exactly once; the input reference is",
             "/// valid only during the call). The async slot wins when both are set; an operation whose",
             "/// slots are both empty answers NotImplemented.",
             f"struct {handlers} {{"]
    for op in view.operations:
        inp, out = _io(view, op)
        lines.append(f"  // {op.name}")
        lines.append(f"  std::function<::rime::Result<{out}>(::rime::RequestContext&, const {inp}&)> {op.slot};")
        lines.append(f"  std::function<void(::rime::RequestContext&, const {inp}&, ::rime::Reply<{out}>)> "
                     f"{op.async_slot};")
    lines += ["};", "",
              "/// The invoker for ModeledService; it keeps a reference to `handlers`, which must outlive it",
              "/// (the service owns both).",
              f"::rime::Invoker make_invoker(const {handlers}& handlers);", "",
              f"}}  // namespace rime::{ns}", ""]
    return "\n".join(lines)


def source(view: ServiceShapes, top: str, out_dir: str) -> str:
    ns, handlers = view.namespace, view.handlers_type
    lines = [f"{top}// The invoker of {view.name}_operations.h: operation name -> slot, through a sorted table.",
             f'#include "{out_dir}/{view.name}_operations.h"', "",
             "#include <algorithm>", "#include <iterator>", "#include <string_view>", "#include <utility>", "",
             f"namespace rime::{ns} {{", "namespace {", "",
             "using namespace std::string_view_literals;",
             "using ::rime::proto::Value;", "",
             "template <class In, class Out>",
             "bool call(const std::function<::rime::Result<Out>(::rime::RequestContext&, const In&)>& sync,",
             "          const std::function<void(::rime::RequestContext&, const In&, ::rime::Reply<Out>)>& async,",
             "          void (*decode)(const Value&, In&), Value (*encode)(const Out&), ::rime::RequestContext& ctx,",
             "          const Value& input, ::rime::ReplyTarget target) {",
             "  if (!sync && !async) return false;",
             "  In in{};",
             "  decode(input, in);",
             "  ::rime::Reply<Out> reply(std::move(target), encode);",
             "  if (async) async(ctx, in, std::move(reply));",
             "  else reply(sync(ctx, in));",
             "  return true;",
             "}", ""]
    if any(op.input is None for op in view.operations):
        lines.append("void decode_unit(const Value&, ::rime::Unit&) {}")
    if any(op.output is None for op in view.operations):
        lines.append("Value encode_unit(const ::rime::Unit&) { return Value::object(); }")
    lines.append("")
    lines.append(f"using Invoke = bool (*)(const {handlers}&, ::rime::RequestContext&, const Value&, ::rime::ReplyTarget);")
    lines.append("")
    for op in view.operations:
        inp, out = _io(view, op)
        decode = "&from_value" if op.input else "&decode_unit"
        encode = "&to_value" if op.output else "&encode_unit"
        lines += [f"bool invoke_{op.slot}(const {handlers}& h, ::rime::RequestContext& ctx, const Value& input, "
                  "::rime::ReplyTarget target) {",
                  f"  return call<{inp}, {out}>(h.{op.slot}, h.{op.async_slot}, {decode}, {encode}, ctx, input, "
                  "std::move(target));",
                  "}", ""]
    if not view.operations:
        lines += ["}  // namespace", "",
                  f"::rime::Invoker make_invoker(const {handlers}&) {{",
                  "  return [](const ::rime::proto::Operation&, ::rime::RequestContext&, const Value&, ::rime::ReplyTarget) {",
                  "    return false;  // the model has no operations",
                  "  };",
                  "}", "", f"}}  // namespace rime::{ns}", ""]
        return "\n".join(lines)
    lines += ["struct Entry {", "  std::string_view name;", "  Invoke invoke;", "};", "",
              "// Sorted by name (byte order), as the model's operations are.",
              "constexpr Entry kOperations[] = {"]
    for op in view.operations:
        lines.append(f"    {{{sv(op.name)}, &invoke_{op.slot}}},")
    lines += ["};", "", "}  // namespace", "",
              f"::rime::Invoker make_invoker(const {handlers}& handlers) {{",
              "  return [&handlers](const ::rime::proto::Operation& op, ::rime::RequestContext& ctx, const Value& input,",
              "                     ::rime::ReplyTarget target) {",
              "    auto it = std::lower_bound(std::begin(kOperations), std::end(kOperations), op.name,",
              "                               [](const Entry& e, std::string_view name) { return e.name < name; });",
              "    if (it == std::end(kOperations) || it->name != op.name) return false;",
              "    return it->invoke(handlers, ctx, input, std::move(target));",
              "  };",
              "}", "",
              f"}}  // namespace rime::{ns}", ""]
    return "\n".join(lines)
