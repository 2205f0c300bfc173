#!/usr/bin/env python3
"""Client-driven conformance: botocore is the oracle for rime's protocol layer.

For every operation of every service in the AWS models that botocore also knows (manifest sdkId =
botocore metadata.serviceId):

* input: a deterministic pseudo-random valid input (shapegen.py, seeded by service, protocol,
  operation and --salt) goes through botocore's own pipeline (parameter validation on,
  customisations, serialisation, signing) and is sent to a rime-test-server running echo services
  (RIME_TEST_ECHO_MODELS, see ECHO.md). rime answers with x-rime-echo-input: the input it parsed,
  as tagged JSON. That is compared (compare.py) with the parameters botocore serialised, captured
  at the serializer, i.e. after botocore's own parameter customisations (idempotency tokens,
  SSE-C key encoding, S3 EncodingType, Route 53 id stripping ...).
* output: the request also carries x-rime-echo-output: a random valid output for the operation,
  which rime serialises as the response; botocore's parse of it, captured at response-received
  (before after-call customisations such as IAM's policy URL-decoding), is compared with it.
  Event-stream outputs are lists of events (ECHO.md), compared with botocore's EventStream.

The HTTP exchange happens in a before-send hook (urllib3, to the --endpoint whatever host botocore
computed) so that raw headers and bodies are at hand even when botocore cannot parse a response.
Clients use endpoint_url=--endpoint, us-east-1, dummy SigV4 credentials, no retries, no host
prefixes, checksums only where required.

With --runtime-models (gen_runtime_models.py output) values are valid for rime's model too
(members, required sets, unions, constraints, patterns, enums); where botocore 1.43's model and
rime's put a member on the wire differently, the member is not generated ("model differences" in
the report), and an operation whose route differs is skipped. Operations that share their route
(and signing name) with another service's cannot be told apart without a Host: their
disagreements count as "ambiguous", not as failures.

Services whose botocore model lists several protocols (rpcv2Cbor / awsJson / awsQuery) are run
once per protocol botocore can speak and the manifest says clients send, so the CBOR and the
query variants are covered too.

Per protocol: operations tried / agreed / disagreed (known: listed in known_differences.txt,
unlisted) / ambiguous / error (the driver or botocore could not produce a request) / skipped (with
the reason), and out-skipped (input compared, output not). Exit status 1 on any unlisted
disagreement or error. --report FILE writes every non-agreeing operation with its differences and
the wire exchange.

Usage: python3 driver.py --endpoint http://127.0.0.1:PORT --runtime-models DIR [--report FILE]
           [--services a,b] [--ops REGEX] [--protocols json,...] [--salt S] [--jobs N]
       python3 driver.py --offline   (generate + validate + serialise only, nothing is sent)
"""
import argparse
import base64
import collections
import concurrent.futures
import copy
import hashlib
import io
import json
import os
import random
import re
import sys
import time
import traceback
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import botocore  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402
import botocore.model  # noqa: E402
import botocore.response  # noqa: E402
import botocore.serialize  # noqa: E402
import botocore.session  # noqa: E402
import botocore.tokens  # noqa: E402
import urllib3  # noqa: E402

import compare  # noqa: E402
import shapegen  # noqa: E402

REPO = HERE.parent.parent
DEFAULT_MODELS = Path(os.environ.get("RIME_AWS_MODELS") or REPO.parent / "shared" / "aws-models")
DEFAULT_KNOWN = HERE / "known_differences.txt"
PROTOCOL_ORDER = ["query", "ec2", "json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor"]
SMITHY_TO_BOTOCORE = {
    "aws.protocols#awsQuery": "query", "aws.protocols#ec2Query": "ec2", "aws.protocols#awsJson1_0": "json",
    "aws.protocols#awsJson1_1": "json", "aws.protocols#restJson1": "rest-json", "aws.protocols#restXml": "rest-xml",
    "smithy.protocols#rpcv2Cbor": "smithy-rpc-v2-cbor",
}
REGION = "us-east-1"
MAX_OUTPUT_HEADER = 48 * 1024  # rime's default header block limit is 64 KiB

# Members whose values botocore itself constrains before serialising (handlers.validate_bucket_name,
# the endpoint rule sets, flexible checksums): a pattern for them, or None to leave them out.
MEMBER_PATTERNS = {
    ("s3", "Bucket"): r"^[a-z0-9][a-z0-9]{2,20}$",
    ("s3control", "Bucket"): r"^[a-z0-9][a-z0-9]{2,20}$",
    ("s3control", "OutpostId"): r"^op-[a-z0-9]{8,17}$",
    # flexible checksums botocore computes itself; the others need awscrt (not installed)
    ("s3", "ChecksumAlgorithm"): r"^(CRC32|SHA1|SHA256)$",
    # None: never generated. ChecksumMode=ENABLED makes botocore verify the random output's
    # checksum headers against the body, which they are not.
    ("s3", "ChecksumMode"): None,
    # botocore computes these for cross-region copies after serialising (inject_presigned_url_ec2)
    ("ec2", "PresignedUrl"): None,
    ("ec2", "DestinationRegion"): None,
    # multi-region endpoint ids turn into host names (and SigV4a) in the endpoint rules
    ("sesv2", "EndpointId"): None,
    ("events", "EndpointId"): None,
    ("cloudfront-keyvaluestore", "KvsARN"): r"^arn:aws:cloudfront::123456789012:key-value-store/[a-z0-9]{8}-[a-z0-9]{4}$",
}


