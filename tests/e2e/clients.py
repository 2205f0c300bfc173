"""Real AWS clients for the end-to-end tests: boto3 old and new, AWS CLI v1 and v2.

The tests themselves run under Debian's /usr/bin/python3 (old boto3 1.26 / botocore 1.29, as CTest
runs them); the image's pyenv python has today's boto3 (1.43). So every boto3 run happens in a
subprocess of the chosen interpreter: `run_boto(flavour, endpoint, body)` executes `body` after
PRELUDE (which defines `client()` and `call()`) and returns the recorded calls as a dict. One
subprocess runs a whole batch of calls, so each client costs one interpreter start per test.

Each recorded call is {"ok": True, "result": <response dict>} or, for a service error,
{"ok": False, "kind": "ClientError", "code", "message", "status", "type"} (any other exception:
"kind" is its class, e.g. a parse or connection error), plus "sent": what the client put on the wire
(method, URL, protocol-revealing headers, SigV4 credential scope, start of the body) so a test can
say which protocol it exercised, and "received": status, protocol headers and start of the reply.

The CLIs are run one command per process (`run_aws`); `run_many` runs a batch of them in parallel.
"""
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PY_OLD = "/usr/bin/python3"
AWS_V2 = "/usr/bin/aws"
PYENV_SHIMS = Path("/root/.pyenv/shims")
SYSTEM_DIRS = {"/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"}

DEFAULT_KEY = "test"
DEFAULT_SECRET = "test"
REGION = "us-east-1"


def _which_outside_system(name):
    """`name` on PATH but not Debian's copy (pyenv shims or a pyenv version's bin), else the pyenv shim."""
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not d or os.path.realpath(d) in SYSTEM_DIRS or d in SYSTEM_DIRS:
            continue
        p = shutil.which(name, path=d)
        if p:
            return p
    shim = PYENV_SHIMS / name
    if shim.is_file() and os.access(shim, os.X_OK):
        return str(shim)
    return None


def _probe(argv, timeout=60):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                           env=client_env())
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (p.stdout + p.stderr).strip() if p.returncode == 0 else None


_cache = {}


def _cached(key, fn):
    if key not in _cache:
        _cache[key] = fn()
    return _cache[key]


def boto_python(flavour):
    """(python path, versions string) for flavour "old" or "new"; pytest.skip with a reason if absent."""
    def find():
        if flavour == "old":
            candidates = [PY_OLD]
        else:
            candidates = [c for c in [_which_outside_system("python3")] if c]
        for py in candidates:
            out = _probe([py, "-c", "import sys, boto3, botocore; "
                                    "print(boto3.__version__, botocore.__version__, sys.executable)"])
            if not out:
                continue
            b3, bc, exe = out.split()[-3:]
            major_minor = tuple(int(x) for x in bc.split(".")[:2])
            if flavour == "new" and major_minor < (1, 30):
                continue  # that is not a new botocore (e.g. the pyenv shim fell through to Debian's)
            # Run the interpreter itself, not the pyenv shim (a bash script costing ~1 s a start).
            return (exe if os.path.isfile(exe) else py), f"boto3 {b3} / botocore {bc}"
        return None, None
    py, versions = _cached(("py", flavour), find)
    if not py:
        pytest.skip(f"no python with {'Debian boto3 1.26' if flavour == 'old' else 'boto3 >= 1.30 (pyenv)'} found")
    return py, versions


def aws_cli(major):
    """(path, `aws --version` text) of AWS CLI v1 (pyenv) or v2 (Debian); pytest.skip if absent."""
    def find():
        if major == 2:
            candidates = [AWS_V2]
        else:
            # Prefer the script next to the pyenv interpreter over the pyenv shim (~1 s faster a run).
            candidates = []
            exe = _probe([_which_outside_system("python3") or "python3", "-c", "import sys; print(sys.executable)"])
            if exe:
                candidates.append(str(Path(exe.splitlines()[-1]).parent / "aws"))
            candidates += [c for c in [_which_outside_system("aws")] if c]
        for exe in candidates:
            out = _probe([exe, "--version"]) if os.path.isfile(exe) else None
            if out and out.startswith(f"aws-cli/{major}."):
                return exe, out
        return None, None
    exe, version = _cached(("aws", major), find)
    if not exe:
        pytest.skip(f"AWS CLI v{major} not found ({'/usr/bin/aws' if major == 2 else 'pyenv aws'})")
    return exe, version


