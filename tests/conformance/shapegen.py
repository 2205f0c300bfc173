"""Random valid values for an operation's input or output, shaped by botocore's model and, when
rime's runtime model is given, constrained by it too.

botocore serialises and validates by its own model (it checks required members, types and
minimums only); rime validates by the Smithy model (required, @length, @range, @pattern, enum
values, unions). The two are the same API but not always the same text: botocore drops the union
marker on a few shapes, has older/newer required sets and constraints, and a few members only
the client knows (RDS's SourceRegion). So the generator walks both trees at once (`rs`: the rime
shape dict from gen_runtime_models.py, or None) and produces a value valid for both: members
rime's model has, required in either, constraints intersected, rime's pattern and enum values.

Where a member travels decides how strings look, because some wire places cannot carry every
string losslessly in any AWS protocol (HTTP strips leading/trailing blanks of header values,
header values are ASCII, a header list item is split at commas when botocore parses it, a URI
label of "." or ".." is a path segment): see `_ok_for_context`. Everything else is fair game:
body strings carry XML/JSON/URL metacharacters and non-ASCII text on purpose.

Values use Python types as botocore takes and returns them: str, int, float, bool, bytes,
datetime (UTC), list, dict; documents are plain JSON values; an output string with the
jsonvalue trait in a header is a JsonText (rime is given JSON text, botocore returns the value).
"""
import datetime
import math
import re
import string

import regexgen
from compare import JsonText, NumText

UTC = datetime.timezone.utc
ALNUM = string.ascii_letters + string.digits

# Extra characters per context; a string starts and ends with a letter or digit and mostly
# consists of them.
EXTRA = {
    "body": " -_.:/@+=,;!?*()[]{}<>&\"'#%$~^|`\\é日ß€\n\t",
    "label": " -_.:@+=,;!*()'$&%~é/",
    "greedy": " -_.:@+=,;!*()'$&%~é/",
    "query": " -_.:/@+=,;!?*()&#%$~é",
    "header": " -_.:/@+=;!?*()#%$~,\"",
    "headerlist": " -_.:/@+=;!?*()#%$~",
    "hkey": "-",
    "qkey": "-_.",
}
HEADER_CONTEXTS = ("header", "headerlist", "hkey")
RIME_NUMERIC = {"byte", "short", "integer", "int_enum", "long", "big_integer"}
RIME_FLOAT = {"float", "double", "big_decimal"}


class Skip(Exception):
    """A member (or an operation) that cannot be generated; carries the reason."""


def _ok_for_context(s, ctx):
    if ctx in HEADER_CONTEXTS:
        if s != s.strip() or any(ord(c) < 0x20 or ord(c) > 0x7E for c in s):
            return False
        if ctx == "headerlist" and ("," in s or '"' in s):
            return False
        if ctx == "hkey" and not all(c.isalnum() or c == "-" for c in s):
            return False
        return True
    if ctx in ("label", "greedy"):
        if s == "" or any(seg in (".", "..") for seg in s.split("/")):
            return False
        if ctx == "greedy" and (s.startswith("/") or "//" in s):
            return False
        return all(ord(c) >= 0x20 for c in s)
    if ctx == "qkey":
        return s != "" and all(c.isalnum() or c in "-_." for c in s)
    return "\r" not in s  # XML parsers turn a bare CR into LF; botocore would not escape it


class Constraints:
    """The constraints of one value: botocore's and rime's, intersected."""

    def __init__(self, shape, rs):
        md = shape.metadata
        self.min = md.get("min")
        self.max = md.get("max")
        self.pattern = md.get("pattern")
        self.enum = list(shape.enum) if getattr(shape, "enum", None) else None
        self.int_enum = None
        self.rtype = rs.get("type") if rs else None
        if rs:
            t = rs.get("type")
            if t in ("string", "enum", "blob", "list", "map"):
                lo, hi = rs.get("length_min"), rs.get("length_max")
            elif t in RIME_NUMERIC or t in RIME_FLOAT:
                lo, hi = rs.get("range_min"), rs.get("range_max")
            else:
                lo = hi = None
            if lo is not None:
                self.min = lo if self.min is None else max(self.min, lo)
            if hi is not None:
                self.max = hi if self.max is None else min(self.max, hi)
            # rime validates with its own pattern and enum values (botocore checks neither)
            self.pattern = rs.get("pattern") or None
            self.enum = list(rs["enum_values"]) if rs.get("enum_values") else None
            if rs.get("int_enum_values"):
                self.int_enum = list(rs["int_enum_values"])


