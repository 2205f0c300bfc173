"""Hostile and broken clients: garbage, truncation, limits, slow clients, idle-connection floods."""
import random
import resource
import socket
import statistics
import threading
import time

import pytest
import requests

from conftest import Kv, RawConn, assert_healthy, build_request, sigv4, wait_closed

AUTH = {"Authorization": sigv4()}


def send_and_collect(port, data, wait=3.0):
    """Sends `data` on a new connection; returns (closed_by_server, bytes received)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            return True, b""
        return wait_closed(s, wait)
    finally:
        s.close()


def test_random_bytes(server):
    """Connections that send random bytes get a 400 or a close, never hang, and the server lives on."""
    rnd = random.Random(1234)
    for i in range(12):
        junk = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([1, 50, 4096, 20000])))
        if junk.startswith(b"PRI"):
            continue
        closed, data = send_and_collect(server.port, junk + b"\r\n\r\n", wait=12)
        assert closed, f"connection {i} still open after garbage"
        assert data == b"" or data.startswith(b"HTTP/1.1 400"), data[:200]
    assert_healthy(server)


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
    b"GET / FTP/1.0\r\nHost: x\r\n\r\n",
    b"GET /_rime/health HTTP/1.1\r\nNo colon in this header\r\n\r\n",
    b"GET /_rime/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"GET /_rime/health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcdefg",
    b"PUT /k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
], ids=["garbage", "no_target", "extra_token", "bad_version", "no_colon", "cl_not_number", "cl_negative",
        "cl_conflict", "bad_chunk_size"])
def test_malformed_request_is_400(server, request_bytes):
    """A malformed request line, header or framing gets 400 and the connection is closed."""
    closed, data = send_and_collect(server.port, request_bytes)
    assert data.startswith(b"HTTP/1.1 400"), data[:300]
    assert closed
    assert_healthy(server)


def test_truncated_request_then_close(server):
    """Clients that vanish mid-headers or mid-body cost nothing, and a cut-off PUT stores nothing."""
    for partial in [b"GET /_rime/health HTTP/1.1\r\nHost: x\r\n",
                    b"GET /_rime/hea",
                    build_request("PUT", "/cut", b"", {**AUTH, "Content-Length": "100"}) + b"only ten b"]:
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        s.sendall(partial)
        s.close()
    # Also a half-close: the client shuts its sending side after a partial body.
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    s.sendall(build_request("PUT", "/cut2", b"", {**AUTH, "Content-Length": "100"}) + b"x" * 40)
    s.shutdown(socket.SHUT_WR)
    closed, data = wait_closed(s, 5)
    s.close()
    assert closed
    assert not data.startswith(b"HTTP/1.1 2"), data[:200]
    time.sleep(0.2)
    assert_healthy(server)
    kv = Kv(server)
    assert kv.get("cut").status_code == 404
    assert kv.get("cut2").status_code == 404


def test_oversized_headers_431(server):
    """A header block over the default --max-header-bytes (64 KiB) gets 431."""
    closed, data = send_and_collect(server.port, build_request("GET", "/_rime/health", b"",
                                                               {"X-Huge": "a" * 70_000}))
    assert data.startswith(b"HTTP/1.1 431"), data[:200]
    assert closed
    # Many headers that only together pass the limit.
    many = {f"X-H{i}": "b" * 1000 for i in range(80)}
    closed, data = send_and_collect(server.port, build_request("GET", "/_rime/health", b"", many))
    assert data.startswith(b"HTTP/1.1 431"), data[:200]
    assert_healthy(server)


def test_header_limit_flag(rime):
    """--max-header-bytes is honoured: just under passes, over gets 431."""
    server = rime(["--max-header-bytes", "2048"])
    with RawConn(server.port) as c:
        assert c.request("GET", "/_rime/health", headers={"X-Small": "a" * 1500}).status == 200
    closed, data = send_and_collect(server.port, build_request("GET", "/_rime/health", b"",
                                                               {"X-Big": "a" * 4000}))
    assert data.startswith(b"HTTP/1.1 431"), data[:200]
    assert_healthy(server)


def test_oversized_body_413(rime):
    """Bodies over --max-body-bytes get 413 (declared length, chunked, or with 100-continue) and store nothing."""
    server = rime(["--max-body-bytes", "1000"])
    kv = Kv(server)
    # Exactly the limit is accepted.
    assert kv.put("fits", b"f" * 1000).json() == {"size": 1000}
    # Declared Content-Length over the limit.
    closed, data = send_and_collect(server.port, build_request("PUT", "/big1", b"x" * 5000, AUTH))
    assert data.startswith(b"HTTP/1.1 413"), data[:200]
    # Chunked, only known to be too big while reading.
    chunks = b"".join(b"%x\r\n%s\r\n" % (400, b"y" * 400) for _ in range(5)) + b"0\r\n\r\n"
    closed, data = send_and_collect(server.port, build_request(
        "PUT", "/big2", chunks, {**AUTH, "Transfer-Encoding": "chunked"}))
    assert data.startswith(b"HTTP/1.1 413"), data[:200]
    # With Expect: 100-continue the server refuses at once instead of asking for the body.
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        s.sendall(build_request("PUT", "/big3", b"", {**AUTH, "Content-Length": "5000",
                                                         "Expect": "100-continue"}))
        s.settimeout(3)
        data = s.recv(4096)
        assert data.startswith(b"HTTP/1.1 413"), data[:200]
    finally:
        s.close()
    for key in ["big1", "big2", "big3"]:
        assert kv.get(key).status_code == 404
    assert kv.data("fits") == b"f" * 1000
    assert_healthy(server)


def test_slow_client_closed_by_header_timeout(rime):
    """A client trickling one header byte per second is cut off at the header timeout; others are served meanwhile."""
    server = rime(["--header-timeout-ms", "1000", "--idle-timeout-ms", "2000"])
    request = b"GET /_rime/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"z" * 100 + b"\r\n\r\n"
    result = {}

    def slowloris():
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        t0 = time.monotonic()
        received = b""
        try:
            for byte in request:
                try:
                    s.sendall(bytes([byte]))
                except (BrokenPipeError, ConnectionResetError):
                    break
                s.settimeout(1.0)  # "one byte per second", watching for the server's answer meanwhile
                try:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    received += chunk
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    break
                if time.monotonic() - t0 > 8:
                    break
        finally:
            result["elapsed"] = time.monotonic() - t0
            result["received"] = received
            s.close()

    t = threading.Thread(target=slowloris)
    t.start()
    latencies = []
    with requests.Session() as sess:
        while t.is_alive():
            t0 = time.monotonic()
            assert sess.get(server.url + "/_rime/health", timeout=2).status_code == 200
            latencies.append(time.monotonic() - t0)
            time.sleep(0.1)
    t.join()
    assert result["elapsed"] < 4.0, f"slow client kept its connection {result['elapsed']:.1f}s (header timeout 1s)"
    assert result["received"] == b"" or result["received"].startswith(b"HTTP/1.1 408"), result["received"][:200]
    assert latencies and max(latencies) < 0.5, latencies
    assert_healthy(server)


def test_idle_connection_closed_by_idle_timeout(rime):
    """Keep-alive connections that go quiet are closed after --idle-timeout-ms."""
    server = rime(["--header-timeout-ms", "1000", "--idle-timeout-ms", "2000"])
    with RawConn(server.port) as c:
        assert c.request("GET", "/_rime/health").status == 200
        t0 = time.monotonic()
        closed, data = wait_closed(c.sock, 6)
        elapsed = time.monotonic() - t0
    assert closed and data == b""
    assert 1.5 < elapsed < 4.0, elapsed
    # A connection that never sends anything is closed too.
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    closed, data = wait_closed(s, 6)
    s.close()
    assert closed and data == b""
    assert_healthy(server)


def test_silent_new_connection_gets_idle_timeout(rime):
    """A new connection that has sent nothing is idle, not a started request: the header timeout
    ("from a request's first byte") must not apply before its first byte, the idle timeout does."""
    server = rime(["--header-timeout-ms", "1000", "--idle-timeout-ms", "4000"])
    with RawConn(server.port) as c:
        closed, _ = wait_closed(c.sock, 2.0)
        assert not closed, "silent connection closed after the header timeout, before the idle timeout"
        r = c.request("GET", "/_rime/health")
        assert r.status == 200


def test_stalled_body_closed(rime):
    """A body that stops arriving is abandoned after the idle (body progress) timeout and not stored."""
    server = rime(["--header-timeout-ms", "1000", "--idle-timeout-ms", "2000"])
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    t0 = time.monotonic()
    s.sendall(build_request("PUT", "/stalled", b"", {**AUTH, "Content-Length": "1000"}) + b"a" * 10)
    closed, data = wait_closed(s, 8)
    elapsed = time.monotonic() - t0
    s.close()
    assert closed
    assert elapsed < 5.0, elapsed
    assert data == b"" or data.startswith(b"HTTP/1.1 408"), data[:200]
    assert Kv(server).get("stalled").status_code == 404
    assert_healthy(server)


def test_thousand_idle_connections(server):
    """1,000 idle connections open at once do not slow a normal client, and all stay usable."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1000 + 256
    if soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            pytest.skip(f"RLIMIT_NOFILE hard limit {hard} too low")
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    idle = []
    try:
        for _ in range(1000):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        time.sleep(0.3)
        latencies = []
        with requests.Session() as s:
            for _ in range(30):
                t0 = time.monotonic()
                r = s.get(server.url + "/_rime/health", timeout=3)
                latencies.append(time.monotonic() - t0)
                assert r.status_code == 200
        assert statistics.median(latencies) < 0.05, latencies
        assert max(latencies) < 0.5, latencies
        # Fresh connections (not reused) are also fast.
        for _ in range(10):
            t0 = time.monotonic()
            assert requests.get(server.url + "/_rime/health", timeout=3).status_code == 200
            assert time.monotonic() - t0 < 0.5
        # The idle connections were accepted and are still served.
        for sock in idle[:5] + idle[-5:]:
            c = RawConn(server.port, sock=sock)
            assert c.request("GET", "/_rime/health").status == 200
    finally:
        for sock in idle:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert_healthy(server)


def test_unknown_service_is_501_from_s3(server):
    """A REST request naming no known service goes to S3 (DESIGN.md rule 5), whose stub answers 501 in S3's XML."""
    r = requests.get(server.url + "/anything", headers={"Authorization": sigv4("nosuchservice")}, timeout=5)
    assert r.status_code == 501
    assert "<Code>NotImplemented</Code>" in r.text
    assert r.text.lstrip().startswith("<") and "<Error>" in r.text
    assert_healthy(server)
