#!/usr/bin/env python3
"""rime benchmark: rime side by side with nginx, nghttpd, moto_server and npm emulators, in one run.

Normally started by tests/bench/run.sh (which builds rime and the startup probe first).
Measures startup time, RSS (idle, with 1,000 idle connections, after load, peak) and, per scenario
in scenarios.py, requests/s and latency with wrk (HTTP/1.1 keep-alive; Lua checks every answer and
chains requests per connection) and h2load (h2c). Prints one markdown report and writes it to
tests/bench/results/latest.md (+ latest.json). --sdk: the same operations through the AWS SDK for
JavaScript v3 (sdk/sdk_bench.mjs), rime vs moto, report in results/latest-sdk.md.
Exits non-zero only when the script itself fails, not when a target is missed.
"""

import argparse
import ctypes
import datetime
import fnmatch
import hashlib
import hmac
import http.client
import json
import os
import re
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import scenarios as scn  # noqa: E402

TARGET_STARTUP_MS = 5.0
TARGET_IDLE_RSS_KIB = 6 * 1024
TARGET_H1_RATIO = 1.0  # rime / nginx
TARGET_H2_RATIO = 0.5  # rime / nghttpd
HEALTH_BODY = b'{"status":"running","version":"0.0.0","services":{}}'  # nghttpd's file, rime-sized

LIVE = []  # Popen objects to kill on exit


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes

def _pdeathsig():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def spawn(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, group=True):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                         start_new_session=group, preexec_fn=_pdeathsig)
    p.own_group = group
    LIVE.append(p)
    return p


def kill(p, grace=2.0):
    if p.poll() is None:
        try:
            if p.own_group:
                os.killpg(p.pid, signal.SIGTERM)
            else:
                p.terminate()
        except ProcessLookupError:
            pass
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    if p.own_group:  # also workers left behind by a master that exited
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if p.poll() is None:
        p.kill()
        p.wait()
    if p in LIVE:
        LIVE.remove(p)


def cleanup():
    for p in list(LIVE):
        try:
            kill(p, grace=1.0)
        except Exception:
            pass


def run_tool(argv, timeout):
    """Runs a load generator; killed with everything else on Ctrl-C."""
    p = spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, group=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(p)
        raise RuntimeError(f"{argv[0]} did not finish within {timeout:.0f} s")
    if p in LIVE:
        LIVE.remove(p)
    return p.returncode, out.decode(errors="replace")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def h2_status(port, path, timeout=2.0):
    """Status of one h2c (prior knowledge) GET, 0 if answered with a status this does not decode.
    Just enough HTTP/2 to see that a server answers."""
    def lit(index, value):  # literal header field without indexing, indexed name, no Huffman
        v = value.encode()
        return bytes([index, len(v)]) + v
    block = b"\x82\x86" + lit(4, path) + lit(1, f"127.0.0.1:{port}")  # GET, http, :path, :authority
    frame = lambda typ, flags, stream, payload: (len(payload).to_bytes(3, "big") + bytes([typ, flags])
                                                 + stream.to_bytes(4, "big") + payload)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, b"") + frame(1, 5, 1, block))
        buf = b""
        while True:
            while len(buf) >= 9 and len(buf) >= 9 + int.from_bytes(buf[:3], "big"):
                n = int.from_bytes(buf[:3], "big")
                typ, stream, payload = buf[3], int.from_bytes(buf[5:9], "big") & 0x7FFFFFFF, buf[9:9 + n]
                buf = buf[9 + n:]
                if typ == 1 and stream == 1 and payload:
                    first = payload[0]  # :status is the first field; 200 is static entry 8
                    static = {8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500}
                    if first & 0x80:
                        return static.get(first & 0x7F, 0)
                    if payload[1] & 0x80 == 0:  # literal value, no Huffman: the digits
                        return int(payload[2:2 + payload[1]])
                    return 0  # Huffman-coded status: it answered, status not decoded
            data = s.recv(65536)
            if not data:
                raise ValueError("connection closed")
            buf += data


def group_pids(pgid):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                if int(f.read().rsplit(")", 1)[1].split()[2]) == pgid:
                    pids.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def group_pss_kib(pgid):
    """Proportional set size summed over a process group: shared pages counted once in total."""
    pss = 0
    for pid in group_pids(pgid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return pss


def group_memory_kib(pgid):
    """(VmRSS, VmHWM) summed over the processes of a process group, in KiB."""
    rss = hwm = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                    elif line.startswith("VmHWM:"):
                        hwm += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return rss, hwm


# ---------------------------------------------------------------- servers

class Server:
    """A server under test. argv(port) builds its command line. `any_status`: ready (and, for the
    startup probe, answered) at its first HTTP answer of any status (npm emulators answer 400 to a
    bare GET)."""

    def __init__(self, name, protos, ready_path, argv, note="", slow=False, any_status=False):
        self.name, self.protos, self.ready_path, self.argv_fn = name, protos, ready_path, argv
        self.note, self.slow, self.any_status = note, slow, any_status
        self.credentials = None  # (access key, secret) to sign with, if not the test ones
        self.proc = None
        self.port = None
        self.rss = {}
        self.vars = {}

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def reset_vars(self):
        self.vars = {"host": self.host, "port": str(self.port)}

    def start(self, timeout=30.0):
        self.port = free_port()
        self.reset_vars()
        self.logfile = open(os.path.join(WORK, f"{self.name}.log"), "wb")
        self.proc = spawn(self.argv_fn(self.port), stderr=self.logfile, stdout=self.logfile)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if "h1" in self.protos:
                    c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                    c.request("GET", self.ready_path)
                    status = c.getresponse().status
                    c.close()
                else:
                    status = h2_status(self.port, self.ready_path) or 200  # 0: answered
                if 200 <= status < 300 or self.any_status:
                    return True
            except (OSError, http.client.HTTPException, ValueError):
                pass
            time.sleep(0.02)
        kill(self.proc)
        self.proc = None
        return False

    def memory(self):
        return group_memory_kib(self.proc.pid)

    def stop(self):
        if self.proc:
            kill(self.proc)
            self.proc = None


# npm emulators (tests/bench/peers, versions pinned in its package-lock.json): name -> argv(bin dir,
# port, scratch dir). They are installed (`run.sh --install-peers`: npm ci) and started only when a
# scenario that rime answers names them, so a run without such a scenario costs nothing.
NPM_PEERS = {
    "dynalite": (lambda b, p, d: ["node", os.path.join(b, "dynalite"), "--port", str(p)], "in memory"),
    "kinesalite": (lambda b, p, d: ["node", os.path.join(b, "kinesalite"), "--port", str(p)], "in memory"),
    "s3rver": (lambda b, p, d: ["node", os.path.join(b, "s3rver"), "--address", "127.0.0.1", "--port", str(p),
                                "--directory", d, "--silent"], "objects in a temporary directory"),
}
NPM_CREDENTIALS = {"s3rver": ("S3RVER", "S3RVER")}  # s3rver checks signatures, with its own key
PEERS_DIR = os.path.join(HERE, "peers")


def npm_server(name):
    bindir = os.path.join(PEERS_DIR, "node_modules", ".bin")
    version = "?"
    try:
        with open(os.path.join(PEERS_DIR, "node_modules", name, "package.json")) as f:
            version = json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        pass
    scratch = lambda: tempfile.mkdtemp(prefix=f"{name}-", dir=WORK)
    argv = lambda p: NPM_PEERS[name][0](bindir, p, scratch())
    server = Server(name, ("h1",), "/", argv, note=f"{name} {version} (node, npm peer), {NPM_PEERS[name][1]}; "
                    "short run", slow=True, any_status=True)
    server.credentials = NPM_CREDENTIALS.get(name)
    return server, argv


def nginx_conf(port, workers, master):
    d = tempfile.mkdtemp(prefix="nginx-", dir=WORK)
    conf = f"""daemon off;
master_process {"on" if master else "off"};
worker_processes {workers};
worker_rlimit_nofile 8192;
error_log stderr warn;
pid {d}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {d}/body;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  default_type text/plain;
  server {{
    listen 127.0.0.1:{port};
    location / {{ return 200 'ok'; }}
  }}
}}
"""
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    return ["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf"), "-e", "stderr"]


