"""HTTP/1.1 front end: keep-alive, chunked bodies, 100-continue, HEAD, pipelining, close."""
import json
import os
import threading
import time

import requests

from conftest import Kv, RawConn, build_request, sigv4


def kv_put_raw(key, body, extra=None, account="AKIDEXAMPLE"):
    headers = {"Authorization": sigv4(access_key=account)}
    headers.update(extra or {})
    return build_request("PUT", f"/{key}", body, headers)


def kv_get_raw(key, method="GET"):
    return build_request(method, f"/{key}", b"", {"Authorization": sigv4()})


def test_keepalive_raw_socket(server):
    """Several requests on one TCP connection are each answered and the connection stays open."""
    with RawConn(server.port) as c:
        for i in range(5):
            r = c.request("GET", "/_rime/health")
            assert r.status == 200
            assert r.version == "HTTP/1.1"
            assert r.json()["status"] == "running"
            assert (r.header("connection") or "").lower() != "close"
        c.send(kv_put_raw("ka", b"kept alive"))
        assert c.read_response().json() == {"size": 10}
        c.send(kv_get_raw("ka"))
        assert c.read_response().body == b"kept alive"


def test_keepalive_requests_session(server):
    """A requests.Session reuses one pooled connection for a sequence of calls."""
    with requests.Session() as s:
        kv = Kv(server, session=s)
        for i in range(10):
            kv.put(f"k{i}", f"value {i}".encode())
        for i in range(10):
            assert kv.data(f"k{i}") == f"value {i}".encode()
        assert sorted(kv.keys()) == sorted(f"k{i}" for i in range(10))
        pool = s.get_adapter(server.url).poolmanager.connection_from_url(server.url)
        assert pool.num_connections == 1


def test_chunked_request_body_raw(server):
    """A Transfer-Encoding: chunked body (with a chunk extension) is reassembled in full."""
    chunks = [b"hello ", b"chunked ", b"x" * 5000, b" world"]
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks[:2])
    body += b"%x;ext=1\r\n%s\r\n" % (len(chunks[2]), chunks[2])
    body += b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunks[3]), chunks[3])
    with RawConn(server.port) as c:
        c.send(kv_put_raw("chunky", body, {"Transfer-Encoding": "chunked"}))
        r = c.read_response()
        assert r.status == 200, r
        assert r.json() == {"size": sum(map(len, chunks))}
        c.send(kv_get_raw("chunky"))
        r = c.read_response()
        assert r.status == 200
        assert r.body == b"".join(chunks)


def test_chunked_request_body_with_trailers(server):
    """A chunked body followed by trailer fields is accepted; the trailers are not part of the body."""
    body = b"4\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Checksum: abc\r\n\r\n"
    with RawConn(server.port) as c:
        c.send(kv_put_raw("trailed", body, {"Transfer-Encoding": "chunked", "Trailer": "X-Checksum"}))
        r = c.read_response()
        assert r.status == 200, r
        assert r.json() == {"size": 9}
        c.send(kv_get_raw("trailed"))
        assert c.read_response().body == b"wikipedia"


def test_chunked_request_body_split_across_writes(server):
    """Chunk boundaries arriving in separate TCP writes (with pauses) still make one body."""
    with RawConn(server.port) as c:
        c.send(kv_put_raw("split", b"", {"Transfer-Encoding": "chunked"}))
        for piece in [b"5\r\nab", b"cde\r\n", b"3\r", b"\nfgh\r\n0\r", b"\n\r\n"]:
            time.sleep(0.05)
            c.send(piece)
        assert c.read_response().json() == {"size": 8}
        c.send(kv_get_raw("split"))
        assert c.read_response().body == b"abcdefgh"


def test_chunked_request_body_requests_generator(server):
    """requests sends a generator body chunked; the server stores every byte."""
    parts = [os.urandom(1000) for _ in range(20)]
    kv = Kv(server)
    r = requests.put(kv.url("gen"), data=iter(parts), headers=kv.headers(), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"size": 20000}
    assert kv.data("gen") == b"".join(parts)


def test_expect_100_continue(server):
    """With Expect: 100-continue the server sends 100 Continue before the body is sent."""
    body = os.urandom(3000)
    with RawConn(server.port) as c:
        head = kv_put_raw("cont", body, {"Expect": "100-continue"})[: -len(body)]
        c.send(head)
        interim = c.read_until(b"\r\n\r\n")
        assert interim.startswith(b"HTTP/1.1 100"), interim
        c.send(body)
        r = c.read_response()
        assert r.status == 200
        assert r.json() == {"size": 3000}
        c.send(kv_get_raw("cont"))
        assert c.read_response().body == body


