"""Graceful shutdown: SIGTERM lets requests in flight finish, refuses new work, exits 0."""
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from conftest import RawConn, h2_statuses, nghttp, sigv4

AUTH = {"Authorization": sigv4()}


def test_sigterm_lets_inflight_request_finish(rime):
    """A /_wait/1500 in flight when SIGTERM arrives still gets its 200; then the process exits 0."""
    server = rime()
    result = {}

    def inflight():
        with RawConn(server.port, timeout=10) as c:
            try:
                r = c.request("GET", "/_wait/1500", headers=AUTH)
                result["status"], result["body"] = r.status, r.json()
                result["connection"] = (r.header("connection") or "").lower()
            except Exception as e:  # noqa: BLE001
                result["error"] = repr(e)

    t = threading.Thread(target=inflight)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    server.send_signal(signal.SIGTERM)
    code = server.wait_exit(timeout=10)
    elapsed = time.monotonic() - t0
    t.join(5)
    assert result.get("status") == 200, (result, server.log())
    assert result["body"] == {"waited": 1500}
    assert result["connection"] == "close"
    assert code == 0, server.log()
    assert elapsed < 5.0


def test_sigterm_lets_inflight_h2_stream_finish(rime):
    """The same over HTTP/2: the in-flight stream completes before the connection goes away."""
    server = rime()
    proc = subprocess.Popen(["nghttp", "-v", "-H", "authorization: " + sigv4(), f"{server.url}/_wait/1500"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(0.4)
    server.send_signal(signal.SIGTERM)
    code = server.wait_exit(timeout=10)
    out = proc.communicate(timeout=10)[0].decode("latin-1")
    assert h2_statuses(out) == {13: 200}, out[-3000:]
    assert '{"waited":1500}' in out
    assert code == 0, server.log()


def test_no_new_connections_after_sigterm(rime):
    """Once shutdown has begun, new connections are refused while old requests finish."""
    server = rime()
    t = threading.Thread(target=lambda: RawConn(server.port, timeout=10).request("GET", "/_wait/1500",
                                                                                 headers=AUTH))
    t.start()
    time.sleep(0.3)
    server.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert server.alive()  # still finishing the in-flight request
    with pytest.raises((ConnectionRefusedError, ConnectionResetError, requests.ConnectionError, OSError)):
        # Either the connect is refused or the connection is closed without an answer.
        with RawConn(server.port, timeout=2) as c:
            c.request("GET", "/_rime/health")
    t.join(10)
    assert server.wait_exit(timeout=10) == 0


def test_idle_keepalive_does_not_delay_exit(rime):
    """Idle keep-alive connections are closed at SIGTERM; the process exits promptly with 0."""
    server = rime()
    conns = [RawConn(server.port) for _ in range(5)]
    for c in conns:
        assert c.request("GET", "/_rime/health").status == 200
    t0 = time.monotonic()
    server.send_signal(signal.SIGTERM)
    code = server.wait_exit(timeout=10)
    assert code == 0
    assert time.monotonic() - t0 < 2.0
    for c in conns:
        assert c.is_closed(wait=1.0)
        c.close()


def test_shutdown_timeout_cuts_long_requests(rime):
    """A request longer than --shutdown-timeout-ms does not hold the process up beyond it."""
    server = rime(["--shutdown-timeout-ms", "500"])
    t = threading.Thread(target=lambda: _swallow(lambda: RawConn(server.port, timeout=10).request(
        "GET", "/_wait/6000", headers=AUTH)))
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    server.send_signal(signal.SIGTERM)
    code = server.wait_exit(timeout=10)
    elapsed = time.monotonic() - t0
    t.join(10)
    assert code == 0, server.log()
    assert elapsed < 3.0, elapsed


def test_sigint_is_graceful_too(rime):
    """SIGINT (Ctrl-C) shuts down like SIGTERM, with exit code 0."""
    server = rime()
    server.send_signal(signal.SIGINT)
    assert server.wait_exit(timeout=10) == 0


def _swallow(fn):
    try:
        fn()
    except Exception:  # noqa: BLE001
        pass