def make_servers(args):
    ncpu = os.cpu_count() or 1
    rime = [args.rime, "--log-level", "warn"] + args.rime_arg
    servers = {
        "rime": Server("rime", ("h1", "h2"), "/_rime/health",
                       lambda p: rime + ["--port", str(p)],
                       note=f"--threads 0 (one per core = {ncpu}), --log-level warn"),
        "nginx": Server("nginx", ("h1",), "/",
                        lambda p: nginx_conf(p, ncpu, True),
                        note=f"nginx-light `return 200 'ok'`, master + {ncpu} workers"),
        "nghttpd": Server("nghttpd", ("h2",), "/health",
                          lambda p: ["nghttpd", "--no-tls", "-a", "127.0.0.1", "-n", str(ncpu),
                                     "-d", HTDOCS, str(p)],
                          note=f"h2c, static {len(HEALTH_BODY)}-byte file, {ncpu} workers"),
        "moto": Server("moto", ("h1",), "/moto-api/config",
                       lambda p: [MOTO, "-H", "127.0.0.1", "-p", str(p)],
                       note="moto_server (Werkzeug, Connection: close); short run", slow=True),
    }
    # Startup uses nginx's smallest configuration: one process, one worker. (nghttpd speaks only h2,
    # which the probe does not; it is not a startup peer.)
    startup = {
        "rime": (lambda p: rime + ["--port", str(p)], "/_rime/health", args.startup_samples),
        "nginx": (lambda p: nginx_conf(p, 1, False), "/", args.startup_samples),
        "moto": (lambda p: [MOTO, "-H", "127.0.0.1", "-p", str(p)], "/moto-api/config",
                 min(3, args.startup_samples)),
    }
    return servers, startup


# ---------------------------------------------------------------- requests