# ------------------------------------------------------------------------------------------ setup

def seed_for(*parts):
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


_META_RE = {k: re.compile(r'"%s"\s*:\s*"([^"]*)"' % k) for k in ("serviceId", "endpointPrefix")}


def _metadata(session, name):
    """serviceId and endpointPrefix of a botocore service, read from the head of its model file
    (metadata comes first) plus its sdk-extras; a full load only when that fails."""
    loader = session.get_component("data_loader")
    try:
        version = loader.determine_latest_version(name, "service-2")
        for base in loader.search_paths:
            d = Path(base) / name / version
            for fn, opener in (("service-2.json.gz", "gzip"), ("service-2.json", "plain")):
                p = d / fn
                if not p.is_file():
                    continue
                if opener == "gzip":
                    import gzip
                    with gzip.open(p, "rt", encoding="utf-8") as f:
                        head = f.read(8192)
                else:
                    with open(p, encoding="utf-8") as f:
                        head = f.read(8192)
                md = {}
                for k, rx in _META_RE.items():
                    m = rx.search(head[:head.find('"operations"')] if '"operations"' in head else head)
                    if m:
                        md[k] = m.group(1)
                extras = d / "service-2.sdk-extras.json"
                if extras.is_file():
                    md.update(json.loads(extras.read_text()).get("merge", {}).get("metadata", {}))
                if "serviceId" in md:
                    return md
    except Exception:  # noqa: BLE001
        pass
    return session.get_service_data(name)["metadata"]


def _service_id(session, name):
    return _metadata(session, name).get("serviceId")


def map_services(manifest, session):
    """[(manifest entry, botocore service name)] for every manifest service botocore knows.

    botocore's metadata.serviceId is the Smithy sdkId. Likely names are tried first (loading a
    model costs tens of milliseconds); every model is read only when some entry is still unmatched.
    """
    available = session.get_available_services()
    avail_set = set(available)
    out = {}
    claimed = set()
    unmatched = []
    for e in manifest:
        sdk = e["sdkId"]
        guesses = [e["name"], sdk.lower().replace(" ", "-"), sdk.lower().replace(" ", ""), e["endpointPrefix"]]
        hit = None
        for g in dict.fromkeys(guesses):
            if g in avail_set and g not in claimed and _service_id(session, g) == sdk:
                hit = g
                break
        if hit:
            out[e["name"]] = (e, hit)
            claimed.add(hit)
        else:
            unmatched.append(e)
    if unmatched:
        by_sid = collections.defaultdict(list)
        by_prefix = collections.defaultdict(list)
        for name in available:
            if name in claimed:
                continue
            md = _metadata(session, name)
            by_sid[md.get("serviceId")].append(name)
            by_prefix[md.get("endpointPrefix")].append(name)
        still = []
        for e in unmatched:
            cands = [n for n in by_sid.get(e["sdkId"], []) if n not in claimed]
            if cands:
                out[e["name"]] = (e, cands[0])
                claimed.add(cands[0])
            else:
                still.append(e)
        for e in still:  # same endpoint prefix, a service botocore names differently
            cands = [n for n in by_prefix.get(e["endpointPrefix"], []) if n not in claimed]
            if cands:
                out[e["name"]] = (e, cands[0])
                claimed.add(cands[0])
    return [out[e["name"]] for e in manifest if e["name"] in out]


class RawBody(io.BytesIO):
    """A response body botocore can read() (StreamingBody) and stream() (content, event streams)."""

    def stream(self, amt=65536, decode_content=None):
        while True:
            chunk = self.read(amt)
            if not chunk:
                break
            yield chunk


class StaticToken(botocore.tokens.FrozenAuthToken):
    pass


class StaticTokenProvider:
    def load_token(self, **kwargs):
        return StaticToken("rime-conformance-token")


class ForcedProtocolLoader:
    """A data loader that serves one service's model with its protocol list cut to one protocol,
    so botocore speaks that protocol (the others of a multi-protocol model)."""

    def __init__(self, inner, service, protocol):
        self._inner = inner
        self._service = service
        self._protocol = protocol
        self._cache = None

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def load_service_model(self, service_name, type_name, api_version=None):
        data = self._inner.load_service_model(service_name, type_name, api_version)
        if type_name == "service-2" and service_name == self._service:
            if self._cache is None:
                self._cache = copy.deepcopy(data)
                self._cache["metadata"]["protocols"] = [self._protocol]
                self._cache["metadata"]["protocol"] = self._protocol
            return self._cache
        return data


class CapturingSerializer:
    """Wraps botocore's (validating) serializer to record the parameters it serialises."""

    def __init__(self, inner, runner):
        self._inner = inner
        self._runner = runner

    def serialize_to_request(self, parameters, operation_model):
        self._runner.ctx["params"] = copy.deepcopy(parameters)
        return self._inner.serialize_to_request(parameters, operation_model)


