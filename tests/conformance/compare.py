"""Comparison of what botocore sent with what rime parsed (input), and of what rime was asked to
serialise with what botocore parsed (output), walking the botocore shape.

Both sides are first brought to one canonical form; every step of that is a normalisation listed
here with the reason it is AWS-correct (i.e. the wire cannot, or by the protocol's rules need not,
tell the two forms apart):

N1 timestamps -> epoch milliseconds. rime keeps millisecond instants; botocore gives datetimes.
   Input timestamps are generated with the precision botocore puts on the wire for their format
   (whole seconds for epoch-seconds and HTTP dates, milliseconds for ISO 8601), so nothing is lost.
N2 blobs -> bytes (botocore may hold a str for a blob it was given as text; StreamingBody is read).
N3 numbers compare by value: an integer-valued double may come back as 1 or 1.0. NaN equals NaN.
N4 absent == empty where the protocol has no way to send the empty value:
   - ec2Query input: empty lists, maps and structures serialise to nothing;
   - awsQuery input: empty maps and structures serialise to nothing (empty lists are sent as `X=`);
   - REST input and output: an empty list bound to a header or to the query string, and an empty
     map bound to prefixed headers or to query parameters, produce no header/parameter;
   - XML (awsQuery, ec2Query, restXml) output and restXml input: a *flattened* empty list or map
     has no element at all;
   - REST output: a payload member that rime was asked to leave out is read back by botocore from
     the empty body: b"" for a blob, "" for a string, {} for a structure;
   - restJson1 input: with no body members botocore still sends `{}`, so a structure payload that
     was left out may come back as an empty structure.
N5 prefixed-header map keys compare case-insensitively (HTTP header names are case-insensitive).
N6 a string with the jsonvalue trait in a header (Smithy @mediaType application/json) is a JSON
   text on the wire and in rime, a parsed value in botocore: compared after json.loads.
N7 awsJson output: botocore's JSON parser returns the strings "NaN", "Infinity", "-Infinity" as it
   finds them for float members (it has no float handler for that protocol); those are exactly the
   wire forms of the special values the output asked for.
N8 botocore-only additions to parsed output are dropped: ResponseMetadata (request id, HTTP data)
   and S3's ExpiresString (the raw Expires header, added by a before-parse customisation).
N9 input members that botocore adds *after* serialising (flexible checksums, Content-MD5, the
   HTTP layer's Content-Length) are not in the captured parameters; rime's value for such a member
   is compared with what the raw wire request carried for it (converted to the member's type).
N10 botocore's model types a few members as strings where the Smithy model has a number or a
   boolean (CloudFront's and Route 53's MaxItems), or the other way round (S3's PartNumberMarker):
   the generator sends the text of a valid number, and the number is compared with that text.
N11 output: a member bound to the status code, Content-Type or Content-Length that the output
   leaves unset still reads back (every HTTP response has a status; a body has a media type and
   a length).
N12 output: a prefix-headers map with the empty prefix collects every response header; only the
   headers the output asked for are compared.

Not normalised but avoided by the generator (shapegen.py) because no AWS protocol can carry them
losslessly: header values with leading/trailing blanks or non-ASCII, commas or quotes in header
list items of outputs (botocore splits them), "." / ".." label segments, empty labels, bare CR in
XML text, sub-second timestamps where botocore truncates (epoch seconds, headers, HTTP dates),
empty containers where the protocol sends nothing for them but the member is required, a map
whose only key starts with "$" (it would read as a tag in ECHO.md's tagged JSON).
"""
import base64
import datetime
import decimal
import json
import math

ABSENT = object()


class Millis(int):
    """A timestamp from rime's tagged JSON (epoch milliseconds)."""


class JsonText:
    """An output string member with the jsonvalue trait: rime gets JSON text, botocore returns obj."""

    def __init__(self, obj):
        self.obj = obj