def sigv4(method, host, path, headers, body, service, region, amz_date, creds=None):
    access_key, secret_key = creds or (scn.ACCESS_KEY, scn.SECRET_KEY)
    parsed = urllib.parse.urlsplit(path)
    query = sorted(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
    canonical_query = "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}" for k, v in query)
    hdrs = {k.lower(): " ".join(str(v).split()) for k, v in headers.items()}
    hdrs["host"] = host
    hdrs["x-amz-date"] = amz_date
    extra = {}
    if service == "s3":  # S3 clients always sign the payload hash and send it
        extra["X-Amz-Content-Sha256"] = hdrs["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    names = sorted(hdrs)
    canonical_headers = "".join(f"{k}:{hdrs[k]}\n" for k in names)
    signed_headers = ";".join(names)
    canonical = "\n".join([method, urllib.parse.quote(parsed.path or "/", safe="/-_.~"),
                           canonical_query, canonical_headers, signed_headers,
                           hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {"X-Amz-Date": amz_date, **extra,
            "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
                             f"SignedHeaders={signed_headers}, Signature={signature}"}


TEMPLATE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(:url)?\}")


def fill(text, values):
    """`{name}` -> values[name], `{name:url}` -> percent-encoded; unknown names stay as they are."""
    def rep(m):
        if m.group(1) not in values:
            return m.group(0)
        v = str(values[m.group(1)])
        return urllib.parse.quote(v, safe="-_.~") if m.group(2) else v
    return TEMPLATE.sub(rep, text)


def extract(body, cap):
    """The value a scn.Capture finds in body, or None (the same search as the Lua `extract`)."""
    i = body.find(cap.key)
    if i < 0:
        return None
    i += len(cap.key)
    if cap.open:
        j = body.find(cap.open, i)
        if j < 0:
            return None
        i = j + len(cap.open)
    j = body.find(cap.close, i)
    return body[i:j] if j >= 0 else None


def steps_of(request):
    return list(request) if isinstance(request, (list, tuple)) else [request]


def materialize(req, server):
    """(method, path, headers, body bytes) for one server, with its template values filled in and
    signed. Values not known yet (captured inside a chain) stay as `{name}`."""
    sub = lambda s: fill(s, server.vars)
    path = sub(req.path)
    body = sub(req.body).encode()
    headers = {"Host": server.host}
    headers.update({k: sub(v) for k, v in req.headers.items()})
    if req.sign:
        amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        signed = {k: v for k, v in headers.items() if k.lower() != "host"}
        headers.update(sigv4(req.method, server.host, path, signed, body, req.sign[0], req.sign[1],
                             amz_date, server.credentials))
    return req.method, path, headers, body


def send_once(server, req, values=None):
    """One request over HTTP/1.1: (status, body text). A capture is stored in `values`
    (default: the server's template values)."""
    method, path, headers, body = materialize(req, server)
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        c.request(method, path, body=body or None, headers=headers)
        r = c.getresponse()
        status, text = r.status, r.read().decode(errors="replace")
    finally:
        c.close()
    if req.capture and status < 400:
        v = extract(text, req.capture)
        if v is not None:
            (server.vars if values is None else values)[req.capture.name] = v
    return status, text


def check(req, status, body):
    ok = status == req.expect_status and (req.expect_body is None or req.expect_body in body)
    return ok and (req.capture is None or extract(body, req.capture) is not None)


def probe(server, request):
    """Sends a request (or each step of a chain, captures feeding the next) once: (ok, status, body)."""
    values = dict(server.vars)
    saved, server.vars = server.vars, values
    try:
        for req in steps_of(request):
            status, body = send_once(server, req)
            if not check(req, status, body):
                return False, status, body
        return True, status, body
    finally:
        server.vars = saved


class PrepareContext:
    """What a scenario's prepare() gets: the server's name and template values, and ways to talk to it."""

    def __init__(self, server, notes):
        self._server, self.server, self.vars, self._notes = server, server.name, server.vars, notes

    def send(self, req):
        """(status, body, {captured name: value}) of one request (captures are not kept)."""
        got = {}
        status, body = send_once(self._server, req, got)
        return status, body, got

    def admin(self, method, path, body=""):
        c = http.client.HTTPConnection("127.0.0.1", self._server.port, timeout=600)
        try:
            c.request(method, path, body=body.encode() if body else None,
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            return r.status, r.read().decode(errors="replace")
        finally:
            c.close()

    def load_count(self, req, count, conns):
        """Sends `req` `count` times over `conns` keep-alive connections (wrk), as fast as it goes."""
        return run_wrk(req, self._server, conns, 3600, count=count)

    def log(self, msg):
        log(f"  {self.server}: {msg}")


def lua_str(s):
    out = []
    for b in s.encode() if isinstance(s, str) else s:
        c = chr(b)
        out.append(c if 32 <= b < 127 and c not in '"\\' else f"\\{b:03d}")
    return '"' + "".join(out) + '"'


LUA_COMMON = r"""
local function urlenc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local function extract(body, key, open, close)
  local _, e = string.find(body, key, 1, true)
  if not e then return nil end
  local i = e + 1
  if open ~= "" then
    local _, e2 = string.find(body, open, i, true)
    if not e2 then return nil end
    i = e2 + 1
  end
  local j = string.find(body, close, i, true)
  if not j then return nil end
  return string.sub(body, i, j - 1)
end
local function fill(s, vars)
  return (s:gsub("{([%a_][%w_]*)(:?%a*)}", function(name, f)
    local v = vars[name]
    if not v then return nil end
    if f == ":url" then return urlenc(v) end
    return v
  end))
end
"""


def wrk_script(request, server, path, limit=None):
    """The Lua script for wrk: one request, or a chain that each connection (one per wrk thread)
    walks through, captures filling later steps. Every answer is checked (status, body substring,
    capture); a wrong one counts as `bad` and restarts the chain. With `limit`, each thread stops
    after that many good answers."""
    steps = steps_of(request)
    lua = []
    for req in steps:
        method, rpath, headers, body = materialize(req, server)
        hdrs = ", ".join(f"[{lua_str(k)}] = {lua_str(v)}" for k, v in headers.items())
        cap = (f"{{name = {lua_str(req.capture.name)}, key = {lua_str(req.capture.key)}, "
               f"open = {lua_str(req.capture.open)}, close = {lua_str(req.capture.close)}}}"
               if req.capture else "nil")
        dynamic = any(TEMPLATE.search(x) for x in [rpath, body.decode(errors="replace"), *headers.values()])
        lua.append(f"  {{method = {lua_str(method)}, path = {lua_str(rpath)}, headers = {{{hdrs}}}, "
                   f"body = {lua_str(body) if body else 'nil'}, status = {req.expect_status}, "
                   f"expect = {lua_str(req.expect_body) if req.expect_body else 'nil'}, cap = {cap}, "
                   f"dynamic = {'true' if dynamic else 'false'}}},")
    single = len(steps) == 1 and not any("dynamic = true" in x for x in lua)
    script = [LUA_COMMON, "local steps = {", *lua, "}", f"local limit = {limit or 0}",
              f"local limit_file = {lua_str(path + '.done')}"]
    if single:  # a fixed request: wrk formats it once, as for any static benchmark
        s0 = steps[0]
        method, _, headers, body = materialize(s0, server)
        script.append(f"wrk.method = {lua_str(method)}")
        script.append(f"wrk.body = {lua_str(body) if body else 'nil'}")
        script += [f"wrk.headers[{lua_str(k)}] = {lua_str(v)}" for k, v in headers.items()]
    script.append(r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  bad, good, chains, step, vars = 0, 0, 0, 1, {}
  for _, s in ipairs(steps) do
    if not s.dynamic then s.raw = wrk.format(s.method, s.path, s.headers, s.body) end
  end
end
""")
    if not single:
        script.append(r"""
function request()
  local s = steps[step]
  if s.raw then return s.raw end
  local h = {}
  for k, v in pairs(s.headers) do h[k] = fill(v, vars) end
  return wrk.format(s.method, fill(s.path, vars), h, s.body and fill(s.body, vars))
end
""")
    script.append(r"""
function response(status, headers, body)
  local s = steps[step]
  local ok = status == s.status and (not s.expect or (body and string.find(body, s.expect, 1, true) ~= nil))
  if ok and s.cap then
    local v = body and extract(body, s.cap.key, s.cap.open, s.cap.close)
    if v then vars[s.cap.name] = v else ok = false end
  end
  if ok then
    good = good + 1
    if step == #steps then chains = chains + 1; step = 1 else step = step + 1 end
    if limit > 0 and good == limit then
      -- wrk's main thread sleeps for the whole duration: tell bench.py, which ends wrk with SIGINT
      local f = io.open(limit_file, "a"); f:write("done\n"); f:close()
      wrk.thread:stop()
    end
  else
    bad = bad + 1
    step = 1
  end
end
function done(summary, latency, requests)
  local b, c = 0, 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0); c = c + (t:get("chains") or 0) end
  local e = summary.errors
  io.write(string.format(
    "RIME_BENCH requests=%d duration_us=%d bad=%d chains=%d connect=%d read=%d write=%d timeout=%d "
    .. "p50=%d p90=%d p99=%d max=%d\n",
    summary.requests, summary.duration, b, c, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
""")
    with open(path, "w") as f:
        f.write("\n".join(script))


def run_wrk(request, server, conns, duration, count=None):
    """One wrk run. A chain runs one connection per wrk thread (wrk's Lua state is per thread, so
    that is how a chain stays per connection); a single request runs on 2 threads. With `count`,
    stops after that many good answers (split over the threads) instead of after `duration`."""
    chain = len(steps_of(request)) > 1
    threads = conns if chain else max(1, min(2, conns))
    script = os.path.join(WORK, f"wrk-{server.name}.lua")
    wrk_script(request, server, script, limit=(count + threads - 1) // threads if count else None)
    url = f"http://127.0.0.1:{server.port}{fill(steps_of(request)[0].path, server.vars)}"
    argv = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--latency", "-s", script, url]
    if count:
        done = script + ".done"
        if os.path.exists(done):
            os.unlink(done)
        p = spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, group=True)
        while p.poll() is None:
            try:
                with open(done) as f:
                    if len(f.readlines()) >= threads:
                        os.killpg(p.pid, signal.SIGINT)  # wrk prints its summary and exits
                        break
            except OSError:
                pass
            time.sleep(0.1)
        out = p.communicate(timeout=60)[0].decode(errors="replace")
        rc = 0 if p.returncode in (0, -signal.SIGINT) else p.returncode
        LIVE.remove(p)
    else:
        rc, out = run_tool(argv, timeout=duration + 30)
    m = re.search(r"RIME_BENCH (.*)", out)
    if rc != 0 or not m:
        raise RuntimeError(f"wrk failed (rc {rc}):\n{out}")
    v = {k: int(x) for k, x in (kv.split("=") for kv in m.group(1).split())}
    errs = {k: v[k] for k in ("bad", "connect", "read", "write", "timeout") if v[k]}
    secs = v["duration_us"] / 1e6
    return {"rps": v["requests"] / secs, "p50": v["p50"], "p99": v["p99"],
            "chains_per_s": v["chains"] / secs if chain else None,
            "requests": v["requests"], "errors": sum(errs.values()), "error_detail": errs}


def run_h2load(req, server, conns, duration):
    method, path, headers, body = materialize(req, server)
    if method not in ("GET", "POST") or (method == "POST") != bool(body):
        raise RuntimeError(f"h2load can only send GET, or POST with a body (not {method})")
    logpath = os.path.join(WORK, f"h2load-{server.name}.log")
    argv = ["h2load", "-c", str(conns), "-m", "10", "-t", str(max(1, min(2, conns))),
            "-D", str(duration), "--log-file", logpath]
    for k, v in headers.items():
        if k.lower() != "host":
            argv += ["-H", f"{k}: {v}"]
    if body:
        bodypath = os.path.join(WORK, f"h2load-{server.name}.body")
        with open(bodypath, "wb") as f:
            f.write(body)
        argv += ["-d", bodypath]
    argv.append(f"http://127.0.0.1:{server.port}{path}")
    rc, out = run_tool(argv, timeout=duration + 30)
    m = re.search(r"finished in ([\d.]+)(m?s), ([\d.]+) req/s", out)
    r = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", out)
    s = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    if rc != 0 or not (m and r and s):
        raise RuntimeError(f"h2load failed (rc {rc}):\n{out}")
    failed, errored, timeouts = int(r.group(5)), int(r.group(6)), int(r.group(7))
    wrong = sum(int(s.group(i)) for i in (1, 2, 3, 4)) - (int(s.group(1)) if req.expect_status // 100 == 2 else 0)
    errs = {k: n for k, n in (("failed", failed), ("timeout", timeouts), ("status", wrong)) if n}
    lat = []
    with open(logpath) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 3:
                lat.append(int(parts[2]))
    lat.sort()
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
    os.unlink(logpath)
    return {"rps": float(m.group(3)), "p50": pct(0.50), "p99": pct(0.99), "requests": int(r.group(4)),
            "errors": max(failed, wrong) + timeouts, "error_detail": errs}


# ---------------------------------------------------------------- phases

def measure_startup(probe, name, argv_fn, path, samples, floor=False, timeout_s=10, any_status=False):
    times = []
    failures = 0
    for _ in range(samples):
        port = 0 if floor else free_port()
        rc, out = run_tool([probe, "-t", str(timeout_s * 1000), "-p", path] + (["-a"] if any_status else [])
                           + [str(port), "--"] + argv_fn(port), timeout=timeout_s + 20)
        if rc == 0 and out.strip().splitlines()[-1].isdigit():
            times.append(int(out.strip().splitlines()[-1]) / 1000.0)
        else:
            failures += 1
            log(f"  {name}: startup probe failed: {out.strip()[:200]}")
        time.sleep(0.05)
    return times, failures


def open_idle(port, n):
    socks = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            socks.append(s)
    except OSError as e:
        log(f"  opened only {len(socks)} connections: {e}")
    return socks


def still_open(socks):
    """Connections the server has not closed (a closed one is readable with EOF)."""
    alive = 0
    for s in socks:
        r, _, _ = select.select([s], [], [], 0)
        if not r:
            alive += 1
        else:
            try:
                s.setblocking(False)
                alive += 1 if s.recv(1, socket.MSG_PEEK) else 0
            except OSError:
                pass
    return alive


def measure_rss(server, idle_conns):
    time.sleep(0.5)
    server.rss["idle"] = server.memory()[0]
    server.rss["idle_pss"] = group_pss_kib(server.proc.pid)
    socks = open_idle(server.port, idle_conns)
    time.sleep(0.5)
    server.rss["conns"] = server.memory()[0]
    server.rss["conns_open"] = len(socks)
    server.rss["conns_alive"] = still_open(socks)
    for s in socks:
        s.close()


def median(xs):
    return statistics.median(xs) if xs else None


def summarize(runs):
    chains = [r["chains_per_s"] for r in runs if r.get("chains_per_s") is not None]
    return {"rps": median([r["rps"] for r in runs]), "p50": median([r["p50"] for r in runs]),
            "chains_per_s": median(chains),
            "p99": median([r["p99"] for r in runs]), "errors": sum(r["errors"] for r in runs),
            "error_detail": merge_detail(runs), "runs": len(runs),
            "requests": sum(r["requests"] for r in runs)}


def merge_detail(runs):
    d = {}
    for r in runs:
        for k, v in r["error_detail"].items():
            d[k] = d.get(k, 0) + v
    return d


# ---------------------------------------------------------------- formatting

def f_us(us):
    if us is None:
        return "–"
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} µs"


def f_rps(x):
    return "–" if x is None else f"{x:,.0f}"


def f_kib(k):
    return "–" if k is None else f"{k / 1024:.1f} MiB"


def f_ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"


def f_errors(r):
    if not r["errors"]:
        return "0"
    return f"**{r['errors']}** (" + ", ".join(f"{k} {v}" for k, v in r["error_detail"].items()) + ")"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short runs: 2 s, 1 round, 5 startups")
    ap.add_argument("--duration", type=int, help="seconds per load run (default 5, quick 2)")
    ap.add_argument("--rounds", type=int, help="interleaved runs per server (default 3, quick 1)")
    ap.add_argument("--startup-samples", type=int, help="starts per server (default 21, quick 5)")
    ap.add_argument("--connections", default="16,64", help="wrk connection counts (default 16,64)")
    ap.add_argument("--h2-connections", default="16", help="h2load connection counts (default 16)")
    ap.add_argument("--idle-connections", type=int, default=1000)
    ap.add_argument("--slow-duration", type=int, help="seconds per run for moto (default 2, quick 1)")
    ap.add_argument("--scenario", action="append",
                    help="run only the scenarios matching this glob, e.g. 'sqs-*' or health (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    ap.add_argument("--no-moto", action="store_true", help="leave moto_server out")
    ap.add_argument("--no-npm-peers", action="store_true", help="leave the npm emulators (tests/bench/peers) out")
    ap.add_argument("--sdk", action="store_true",
                    help="SDK mode: the same operations through the AWS SDK for JavaScript v3, rime vs moto")
    ap.add_argument("--sdk-callers", default="1,16", help="SDK mode: concurrent async callers (default 1,16)")
    ap.add_argument("--rime", default=os.path.join(REPO, "build", "server", "rime"))
    ap.add_argument("--rime-arg", action="append", default=[], help="extra rime argument (repeatable)")
    ap.add_argument("--probe", default=os.path.join(WORK, "startup_probe"))
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    if args.list:
        for sc in scn.SCENARIOS:
            kind = f"chain of {len(steps_of(sc.request))}" if len(steps_of(sc.request)) > 1 else "request"
            print(f"{sc.name:40} {kind:11} {','.join(sc.protocols):6} peers: {','.join(sc.peers) or '-'}")
        return
    args.duration = args.duration or (2 if args.quick else 5)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.startup_samples = args.startup_samples or (5 if args.quick else 21)
    args.slow_duration = min(args.duration, args.slow_duration or (1 if args.quick else 2))
    if args.sdk:
        return sdk_main(args)
    h1_conns = [int(x) for x in args.connections.split(",") if x]
    h2_conns = [int(x) for x in args.h2_connections.split(",") if x]

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    notes = []
    os.makedirs(HTDOCS, exist_ok=True)
    with open(os.path.join(HTDOCS, "health"), "wb") as f:
        f.write(HEALTH_BODY)
    if not os.access(args.rime, os.X_OK):
        raise SystemExit(f"no rime binary at {args.rime} (run without --no-build?)")
    servers, startup = make_servers(args)
    for name, tool in (("nginx", "nginx"), ("nghttpd", "nghttpd")):
        if not shutil.which(tool):
            notes.append(f"{name} skipped: `{tool}` not installed")
            servers.pop(name)
            startup.pop(name, None)
    if args.no_moto or not MOTO:
        notes.append("moto skipped: " + ("--no-moto" if args.no_moto else "`moto_server` not found"))
        servers.pop("moto")
        startup.pop("moto")
    load_tools = {p: shutil.which(t) for p, t in (("h1", "wrk"), ("h2", "h2load"))}
    for p, t in load_tools.items():
        if not t:
            notes.append(f"{p} runs skipped: {'wrk' if p == 'h1' else 'h2load'} not installed")

    started_at = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    load_before = os.getloadavg()

    # 1. startup
    log("== startup")
    startup_res = {}
    floor, _ = measure_startup(args.probe, "exec floor", lambda p: ["/bin/true"], "/", args.startup_samples,
                               floor=True)
    startup_res["exec floor (/bin/true)"] = floor
    for name, (argv_fn, path, samples) in startup.items():
        times, failures = measure_startup(args.probe, name, argv_fn, path, samples,
                                          timeout_s=30 if name == "moto" else 10)
        startup_res[name] = times
        if failures:
            notes.append(f"{name}: {failures} of {samples} startups failed")
        log(f"  {name}: median {median(times) or 0:.2f} ms over {len(times)}")

    # 2. start servers, idle RSS and RSS with idle connections
    log("== memory")
    for name in list(servers):
        s = servers[name]
        if not s.start():
            notes.append(f"{name} skipped: did not start (see its log in {WORK})" if name != "rime"
                         else "rime did not start")
            servers.pop(name)
            if name == "rime":
                raise SystemExit("rime did not start")
            continue
        measure_rss(s, args.idle_connections)
        log(f"  {name}: idle {f_kib(s.rss['idle'])}, {s.rss['conns_open']} conns {f_kib(s.rss['conns'])}")
        if s.rss["conns_alive"] < args.idle_connections:
            notes.append(f"{name}: only {s.rss['conns_alive']} of {args.idle_connections} idle "
                         f"connections were open when its RSS was read")

    # 3. scenarios
    ceiling_of = {"h1": "nginx", "h2": "nghttpd"}
    ceiling_req = {"h1": scn.Request("GET", "/", expect_body="ok"), "h2": scn.Request("GET", "/health")}
    ceilings = {}  # (proto, conns) -> summary
    results = []  # rows
    rime = servers["rime"]
    npm_failed = set()

    def start_npm_peer(name):
        if name in npm_failed:
            return
        if not os.path.isdir(os.path.join(PEERS_DIR, "node_modules", name)):
            log("== installing npm peers (run.sh --install-peers)")
            rc = subprocess.run(["bash", os.path.join(HERE, "run.sh"), "--install-peers"],
                                stdout=sys.stderr).returncode
            if rc != 0 or not os.path.isdir(os.path.join(PEERS_DIR, "node_modules", name)):
                notes.append(f"{name} skipped: `npm ci` in tests/bench/peers failed")
                npm_failed.add(name)
                return
        server, argv = npm_server(name)
        log(f"== startup and memory: {name}")
        times, failures = measure_startup(args.probe, name, argv, "/", min(3, args.startup_samples),
                                          timeout_s=30, any_status=True)
        startup_res[name] = times
        if failures:
            notes.append(f"{name}: {failures} startups failed")
        if not server.start():
            notes.append(f"{name} skipped: did not start (see its log in {WORK})")
            npm_failed.add(name)
            return
        measure_rss(server, args.idle_connections)
        servers[name] = server

    def short(body):
        return repr(body.strip()[:120])

    def run_setup(server, sc):
        """None, or why `server` cannot take part (setup failed, prepare refused, wrong answer)."""
        server.reset_vars()
        for req in sc.setup:
            status, body = send_once(server, req)
            if server is rime and status in sc.skip_if_rime_status:
                return f"answers {status} to its setup ({short(body)})"
            if status >= 500 or (req.capture and req.capture.name not in server.vars):
                return f"setup request answered {status} {short(body)}"
        return None

    def teardown(server, sc):
        for req in sc.teardown:
            try:
                send_once(server, req)
            except (OSError, http.client.HTTPException) as e:
                log(f"  teardown on {server.name}: {e}")

    chosen = [s for s in scn.SCENARIOS
              if not args.scenario or any(fnmatch.fnmatchcase(s.name, pat) for pat in args.scenario)]
    for sc in chosen:
        log(f"== scenario {sc.name}")
        chain = len(steps_of(sc.request)) > 1
        # rime first: its answers decide whether the scenario runs at all (501: not implemented yet)
        try:
            why = run_setup(rime, sc)
            if not why:
                ok, status, body = probe(rime, sc.request)
                if status in sc.skip_if_rime_status:
                    why = f"answers {status} ({short(body)})"
                elif not ok:
                    notes.append(f"scenario {sc.name}: rime's answer does not match the expectation "
                                 f"(status {status}, body {short(body)}); measured anyway")
            if not why and sc.prepare:
                why = sc.prepare(PrepareContext(rime, notes))
        except (OSError, http.client.HTTPException, RuntimeError) as e:
            why = f"did not answer ({e})"
        if why:
            notes.append(f"scenario {sc.name} skipped: rime {why}")
            teardown(rime, sc)
            continue
        peers = {}
        for pname, preq in sc.peers.items():
            if pname in NPM_PEERS and pname not in servers and not args.no_npm_peers:
                start_npm_peer(pname)
            if pname not in servers:
                continue
            s = servers[pname]
            preq = preq or sc.request
            try:
                why = None
                if "h1" in s.protos:
                    why = run_setup(s, sc)
                    if not why and sc.prepare:
                        why = sc.prepare(PrepareContext(s, notes))
                    if not why:
                        ok, st, bd = probe(s, preq)
                        why = None if ok else f"it answered {st} {short(bd)}"
                else:  # h2-only (nghttpd): the status is all h2load checks anyway
                    s.reset_vars()
                    st = h2_status(s.port, steps_of(preq)[0].path)
                    why = None if st == steps_of(preq)[0].expect_status else f"it answered {st}"
            except (OSError, http.client.HTTPException, ValueError, RuntimeError) as e:
                why = str(e)
            if why:
                notes.append(f"scenario {sc.name}: {pname} skipped: {why}")
                continue
            peers[pname] = preq
        for proto in sc.protocols:
            if not load_tools[proto] or (chain and proto != "h1"):
                continue
            runner = run_wrk if proto == "h1" else run_h2load
            for conns in (h1_conns if proto == "h1" else h2_conns):
                targets = [("rime", sc.request)] + [(p, r) for p, r in peers.items()
                                                     if proto in servers[p].protos]
                ceil = ceiling_of[proto]
                measure_ceiling = (proto, conns) not in ceilings and ceil in servers
                if measure_ceiling and ceil not in dict(targets):
                    targets.append((ceil, ceiling_req[proto]))
                runs = {name: [] for name, _ in targets}
                for rnd in range(args.rounds):
                    for name, req in targets:
                        s = servers[name]
                        if s.slow and rnd > 0:
                            continue
                        d = args.slow_duration if s.slow else args.duration
                        log(f"  {proto} c{conns} round {rnd + 1}/{args.rounds}: {name} ({d:g} s)")
                        try:
                            runs[name].append(runner(req, s, conns, d))
                        except RuntimeError as e:
                            notes.append(f"{sc.name} {proto} c{conns} {name}: {str(e).strip()[:300]}")
                summ = {n: summarize(r) for n, r in runs.items() if r}
                if measure_ceiling and ceil in summ:
                    ceilings[(proto, conns)] = summ[ceil]
                for name, _ in targets:
                    if name in summ:
                        results.append({"scenario": sc.name, "proto": proto, "conns": conns,
                                        "server": name, "ceiling": name == ceil, "note": sc.note,
                                        **summ[name]})
        for name in ["rime", *peers]:
            teardown(servers[name], sc)

    # 4. RSS after load, peak
    for s in servers.values():
        s.rss["after"], s.rss["peak"] = s.memory()
        s.stop()

    # ------------------------------------------------------------ report
    rev = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip()
    md = [f"# rime benchmark — {started_at}", "",
          f"rime {rev}; {os.cpu_count()} CPUs; load average at start {load_before[0]:.2f}; "
          f"wrk/h2load runs of {args.duration:g} s × {args.rounds} interleaved rounds (medians), "
          f"moto {args.slow_duration:g} s × 1; {args.startup_samples} startups per server.", ""]
    md.append("## Throughput")
    md.append("")
    rows = []
    for r in results:
        rime_row = next((x for x in results if x["scenario"] == r["scenario"] and x["proto"] == r["proto"]
                         and x["conns"] == r["conns"] and x["server"] == "rime"), None)
        ceil = ceilings.get((r["proto"], r["conns"]))
        server = r["server"] + (" (ceiling)" if r["ceiling"] else "")
        vs_peer = "–" if r["server"] == "rime" else f_ratio(rime_row and rime_row["rps"], r["rps"])
        vs_ceil = f_ratio(r["rps"], ceil and ceil["rps"]) if r["server"] == "rime" else "–"
        rows.append([r["scenario"], "HTTP/1.1" if r["proto"] == "h1" else "h2c", r["conns"], server,
                     f_rps(r["rps"]), f_rps(r.get("chains_per_s")), f_us(r["p50"]), f_us(r["p99"]),
                     f_errors(r), vs_peer, vs_ceil])
    md.append(table(["scenario", "proto", "conns", "server", "req/s", "chains/s", "p50", "p99", "errors",
                     "rime/this", "rime/ceiling"], rows))
    md += ["", "rime/this: rime's req/s over this server's, same scenario and connections. "
           "Ceiling: nginx `return 200` (HTTP/1.1), nghttpd static file (h2c). "
           "h2load checks the status only; wrk checks status, body and captures. "
           "Chains (send, receive, delete on one connection): req/s counts each request of the 1:1:1 mix, "
           "chains/s the completed triples; wrk runs one thread per connection for them. "
           ":1M: on a queue holding 1,000,000 messages (rime only: moto would take minutes to fill it). "
           "moto and the npm peers get one short run.", ""]

    md.append("## Startup (exec to first 2xx answer)")
    md.append("")
    rows = []
    for name, ts in startup_res.items():
        ts = sorted(ts)
        p90 = ts[min(len(ts) - 1, int(0.9 * len(ts)))] if ts else None
        rows.append([name, f"{median(ts):.2f} ms" if ts else "–", f"{p90:.2f} ms" if ts else "–",
                     f"{ts[0]:.2f} ms" if ts else "–", len(ts)])
    md.append(table(["server", "median", "p90", "min", "samples"], rows))
    md += ["", "nginx: `master_process off`, 1 worker. exec floor: fork + exec + exit of /bin/true "
           "(the machine's cost of starting any process).", ""]

    md.append("## Memory (RSS, summed over the process group)")
    md.append("")
    rows = []
    for name, s in servers.items():
        per_conn = ((s.rss["conns"] - s.rss["idle"]) / max(1, s.rss["conns_open"])) if s.rss else 0
        rows.append([name, f_kib(s.rss.get("idle")), f_kib(s.rss.get("idle_pss")), f_kib(s.rss.get("conns")),
                     f"{per_conn:.1f} KiB",
                     f_kib(s.rss.get("after")), f_kib(s.rss.get("peak")), s.note])
    md.append(table(["server", "idle", "idle PSS", f"{args.idle_connections} idle conns", "per conn",
                     "after load", "peak (VmHWM)", "configuration"], rows))
    md += ["", "RSS is VmRSS summed over the server's processes (nginx: master + workers, so pages they "
           "share count twice); PSS counts shared pages once. Idle: 0.5 s after the first answer; "
           "idle conns: TCP connections opened and left silent; after load and peak: at the end of the "
           "run.", ""]

    md.append("## Targets")
    md.append("")
    tg = []
    st = median(startup_res.get("rime", []))
    tg.append(("startup ≤ 5 ms", st is not None and st <= TARGET_STARTUP_MS, f"{st:.2f} ms" if st else "–"))
    idle = rime.rss.get("idle")
    tg.append(("idle RSS ≤ 6 MiB", idle is not None and idle <= TARGET_IDLE_RSS_KIB, f_kib(idle)))
    for r in results:
        if r["scenario"] != "health" or r["server"] != "rime":
            continue
        ceil = ceilings.get((r["proto"], r["conns"]))
        want = TARGET_H1_RATIO if r["proto"] == "h1" else TARGET_H2_RATIO
        ok = bool(ceil and ceil["rps"] and r["rps"] / ceil["rps"] >= want)
        peer = ceiling_of[r["proto"]]
        tg.append((f"health {r['proto']} c{r['conns']}: ≥ {want:g}× {peer}", ok,
                   f_ratio(r["rps"], ceil and ceil["rps"])))
    errs = [r for r in results if r["server"] == "rime" and r["errors"]]
    tg.append(("no errors in rime's runs", not errs,
               ", ".join(f"{r['scenario']} {r['proto']} c{r['conns']}: {r['errors']}" for r in errs) or "0"))
    md.append(table(["target", "met", "figure"], [[t, "met" if ok else "**MISSED**", v] for t, ok, v in tg]))
    if notes:
        md += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    md.append("")
    report = "\n".join(md)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "latest.md"), "w") as f:
        f.write(report)
    with open(os.path.join(args.out, "latest.json"), "w") as f:
        json.dump({"started_at": started_at, "rev": rev, "throughput": results,
                   "ceilings": {f"{p}/{c}": v for (p, c), v in ceilings.items()},
                   "startup_ms": startup_res,
                   "rss_kib": {n: s.rss for n, s in servers.items()}, "notes": notes}, f, indent=1)
    print(report)
    log(f"written to {os.path.join(args.out, 'latest.md')}")


# ---------------------------------------------------------------- SDK mode

SDK_OPS = ["sts-get-caller-identity", "sqs-send", "sqs-send-receive-delete", "sns-publish"]


def run_sdk(server, op, callers, seconds, tag):
    env = dict(os.environ, NODE_NO_WARNINGS="1")
    for k in list(env):
        if k.startswith("AWS_"):
            env.pop(k)  # no profile, endpoint or credentials from the environment
    cfg = json.dumps({"endpoint": f"http://{server.host}", "op": op, "callers": callers, "seconds": seconds,
                      "tag": tag})
    p = spawn(["node", os.path.join(HERE, "sdk", "sdk_bench.mjs"), cfg], stdout=subprocess.PIPE,
              stderr=subprocess.PIPE, group=True)
    try:
        out, err = p.communicate(timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        kill(p)
        return {"failed": "timed out"}
    if p in LIVE:
        LIVE.remove(p)
    lines = [x for x in out.decode(errors="replace").splitlines() if x.startswith("{")]
    if p.returncode != 0 or not lines:
        return {"failed": f"node exited {p.returncode}: {err.decode(errors='replace').strip()[-300:]}"}
    return json.loads(lines[-1])


def sdk_main(args):
    """--sdk: each operation through the AWS SDK for JavaScript v3, N concurrent async callers in one
    node process, rime vs moto, interleaved rounds (moto: one short round)."""
    notes = []
    if not shutil.which("node"):
        raise SystemExit("node is not installed")
    if not os.path.isdir(os.path.join(REPO, "node_modules", "@aws-sdk")):
        raise SystemExit(f"no AWS SDK under {REPO}/node_modules: run `npm ci` in {REPO}")
    servers, _ = make_servers(args)
    servers = {k: v for k, v in servers.items() if k in ("rime", "moto")}
    if args.no_moto or not MOTO:
        notes.append("moto skipped: " + ("--no-moto" if args.no_moto else "`moto_server` not found"))
        servers.pop("moto", None)
    for name in list(servers):
        if not servers[name].start():
            if name == "rime":
                raise SystemExit("rime did not start")
            notes.append(f"{name} skipped: did not start")
            servers.pop(name)
    callers_list = [int(x) for x in args.sdk_callers.split(",") if x]
    ops = [o for o in SDK_OPS if not args.scenario or any(fnmatch.fnmatchcase(o, p) for p in args.scenario)]
    started_at = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    load_before = os.getloadavg()
    results = []
    for op in ops:
        skipped = False
        for callers in callers_list:
            runs = {n: [] for n in servers}
            for rnd in range(args.rounds):
                for name, s in servers.items():
                    if skipped or (s.slow and rnd > 0):
                        continue
                    d = args.slow_duration if s.slow else args.duration
                    log(f"== sdk {op} callers {callers} round {rnd + 1}/{args.rounds}: {name} ({d:g} s)")
                    r = run_sdk(s, op, callers, d, f"{name}-{callers}-{rnd}")
                    if "skipped" in r or "failed" in r:
                        why = r.get("skipped") or "failed: " + r["failed"]
                        if name == "rime" or "skipped" in r and "not installed" in why:
                            notes.append(f"{op} skipped: {name}: {why}")
                            skipped = True
                        else:
                            notes.append(f"{op} c{callers}: {name} {why}")
                        continue
                    runs[name].append(r)
            for name, rs in runs.items():
                if rs:
                    results.append({"op": op, "callers": callers, "server": name,
                                    "ops_per_s": median([r["ops_per_s"] for r in rs]),
                                    "p50": median([r["p50_us"] for r in rs if r["p50_us"] is not None]),
                                    "p99": median([r["p99_us"] for r in rs if r["p99_us"] is not None]),
                                    "ops": sum(r["ops"] for r in rs), "errors": sum(r["errors"] for r in rs),
                                    "error_sample": next((r["error_sample"] for r in rs if r["error_sample"]), None),
                                    "runs": len(rs)})
            if skipped:
                break
    for s in servers.values():
        s.stop()

    rev = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip()
    sdk_version = "?"
    try:
        with open(os.path.join(REPO, "node_modules", "@aws-sdk", "client-sqs", "package.json")) as f:
            sdk_version = json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        pass
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    md = [f"# rime SDK benchmark — {started_at}", "",
          f"rime {rev}; {os.cpu_count()} CPUs; load average at start {load_before[0]:.2f}; AWS SDK for "
          f"JavaScript v3 ({sdk_version}) on node {node_version}, one process, N concurrent async callers, "
          f"keep-alive agent with N sockets; runs of {args.duration:g} s × {args.rounds} interleaved rounds "
          f"(medians), moto {args.slow_duration:g} s × 1.", ""]
    rows = []
    for r in results:
        rime_row = next((x for x in results if x["op"] == r["op"] and x["callers"] == r["callers"]
                         and x["server"] == "rime"), None)
        err = "0" if not r["errors"] else f"**{r['errors']}** ({(r['error_sample'] or '')[:80]})"
        rows.append([r["op"], r["callers"], r["server"], f_rps(r["ops_per_s"]), f_us(r["p50"]), f_us(r["p99"]),
                     err, "–" if r["server"] == "rime" else f_ratio(rime_row and rime_row["ops_per_s"], r["ops_per_s"])])
    md.append(table(["operation", "callers", "server", "ops/s", "p50", "p99", "errors", "rime/this"], rows))
    md += ["", "Latency is client-side: from `client.send()` to the parsed result, signing and parsing "
           "included. sqs-send-receive-delete: one op is the three calls in a row (SendMessage, "
           "ReceiveMessage with a body check, DeleteMessage with its receipt handle). The SDK client "
           "(one node process) is usually the bottleneck for rime: compare with the raw-HTTP report.", ""]
    if notes:
        md += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    report = "\n".join(md)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "latest-sdk.md"), "w") as f:
        f.write(report)
    with open(os.path.join(args.out, "latest-sdk.json"), "w") as f:
        json.dump({"started_at": started_at, "rev": rev, "results": results, "notes": notes}, f, indent=1)
    print(report)
    log(f"written to {os.path.join(args.out, 'latest-sdk.md')}")


def _on_signal(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGINT, _on_signal)  # even when started in the background (SIGINT ignored)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    WORK = tempfile.mkdtemp(prefix="rime-bench-")
    HTDOCS = os.path.join(WORK, "htdocs")
    MOTO = shutil.which("moto_server")
    if MOTO and "/shims/" in MOTO:  # a pyenv shim costs a bash start per exec: use the real script
        real = subprocess.run(["pyenv", "which", "moto_server"], capture_output=True, text=True).stdout.strip()
        MOTO = real or MOTO
    code = 0
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted: stopping servers")
        code = 130
    except SystemExit as e:
        if e.code not in (None, 0):
            log(str(e.code))
            code = 1
    finally:
        cleanup()
        if os.environ.get("RIME_BENCH_KEEP_WORK") != "1":
            shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(code)