def load_runtime(runtime_models, name):
    """rime's runtime model of a service (gen_runtime_models.py output), or None."""
    if not runtime_models:
        return None
    p = Path(runtime_models) / f"{name}.json"
    if not p.is_file():
        return None
    try:
        return RuntimeModel(json.loads(p.read_text()))
    except ValueError:
        return None


class RuntimeModel:
    """rime's runtime model: shapes by index, operations by name (see gen_runtime_models.py)."""

    def __init__(self, doc):
        self.shapes = doc.get("shapes", [])
        self.ops = {o.get("name"): o for o in doc.get("operations", [])}

    def shape(self, index):
        if not isinstance(index, int) or index < 0 or index >= len(self.shapes):
            return None
        return self.shapes[index]

    def op_shape(self, op_name, direction):
        op = self.ops.get(op_name)
        return None if op is None else op.get("input" if direction == "input" else "output")


# ------------------------------------------------------------------------------------------ runner

class ServiceRunner:
    def __init__(self, entry, bname, protocol, preferred, args, loader):
        self.loader = loader
        self.entry = entry
        self.name = entry["name"]
        self.bname = bname
        self.protocol = protocol
        self.forced = not preferred
        self.args = args
        self.ctx = {}
        self.results = []
        self.http = args.http
        self.runtime = None

    def v4_client(self):
        if getattr(self, "_v4", None) is None:
            self._v4 = self.make_client(signature_version="v4")
        return self._v4

    def make_client(self, signature_version=None):
        session = botocore.session.Session()
        session.register_component("token_provider", StaticTokenProvider())
        session.register_component("data_loader", ForcedProtocolLoader(self.loader, self.bname, self.protocol)
                                   if self.forced else self.loader)
        session.set_config_variable("region", REGION)
        cfg = botocore.config.Config(
            region_name=REGION, retries={"total_max_attempts": 1}, parameter_validation=True,
            inject_host_prefix=False, request_checksum_calculation="when_required",
            response_checksum_validation="when_required", user_agent_appid="rime-conformance",
            **({"signature_version": signature_version} if signature_version else {}),
        )
        endpoint = self.args.endpoint or "http://127.0.0.1:9"
        md = session.get_service_data(self.bname)["metadata"]
        if md.get("signatureVersion") in ("bearer", "v2"):
            # a service that never signs with SigV4 has no credential scope to route by: name it in
            # the host (rime's routing rule 4). Unsigned operations of SigV4 services get no such
            # help: clients send those to the plain endpoint_url too.
            u = urllib.parse.urlsplit(endpoint)
            endpoint = f"{u.scheme}://{md.get('endpointPrefix', self.bname)}.{REGION}.localhost:{u.port}"
        client = session.create_client(self.bname, region_name=REGION, endpoint_url=endpoint,
                                       aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="rime-secret",
                                       config=cfg)
        client._serializer = CapturingSerializer(client._serializer, self)
        client.meta.events.register("before-send", self.before_send)
        client.meta.events.register("response-received", self.response_received)
        if client.meta.service_model.resolved_protocol != self.protocol:
            raise RuntimeError(f"client speaks {client.meta.service_model.resolved_protocol}, wanted {self.protocol}")
        return client

    # ---- hooks
    def before_send(self, request, **kwargs):
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        body = body or b""
        headers = {}
        for k, v in request.headers.items():
            headers[k] = v.decode("latin-1") if isinstance(v, bytes) else v
        out_header = self.ctx.get("out_header")
        if out_header:
            headers["x-rime-echo-output"] = out_header
        self.ctx["wire"] = {"method": request.method, "url": request.url, "headers": headers, "body": body}
        if self.args.offline:
            return botocore.awsrequest.AWSResponse(request.url, 200, {}, RawBody(b""))
        u = urllib.parse.urlsplit(request.url)
        server = urllib.parse.urlsplit(self.args.endpoint)
        target = f"{server.scheme}://{server.netloc}{u.path or '/'}" + (f"?{u.query}" if u.query else "")
        if u.netloc != server.netloc:
            headers.setdefault("Host", u.netloc)
        try:
            r = self.http.urlopen(request.method, target, body=body, headers=headers, retries=False,
                                  redirect=False, preload_content=True, timeout=urllib3.Timeout(connect=5, read=15))
        except Exception as e:  # noqa: BLE001
            self.ctx["http_error"] = f"{type(e).__name__}: {e}"
            raise
        data = r.data or b""
        rheaders = {k.lower(): v for k, v in r.headers.items()}
        self.ctx["raw"] = {"status": r.status, "headers": rheaders, "body": data}
        return botocore.awsrequest.AWSResponse(request.url, r.status, r.headers, RawBody(data))

    def response_received(self, parsed_response=None, exception=None, **kwargs):
        if parsed_response is not None:
            self.ctx["parsed"] = materialise(parsed_response)

    # ---- per operation
    def run(self):
        t0 = time.monotonic()
        try:
            client = self.make_client()
        except Exception as e:  # noqa: BLE001
            sm = None
            for op in self.op_names_fallback():
                self.results.append(self.result(op, "skipped", reason=f"client: {type(e).__name__}: {e}"))
            return self.results
        sm = client.meta.service_model
        self.runtime = load_runtime(self.args.runtime_models, self.name)
        for op in sorted(sm.operation_names):
            if self.args.ops and not re.search(self.args.ops, op):
                continue
            try:
                self.results.append(self.run_op(client, sm.operation_model(op)))
            except Exception as e:  # noqa: BLE001 - a driver bug must not hide the rest
                self.results.append(self.result(op, "error", reason=f"driver: {type(e).__name__}: {e}",
                                                trace=traceback.format_exc()[-2000:]))
        self.elapsed = time.monotonic() - t0
        return self.results

    def op_names_fallback(self):
        try:
            return sorted(self.loader.load_service_model(self.bname, "service-2")["operations"])
        except Exception:  # noqa: BLE001
            return ["*"]

    def result(self, op, status, reason="", diffs=(), **extra):
        r = {"service": self.name, "botocore": self.bname, "protocol": self.protocol, "operation": op,
             "status": status, "reason": reason, "diffs": list(diffs)}
        r.update(extra)
        return r

    def run_op(self, client, om):
        op = om.name
        if om.has_event_stream_input:
            return self.result(op, "skipped", reason="event-stream input (botocore sends it only over HTTP/2)")
        # ---- input
        seed_base = (self.name, self.protocol, op, self.args.salt)
        rt = self.runtime
        if rt is not None and op not in rt.ops:
            return self.result(op, "skipped", reason="operation not in rime's model")
        if rt is not None and self.protocol in ("rest-json", "rest-xml"):
            bu = re.sub(r"\{[^}]*\}", "{}", om.http.get("requestUri", "")).split("?")[0]
            ru = re.sub(r"\{[^}]*\}", "{}", rt.ops[op].get("http_uri", "")).split("?")[0]
            bm, rm_ = om.http.get("method", "POST"), rt.ops[op].get("http_method", "POST")
            if (bu.rstrip("/"), bm) != (ru.rstrip("/"), rm_):
                return self.result(op, "skipped", reason=f"model difference: {bm} {bu} in botocore, {rm_} {ru} in rime's model")
        if rt is not None and rt.op_shape(op, "input") is None and om.input_shape is not None \
                and om.input_shape.members:
            if om.input_shape.required_members:
                return self.result(op, "skipped", reason="model difference: input only in botocore's model")
            params = {}  # nothing rime's model could parse
        else:
            params = None
        gin = shapegen.Generator(random.Random(seed_for(*seed_base, "input")), self.protocol, "input", rt=rt,
                                 overrides=self.overrides(), avoid_patterns=self.args.avoid_patterns)
        try:
            if params is None:
                params = gin.top(om.input_shape, om.http.get("requestUri", ""),
                                 rt.op_shape(op, "input") if rt else None,
                                 method=om.http.get("method", "POST")) if om.input_shape is not None else {}
        except (shapegen.Skip, RecursionError) as e:
            return self.result(op, "skipped", reason=f"input not generated: {e}")
        params = params or {}
        # ---- output
        out_value = None
        out_skip = ""
        gout_last = None
        if om.output_shape is not None and rt is not None and rt.op_shape(op, "output") is None:
            out_value = {}  # model difference: only botocore's model has an output; rime sends none
            out_skip = "model difference: output only in botocore's model"
        elif om.output_shape is not None:
            for attempt in range(4):
                gout = shapegen.Generator(random.Random(seed_for(*seed_base, "output", str(attempt))), self.protocol,
                                          "output", rt=rt, budget=400 >> attempt, overrides=self.overrides())
                gout_last = gout
                code = rt.ops[op].get("http_code") if rt else om.http.get("responseCode")
                try:
                    out_value = gout.top(om.output_shape, "", rt.op_shape(op, "output") if rt else None,
                                         method=om.http.get("method", "POST"), no_body=code in (204, 304))
                except (shapegen.Skip, RecursionError) as e:
                    out_skip = f"output not generated: {e}"
                    out_value = None
                    break
                header = base64.b64encode(json.dumps(compare.to_tagged(out_value)).encode()).decode()
                if len(header) <= MAX_OUTPUT_HEADER:
                    break
                out_value = None
                out_skip = "output too large for a header"
        else:
            out_value = {}
        self.ctx = {"out_header": None}
        if out_value is not None:
            self.ctx["out_header"] = base64.b64encode(json.dumps(compare.to_tagged(out_value)).encode()).decode()
        exc = None
        try:
            try:
                client._make_api_call(op, copy.deepcopy(params))
            except botocore.exceptions.MissingDependencyException:
                # SigV4a needs awscrt, which the image lacks; rime does not check signatures, so
                # sign with SigV4 instead (the request is otherwise the same).
                self.ctx = {"out_header": self.ctx.get("out_header")}
                self.v4_client()._make_api_call(op, copy.deepcopy(params))
        except botocore.exceptions.ParamValidationError as e:
            return self.result(op, "error", reason=f"botocore rejected the generated input: {e}",
                               params=compare.short(params, 2000))
        except Exception as e:  # noqa: BLE001 - ClientError, parse errors: judged below
            exc = e
        if "params" not in self.ctx:
            return self.result(op, "error", reason=f"botocore did not serialise: {type(exc).__name__}: {exc}")
        if self.args.offline:
            return self.result(op, "agreed", reason="offline: serialised")
        raw = self.ctx.get("raw")
        if raw is None:
            return self.result(op, "disagreed", diffs=[{
                "direction": "input", "path": "<request>", "expected": "a response",
                "got": self.ctx.get("http_error") or f"{type(exc).__name__}: {exc}", "note": "no response"}])
        diffs = []
        h = raw["headers"]
        echo_err = h.get("x-rime-echo-error")
        echo_in = h.get("x-rime-echo-input")
        echo_op = h.get("x-rime-echo-operation")
        if echo_err is not None or echo_in is None:
            body = body_text(raw["body"], self.protocol)
            what = f"rime rejected the request: {echo_err}" if echo_err is not None else "no echo from rime"
            others = (getattr(self.args, "ambiguous", None) or {}).get(self.name, {}).get(op)
            names = {n.lower() for n in (om.input_shape.members if om.input_shape else ())}
            strangers = sorted({m.group(1) for m in re.finditer(r"at '([A-Za-z0-9_]+)", raw["body"].decode(
                "utf-8", "replace"))} - {n for n in names} - {n.lower() for n in names})
            strangers = [x for x in strangers if x.lower() not in names]
            if strangers:
                what += f" (it names {', '.join(strangers)}, not in this input: routed to another service?)"
            if h.get("x-rime-echo-service") and h["x-rime-echo-service"] != self.name:
                what += f" (answered by service {h['x-rime-echo-service']})"
            diffs.append({"direction": "input", "path": "<request>", "expected": "parsed input",
                          "got": f"HTTP {raw['status']} {body}", "note": what,
                          "detail": body_text(raw["body"], self.protocol, 3000)})
            if others:
                return self.result(op, "ambiguous", reason=f"same route as {', '.join(others)} (no Host to tell them apart)",
                                   diffs=diffs, wire=self.wire_summary())
            return self.result(op, "disagreed", diffs=diffs, wire=self.wire_summary())
        if echo_op != op:
            diffs.append({"direction": "input", "path": "<operation>", "expected": op, "got": echo_op,
                          "note": "routed to another operation"})
        try:
            got_in = compare.from_tagged(json.loads(base64.b64decode(echo_in)))
        except Exception as e:  # noqa: BLE001
            diffs.append({"direction": "input", "path": "<echo>", "expected": "tagged JSON", "got": str(e),
                          "note": "undecodable x-rime-echo-input"})
            got_in = None
        if got_in is not None:
            cmp = compare.Comparer(self.protocol, "input", injected=self.injected(om))
            cmp.compare(self.ctx["params"], got_in, om.input_shape, top=True)
            diffs += [dict(d, direction="input") for d in cmp.diffs]
        # ---- output
        out_status = "skipped" if out_value is None else "compared"
        if out_value is not None:
            parsed = self.ctx.get("parsed")
            if raw["status"] >= 300 or parsed is None:
                diffs.append({"direction": "output", "path": "<response>", "expected": "a parsed output",
                              "got": f"HTTP {raw['status']} {body_text(raw['body'], self.protocol)}"
                                     + (f" ({type(exc).__name__}: {exc})" if exc else ""),
                              "note": "botocore could not parse the response"})
            else:
                parsed = dict(parsed)
                parsed.pop("ResponseMetadata", None)  # N8
                if self.bname == "s3":
                    parsed.pop("ExpiresString", None)  # N8
                cmp = compare.Comparer(self.protocol, "output")
                cmp.compare(compare.plain(out_value), parsed, om.output_shape, top=True)
                diffs += [dict(d, direction="output") for d in cmp.diffs]
        notes = sorted({f"{d}: {why}" for d, g in (("input", gin), ("output", gout_last)) if g is not None
                        for _p, why in g.notes if why.startswith("model difference")})
        status = "disagreed" if diffs else "agreed"
        others = (getattr(self.args, "ambiguous", None) or {}).get(self.name, {}).get(op)
        if diffs and others:
            # rime may well have answered as the other service: not a protocol difference
            return self.result(op, "ambiguous", reason=f"same route as {', '.join(others)} (no Host to tell them apart)",
                               diffs=diffs, wire=self.wire_summary())
        return self.result(op, status, diffs=diffs, output=out_status, output_skip=out_skip,
                           wire=self.wire_summary() if diffs else None, model_differences=notes)

    def overrides(self):
        return {m: p for (s, m), p in MEMBER_PATTERNS.items() if s == self.bname}

    def wire_summary(self):
        w = self.ctx.get("wire") or {}
        raw = self.ctx.get("raw") or {}
        body = w.get("body") or b""
        return {
            "request": f"{w.get('method')} {w.get('url')}",
            "request_headers": {k: v for k, v in (w.get("headers") or {}).items()
                                if k.lower() not in ("x-rime-echo-output", "authorization", "user-agent")},
            "request_body": body[:1500].decode("utf-8", "replace") if isinstance(body, bytes) else str(body)[:1500],
            "response_status": raw.get("status"),
            "response_headers": {k: v for k, v in (raw.get("headers") or {}).items() if k != "x-rime-echo-input"},
            "response_body": body_text(raw.get("body") or b"", self.protocol, 1500),
        }

    def injected(self, om):
        """N9: string members botocore put on the wire after serialising, {member: wire value}."""
        shape = om.input_shape
        w = self.ctx.get("wire")
        if shape is None or not w:
            return {}
        params = self.ctx.get("params") or {}
        out = {}
        headers = {k.lower(): v for k, v in w["headers"].items()}
        form = None
        jbody = None
        for name, m in shape.members.items():
            if name in params or m.type_name not in ("string", "integer", "long", "boolean"):
                continue
            loc = m.serialization.get("location")
            if loc == "header":
                hv = headers.get(m.serialization.get("name", name).lower())
                if hv is not None:
                    out[name] = hv
            elif self.protocol in ("query", "ec2"):
                if form is None:
                    form = dict(urllib.parse.parse_qsl(w["body"].decode("utf-8", "replace"), keep_blank_values=True))
                key = m.serialization.get("queryName") or m.serialization.get("name", name)
                if self.protocol == "ec2" and not m.serialization.get("queryName"):
                    key = key[:1].upper() + key[1:]
                if key in form:
                    out[name] = form[key]
            elif self.protocol == "json":
                if jbody is None:
                    try:
                        jbody = json.loads(w["body"] or b"{}")
                    except ValueError:
                        jbody = {}
                key = m.serialization.get("name", name)
                if isinstance(jbody, dict) and key in jbody:
                    out[name] = jbody[key]
        for name, v in list(out.items()):  # wire text -> the member's type
            t = shape.members[name].type_name
            try:
                if t in ("integer", "long") and isinstance(v, str):
                    out[name] = int(v)
                elif t == "boolean" and isinstance(v, str):
                    out[name] = v.lower() == "true"
            except ValueError:
                pass
        return out


