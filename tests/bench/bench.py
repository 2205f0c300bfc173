#!/usr/bin/env python3
"""rime benchmark: rime side by side with nginx, nghttpd and moto_server, in one run.

Normally started by tests/bench/run.sh (which builds rime and the startup probe first).
Measures startup time, RSS (idle, with 1,000 idle connections, after load, peak) and, per scenario
in scenarios.py, requests/s and latency with wrk (HTTP/1.1 keep-alive) and h2load (h2c).
Prints one markdown report and writes it to tests/bench/results/latest.md (+ latest.json).
Exits non-zero only when the script itself fails, not when a target is missed.
"""

import argparse
import ctypes
import datetime
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
    """A server under test. argv(port) builds its command line."""

    def __init__(self, name, protos, ready_path, argv, note="", slow=False):
        self.name, self.protos, self.ready_path, self.argv_fn = name, protos, ready_path, argv
        self.note, self.slow = note, slow
        self.proc = None
        self.port = None
        self.rss = {}

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=30.0):
        self.port = free_port()
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
                if 200 <= status < 300:
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

def sigv4(method, host, path, headers, body, service, region, amz_date):
    parsed = urllib.parse.urlsplit(path)
    query = sorted(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
    canonical_query = "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}" for k, v in query)
    hdrs = {k.lower(): " ".join(str(v).split()) for k, v in headers.items()}
    hdrs["host"] = host
    hdrs["x-amz-date"] = amz_date
    names = sorted(hdrs)
    canonical_headers = "".join(f"{k}:{hdrs[k]}\n" for k in names)
    signed_headers = ";".join(names)
    canonical = "\n".join([method, urllib.parse.quote(parsed.path or "/", safe="/-_.~"),
                           canonical_query, canonical_headers, signed_headers,
                           hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + scn.SECRET_KEY).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {"X-Amz-Date": amz_date,
            "Authorization": f"AWS4-HMAC-SHA256 Credential={scn.ACCESS_KEY}/{scope}, "
                             f"SignedHeaders={signed_headers}, Signature={signature}"}


def materialize(req, server):
    """(method, path, headers, body bytes) for one server, with {host} filled in and signed."""
    sub = lambda s: s.replace("{host}", server.host)
    path = sub(req.path)
    body = sub(req.body).encode()
    headers = {"Host": server.host}
    headers.update({k: sub(v) for k, v in req.headers.items()})
    if req.sign:
        amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        signed = {k: v for k, v in headers.items() if k.lower() != "host"}
        headers.update(sigv4(req.method, server.host, path, signed, body, req.sign[0], req.sign[1],
                             amz_date))
    return req.method, path, headers, body


def send_once(server, req):
    """One request over HTTP/1.1: (status, body text)."""
    method, path, headers, body = materialize(req, server)
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        c.request(method, path, body=body or None, headers=headers)
        r = c.getresponse()
        return r.status, r.read().decode(errors="replace")
    finally:
        c.close()


def check(req, status, body):
    return status == req.expect_status and (req.expect_body is None or req.expect_body in body)


def lua_str(s):
    out = []
    for b in s.encode() if isinstance(s, str) else s:
        c = chr(b)
        out.append(c if 32 <= b < 127 and c not in '"\\' else f"\\{b:03d}")
    return '"' + "".join(out) + '"'


def wrk_script(req, server, path):
    method, _, headers, body = materialize(req, server)
    lines = [f"wrk.method = {lua_str(method)}", f"wrk.body = {lua_str(body) if body else 'nil'}"]
    lines += [f"wrk.headers[{lua_str(k)}] = {lua_str(v)}" for k, v in headers.items()]
    expect_body = lua_str(req.expect_body) if req.expect_body else "nil"
    lines.append(f"""
local expect_status, expect_body = {req.expect_status}, {expect_body}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= expect_status or (expect_body and not (body and string.find(body, expect_body, 1, true))) then
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format(
    "RIME_BENCH requests=%d duration_us=%d bad=%d connect=%d read=%d write=%d timeout=%d "
    .. "p50=%d p90=%d p99=%d max=%d\\n",
    summary.requests, summary.duration, b, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
""")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def run_wrk(req, server, conns, duration):
    script = os.path.join(WORK, f"wrk-{server.name}.lua")
    wrk_script(req, server, script)
    threads = max(1, min(2, conns))
    url = f"http://127.0.0.1:{server.port}{materialize(req, server)[1]}"
    rc, out = run_tool(["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--latency",
                        "-s", script, url], timeout=duration + 30)
    m = re.search(r"RIME_BENCH (.*)", out)
    if rc != 0 or not m:
        raise RuntimeError(f"wrk failed (rc {rc}):\n{out}")
    v = {k: int(x) for k, x in (kv.split("=") for kv in m.group(1).split())}
    errs = {k: v[k] for k in ("bad", "connect", "read", "write", "timeout") if v[k]}
    return {"rps": v["requests"] / (v["duration_us"] / 1e6), "p50": v["p50"], "p99": v["p99"],
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

def measure_startup(probe, name, argv_fn, path, samples, floor=False, timeout_s=10):
    times = []
    failures = 0
    for _ in range(samples):
        port = 0 if floor else free_port()
        rc, out = run_tool([probe, "-t", str(timeout_s * 1000), "-p", path, str(port), "--"] + argv_fn(port),
                           timeout=timeout_s + 20)
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
    return {"rps": median([r["rps"] for r in runs]), "p50": median([r["p50"] for r in runs]),
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
    ap.add_argument("--scenario", action="append", help="run only these scenarios (repeatable)")
    ap.add_argument("--no-moto", action="store_true", help="leave moto_server out")
    ap.add_argument("--rime", default=os.path.join(REPO, "build", "server", "rime"))
    ap.add_argument("--rime-arg", action="append", default=[], help="extra rime argument (repeatable)")
    ap.add_argument("--probe", default=os.path.join(WORK, "startup_probe"))
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    args.duration = args.duration or (2 if args.quick else 5)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.startup_samples = args.startup_samples or (5 if args.quick else 21)
    args.slow_duration = min(args.duration, args.slow_duration or (1 if args.quick else 2))
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
    chosen = [s for s in scn.SCENARIOS if not args.scenario or s.name in args.scenario]
    for sc in chosen:
        log(f"== scenario {sc.name}")
        for req in sc.setup:
            for s in servers.values():
                try:
                    send_once(s, req)
                except Exception as e:
                    log(f"  setup on {s.name}: {e}")
        try:
            status, body = send_once(rime, sc.request)
        except (OSError, http.client.HTTPException) as e:
            notes.append(f"scenario {sc.name} skipped: rime did not answer its request ({e})")
            continue
        if status in sc.skip_if_rime_status:
            notes.append(f"scenario {sc.name} skipped: rime answers {status} ({body.strip()[:100]})")
            continue
        if not check(sc.request, status, body):
            notes.append(f"scenario {sc.name}: rime's answer does not match the expectation "
                         f"(status {status}, body {body.strip()[:100]!r}); measured anyway")
        peers = {}
        for pname, preq in sc.peers.items():
            if pname not in servers:
                continue
            preq = preq or sc.request
            try:
                if "h1" in servers[pname].protos:
                    st, bd = send_once(servers[pname], preq)
                else:  # h2-only (nghttpd): the status is all h2load checks anyway
                    st, bd = h2_status(servers[pname].port, preq.path), preq.expect_body or ""
            except (OSError, http.client.HTTPException, ValueError) as e:
                st, bd = 0, str(e)
            if not check(preq, st, bd):
                notes.append(f"scenario {sc.name}: peer {pname} skipped, it answered {st} "
                             f"{bd.strip()[:80]!r}")
                continue
            peers[pname] = preq
        for proto in sc.protocols:
            if not load_tools[proto]:
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
                                        "server": name, "ceiling": name == ceil, **summ[name]})

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
                     f_rps(r["rps"]), f_us(r["p50"]), f_us(r["p99"]), f_errors(r), vs_peer, vs_ceil])
    md.append(table(["scenario", "proto", "conns", "server", "req/s", "p50", "p99", "errors",
                     "rime/this", "rime/ceiling"], rows))
    md += ["", "rime/this: rime's req/s over this server's, same scenario and connections. "
           "Ceiling: nginx `return 200` (HTTP/1.1), nghttpd static file (h2c). "
           "h2load checks the status only; wrk checks status and body.", ""]

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

    md.append(f"## Memory (RSS, summed over the process group)")
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