def test_head_has_headers_but_no_body(server):
    """HEAD gets the GET's status and Content-Length but no body bytes (next response parses)."""
    kv = Kv(server)
    kv.put("headme", b"0123456789" * 100)
    with RawConn(server.port) as c:
        get = c.request("GET", "/_rime/health")
        head = c.request("HEAD", "/_rime/health")
        assert head.status == 200
        assert head.header("content-length") == str(len(get.body))
        # Stored object (a streamed response body on GET).
        c.send(kv_get_raw("headme", "HEAD"))
        r = c.read_response(head_request=True)
        assert r.status == 200
        assert r.header("content-length") == "1000"
        # If any body bytes had been sent, this next response would be garbled.
        r = c.request("GET", "/_rime/health")
        assert r.status == 200 and r.json()["status"] == "running"
        assert c.buf == b""


def test_head_missing_key(server):
    """HEAD of an absent object is a 404 without body on a connection that stays usable."""
    with RawConn(server.port) as c:
        c.send(kv_get_raw("nope", "HEAD"))
        r = c.read_response(head_request=True)
        assert r.status == 404
        assert c.request("GET", "/_rime/health").status == 200


def test_pipelined_requests_answered_in_order(server):
    """Requests written back to back before reading are answered in order on the one socket."""
    burst = (kv_put_raw("p1", b"first")
             + kv_get_raw("p1")
             + kv_get_raw("missing")
             + build_request("GET", "/_rime/health")
             + kv_put_raw("p1", b"second!")
             + kv_get_raw("p1"))
    with RawConn(server.port) as c:
        c.send(burst)
        r = [c.read_response() for _ in range(6)]
        assert [x.status for x in r] == [200, 200, 404, 200, 200, 200]
        assert r[0].json() == {"size": 5}
        assert r[1].body == b"first"
        assert r[3].json()["status"] == "running"
        assert r[4].json() == {"size": 7}
        assert r[5].body == b"second!"


def test_pipelined_slow_request_keeps_order(server):
    """A slow request at the head of a pipeline is still answered before the fast ones after it."""
    burst = (build_request("GET", "/_wait/300", b"", {"Authorization": sigv4()})
             + build_request("GET", "/_rime/health")
             + build_request("GET", "/_wait/10", b"", {"Authorization": sigv4()}))
    with RawConn(server.port) as c:
        c.send(burst)
        first = c.read_response()
        second = c.read_response()
        third = c.read_response()
        assert first.json() == {"waited": 300}
        assert second.json()["status"] == "running"
        assert third.json() == {"waited": 10}


def test_connection_close_is_honoured(server):
    """A request with Connection: close gets its answer, then the server closes the socket."""
    with RawConn(server.port) as c:
        r = c.request("GET", "/_rime/health", headers={"Connection": "close"})
        assert r.status == 200
        assert (r.header("connection") or "").lower() == "close"
        assert c.is_closed(wait=2.0)


def test_http10_closes_after_response(server):
    """An HTTP/1.0 request without keep-alive gets one answer and the connection is closed."""
    with RawConn(server.port) as c:
        c.send(b"GET /_rime/health HTTP/1.0\r\nHost: localhost\r\n\r\n")
        r = c.read_response()
        assert r.status == 200
        assert r.json()["status"] == "running"
        assert c.is_closed(wait=2.0)


def test_large_body_roundtrip(server):
    """A multi-megabyte PUT (spooled) is stored byte-exact and returned with its length."""
    data = os.urandom(3 * 1024 * 1024 + 17)
    kv = Kv(server)
    assert kv.put("big", data).json() == {"size": len(data)}
    r = kv.get("big")
    assert r.status_code == 200
    assert r.headers["content-length"] == str(len(data))
    assert r.content == data


def test_request_id_on_every_response(server):
    """Each response carries a distinct x-amzn-RequestId (as AWS does)."""
    ids = set()
    for path in ["/_rime/health", "/nope", "/_rime/health"]:
        r = requests.get(server.url + path, headers={"Authorization": sigv4()}, timeout=5)
        rid = r.headers.get("x-amzn-RequestId")
        assert rid, r.headers
        ids.add(rid)
    assert len(ids) == 3


def test_concurrent_connections(server):
    """Many clients on separate connections at once all get correct answers."""
    errors = []

    def worker(n):
        try:
            with requests.Session() as s:
                kv = Kv(server, session=s)
                for i in range(10):
                    kv.put(f"c{n}-{i}", f"{n}:{i}".encode())
                    assert kv.data(f"c{n}-{i}") == f"{n}:{i}".encode()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(Kv(server).keys()) == 160
