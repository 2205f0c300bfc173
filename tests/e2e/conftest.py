"""Shared fixtures and helpers for rime's end-to-end tests.

Every test file is run on its own by CTest (`python3 -m pytest FILE` from this folder), so all
that a file needs lives here: binaries, server processes on free ports, raw HTTP/1.1 helpers and
a tiny client for the test-only "rimetest" key/value service.
"""
import base64
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import urllib3

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RIME_BIN = os.environ.get("RIME_BIN") or str(REPO / "build" / "server" / "rime")
RIME_TEST_BIN = os.environ.get("RIME_TEST_BIN") or str(REPO / "build" / "tests" / "rime-test-server")

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
STATE_FORMAT = "rime-state/1"


# --------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------

def wait_for_binary(path, timeout=180.0):
    """The lead may rebuild the binaries while tests run: wait until the file is there again."""
    deadline = time.monotonic() + timeout
    while not (os.path.isfile(path) and os.access(path, os.X_OK)):
        if time.monotonic() > deadline:
            pytest.fail(f"binary {path} not found (set RIME_BIN / RIME_TEST_BIN)")
        time.sleep(0.5)
    return path


def free_port():
    """A port that was free a moment ago (bind to 0 and let the kernel pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(extra=None):
    """The test process's environment without any RIME_* variable (CTest sets RIME_BIN etc.)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RIME_")}
    if extra:
        env.update(extra)
    return env