def body_text(body, protocol, limit=300):
    """A response body for a report: text, or CBOR decoded to JSON."""
    if protocol == "smithy-rpc-v2-cbor" and body:
        try:
            import botocore.parsers
            p = botocore.parsers.RpcV2CBORParser()
            return json.dumps(p.parse_data_item(p.get_peekable_stream_from_bytes(body)), default=str)[:limit]
        except Exception:  # noqa: BLE001
            pass
    return body[:limit].decode("utf-8", "replace")


def materialise(v):
    """A deep copy of a parsed response with streams read (StreamingBody -> bytes)."""
    if isinstance(v, dict):
        return {k: materialise(x) for k, x in v.items()}
    if isinstance(v, list):
        return [materialise(x) for x in v]
    if isinstance(v, botocore.response.StreamingBody):
        return v.read()
    if type(v).__name__ == "EventStream":
        try:
            return [materialise(event) for event in v]
        except Exception as e:  # noqa: BLE001 - a stream botocore cannot read is a difference
            return f"<event stream: {type(e).__name__}: {e}>"
    return v


# ------------------------------------------------------------------------------------------ known differences

def load_known(path):
    known = []
    if not path or not Path(path).is_file():
        return known
    for i, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 4:
            raise SystemExit(f"{path}:{i}: want 'service operation direction reason'")
        known.append({"service": parts[0], "operation": parts[1], "direction": parts[2], "reason": parts[3],
                      "line": i, "used": 0})
    return known