class Generator:
    """Generates one value tree. `protocol` is botocore's protocol name; `direction` is
    "input" or "output"; `rt` is rime's RuntimeModel (or None)."""

    def __init__(self, rng, protocol, direction, rt=None, budget=400, overrides=None, avoid_patterns=None):
        self.avoid_patterns = re.compile(avoid_patterns) if avoid_patterns else None
        self.rng = rng
        self.protocol = protocol
        self.direction = direction
        self.rt = rt
        self.budget = budget
        self.overrides = overrides or {}  # top-level member name -> pattern botocore itself insists on
        self.notes = []  # (path, reason) for optional members left out

    def chance(self, p):
        return self.rng.random() < p

    def note(self, path, reason):
        self.notes.append((path, reason))

    def rshape(self, index):
        return self.rt.shape(index) if self.rt is not None else None

    def body_timestamp_format(self):
        return {"json": "unixtimestamp", "rest-json": "unixtimestamp", "smithy-rpc-v2-cbor": "unixtimestamp"}.get(
            self.protocol, "iso8601")

    # ---------------------------------------------------------------- top level
    def top(self, shape, op_http_uri="", rindex=None, method="POST", no_body=False):
        """A value for an operation's input or output structure (None when there is no shape).

        no_body: the response has no body (HTTP 204/304): only header and status members travel.
        A member bound to Content-Length is HTTP framing, not a free value: left out of inputs
        (botocore sends the body's length, which N9 then compares), and in outputs equal to the
        payload's length (any value for HEAD, whose response has no body)."""
        if shape is None:
            return None
        greedy = set()
        for part in op_http_uri.split("{")[1:]:
            name = part.split("}")[0]
            if name.endswith("+"):
                greedy.add(name[:-1])
        self.no_body = no_body and self.protocol in ("rest-json", "rest-xml")
        out = self.structure(shape, self.rshape(rindex), "", depth=0, stack=(), top=True, greedy=greedy)
        if self.protocol in ("rest-json", "rest-xml"):
            payload = shape.serialization.get("payload")
            for name, m in shape.members.items():
                if m.serialization.get("location") == "header" and \
                        m.serialization.get("name", "").lower() == "content-length" and name in out:
                    if self.direction == "input":
                        del out[name]
                    elif method != "HEAD":
                        body = out.get(payload) if payload else None
                        if isinstance(body, (bytes, str)) and shape.members[payload].type_name in ("blob", "string"):
                            out[name] = len(body.encode() if isinstance(body, str) else body)
                        else:
                            del out[name]
        return out

    # ---------------------------------------------------------------- shapes
    def _empty_is_absent(self, m, ctx):
        """Whether an empty value of member m cannot be told from no value on the wire: then a
        required member must not be empty (ec2Query: empty lists/maps/structures send nothing;
        awsQuery: empty maps/structures; REST: empty lists/maps in headers or the query string)."""
        t = m.type_name
        if self.direction != "input" or t not in ("list", "map", "structure") or m.metadata.get("document"):
            return False
        if self.protocol == "ec2":
            return True
        if self.protocol == "query":
            return t in ("map", "structure")
        if self.protocol == "rest-xml" and t in ("list", "map") and m.serialization.get("flattened"):
            return True
        if ctx in ("header", "headerlist", "query", "querymap", "prefixheaders"):
            return t in ("list", "map")
        return False

    def value(self, shape, rs, path, ctx, depth, stack, nonempty=False):
        self.budget -= 1
        t = shape.type_name
        if t == "structure" and (shape.serialization.get("eventstream") or shape.metadata.get("eventstream")):
            return self.event_stream(shape, rs, path, depth, stack)
        if t == "structure":
            if shape.metadata.get("document"):
                return self.document(depth)
            return self.structure(shape, rs, path, depth, stack, nonempty=nonempty)
        if t == "list":
            return self.list(shape, rs, path, ctx, depth, stack, nonempty=nonempty)
        if t == "map":
            return self.map(shape, rs, path, ctx, depth, stack, nonempty=nonempty)
        c = Constraints(shape, rs)
        if t == "string":
            if shape.serialization.get("jsonvalue") and ctx in ("header",):
                obj = self.document(depth, top_object=True)
                return JsonText(obj) if self.direction == "output" else obj
            if c.rtype in RIME_NUMERIC:  # botocore says string, the Smithy model a number (N10)
                return NumText(self.integer(c, "integer" if c.rtype in ("byte", "short", "integer", "int_enum")
                                            else "long"))
            if c.rtype == "boolean":
                return NumText(self.chance(0.5))
            return self.string(c, path, ctx)
        if t in ("integer", "long", "short", "byte"):
            return self.integer(c, t)
        if t in ("float", "double"):
            return self.float(c, ctx)
        if t == "boolean":
            return self.chance(0.5)
        if t == "blob":
            return self.blob(c, ctx)
        if t == "timestamp":
            return self.timestamp(shape, ctx)
        raise Skip(f"unknown shape type {t}")

    def structure(self, shape, rs, path, depth, stack, top=False, greedy=(), nonempty=False):
        recursive = shape.name in stack and depth > 2
        stack = stack + (shape.name,)
        members = shape.members
        rmembers = {m.get("name"): m for m in rs.get("members", [])} if rs else None
        required = set(shape.required_members)
        if rmembers is not None:
            required |= {n for n, m in rmembers.items() if "required" in m.get("flags", ())}
        out = {}
        is_union = bool(shape.metadata.get("union")) or bool(rs and rs.get("type") == "union")
        names = list(members)
        usable = {}
        for n in names:
            ok, why = self._member_usable(members[n], n, rmembers, top)
            usable[n] = ok
            if not ok:
                if n in required and not is_union:
                    raise Skip(f"{path + '.' if path else ''}{n}: required but {why}")
                self.note(f"{path + '.' if path else ''}{n}", why)
        names = [n for n in names if usable[n]]
        if is_union:
            flat = [n for n in names if members[n].name not in stack]  # prefer non-recursive members
            pool = flat or names
            if not pool:
                raise Skip(f"{path or '<top>'}: union without a usable member")
            names = [self.rng.choice(pool)]
            required = set(names)
        if depth == 0:
            p_opt = 0.8
        elif depth <= 2:
            p_opt = 0.45
        elif depth <= 4:
            p_opt = 0.25
        else:
            p_opt = 0.0
        if recursive or self.budget <= 0:
            p_opt = 0.0
        if nonempty and not is_union and not (required & set(names)) and names:
            scalar = [n for n in names if members[n].type_name not in ("structure", "list", "map")]
            required = {self.rng.choice(scalar or names)}
        for name in names:
            m = members[name]
            mpath = f"{path}.{name}" if path else name
            ctx = self._member_context(m, name, top, greedy)
            if top and getattr(self, "no_body", False) and ctx == "body":
                if name in required:
                    raise Skip(f"{mpath}: required body member in a response without a body")
                self.note(mpath, "response without a body (HTTP 204/304)")
                continue
            if name not in required and not (ctx == "status" and self.direction == "output") \
                    and not self.chance(p_opt):
                continue
            # Overrides are for the input's own members (endpoint rule parameters, checksums):
            # S3 Control's JobReport.Bucket is an ARN, not a bucket name.
            override = top and name in self.overrides
            if override and self.overrides[name] is None:
                if name in required:
                    raise Skip(f"{mpath}: required but never generated")
                continue
            mrs = self.rshape(rmembers[name].get("target")) if rmembers else None
            ne = self._empty_is_absent(m, ctx) and (name in required or depth > 0 or self.protocol in ("ec2", "query"))
            try:
                if override and m.type_name == "string":
                    out[name] = regexgen.generate(self.overrides[name], self.rng)
                elif ctx == "status":
                    out[name] = self.rng.choice([200, 201, 202])
                elif ctx == "prefixheaders":
                    out[name] = self.header_map(m, mrs, mpath, ne)
                elif ctx == "querymap":
                    out[name] = self.query_map(m, mrs, mpath, depth, stack, ne)
                else:
                    out[name] = self.value(m, mrs, mpath, ctx, depth + 1, stack, nonempty=ne)
            except Skip as e:
                if name in required or is_union:
                    raise
                self.note(mpath, str(e))
        return out

    def event_stream(self, shape, rs, path, depth, stack):
        """An event-stream output: a list of events, each {event name: event structure}. Error
        events are left out (botocore raises them while iterating), and so are events whose
        header or payload bindings rime's runtime model does not carry."""
        rmembers = {m.get("name"): m for m in rs.get("members", [])} if rs else None
        pool = []
        for name, event in shape.members.items():
            if event.metadata.get("exception"):
                continue
            if rmembers is not None and name not in rmembers:
                self.note(f"{path}.{name}", "model difference: event only in botocore's model")
                continue
            ers = self.rshape(rmembers[name].get("target")) if rmembers is not None else None
            why = self._event_binding_difference(event, ers)
            if why:
                self.note(f"{path}.{name}", "model difference: " + why)
                continue
            pool.append((name, event, ers))
        out = []
        for i in range(self.rng.randint(0, 3) if pool else 0):
            name, event, ers = self.rng.choice(pool)
            value = self.structure(event, ers, f"{path}[{i}].{name}", depth + 1, stack)
            # An @eventPayload member is the event's whole body: on the wire it is never absent.
            for mname, m in event.members.items():
                if m.serialization.get("eventpayload") and mname not in value:
                    mrs = None
                    if ers:
                        mrs = self.rshape(next((x.get("target") for x in ers.get("members", [])
                                                if x.get("name") == mname), None))
                    value[mname] = self.value(m, mrs, f"{path}[{i}].{name}.{mname}", "body", depth + 2, stack)
            out.append({name: value})
        return out

    @staticmethod
    def _event_binding_difference(event, ers):
        """How an event's @eventHeader / @eventPayload members differ between the models, or ""."""
        rlocs = {m.get("name"): m.get("location", "body") for m in (ers or {}).get("members", [])}
        for name, m in event.members.items():
            want = "header" if m.serialization.get("eventheader") else \
                "payload" if m.serialization.get("eventpayload") else "body"
            got = rlocs.get(name, want)
            if got != want:
                return f"event member {name} is an event {want} in botocore, {got} in rime's runtime model"
        return ""

    def _member_usable(self, m, name, rmembers, top=False):
        if rmembers is not None and name not in rmembers:
            return False, "model difference: member only in botocore's model"
        if (m.serialization.get("eventstream") or m.metadata.get("eventstream")) and self.direction == "input":
            return False, "event stream"
        if rmembers is not None:
            why = self.model_difference(m, name, rmembers[name], top)
            if why:
                return False, "model difference: " + why
        return True, ""

    BOTO_LOCATIONS = {"uri": "label", "querystring": "query", "header": "header", "headers": "prefix_headers",
                      "statusCode": "status_code"}

    def model_difference(self, m, name, rm, top):
        """How botocore's and rime's models put member m on the wire differently, or "". Such a
        member is not generated: the two models disagree, not the two implementations."""
        rest = self.protocol in ("rest-json", "rest-xml")
        if top and rest:
            bloc = self.BOTO_LOCATIONS.get(m.serialization.get("location"), "body")
            if bloc == "query" and m.type_name == "map":
                bloc = "query_params"
            rloc = rm.get("location", "body")
            if rloc == "payload":
                rloc = "body"
            # bindings that mean nothing in this direction (Smithy: @httpLabel/@httpQuery/
            # @httpQueryParams only bind inputs, @httpResponseCode only outputs): the body
            if self.direction == "output" and rloc in ("label", "query", "query_params"):
                rloc = "body"
            if self.direction == "input" and rloc == "status_code":
                rloc = "body"
            if bloc != rloc:
                return f"{name} is bound to {bloc} in botocore, to {rloc} in rime's model"
            if bloc == "label":
                return ""  # label names differ freely (botocore renames them); positions are compared per operation
            if bloc in ("query", "header", "prefix_headers"):
                bn = m.serialization.get("name", name)
                # an absent location_name is "" (model.h's default): only a prefix can be empty
                rn = rm.get("location_name", "") if bloc == "prefix_headers" else (rm.get("location_name") or name)
                if (bn.lower() != rn.lower()) if bloc in ("header", "prefix_headers") else bn != rn:
                    return f"{name} is {bloc} {bn!r} in botocore, {rn!r} in rime's model"
                return ""
        if self.protocol in ("query", "rest-xml"):
            bn = m.serialization.get("name", name)
            rn = rm.get("xml_name") or name
            bflat = bool(m.type_name in ("list", "map") and m.serialization.get("flattened"))
            rflat = "xml_flattened" in rm.get("flags", ())
            if bflat != rflat:
                return f"{name} is {'' if bflat else 'not '}flattened in botocore, {'' if rflat else 'not '}in rime's"
            if m.type_name == "list" and bflat:
                # botocore names a flattened list's elements after the list member's name
                bn = m.member.serialization.get("name", bn)
            if bn != rn:
                return f"{name} is <{bn}> in botocore, <{rn}> in rime's model"
        if self.protocol == "rest-json" and not (top and m.serialization.get("location")):
            bn = m.serialization.get("name", name)
            rn = rm.get("json_name") or name
            if bn != rn:
                return f"{name} is JSON key {bn!r} in botocore, {rn!r} in rime's model"
        return ""

    def _member_context(self, m, name, top, greedy):
        if not top or self.protocol not in ("rest-json", "rest-xml"):
            return "body"
        loc = m.serialization.get("location")
        if self.direction == "output" and loc in ("uri", "querystring"):
            return "body"
        if loc == "uri":
            return "greedy" if m.serialization.get("name", name) in greedy else "label"
        if loc == "querystring":
            return "querymap" if m.type_name == "map" else "query"
        if loc == "header":
            return "headerlist" if m.type_name == "list" else "header"
        if loc == "headers":
            return "prefixheaders"
        if loc == "statusCode":
            return "status"
        return "body"

    def _count(self, c, cap=2, nonempty=False):
        lo = int(c.min or 0)
        if nonempty:
            lo = max(lo, 1)
        hi = c.max
        top = max(lo, min(cap, hi if hi is not None else cap))
        if self.budget <= 0:
            top = lo
        return self.rng.randint(lo, top)

    @staticmethod
    def _child(rs, i):
        ms = rs.get("members", []) if rs else []
        return ms[i].get("target") if len(ms) > i else None

    def list(self, shape, rs, path, ctx, depth, stack, nonempty=False):
        c = Constraints(shape, rs)
        n = self._count(c, nonempty=nonempty)
        member_ctx = ctx
        if ctx == "headerlist":
            member_ctx = "headerlist" if self.direction == "output" else "header"
        mrs = self.rshape(self._child(rs, 0))
        out = []
        item_nonempty = self._empty_is_absent(shape.member, "body")  # an empty item would vanish
        for i in range(n):
            for _attempt in range(8):
                v = self.value(shape.member, mrs, f"{path}[{i}]", member_ctx, depth + 1, stack, nonempty=item_nonempty)
                if v not in out:  # @uniqueItems is common and botocore does not know it
                    break
            else:
                if i >= int(c.min or 0):
                    break
            out.append(v)
        return out

    def map(self, shape, rs, path, ctx, depth, stack, nonempty=False):
        c = Constraints(shape, rs)
        n = self._count(c, nonempty=nonempty)
        krs, vrs = self.rshape(self._child(rs, 0)), self.rshape(self._child(rs, 1))
        out = {}
        for _ in range(n * 3):
            if len(out) >= n:
                break
            k = self.value(shape.key, krs, f"{path}{{key}}", "body", depth + 1, stack)
            if k in out or (isinstance(k, str) and k.startswith("$") and len(out) == 0 and n == 1):
                # a map whose only key starts with "$" reads as a tag in rime's tagged JSON (ECHO.md)
                continue
            out[k] = self.value(shape.value, vrs, f"{path}{{{k}}}", ctx, depth + 1, stack,
                                nonempty=self._empty_is_absent(shape.value, "body"))
        return out

    def header_map(self, m, rs, path, nonempty=False):
        """@httpPrefixHeaders: keys are header-name suffixes, values header strings."""
        n = self._count(Constraints(m, rs), nonempty=nonempty)
        vrs = self.rshape(self._child(rs, 1))
        out = {}
        for _ in range(n):
            k = self.plain_string(self.rng.randint(1, 8), "hkey").lower()
            out[k] = self.value(m.value, vrs, f"{path}{{{k}}}", "header", 1, ())
        return out

    def query_map(self, m, rs, path, depth, stack, nonempty=False):
        """@httpQueryParams: each entry is a query parameter of its own."""
        n = self._count(Constraints(m, rs), nonempty=nonempty)
        vrs = self.rshape(self._child(rs, 1))
        out = {}
        for _ in range(n):
            k = "qp" + self.plain_string(self.rng.randint(1, 6), "qkey")
            # a key whose value is an empty list puts nothing in the query string
            out[k] = self.value(m.value, vrs, f"{path}{{{k}}}", "query", depth + 1, stack, nonempty=True)
        return out

    def document(self, depth, top_object=False):
        """A small JSON document (no floats: JSON number formatting is not what is under test)."""
        def leaf():
            return self.rng.choice([
                lambda: self.rng.randint(-1000, 1000),
                lambda: self.plain_string(self.rng.randint(0, 8), "body"),
                lambda: self.chance(0.5),
                lambda: None,
            ])()

        def node(d):
            if d > 2:
                return leaf()
            kind = self.rng.random()
            if kind < 0.5:
                return {self.plain_string(self.rng.randint(1, 6), "qkey"): node(d + 1)
                        for _ in range(self.rng.randint(0, 3))}
            if kind < 0.7:
                return [node(d + 1) for _ in range(self.rng.randint(0, 3))]
            return leaf()
        if top_object:
            return {self.plain_string(self.rng.randint(1, 6), "qkey"): node(1) for _ in range(self.rng.randint(0, 3))}
        v = node(0)
        # a document that is JSON null is no value at all in the JSON protocols
        return v if v is not None else self.rng.randint(0, 9)

    # ---------------------------------------------------------------- scalars
    def plain_string(self, n, ctx):
        extra = EXTRA.get(ctx, "")
        chars = []
        for i in range(n):
            if i == 0 or i == n - 1 or not extra or self.rng.random() < 0.75:
                chars.append(self.rng.choice(ALNUM))
            else:
                chars.append(self.rng.choice(extra))
        return "".join(chars)

    def string(self, c, path, ctx):
        if c.enum:
            # some models list enum values their own pattern rejects: keep the ones it accepts
            usable = [e for e in c.enum if _ok_for_context(e, ctx) and regexgen.matches(c.pattern, e) is not False] \
                if c.pattern else [e for e in c.enum if _ok_for_context(e, ctx)]
            if not usable:
                raise Skip("no enum value fits a " + ctx)
            return self.rng.choice(usable)
        lo = int(c.min or 0)
        hi = c.max
        if ctx in ("label", "greedy", "header", "headerlist", "hkey", "qkey"):
            lo = max(lo, 1)  # an empty label or header is not a value on the wire
        if hi is not None and hi < lo:
            raise Skip(f"length {lo}..{hi} cannot hold a {ctx} value")
        if c.pattern and self.avoid_patterns is not None and self.avoid_patterns.search(c.pattern):
            raise Skip(f"pattern {c.pattern!r} avoided (--avoid-patterns)")
        if c.pattern:
            avoid = "" if ctx == "body" else "\n\t"
            try:
                return regexgen.generate(c.pattern, self.rng, lo, hi, accept=lambda s: _ok_for_context(s, ctx),
                                         avoid=avoid)
            except regexgen.Unsupported as e:
                v = regexgen.canned(c.pattern, lo, hi, accept=lambda s: _ok_for_context(s, ctx))
                if v is not None:
                    return v
                # A conservative value: letters and digits only, checked against the pattern when
                # Python can read it.
                for _ in range(20):
                    s = self.plain_string(self._len(lo, hi), "none")
                    ok = regexgen.matches(c.pattern, s)
                    if ok or ok is None:
                        return s
                raise Skip(f"pattern {c.pattern!r}: {e}")
        for _ in range(20):
            s = self.plain_string(self._len(lo, hi), ctx)
            if _ok_for_context(s, ctx):
                return s
        return self.plain_string(self._len(lo, hi), "none")

    def _len(self, lo, hi):
        top = lo + 12
        if hi is not None:
            top = min(top, hi)
        if lo == 0 and top >= 1 and self.rng.random() < 0.9:
            lo = 1  # empty strings now and then only
        return self.rng.randint(lo, max(lo, top))

    def integer(self, c, t):
        if c.int_enum:
            return self.rng.choice(c.int_enum)
        limit = 2**31 - 1 if t == "integer" else 2**63 - 1
        lo = -limit - 1 if c.min is None else max(int(math.ceil(c.min)), -limit - 1)
        hi = limit if c.max is None else min(int(math.floor(c.max)), limit)
        if lo > hi:
            raise Skip(f"empty range {lo}..{hi}")
        r = self.rng.random()
        if r < 0.15 and t == "long" and hi >= 2**53 + 1 >= lo:
            return 2**53 + 1  # not representable as a double: a number that must stay an integer
        if r < 0.3:
            return self.rng.choice([v for v in (0, 1, -1, hi, lo) if lo <= v <= hi])
        a, b = max(lo, 0), min(hi, 1000)
        if a > b:
            a, b = lo, min(hi, lo + 1000)
        return self.rng.randint(a, b)

    def float(self, c, ctx):
        if c.min is None and c.max is None and self.chance(0.06) and ctx == "body":
            return self.rng.choice([math.inf, -math.inf, math.nan])
        lo = -1e6 if c.min is None else float(c.min)
        hi = 1e6 if c.max is None else float(c.max)
        # dyadic values: exact in float32 and double, so precision is not what is compared
        for _ in range(20):
            v = self.rng.randint(-8000, 8000) / 8.0
            if lo <= v <= hi:
                return v
        for v in (lo, hi, (lo + hi) / 2):
            if math.isfinite(v):
                return float(v)
        return 0.0

    def blob(self, c, ctx):
        lo = int(c.min or 0)
        hi = c.max
        if ctx in HEADER_CONTEXTS or ctx in ("label", "greedy", "query"):
            lo = max(lo, 1)
        n = self._len(lo, hi) if hi is None or hi >= lo else lo
        return bytes(self.rng.randrange(256) for _ in range(n))

    def timestamp(self, shape, ctx):
        secs = self.rng.randint(946684800, 1893456000)  # 2000 .. 2030
        fmt = shape.serialization.get("timestampFormat")
        if fmt is None:
            if ctx in HEADER_CONTEXTS:
                fmt = "rfc822"
            elif ctx in ("label", "greedy", "query"):
                fmt = "iso8601"
            else:
                fmt = self.body_timestamp_format()
        millis = 0
        if ctx in HEADER_CONTEXTS:
            pass  # botocore sends header timestamps in whole seconds whatever their format
        elif self.direction == "output":
            if fmt != "rfc822" and self.chance(0.5):
                millis = self.rng.randint(1, 999)
        elif fmt == "iso8601" and self.chance(0.5):
            millis = self.rng.randint(1, 999)  # botocore sends sub-second digits only in ISO 8601
        return datetime.datetime.fromtimestamp(secs, UTC) + datetime.timedelta(milliseconds=millis)