def run_cli(binary, args, env=None, timeout=10):
    """Runs the binary to completion (for --help, --version, invalid options, --health-check)."""
    wait_for_binary(binary)
    try:
        return subprocess.run([binary, *args], env=clean_env(env), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{binary} {' '.join(args)} did not exit within {timeout}s (did it start a server?): {e}")


def spawn(binary, args, env, log_path, cwd=None):
    """Popen with retries: while the lead relinks, exec may briefly fail (missing / text busy)."""
    deadline = time.monotonic() + 180
    while True:
        wait_for_binary(binary)
        try:
            logf = open(log_path, "ab")
            try:
                return subprocess.Popen([binary, *args], stdout=logf, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env, cwd=cwd)
            finally:
                logf.close()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


class RimeServer:
    """One daemon process; stdout+stderr go to a log file (no pipe to fill up)."""

    def __init__(self, binary, args, env, log_path, port=None, token=None, tls=False, host="127.0.0.1"):
        self.binary = binary
        self.extra_args = list(args)
        self.env = env
        self.log_path = Path(log_path)
        self.port = port
        self.token = token
        self.tls = tls
        self.host = host
        self.proc = None

    @property
    def url(self):
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def admin_headers(self, headers=None):
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        return h

    def start(self, port_flag=True):
        args = (["--port", str(self.port)] if port_flag else []) + self.extra_args
        self.log_path.write_bytes(b"")
        self.proc = spawn(self.binary, args, self.env, self.log_path, cwd=self.log_path.parent)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def health_status(self, timeout=1.0):
        """Status code of GET /_rime/health, or None when nothing answers."""
        try:
            r = requests.get(self.url + "/_rime/health", headers=self.admin_headers(), timeout=timeout,
                             verify=False)
            return r.status_code
        except requests.RequestException:
            return None

    def wait_ready(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServerExited(self.proc.returncode, self.log())
            if self.health_status(timeout=0.5) == 200:
                return self
            time.sleep(0.02)
        raise AssertionError(f"server on port {self.port} not healthy within {timeout}s; log:\n{self.log()}")

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def send_signal(self, sig):
        if self.alive():
            self.proc.send_signal(sig)

    def wait_exit(self, timeout=10.0):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Signals the process and returns its exit code (SIGKILL after `timeout`)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def kill(self):
        return self.stop(signal.SIGKILL)


class ServerExited(Exception):
    def __init__(self, code, log):
        super().__init__(f"server exited with {code} before it was healthy; log:\n{log}")
        self.code = code
        self.log = log


@pytest.fixture
def rime(tmp_path):
    """Factory: rime(args=[...], binary=..., env={...}, token=..., tls=...) -> running RimeServer.

    Picks a free port (retrying if another process grabbed it first), waits for health 200 and
    kills every process it started at teardown.
    """
    started = []
    counter = [0]

    def start(args=(), binary=None, env=None, token=None, tls=False, wait=True, port=None):
        binary = binary or RIME_TEST_BIN
        args = list(args)
        if token:
            args += ["--admin-token", token]
        for attempt in range(5):
            counter[0] += 1
            p = port or free_port()
            srv = RimeServer(binary, args, clean_env(env), tmp_path / f"rime-{counter[0]}.log", port=p,
                             token=token, tls=tls)
            srv.start()
            started.append(srv)
            if not wait:
                return srv
            try:
                return srv.wait_ready()
            except ServerExited as e:
                if "cannot listen" in e.log and port is None and attempt < 4:
                    continue  # lost the race for the port: take another
                raise
        raise AssertionError("could not start a server")

    yield start
    for srv in started:
        if srv.alive():
            srv.kill()


@pytest.fixture
def server(rime):
    """A rime-test-server with default options."""
    return rime()


# --------------------------------------------------------------------------------------------
# Raw HTTP/1.1
# --------------------------------------------------------------------------------------------

class RawResponse:
    def __init__(self, status, reason, headers, body, version):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (lower-case name, value)
        self.body = body
        self.version = version

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return default

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<RawResponse {self.status} {self.headers} {self.body[:200]!r}>"


class RawConn:
    """A plain TCP connection that speaks HTTP/1.1 by hand (keep-alive, pipelining, slow clients)."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0, sock=None):
        self.sock = sock or socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed by server")
        self.buf += chunk

    def read_until(self, marker):
        while marker not in self.buf:
            self._fill()
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self):
        head = self.read_until(b"\r\n\r\n").decode("latin-1")
        lines = head.split("\r\n")
        version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
        headers = []
        for line in lines[1:]:
            if line:
                k, _, v = line.partition(":")
                headers.append((k.strip().lower(), v.strip()))
        return version, int(status), reason, headers

    def read_response(self, head_request=False, skip_informational=True):
        """Reads one response; 1xx responses are skipped unless skip_informational is False."""
        while True:
            version, status, reason, headers = self.read_head()
            if 100 <= status < 200 and skip_informational:
                continue
            break
        resp = RawResponse(status, reason, headers, b"", version)
        if head_request or status in (204, 304) or 100 <= status < 200:
            return resp
        te = resp.header("transfer-encoding")
        cl = resp.header("content-length")
        if te and "chunked" in te.lower():
            body = b""
            while True:
                size_line = self.read_until(b"\r\n")
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    self.read_until(b"\r\n")  # (no trailers expected) final CRLF
                    break
                body += self.read_exact(size)
                self.read_exact(2)
            resp.body = body
        elif cl is not None:
            resp.body = self.read_exact(int(cl))
        else:
            # Delimited by close.
            try:
                while True:
                    self._fill()
            except (EOFError, ConnectionResetError):
                pass
            resp.body, self.buf = self.buf, b""
        return resp

    def request(self, method, path, body=b"", headers=None, head_request=None):
        self.send(build_request(method, path, body, headers))
        return self.read_response(head_request=(method == "HEAD") if head_request is None else head_request)

    def is_closed(self, wait=2.0):
        """True when the server has closed the connection (EOF or reset) within `wait` seconds."""
        self.sock.settimeout(wait)
        try:
            data = self.sock.recv(65536)
            if data:
                self.buf += data
                return False
            return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def build_request(method, path, body=b"", headers=None, host="localhost"):
    if isinstance(body, str):
        body = body.encode()
    hdrs = {"Host": host}
    hdrs.update(headers or {})
    lower = {k.lower() for k in hdrs}
    if body or method in ("PUT", "POST", "PATCH"):
        if "content-length" not in lower and "transfer-encoding" not in lower:
            hdrs["Content-Length"] = str(len(body))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
    return head.encode("latin-1") + body


def wait_closed(sock, timeout):
    """Waits until the peer closes `sock`; returns (closed, data received meanwhile)."""
    deadline = time.monotonic() + timeout
    data = b""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except (ConnectionResetError, BrokenPipeError):
            return True, data
        if not chunk:
            return True, data
        data += chunk
    return False, data


# --------------------------------------------------------------------------------------------
# The test-only "rimetest" service and the admin API
# --------------------------------------------------------------------------------------------

def sigv4(service="rimetest", access_key="AKIDEXAMPLE", region=DEFAULT_REGION):
    """An Authorization header whose credential scope routes to `service` (signature unchecked)."""
    return (f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/{region}/{service}/aws4_request, "
            f"SignedHeaders=host, Signature=00")


class Kv:
    """Client for the rimetest service in one scope: account (12-digit key) and region."""

    def __init__(self, server, account=None, region=DEFAULT_REGION, session=None):
        self.server = server
        self.account = account or DEFAULT_ACCOUNT
        self.access_key = account or "AKIDEXAMPLE"
        self.region = region
        self.http = session or requests

    def headers(self, extra=None):
        h = {"Authorization": sigv4("rimetest", self.access_key, self.region)}
        h.update(extra or {})
        return h

    def url(self, key):
        return f"{self.server.url}/{key}"

    def put(self, key, data, **kw):
        r = self.http.put(self.url(key), data=data, headers=self.headers(), timeout=10, verify=False, **kw)
        assert r.status_code == 200, (r.status_code, r.text)
        return r

    def get(self, key):
        return self.http.get(self.url(key), headers=self.headers(), timeout=10, verify=False)

    def data(self, key):
        r = self.get(key)
        assert r.status_code == 200, (key, r.status_code, r.text)
        return r.content

    def delete(self, key):
        return self.http.delete(self.url(key), headers=self.headers(), timeout=10, verify=False)

    def keys(self):
        r = self.http.get(self.server.url + "/", headers=self.headers(), timeout=10, verify=False)
        assert r.status_code == 200, (r.status_code, r.text)
        return r.json()["keys"]


def admin(server, method, path, **kw):
    headers = server.admin_headers(kw.pop("headers", None))
    return requests.request(method, server.url + path, headers=headers, timeout=10, verify=False, **kw)


def get_state(server, **params):
    r = admin(server, "GET", "/_rime/state", params=params)
    assert r.status_code == 200, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert doc["format"] == STATE_FORMAT
    return doc


def put_state(server, doc, method="PUT"):
    body = doc if isinstance(doc, (bytes, str)) else json.dumps(doc)
    return admin(server, method, "/_rime/state", data=body, headers={"Content-Type": "application/json"})


def b64(data):
    return base64.b64encode(data).decode()


def kv_doc(scopes):
    """Builds a state document: scopes = {(account, region): {key: bytes}}."""
    services = {}
    for (account, region), items in scopes.items():
        services.setdefault(account, {})[region] = {"items": {k: {"data": b64(v)} for k, v in items.items()}}
    return {"format": STATE_FORMAT, "services": {"rimetest": services} if services else {}}


def assert_healthy(server):
    """The server still answers /_rime/health quickly."""
    assert server.alive(), f"server died; log:\n{server.log()}"
    t0 = time.monotonic()
    r = requests.get(server.url + "/_rime/health", headers=server.admin_headers(), timeout=3, verify=False)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "running"
    assert time.monotonic() - t0 < 1.0


# --------------------------------------------------------------------------------------------
# HTTP/2 (Debian's nghttp / h2load) and TLS material
# --------------------------------------------------------------------------------------------

STATUS_RE = r"recv \(stream_id=(\d+)\) :status: (\d+)"


def nghttp(args, timeout=20, check=True):
    """Runs `nghttp ARGS`; returns the CompletedProcess (stdout text)."""
    try:
        proc = subprocess.run(["nghttp", *args], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"nghttp {' '.join(args)} timed out after {timeout}s: {e}")
    proc.out = proc.stdout.decode("latin-1")
    if check:
        assert proc.returncode == 0, (proc.returncode, proc.out[-3000:], proc.stderr.decode("latin-1")[-2000:])
    return proc


def h2_statuses(output):
    """{stream_id: status} from `nghttp -v` output."""
    import re
    return {int(m.group(1)): int(m.group(2)) for m in re.finditer(STATUS_RE, output)}


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A throwaway self-signed certificate and key for localhost."""
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-days", "1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True,
                   timeout=60)
    return cert, key