def is_known(known, service, op, direction):
    for k in known:
        if k["service"] in (service, "*") and k["operation"] in (op, "*") and k["direction"] in (direction, "*"):
            k["used"] += 1
            return k
    return None


# ------------------------------------------------------------------------------------------ main

def build_tasks(args):
    """[(manifest entry, botocore name)], largest first (operation counts from the manifest)."""
    manifest = json.loads((Path(args.models) / "manifest.json").read_text())
    pairs = map_services(manifest, botocore.session.get_session())
    only = set(args.services.split(",")) if args.services else None
    tasks = [(e, b) for e, b in pairs if not only or e["name"] in only or b in only]
    tasks.sort(key=lambda t: -t[0].get("operationCount", 0))
    return tasks


def ambiguity_index(models_dir, runtime_models, names):
    """{service: {operation: [other services]}}: operations whose request a server cannot tell
    from another service's without the Host (a client given endpoint_url=http://127.0.0.1 sends
    none): same signing name and the same route. A route is, for REST protocols, the method and
    URI template (labels unnamed, query literals kept); for awsJson, the X-Amz-Target; for
    awsQuery, Action and Version. Uses rime's runtime models (what rime routes by)."""
    if not runtime_models:
        return {}
    manifest = json.loads((Path(models_dir) / "manifest.json").read_text())
    groups = collections.defaultdict(list)
    for e in manifest:
        groups[("sig", e.get("signingName"))].append(e)
        if e.get("jsonTargetPrefix"):
            groups[("target", e["jsonTargetPrefix"])].append(e)
    index = collections.defaultdict(lambda: collections.defaultdict(set))
    cache = {}

    def routes(e):
        if e["name"] not in cache:
            p = Path(runtime_models) / f"{e['name']}.json"
            out = {}
            if p.is_file():
                doc = json.loads(p.read_text())
                protos = set(e.get("protocols") or [])
                for o in doc.get("operations", []):
                    if protos & {"aws.protocols#restJson1", "aws.protocols#restXml"}:
                        uri = re.sub(r"\{[^}]*\}", "{}", o.get("http_uri", ""))
                        out[o["name"]] = ("rest", o.get("http_method"), uri)
                    elif protos & {"aws.protocols#awsQuery", "aws.protocols#ec2Query"}:
                        out[o["name"]] = ("query", e.get("apiVersion"), o["name"])
                    else:
                        out[o["name"]] = ("json", e.get("jsonTargetPrefix"), o["name"])
            cache[e["name"]] = out
        return cache[e["name"]]
    for (kind, _key), members in groups.items():
        if len(members) < 2 or not any(m["name"] in names for m in members):
            continue
        by_route = collections.defaultdict(set)
        for e in members:
            for op, route in routes(e).items():
                if kind == "target" and route[0] != "json":
                    continue
                by_route[route].add((e["name"], op))
        for route, owners in by_route.items():
            services = {s for s, _ in owners}
            if len(services) < 2:
                continue
            for s, op in owners:
                index[s][op] |= services - {s}
    return {s: {op: sorted(v) for op, v in ops.items()} for s, ops in index.items()}