def client_env(key=DEFAULT_KEY, secret=DEFAULT_SECRET, token=None, region=REGION):
    """An environment with only the given credentials: no profile, config file or endpoint leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RIME_", "BOTO"))}
    env.update({
        "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region, "AWS_CONFIG_FILE": "/nonexistent/rime-aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/rime-aws-credentials", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "", "AWS_CLI_AUTO_PROMPT": "off", "AWS_MAX_ATTEMPTS": "1",
    })
    if token:
        env["AWS_SESSION_TOKEN"] = token
    # Debian's CLI and boto3 must not pick up pyenv's site-packages, nor the other way round.
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    return env


# ----------------------------------------------------------------------------------------------
# boto3
# ----------------------------------------------------------------------------------------------

PRELUDE = r'''
import base64, datetime, json, sys, traceback
import boto3, botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]
OUT = {"boto3": boto3.__version__, "botocore": botocore.__version__, "calls": {}}
_SENT = []
_WIRE_HEADERS = ("content-type", "x-amz-target", "smithy-protocol", "accept", "x-amz-security-token",
                 "x-amzn-query-mode")

def _before_send(request, **kw):
    hdrs = {}
    for k, v in request.headers.items():
        if k.lower() in _WIRE_HEADERS:
            hdrs[k.lower()] = v.decode() if isinstance(v, bytes) else v
    auth = request.headers.get("Authorization") or b""
    auth = auth.decode() if isinstance(auth, bytes) else auth
    body = request.body
    if isinstance(body, (bytes, bytearray)):
        body = body[:300].decode("latin-1")
    elif not isinstance(body, str):
        body = None
    _SENT.append({"method": request.method, "url": request.url, "headers": hdrs,
                  "credential": auth.split("Credential=")[1].split(",")[0] if "Credential=" in auth else None,
                  "body": body[:300] if body else body})

_RECEIVED = []

def _response_received(response_dict=None, **kw):
    if response_dict:
        h = {k.lower(): v for k, v in (response_dict.get("headers") or {}).items()}
        body = response_dict.get("body")
        _RECEIVED.append({"status": response_dict.get("status_code"),
                          "headers": {k: h[k] for k in ("content-type", "x-amzn-query-error", "x-amzn-errortype",
                                                         "smithy-protocol") if k in h},
                          "body": body[:400].decode("latin-1") if isinstance(body, (bytes, bytearray)) else None})

_SESSION = boto3.session.Session()

def client(service, key="test", secret="test", token=None, region="us-east-1", validate=True):
    """A client for ENDPOINT; validate=False turns off botocore's own parameter checks (min
    length, range minimum, required), so that out-of-range input reaches the server."""
    c = _SESSION.client(
        service, endpoint_url=ENDPOINT, region_name=region, aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=20,
                      parameter_validation=validate))
    c.meta.events.register("before-send", _before_send)
    c.meta.events.register("response-received", _response_received)
    return c

def call(label, c, op, **params):
    del _SENT[:]
    del _RECEIVED[:]
    try:
        resp = getattr(c, op)(**params)
        rec = {"ok": True, "result": resp}
    except ClientError as e:
        err = e.response.get("Error", {})
        meta = e.response.get("ResponseMetadata", {})
        rec = {"ok": False, "kind": "ClientError", "type": type(e).__name__, "code": err.get("Code"),
               "message": err.get("Message"), "status": meta.get("HTTPStatusCode"), "error": err,
               "request_id": meta.get("RequestId")}
    except Exception as e:
        rec = {"ok": False, "kind": type(e).__name__, "type": type(e).__name__, "message": str(e)}
    rec["sent"] = list(_SENT)
    rec["received"] = list(_RECEIVED)
    OUT["calls"][label] = rec
    return rec

def unavailable(label, reason):
    """Records that this client cannot make the call at all (e.g. an operation its model lacks)."""
    OUT["calls"][label] = {"ok": False, "kind": "unavailable", "message": reason}

def _default(o):
    if isinstance(o, datetime.datetime):
        if o.tzinfo is None:
            o = o.replace(tzinfo=datetime.timezone.utc)
        return o.isoformat()
    if isinstance(o, (bytes, bytearray)):
        return base64.b64encode(o).decode()
    if hasattr(o, "read"):
        return None
    return str(o)
'''

EPILOGUE = r'''
sys.stdout.write("\n@@RIME-JSON@@" + json.dumps(OUT, default=_default) + "\n")
'''


def run_boto(flavour, endpoint, body, timeout=90):
    """Runs `body` (Python using client()/call()) under boto3 `flavour`; returns OUT as a dict."""
    py, versions = boto_python(flavour)
    script = (PRELUDE + f"\n_BODY = {body!r}\ntry:\n    exec(compile(_BODY, '<e2e batch>', 'exec'), globals())\n"
              "except Exception:\n    OUT['script_error'] = traceback.format_exc()\n" + EPILOGUE)
    try:
        proc = subprocess.run([py, "-", endpoint], input=script, capture_output=True, text=True, timeout=timeout,
                              env=client_env(), cwd="/")
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"boto3 {flavour} ({versions}) script timed out after {timeout}s: {e}")
    marker = "@@RIME-JSON@@"
    if proc.returncode != 0 or marker not in proc.stdout:
        pytest.fail(f"boto3 {flavour} ({versions}) script failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n"
                    f"{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.rsplit(marker, 1)[1])
    out["flavour"] = flavour
    out["python"] = py
    return out


# ----------------------------------------------------------------------------------------------
# AWS CLI
# ----------------------------------------------------------------------------------------------

class CliResult:
    def __init__(self, argv, proc):
        self.argv = argv
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self):
        assert self.rc == 0, f"{self}"
        return json.loads(self.stdout) if self.stdout.strip() else {}

    def __repr__(self):
        return (f"<aws {' '.join(self.argv[1:])}: rc={self.rc}\nstdout: {self.stdout[-2000:]}\n"
                f"stderr: {self.stderr[-2000:]}>")


def run_aws(major, endpoint, args, key=DEFAULT_KEY, secret=DEFAULT_SECRET, token=None, region=REGION,
            timeout=60):
    """Runs one AWS CLI command against `endpoint` with JSON output and the given credentials."""
    exe, _ = aws_cli(major)
    argv = [exe, "--endpoint-url", endpoint, "--output", "json", "--region", region, *args]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              env=client_env(key, secret, token, region), cwd="/")
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{' '.join(argv)} timed out after {timeout}s: {e}")
    return CliResult(argv, proc)


_CLI_ERROR = re.compile(r"An error occurred \((\S+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: "
                        r"(.*)", re.S)


def cli_outcome(res):
    """A CliResult in the shape of a boto3 call record: ok/result, or kind/code/message (status unknown)."""
    if res.rc == 0:
        return {"ok": True, "result": json.loads(res.stdout) if res.stdout.strip() else {}, "rc": 0}
    m = _CLI_ERROR.search(res.stderr)
    if m:
        return {"ok": False, "kind": "ClientError", "code": m.group(1), "operation": m.group(2),
                "message": m.group(3).strip(), "status": None, "rc": res.rc}
    return {"ok": False, "kind": "cli-failure", "rc": res.rc, "message": res.stderr.strip()[-2000:]}


def run_many(fn, jobs, workers=None):
    """Runs fn(*job) for each job in parallel threads; returns the results in job order."""
    workers = workers or max(2, min(6, (os.cpu_count() or 2) * 2))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: fn(*job), jobs))


def parse_time(value):
    """An ISO 8601 timestamp (as boto3's JSON dump or the CLI print it) as an aware datetime."""
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    v = value.replace("Z", "+00:00")
    t = datetime.datetime.fromisoformat(v)
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


# ----------------------------------------------------------------------------------------------
# A production server shared by a module's tests (the conftest `rime` fixture is per test)
# ----------------------------------------------------------------------------------------------

def start_module_server(tmp_dir, args=()):
    """Starts build/server/rime (RIME_BIN) on a free port with conftest's RimeServer; caller stops it."""
    from conftest import RIME_BIN, RimeServer, ServerExited, clean_env, free_port

    for attempt in range(5):
        srv = RimeServer(RIME_BIN, list(args), clean_env(), Path(tmp_dir) / f"rime-{attempt}.log", port=free_port())
        srv.start()
        try:
            return srv.wait_ready()
        except ServerExited as e:
            if "cannot listen" in e.log and attempt < 4:
                continue
            raise
    raise AssertionError("could not start rime")


# ----------------------------------------------------------------------------------------------
# What went over the wire
# ----------------------------------------------------------------------------------------------

def classify_request(method, headers, service=None):
    """The wire protocol a request used, from its method and headers (REST ones are told apart by
    the service, since a bodiless GET carries no protocol marker)."""
    h = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in headers.items()}
    ct = h.get("content-type", "")
    if h.get("smithy-protocol") == "rpc-v2-cbor":
        return "rpcv2Cbor"
    if ct.startswith("application/x-amz-json-1.0"):
        return "awsJson1_0"
    if ct.startswith("application/x-amz-json-1.1"):
        return "awsJson1_1"
    if ct.startswith("application/x-www-form-urlencoded"):
        return "ec2Query" if service == "ec2" else "awsQuery"
    return {"s3": "restXml", "route53": "restXml"}.get(service, "restJson1")


def boto_protocol(rec, service):
    """Protocol of the (last) request a boto3 call record sent."""
    assert rec.get("sent"), f"no request recorded: {rec}"
    s = rec["sent"][-1]
    return classify_request(s["method"], s["headers"], service)


_SENDING = re.compile(r"Sending http request: <AWSPreparedRequest [^\n]*?method=(\w+), url=(\S+), "
                      r"headers=(\{[^\n]*?\})>")
_STATUS = re.compile(r'"(?:GET|POST|PUT|DELETE|HEAD|PATCH) \S+ HTTP/1\.1" (\d{3})')


def cli_wire(stderr, service=None):
    """From `aws --debug` output: (protocol, headers dict, last HTTP status) of the last request."""
    sends = _SENDING.findall(stderr)
    statuses = _STATUS.findall(stderr)
    if not sends:
        return None, {}, int(statuses[-1]) if statuses else None
    method, _url, raw = sends[-1]
    headers = {}
    for k, v in re.findall(r"'([^']+)': b?'([^']*)'", raw):
        headers[k.lower()] = v
    return classify_request(method, headers, service), headers, int(statuses[-1]) if statuses else None
