"""HTTP/2 front end: prior-knowledge h2c, Upgrade: h2c, bodies, concurrency, limits, bad frames."""
import os
import re
import socket
import subprocess
import time

import pytest
import requests

from conftest import Kv, h2_statuses, nghttp, sigv4, wait_closed

AUTH = ["-H", "authorization: " + sigv4()]
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def test_prior_knowledge_h2c(server):
    """A client that starts with the HTTP/2 preface (no Upgrade) is served over HTTP/2."""
    out = nghttp(["-v", f"{server.url}/_rime/health"]).out
    assert "HTTP Upgrade" not in out
    assert "recv SETTINGS frame" in out
    assert list(h2_statuses(out).values()) == [200]
    assert '"status":"running"' in out


def test_upgrade_h2c(server):
    """An HTTP/1.1 request with Upgrade: h2c switches protocols and is answered as stream 1."""
    out = nghttp(["-uv", f"{server.url}/_rime/health"]).out
    assert "HTTP Upgrade success" in out, out
    assert h2_statuses(out) == {1: 200}
    assert '"status":"running"' in out


def test_upgrade_h2c_then_more_streams(server):
    """After an upgrade the same connection carries further HTTP/2 streams."""
    out = nghttp(["-uv", *AUTH, f"{server.url}/_rime/health", f"{server.url}/_wait/10",
                  f"{server.url}/nokey"]).out
    assert "HTTP Upgrade success" in out
    statuses = h2_statuses(out)
    assert statuses[1] == 200
    assert sorted(statuses.values()) == [200, 200, 404]


def test_put_body_over_h2(server, tmp_path):
    """A PUT whose body spans many DATA frames (beyond the initial windows) is stored byte-exact."""
    data = os.urandom(2 * 1024 * 1024 + 123)
    f = tmp_path / "body.bin"
    f.write_bytes(data)
    out = nghttp(["-v", "-H", ":method: PUT", "-d", str(f), *AUTH, f"{server.url}/h2obj"], timeout=30).out
    assert list(h2_statuses(out).values()) == [200], out[-2000:]
    assert '{"size":%d}' % len(data) in out
    # Read back over HTTP/1.1 and over HTTP/2.
    assert Kv(server).data("h2obj") == data
    got = nghttp([*AUTH, f"{server.url}/h2obj"], timeout=30).stdout
    assert got == data


def test_authority_routes_like_host(server, tmp_path):
    """HTTP/2's :authority is used for host-based routing, like Host in HTTP/1.1."""
    f = tmp_path / "b"
    f.write_bytes(b"via authority")
    out = nghttp(["-v", "-H", ":method: PUT", "-H", ":authority: rimetest.localhost", "-d", str(f),
                  f"{server.url}/auth-key"]).out
    assert list(h2_statuses(out).values()) == [200], out[-2000:]
    r = requests.get(f"{server.url}/auth-key", headers={"Host": "rimetest.localhost"}, timeout=5)
    assert r.status_code == 200
    assert r.content == b"via authority"


def test_many_concurrent_streams(server):
    """64 slow requests multiplexed on one connection run concurrently, not one after another."""
    t0 = time.monotonic()
    out = nghttp(["-v", "-m", "64", *AUTH, f"{server.url}/_wait/300"], timeout=30).out
    elapsed = time.monotonic() - t0
    statuses = h2_statuses(out)
    assert len(statuses) == 64
    assert set(statuses.values()) == {200}
    assert out.count('{"waited":300}') == 64
    assert elapsed < 5.0, elapsed  # serially this would take 19 s


def test_slow_stream_does_not_block_others(server):
    """A fast stream on the same connection is answered before an earlier slow one finishes."""
    out = nghttp(["-v", *AUTH, f"{server.url}/_wait/1000", f"{server.url}/_rime/health"]).out
    order = [int(m.group(1)) for m in re.finditer(r"recv \(stream_id=(\d+)\) :status:", out)]
    assert len(order) == 2
    slow_id, fast_id = 13, 15  # nghttp opens its streams from 13 in URI order
    assert order == [fast_id, slow_id], out


