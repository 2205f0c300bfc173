"""Random valid values for botocore shapes (inputs and outputs of an operation).

A value is valid for the model: required members present, @length/@range (botocore's min/max),
enum values, and @pattern where `regexgen` can produce a match. Where a member travels decides how
strings look, because some wire places cannot carry every string losslessly in any AWS protocol
(HTTP strips leading/trailing blanks of header values, header values are ASCII, a header list
item is split at commas when botocore parses it, a URI label of "." or ".." is a path segment):
see `Context`. Everything else is fair game: body strings carry XML/JSON/URL metacharacters and
non-ASCII text on purpose.

Values use Python types as botocore takes and returns them: str, int, float, bool, bytes,
datetime (UTC), list, dict; documents are plain JSON values.
"""
import datetime
import math
import string

import regexgen
from compare import JsonText

UTC = datetime.timezone.utc
ALNUM = string.ascii_letters + string.digits

# Extra characters per context; a string starts with a letter or digit and mostly consists of them.
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
        # botocore percent-encodes labels; control characters are not worth the trouble here
        return all(ord(c) >= 0x20 for c in s)
    if ctx == "qkey":
        return s != "" and all(c.isalnum() or c in "-_." for c in s)
    return "\r" not in s  # XML parsers turn a bare CR into LF; botocore would not escape it


