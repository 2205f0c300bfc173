"""Handlers that wait (long polls) must not hold I/O threads: waits overlap even with --threads 1."""
import threading
import time

import requests

from conftest import RawConn, build_request, h2_statuses, nghttp, sigv4

AUTH = {"Authorization": sigv4()}


def test_concurrent_waits_on_one_thread(rime):
    """20 concurrent GET /_wait/500 on --threads 1 finish in about 0.5 s, not 10 s."""
    server = rime(["--threads", "1"])
    results = []

    def one():
        with RawConn(server.port, timeout=15) as c:
            r = c.request("GET", "/_wait/500", headers=AUTH)
            results.append((r.status, r.json()))

    threads = [threading.Thread(target=one) for _ in range(20)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    elapsed = time.monotonic() - t0
    assert results == [(200, {"waited": 500})] * 20
    assert elapsed < 2.5, f"20 waits took {elapsed:.2f}s on one thread: handlers block the thread"


def test_server_answers_while_waits_pending(rime):
    """While requests are parked in a wait, other requests on the single thread are answered at once."""
    server = rime(["--threads", "1"])
    done = []

    def waiter():
        with RawConn(server.port, timeout=15) as c:
            done.append(c.request("GET", "/_wait/1500", headers=AUTH).status)

    threads = [threading.Thread(target=waiter) for _ in range(10)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    with requests.Session() as s:
        for _ in range(10):
            t0 = time.monotonic()
            assert s.get(server.url + "/_rime/health", timeout=2).status_code == 200
            assert time.monotonic() - t0 < 0.3
    assert done == []  # the waits really were still pending
    for t in threads:
        t.join(10)
    assert done == [200] * 10


def test_concurrent_waits_over_h2_one_thread(rime):
    """The same holds for streams multiplexed on one HTTP/2 connection."""
    server = rime(["--threads", "1"])
    t0 = time.monotonic()
    out = nghttp(["-v", "-m", "20", "-H", "authorization: " + sigv4(), f"{server.url}/_wait/500"]).out
    elapsed = time.monotonic() - t0
    statuses = h2_statuses(out)
    assert len(statuses) == 20 and set(statuses.values()) == {200}
    assert elapsed < 2.5, elapsed


def test_wait_longer_than_idle_timeout_h1(rime):
    """A handler that answers after the idle timeout is not cut off: waiting is not idleness."""
    server = rime(["--idle-timeout-ms", "1000", "--header-timeout-ms", "1000"])
    with RawConn(server.port, timeout=10) as c:
        r = c.request("GET", "/_wait/2500", headers=AUTH)
        assert r.status == 200
        assert r.json() == {"waited": 2500}


def test_wait_longer_than_idle_timeout_h2(rime):
    """The same for an HTTP/2 stream."""
    server = rime(["--idle-timeout-ms", "1000", "--header-timeout-ms", "1000"])
    out = nghttp(["-v", "-H", "authorization: " + sigv4(), f"{server.url}/_wait/2500"]).out
    assert list(h2_statuses(out).values()) == [200], out[-2000:]
    assert '{"waited":2500}' in out