def test_h2load_many_requests(server):
    """h2load: 2,000 requests over 4 connections with 100 streams each all succeed."""
    proc = subprocess.run(["h2load", "-n", "2000", "-c", "4", "-m", "100", f"{server.url}/_rime/health"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "2000 succeeded, 0 failed, 0 errored" in proc.stdout, proc.stdout
    assert "status codes: 2000 2xx" in proc.stdout, proc.stdout


def test_h2_header_block_too_large(rime):
    """A header block over --max-header-bytes gets 431 on that stream, and the server lives on."""
    server = rime(["--max-header-bytes", "2048"])
    out = nghttp(["-v", "-H", "x-big: " + "a" * 4000, f"{server.url}/_rime/health"]).out
    assert list(h2_statuses(out).values()) == [431], out[-2000:]
    out = nghttp(["-v", f"{server.url}/_rime/health"]).out
    assert list(h2_statuses(out).values()) == [200]


def test_h2_body_too_large(rime, tmp_path):
    """A body over --max-body-bytes gets 413 and nothing is stored."""
    server = rime(["--max-body-bytes", "1000"])
    f = tmp_path / "b"
    f.write_bytes(b"z" * 5000)
    out = nghttp(["-v", "-H", ":method: PUT", "-d", str(f), *AUTH, f"{server.url}/toobig"]).out
    assert list(h2_statuses(out).values()) == [413], out[-2000:]
    assert Kv(server).get("toobig").status_code == 404
    f.write_bytes(b"z" * 1000)  # exactly the limit is fine
    out = nghttp(["-v", "-H", ":method: PUT", "-d", str(f), *AUTH, f"{server.url}/fits"]).out
    assert list(h2_statuses(out).values()) == [200]


def test_h2_garbage_after_preface(server):
    """Invalid frames after a valid preface end that connection only (GOAWAY/close)."""
    import random
    rnd = random.Random(7)
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        s.sendall(PREFACE + bytes(rnd.getrandbits(8) for _ in range(2000)))
        closed, data = wait_closed(s, 5.0)
        assert closed, "server kept a connection open after a protocol error"
        # If anything came back, it is HTTP/2 frames (SETTINGS / GOAWAY), never HTTP/1.1 text.
        assert not data.startswith(b"HTTP/1.1")
    finally:
        s.close()
    out = nghttp(["-v", f"{server.url}/_rime/health"]).out
    assert list(h2_statuses(out).values()) == [200]


def test_h2_preface_in_small_pieces(server):
    """The HTTP/2 preface split over several TCP writes is still recognised."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        for i in range(0, len(PREFACE), 5):
            s.sendall(PREFACE[i:i + 5])
            time.sleep(0.02)
        s.sendall(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")  # empty SETTINGS
        data = b""
        while len(data) < 9:
            chunk = s.recv(4096)
            assert chunk, "closed"
            data += chunk
        # First frame from the server must be SETTINGS (type 4) on stream 0.
        assert data[3] == 0x04 and data[5:9] == b"\x00\x00\x00\x00", data[:9]
    finally:
        s.close()


def test_h2_idle_connection_closed(rime):
    """An HTTP/2 connection with nothing in flight is closed after --idle-timeout-ms."""
    server = rime(["--idle-timeout-ms", "1500", "--header-timeout-ms", "1000"])
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        s.sendall(PREFACE + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        t0 = time.monotonic()
        closed, _ = wait_closed(s, 8)
        elapsed = time.monotonic() - t0
        assert closed
        assert 1.0 < elapsed < 5.0, elapsed
    finally:
        s.close()


def test_h2_head(server):
    """HEAD over HTTP/2 returns the object's length without a body."""
    Kv(server).put("h2head", b"q" * 1234)
    out = nghttp(["-v", "-H", ":method: HEAD", *AUTH, f"{server.url}/h2head"]).out
    assert list(h2_statuses(out).values()) == [200]
    assert "content-length: 1234" in out
    assert "recv DATA frame" not in out or "<length=0," in out