class NumText(str):
    """A botocore string member that is a number (or boolean) in rime's model (N10): the text for
    botocore, the value for rime."""

    def __new__(cls, value):
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        obj = super().__new__(cls, text)
        obj.value = value
        return obj


# ------------------------------------------------------------------------------------------ tags

def to_tagged(v):
    """Python value -> rime's tagged JSON (ECHO.md)."""
    if isinstance(v, JsonText):
        return json.dumps(v.obj, separators=(",", ":"))
    if isinstance(v, NumText):
        return v.value
    if isinstance(v, dict):
        return {k: to_tagged(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_tagged(x) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return {"$double": "NaN"}
        if math.isinf(v):
            return {"$double": "Infinity" if v > 0 else "-Infinity"}
        return v
    if isinstance(v, (bytes, bytearray)):
        return {"$blob": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, datetime.datetime):
        return {"$timestamp": ts_millis(v)}
    raise TypeError(f"cannot tag {type(v).__name__}")


def from_tagged(j):
    """rime's tagged JSON -> Python value (Millis for timestamps, bytes for blobs)."""
    if isinstance(j, dict):
        if len(j) == 1:
            (k, v), = j.items()
            if k.startswith("$"):
                if k == "$blob":
                    return base64.b64decode(v)
                if k == "$timestamp":
                    return Millis(v)
                if k == "$double":
                    return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}.get(v, v))
                if k == "$big":
                    return decimal.Decimal(v)
                raise ValueError(f"unknown tag {k}")
        return {k: from_tagged(v) for k, v in j.items()}
    if isinstance(j, list):
        return [from_tagged(x) for x in j]
    return j


def plain(v):
    """Generated output value -> what botocore should return (JsonText unwrapped)."""
    if isinstance(v, JsonText):
        return v.obj
    if isinstance(v, NumText):
        return str(v)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def ts_millis(v):
    if isinstance(v, Millis):
        return int(v)
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        delta = v - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return (delta.days * 86400 + delta.seconds) * 1000 + round(delta.microseconds / 1000)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return round(v * 1000)
    raise TypeError(f"not a timestamp: {v!r}")


def short(v, limit=200):
    """Printable form of a value for reports."""
    if v is ABSENT:
        return "<absent>"
    if isinstance(v, Millis):
        return f"<ts {int(v)}>"
    if isinstance(v, datetime.datetime):
        return f"<ts {ts_millis(v)}>"
    if isinstance(v, (bytes, bytearray)):
        s = f"<blob {bytes(v)[:40]!r}{'...' if len(v) > 40 else ''}>"
        return s
    try:
        s = json.dumps(v, default=lambda o: short(o, limit), ensure_ascii=False)
    except (TypeError, ValueError):
        s = repr(v)
    return s if len(s) <= limit else s[:limit] + "..."


# ------------------------------------------------------------------------------------------ compare

def is_event_stream(shape):
    return bool(shape.serialization.get("eventstream") or shape.metadata.get("eventstream"))