# One process runs several services; its botocore data loader (and so the parsed endpoint and
# partition files) is shared by the sessions it creates.
_WORKER = {}


def _init_worker(args):
    _WORKER["args"] = args
    args.http = urllib3.PoolManager(maxsize=8)
    _WORKER["loader"] = botocore.session.get_session().get_component("data_loader")


def run_service(entry, bname):
    """All protocol variants of one service: botocore's preferred protocol, then every other
    protocol its model lists that botocore can serialise and the manifest says clients send."""
    args = _WORKER["args"]
    loader = _WORKER["loader"]
    try:
        data = loader.load_service_model(bname, "service-2")
        sm = botocore.model.ServiceModel(data, service_name=bname)
        preferred = sm.resolved_protocol
    except Exception as e:  # noqa: BLE001
        return [{"service": entry["name"], "botocore": bname, "protocol": "?", "operation": "*",
                 "status": "error", "reason": f"model: {type(e).__name__}: {e}", "diffs": []}]
    protos = [preferred]
    for p in sm.metadata.get("protocols") or []:
        if p in botocore.serialize.SERIALIZERS and p not in protos:
            protos.append(p)
    client_protocols = {SMITHY_TO_BOTOCORE.get(p) for p in entry.get("clientProtocols") or entry["protocols"]}
    results = []
    for p in protos:
        if p != preferred and p not in client_protocols:
            continue
        if args.protocols and p not in args.protocols.split(","):
            continue
        results += ServiceRunner(entry, bname, p, p == preferred, args, loader).run()
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", help="rime-test-server URL with echo services")
    ap.add_argument("--offline", action="store_true", help="generate and serialise only; send nothing")
    ap.add_argument("--models", default=str(DEFAULT_MODELS), help="folder with manifest.json")
    ap.add_argument("--runtime-models", help="gen_runtime_models.py output (restricts members to rime's)")
    ap.add_argument("--services", help="comma-separated manifest (or botocore) service names")
    ap.add_argument("--ops", help="regex on operation names")
    ap.add_argument("--protocols", help="comma-separated botocore protocol names")
    ap.add_argument("--known", default=str(DEFAULT_KNOWN))
    ap.add_argument("--report", help="write the full JSON report here")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="worker processes (0: in-process)")
    ap.add_argument("--salt", default="", help="changes every seed (explore other random values)")
    ap.add_argument("--show", type=int, default=20, help="disagreements printed per protocol")
    ap.add_argument("--avoid-patterns", help="exploration: leave out optional strings whose @pattern matches this "
                                             "regex (to see past a known pattern problem)")
    args = ap.parse_args(argv)
    if not args.offline and not args.endpoint:
        ap.error("--endpoint is required unless --offline")
    t0 = time.monotonic()
    tasks = build_tasks(args)
    args.ambiguous = ambiguity_index(args.models, args.runtime_models, {e["name"] for e, _ in tasks})
    results = []
    if args.jobs <= 0:
        _init_worker(args)
        for entry, bname in tasks:
            results += run_service(entry, bname)
    else:
        import multiprocessing
        ctx = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx,
                                                    initializer=_init_worker, initargs=(args,)) as pool:
            futs = [pool.submit(run_service, entry, bname) for entry, bname in tasks]
            for f in concurrent.futures.as_completed(futs):
                results += f.result()
    elapsed = time.monotonic() - t0
    return report(results, args, elapsed)