class Generator:
    """Generates one value tree. `protocol` is botocore's protocol name; `direction` is
    "input" or "output". `allowed` (optional) says which members rime's model has, so members
    that only botocore knows (client-side additions) are never generated."""

    def __init__(self, rng, protocol, direction, allowed=None, budget=400, overrides=None):
        self.rng = rng
        self.overrides = overrides or {}  # member name -> pattern botocore itself insists on
        self.protocol = protocol
        self.direction = direction
        self.allowed = allowed
        self.budget = budget
        self.notes = []  # (path, reason) for optional members left out

    # ---------------------------------------------------------------- helpers
    def chance(self, p):
        return self.rng.random() < p

    def note(self, path, reason):
        self.notes.append((path, reason))

    def body_timestamp_format(self):
        return {"json": "unixtimestamp", "rest-json": "unixtimestamp", "smithy-rpc-v2-cbor": "unixtimestamp"}.get(
            self.protocol, "iso8601")

    # ---------------------------------------------------------------- top level
    def top(self, shape, op_http_uri=""):
        """A value for an operation's input or output structure (None when there is no shape)."""
        if shape is None:
            return None
        greedy = set()
        for part in op_http_uri.split("{")[1:]:
            name = part.split("}")[0]
            if name.endswith("+"):
                greedy.add(name[:-1])
        return self.structure(shape, "", depth=0, stack=(), top=True, greedy=greedy)

    # ---------------------------------------------------------------- shapes
    def value(self, shape, path, ctx, depth, stack):
        self.budget -= 1
        t = shape.type_name
        if t == "structure":
            if shape.metadata.get("document"):
                return self.document(depth)
            return self.structure(shape, path, depth, stack)
        if t == "list":
            return self.list(shape, path, ctx, depth, stack)
        if t == "map":
            return self.map(shape, path, ctx, depth, stack)
        if t == "string":
            if shape.serialization.get("jsonvalue") and ctx in ("header",):
                obj = self.document(depth, top_object=True)
                return JsonText(obj) if self.direction == "output" else obj
            return self.string(shape, path, ctx)
        if t in ("integer", "long", "short", "byte"):
            return self.integer(shape, t)
        if t in ("float", "double"):
            return self.float(shape, ctx)
        if t == "boolean":
            return self.chance(0.5)
        if t == "blob":
            return self.blob(shape, ctx)
        if t == "timestamp":
            return self.timestamp(shape, ctx)
        raise Skip(f"unknown shape type {t}")

    def structure(self, shape, path, depth, stack, top=False, greedy=()):
        if shape.name in stack and stack.count(shape.name) >= 1 and depth > 2:
            recursive = True
        else:
            recursive = False
        stack = stack + (shape.name,)
        required = set(shape.required_members)
        members = shape.members
        allowed = self.allowed.get(shape.name) if self.allowed is not None else None
        out = {}
        is_union = bool(shape.metadata.get("union"))
        names = list(members)
        if is_union:
            candidates = [n for n in names if self._member_usable(members[n], n, allowed, top)[0]]
            # prefer members that do not recurse into a shape on the stack
            flat = [n for n in candidates if members[n].name not in stack]
            pool = flat or candidates
            if not pool:
                raise Skip(f"{path or '<top>'}: union without a usable member")
            names = [self.rng.choice(pool)]
            required = set(names)
        if depth == 0:
            p_opt = 0.7
        elif depth <= 2:
            p_opt = 0.45
        elif depth <= 4:
            p_opt = 0.25
        else:
            p_opt = 0.0
        if recursive or self.budget <= 0:
            p_opt = 0.0
        for name in names:
            m = members[name]
            mpath = f"{path}.{name}" if path else name
            usable, why = self._member_usable(m, name, allowed, top)
            if not usable:
                if name in required:
                    raise Skip(f"{mpath}: required but {why}")
                if why:
                    self.note(mpath, why)
                continue
            if name not in required and not self.chance(p_opt):
                continue
            ctx = self._member_context(m, name, top, greedy)
            try:
                if name in self.overrides and m.type_name == "string":
                    out[name] = regexgen.generate(self.overrides[name], self.rng)
                elif ctx == "status":
                    out[name] = self.rng.choice([200, 201, 202])
                elif ctx == "prefixheaders":
                    out[name] = self.header_map(m, mpath)
                elif ctx == "querymap":
                    out[name] = self.query_map(m, mpath, depth, stack)
                else:
                    out[name] = self.value(m, mpath, ctx, depth + 1, stack)
            except Skip as e:
                if name in required or is_union:
                    raise
                self.note(mpath, str(e))
                continue
        return out

    def _member_usable(self, m, name, allowed, top):
        if allowed is not None and name not in allowed:
            return False, "member unknown to rime's model (botocore-only)"
        if m.serialization.get("eventstream") or (m.type_name == "structure" and m.serialization.get("eventstream")):
            return False, "event stream"
        if getattr(m, "metadata", {}).get("eventstream"):
            return False, "event stream"
        if top and m.serialization.get("location") in ("uri", "querystring", "header", "headers") \
                and self.protocol not in ("rest-json", "rest-xml"):
            return True, ""
        return True, ""

    def _member_context(self, m, name, top, greedy):
        if not top:
            return "body"
        loc = m.serialization.get("location")
        if self.protocol not in ("rest-json", "rest-xml"):
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

    def _count(self, shape, cap=2):
        lo = int(shape.metadata.get("min", 0) or 0)
        hi = shape.metadata.get("max")
        top = max(lo, min(cap, hi if hi is not None else cap))
        if self.budget <= 0:
            top = lo
        return self.rng.randint(lo, top)

    def list(self, shape, path, ctx, depth, stack):
        n = self._count(shape)
        member_ctx = ctx
        if ctx == "headerlist":
            member_ctx = "headerlist" if self.direction == "output" else "header"
        if ctx == "query":
            member_ctx = "query"
        out = []
        for i in range(n):
            for _attempt in range(8):
                v = self.value(shape.member, f"{path}[{i}]", member_ctx, depth + 1, stack)
                if v not in out:  # @uniqueItems is common and botocore does not know it
                    break
            else:
                if i >= int(shape.metadata.get("min", 0) or 0):
                    break
            out.append(v)
        return out

    def map(self, shape, path, ctx, depth, stack):
        n = self._count(shape)
        out = {}
        for i in range(n * 3):
            if len(out) >= n:
                break
            k = self.value(shape.key, f"{path}{{key}}", "body", depth + 1, stack)
            if k in out:
                continue
            out[k] = self.value(shape.value, f"{path}{{{k}}}", ctx if ctx != "body" else "body", depth + 1, stack)
        return out

    def header_map(self, m, path):
        """@httpPrefixHeaders: keys are header-name suffixes, values header strings."""
        n = self._count(m)
        out = {}
        for _ in range(n):
            k = self.plain_string(self.rng.randint(1, 8), "hkey").lower()
            v = self.value(m.value, f"{path}{{{k}}}", "header", 1, ())
            out[k] = v
        return out

    def query_map(self, m, path, depth, stack):
        """@httpQueryParams: each entry is a query parameter of its own."""
        n = self._count(m)
        out = {}
        for _ in range(n):
            k = "qp" + self.plain_string(self.rng.randint(1, 6), "qkey")
            out[k] = self.value(m.value, f"{path}{{{k}}}", "query", depth + 1, stack)
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
        return node(0)

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

    def string(self, shape, path, ctx):
        enum = shape.enum
        if enum:
            usable = [e for e in enum if _ok_for_context(e, ctx)]
            if not usable:
                raise Skip("no enum value fits a " + ctx)
            return self.rng.choice(usable)
        lo = int(shape.metadata.get("min", 0) or 0)
        hi = shape.metadata.get("max")
        if ctx in ("label", "greedy", "header", "headerlist", "hkey", "qkey"):
            lo = max(lo, 1)  # an empty label or header is not a value on the wire
        pattern = shape.metadata.get("pattern")
        if pattern:
            avoid = "" if ctx == "body" else "\n\t"
            try:
                return regexgen.generate(pattern, self.rng, lo, hi, accept=lambda s: _ok_for_context(s, ctx),
                                         avoid=avoid)
            except regexgen.Unsupported as e:
                c = regexgen.canned(pattern, lo, hi, accept=lambda s: _ok_for_context(s, ctx))
                if c is not None:
                    return c
                # A conservative value: letters and digits only, checked against the pattern when
                # Python can read it.
                for _ in range(20):
                    s = self.plain_string(self._len(lo, hi), "none")
                    ok = regexgen.matches(pattern, s)
                    if ok or ok is None:
                        return s
                raise Skip(f"pattern {pattern!r}: {e}")
        for _ in range(20):
            s = self.plain_string(self._len(lo, hi), ctx)
            if _ok_for_context(s, ctx):
                return s
        return self.plain_string(self._len(lo, hi), "none")

    def _len(self, lo, hi):
        top = lo + 12
        if hi is not None:
            top = min(top, hi)
        if lo == 0 and self.rng.random() < 0.9:
            lo = 1  # empty strings now and then only
        return self.rng.randint(lo, max(lo, top))

    def integer(self, shape, t):
        lo = shape.metadata.get("min")
        hi = shape.metadata.get("max")
        limit = 2**31 - 1 if t == "integer" else 2**63 - 1
        lo = -limit - 1 if lo is None else int(lo)
        hi = limit if hi is None else int(hi)
        r = self.rng.random()
        if r < 0.15 and t == "long" and hi >= 2**53 + 1 >= lo:
            return 2**53 + 1  # not representable as a double: a number that must stay an integer
        if r < 0.3:
            cands = [v for v in (0, 1, -1, hi, lo) if lo <= v <= hi]
            return self.rng.choice(cands)
        a, b = max(lo, 0), min(hi, 1000)
        if a > b:
            a, b = lo, min(hi, lo + 1000)
        return self.rng.randint(a, b)

    def float(self, shape, ctx):
        lo = shape.metadata.get("min")
        hi = shape.metadata.get("max")
        if lo is None and hi is None and self.chance(0.06) and ctx == "body":
            return self.rng.choice([math.inf, -math.inf, math.nan])
        lo = -1e6 if lo is None else float(lo)
        hi = 1e6 if hi is None else float(hi)
        # dyadic values: exact in float32 and double, so precision is not what is compared
        for _ in range(20):
            v = self.rng.randint(-8000, 8000) / 8.0
            if lo <= v <= hi:
                return v
        for v in (lo, hi, (lo + hi) / 2):
            if math.isfinite(v):
                return float(v)
        return 0.0

    def blob(self, shape, ctx):
        lo = int(shape.metadata.get("min", 0) or 0)
        hi = shape.metadata.get("max")
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
        if self.direction == "output":
            if fmt != "rfc822" and self.chance(0.5):
                millis = self.rng.randint(1, 999)
        elif fmt == "iso8601" and self.chance(0.5):
            millis = self.rng.randint(1, 999)  # botocore sends sub-second digits only in ISO 8601
        return datetime.datetime.fromtimestamp(secs, UTC) + datetime.timedelta(milliseconds=millis)