class Comparer:
    """Compares expected and got along a botocore shape; collects (path, expected, got, note)."""

    def __init__(self, protocol, direction, injected=None):
        self.protocol = protocol
        self.direction = direction
        self.injected = injected or {}  # top-level member -> value seen on the wire (N9)
        self.diffs = []

    def diff(self, path, exp, got, note=""):
        self.diffs.append({"path": path or "<top>", "expected": short(exp), "got": short(got), "note": note})

    # ---- absent vs empty (N4)
    def _empty(self, v):
        return v in ({}, [], b"", "")

    def absent_equivalent(self, v, shape, top, location, is_payload):
        """True when value v (present on one side) may be absent on the other (N4)."""
        t = shape.type_name
        if not (isinstance(v, (dict, list)) and len(v) == 0) and not (is_payload and self._empty(v)):
            return False
        if t == "structure" and shape.metadata.get("document"):
            return False
        if t == "structure" and is_event_stream(shape) and v == []:
            return True  # no events: nothing on the wire either way
        p, d = self.protocol, self.direction
        if d == "input" and p == "ec2" and t in ("list", "map", "structure"):
            return True
        if d == "input" and p == "query" and t in ("map", "structure"):
            return True
        if top and p in ("rest-json", "rest-xml"):
            if location in ("header", "headers", "querystring") and t in ("list", "map"):
                return True
            if d == "output" and is_payload:
                return True
            if d == "input" and is_payload and p == "rest-json" and t == "structure":
                return True
        if t in ("list", "map") and shape.serialization.get("flattened"):
            if p in ("query", "ec2", "rest-xml") and (d == "output" or p == "rest-xml"):
                return True
        return False

    # ---- walk
    def compare(self, exp, got, shape, path="", top=False):
        if shape is None:
            exp = {} if exp in (None, ABSENT) else exp
            got = {} if got in (None, ABSENT) else got
            if exp != got:
                self.diff(path, exp, got, "operation has no shape")
            return
        self.value(exp, got, shape, path, top=top)

    def value(self, exp, got, shape, path, top=False, location=None):
        t = shape.type_name
        if t == "structure" and is_event_stream(shape):
            return self.event_stream(exp, got, shape, path)
        if t == "structure" and not shape.metadata.get("document"):
            return self.structure(exp, got, shape, path, top)
        if t == "structure":  # document
            if not self.json_equal(exp, got):
                self.diff(path, exp, got, "document")
            return
        if t == "list":
            if not isinstance(got, list) or not isinstance(exp, list):
                return self.diff(path, exp, got, "not a list")
            if len(exp) != len(got):
                return self.diff(path, exp, got, f"list length {len(exp)} != {len(got)}")
            for i, (e, g) in enumerate(zip(exp, got)):
                self.value(e, g, shape.member, f"{path}[{i}]")
            return
        if t == "map":
            if not isinstance(got, dict) or not isinstance(exp, dict):
                return self.diff(path, exp, got, "not a map")
            ci = location == "headers"  # N5
            ek = {(k.lower() if ci else k): v for k, v in exp.items()}
            gk = {(k.lower() if ci else k): v for k, v in got.items()}
            if set(ek) != set(gk):
                return self.diff(path, exp, got, f"map keys {sorted(ek)} != {sorted(gk)}")
            for k in ek:
                self.value(ek[k], gk[k], shape.value, f"{path}{{{k}}}")
            return
        if t == "timestamp":
            try:
                e, g = ts_millis(exp), ts_millis(got)
            except TypeError as err:
                return self.diff(path, exp, got, str(err))
            if e != g:
                self.diff(path, exp, got, f"timestamp {e} != {g} ms")
            return
        if t == "blob":
            e = exp.encode() if isinstance(exp, str) else exp
            g = got.encode() if isinstance(got, str) else got
            if hasattr(e, "read"):
                e = e.read()
            if e != g:
                self.diff(path, exp, got, "blob")
            return
        if t in ("float", "double"):
            if self.num_equal(exp, got):
                return
            if self.protocol == "json" and self.direction == "output" and isinstance(got, str) \
                    and isinstance(exp, float) and not math.isfinite(exp):  # N7
                want = "NaN" if math.isnan(exp) else ("Infinity" if exp > 0 else "-Infinity")
                if got == want:
                    return
            return self.diff(path, exp, got, "number")
        if t in ("integer", "long", "short", "byte"):
            if isinstance(got, str) and isinstance(exp, int) and self.num_text_equal(got, exp):
                return  # N10, the other way round
            if isinstance(got, bool) or not self.num_equal(exp, got):
                self.diff(path, exp, got, "integer")
            return
        if t == "boolean":
            if exp is not got:
                self.diff(path, exp, got, "boolean")
            return
        if t == "string":
            if shape.serialization.get("jsonvalue") and location == "header":  # N6
                e = exp.obj if isinstance(exp, JsonText) else exp
                g = got
                if isinstance(g, str) and not isinstance(e, str):
                    try:
                        g = json.loads(g)
                    except ValueError:
                        return self.diff(path, e, got, "jsonvalue header is not JSON")
                if not self.json_equal(e, g):
                    self.diff(path, e, got, "jsonvalue")
                return
            if isinstance(exp, str) and isinstance(got, (int, float)) and not isinstance(got, bool) \
                    and self.num_text_equal(exp, got):
                return  # N10
            if isinstance(exp, str) and isinstance(got, bool) and exp == ("true" if got else "false"):
                return  # N10
            if exp != got or not isinstance(got, str):
                self.diff(path, exp, got, "string")
            return
        if exp != got:
            self.diff(path, exp, got, t)

    def event_stream(self, exp, got, shape, path):
        """A list of events, each {event name: event structure}, against botocore's iteration."""
        if not isinstance(exp, list) or not isinstance(got, list):
            return self.diff(path, exp, got, "not an event stream")
        if len(exp) != len(got):
            return self.diff(path, exp, got, f"{len(exp)} events != {len(got)}")
        for i, (e, g) in enumerate(zip(exp, got)):
            self.structure(e, g, shape, f"{path}[{i}]", top=False)

    def structure(self, exp, got, shape, path, top):
        if exp is None:
            exp = {}
        if not isinstance(exp, dict) or not isinstance(got, dict):
            return self.diff(path, exp, got, "not a structure")
        payload = shape.serialization.get("payload") if top else None
        for name in list(dict.fromkeys(list(exp) + list(got))):
            mpath = f"{path}.{name}" if path else name
            m = shape.members.get(name)
            e = exp.get(name, ABSENT)
            g = got.get(name, ABSENT)
            if m is None:
                self.diff(mpath, e, g, "member not in botocore's shape")
                continue
            location = m.serialization.get("location") if top else None
            if top and e is ABSENT and g is not ABSENT and name in self.injected:  # N9
                e = self.injected[name]
            if top and e is ABSENT and g is not ABSENT and self.direction == "output" and (
                    location == "statusCode" or location == "header" and
                    m.serialization.get("name", name).lower() in ("content-type", "content-length")):
                continue  # N11
            if top and location == "headers" and not m.serialization.get("name") and self.direction == "output":
                # N12: prefix "" collects every response header; compare the ones asked for
                if e is ABSENT:
                    continue
                if isinstance(g, dict) and isinstance(e, dict):
                    lower = {k.lower() for k in e}
                    g = {k: v for k, v in g.items() if k.lower() in lower}
            if e is ABSENT or g is ABSENT:
                present = g if e is ABSENT else e
                if present is None:
                    continue
                if self.absent_equivalent(present, m, top, location, name == payload):
                    continue
                self.diff(mpath, e, g, "missing in rime's parse" if g is ABSENT and self.direction == "input"
                          else "missing in botocore's parse" if g is ABSENT
                          else "unexpected member")
                continue
            self.value(e, g, m, mpath, location=location)

    @staticmethod
    def num_text_equal(text, n):
        try:
            return decimal.Decimal(text) == decimal.Decimal(n)
        except (decimal.InvalidOperation, ValueError):
            return False

    @staticmethod
    def num_equal(a, b):
        if isinstance(a, bool) or isinstance(b, bool):
            return False
        if not isinstance(a, (int, float, decimal.Decimal)) or not isinstance(b, (int, float, decimal.Decimal)):
            return False
        if isinstance(a, float) and math.isnan(a):
            return isinstance(b, float) and math.isnan(b)
        if isinstance(b, float) and math.isnan(b):
            return False
        if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
            return decimal.Decimal(a) == decimal.Decimal(b)
        return a == b

    def json_equal(self, a, b):
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(self.json_equal(a[k], b[k]) for k in a)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(self.json_equal(x, y) for x, y in zip(a, b))
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
                and not isinstance(b, bool):
            return self.num_equal(a, b)
        return type(a) is type(b) and a == b