def diff_kind(d):
    """A short class name for a difference, to summarise many of them."""
    note = d.get("note", "")
    got = d.get("detail") or d.get("got", "")
    if "regular expression pattern" in got:
        if re.search(r"\\[pP]\{", got):
            return f"{d['direction']}: rejected by a @pattern with \\p{{...}}"
        if "\\A" in got or "\\z" in got:
            return f"{d['direction']}: rejected by a @pattern with \\A or \\z"
        return f"{d['direction']}: rejected by a @pattern"
    if note.startswith("rime rejected"):
        return f"{d['direction']}: {note.split(' (')[0]}"
    return f"{d['direction']}: {note.split(' ')[0] if note.startswith(('map', 'list', 'timestamp')) else note}"


def report(results, args, elapsed):
    known = load_known(args.known)
    table = collections.OrderedDict((p, collections.Counter()) for p in PROTOCOL_ORDER)
    skip_reasons = collections.defaultdict(collections.Counter)
    unlisted = collections.defaultdict(list)
    listed = collections.defaultdict(list)
    errors = []
    for r in sorted(results, key=lambda r: (r["protocol"], r["service"], r["operation"])):
        c = table.setdefault(r["protocol"], collections.Counter())
        st = r["status"]
        if st == "skipped":
            c["skipped"] += 1
            skip_reasons[r["protocol"]][r["reason"].split(":")[0]] += 1
            continue
        c["tried"] += 1
        if st == "ambiguous":
            c["ambiguous"] += 1
            continue
        if st == "error":
            c["error"] += 1
            errors.append(r)
            continue
        if r.get("output") == "skipped":
            c["out-skipped"] += 1
        if st == "agreed":
            c["agreed"] += 1
            continue
        c["disagreed"] += 1
        new = []
        for d in r["diffs"]:
            k = is_known(known, r["service"], r["operation"], d["direction"])
            d["known"] = k["reason"] if k else None
            if not k:
                new.append(d)
        if new:
            c["unlisted"] += 1
            unlisted[r["protocol"]].append((r, new))
        else:
            c["known"] += 1
            listed[r["protocol"]].append(r)
    cols = ["tried", "agreed", "disagreed", "known", "unlisted", "ambiguous", "error", "skipped", "out-skipped"]
    lines = []
    lines.append(f"{'protocol':<20}" + "".join(f"{c:>12}" for c in cols))
    total = collections.Counter()
    for p, c in table.items():
        lines.append(f"{p:<20}" + "".join(f"{c[k]:>12}" for k in cols))
        total.update(c)
    lines.append(f"{'total':<20}" + "".join(f"{total[k]:>12}" for k in cols))
    print("\n".join(lines))
    print(f"({elapsed:.1f}s, {'offline' if args.offline else args.endpoint})")
    for p, reasons in skip_reasons.items():
        print(f"skipped ({p}): " + ", ".join(f"{n} {k}" for k, n in reasons.most_common()))
    for p, items in unlisted.items():
        kinds = collections.Counter()
        for r, diffs in items:
            for d in {diff_kind(d) for d in diffs}:
                kinds[d] += 1
        print(f"\n== {p}: {len(items)} operations disagree (not listed in {Path(args.known).name})")
        print("   kinds (operations): " + "; ".join(f"{n} {k}" for k, n in kinds.most_common(12)))
        print(f"   first {args.show}:")
        for r, diffs in items[:args.show]:
            for d in diffs[:4]:
                print(f"  {r['service']} {r['operation']} {d['direction']} {d['path']}: expected {d['expected']}"
                      f" got {d['got']} [{d['note']}]")
            if len(diffs) > 4:
                print(f"  ... {len(diffs) - 4} more differences in {r['operation']}")
    if errors:
        print(f"\n== {len(errors)} driver errors (generator or botocore), first {args.show}:")
        for r in errors[:args.show]:
            print(f"  {r['protocol']} {r['service']} {r['operation']}: {r['reason'][:300]}")
    model_diffs = collections.Counter(n for r in results for n in r.get("model_differences") or ())
    if model_diffs:
        print(f"\nmodel differences (members not generated, botocore's and rime's models disagree): "
              f"{len(model_diffs)} distinct, in {sum(1 for r in results if r.get('model_differences'))} operations "
              f"(all in the report)")
    stale = [k for k in known if not k["used"]]
    for k in stale:
        print(f"note: known difference on line {k['line']} matched nothing: {k['service']} {k['operation']} "
              f"{k['direction']}")
    if args.report:
        doc = {"elapsed": elapsed, "endpoint": args.endpoint, "offline": args.offline,
               "botocore": botocore.__version__,
               "table": {p: dict(c) for p, c in table.items()},
               "skip_reasons": {p: dict(c) for p, c in skip_reasons.items()},
               "results": [r for r in results if r["status"] != "agreed"],
               "model_differences": sorted({f"{r['service']} {r['operation']} {n}" for r in results
                                            for n in r.get("model_differences") or ()}),
               "agreed": sorted(f"{r['protocol']} {r['service']} {r['operation']}" for r in results
                                if r["status"] == "agreed")}
        Path(args.report).write_text(json.dumps(doc, indent=1, default=str))
    failed = bool(unlisted) or bool(errors)
    print("\nRESULT:", "FAIL" if failed else "PASS",
          f"({sum(len(v) for v in unlisted.values())} operations with unlisted disagreements, {len(errors)} errors)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
