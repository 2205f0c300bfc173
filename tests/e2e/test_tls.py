"""TLS: h2 by ALPN, HTTP/1.1 by ALPN or without ALPN, on the same port; handshake failures."""
import os
import socket
import ssl
import time

import pytest
import requests

from conftest import Kv, RawConn, build_request, h2_statuses, nghttp, sigv4, wait_closed


@pytest.fixture
def tls_server(rime, tls_files):
    cert, key = tls_files
    return rime(["--tls-cert", str(cert), "--tls-key", str(key)], tls=True)


def tls_connect(port, alpn=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(alpn)
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    return ctx.wrap_socket(raw, server_hostname="localhost")


def test_h2_over_tls_alpn(tls_server):
    """nghttp over https negotiates h2 by ALPN and gets its answer over HTTP/2."""
    out = nghttp(["-v", f"{tls_server.url}/_rime/health"]).out
    assert "The negotiated protocol: h2" in out, out[:2000]
    assert list(h2_statuses(out).values()) == [200]
    assert '"status":"running"' in out


def test_alpn_prefers_h2(tls_server):
    """A client offering both h2 and http/1.1 gets h2."""
    s = tls_connect(tls_server.port, ["http/1.1", "h2"])
    try:
        assert s.selected_alpn_protocol() == "h2"
    finally:
        s.close()


def test_http11_over_tls_with_alpn(tls_server):
    """A client offering only http/1.1 gets HTTP/1.1 over TLS, with keep-alive."""
    s = tls_connect(tls_server.port, ["http/1.1"])
    assert s.selected_alpn_protocol() == "http/1.1"
    with RawConn(tls_server.port, sock=s) as c:
        for _ in range(3):
            r = c.request("GET", "/_rime/health")
            assert r.status == 200
            assert r.json()["status"] == "running"


def test_http11_over_tls_without_alpn(tls_server):
    """A TLS client that sends no ALPN at all is served HTTP/1.1."""
    s = tls_connect(tls_server.port)
    assert s.selected_alpn_protocol() is None
    with RawConn(tls_server.port, sock=s) as c:
        c.send(build_request("PUT", "/tlskey", b"secret bytes", {"Authorization": sigv4()}))
        assert c.read_response().json() == {"size": 12}
        c.send(build_request("GET", "/tlskey", b"", {"Authorization": sigv4()}))
        assert c.read_response().body == b"secret bytes"


def test_requests_over_tls(tls_server):
    """A stock HTTPS client (requests, no verification) stores and reads a body."""
    data = os.urandom(200_000)
    kv = Kv(tls_server)
    kv.put("blob", data)
    assert kv.data("blob") == data


def test_put_over_h2_tls(tls_server, tmp_path):
    """A body uploaded over h2+TLS is stored byte-exact."""
    data = os.urandom(300_000)
    f = tmp_path / "b"
    f.write_bytes(data)
    out = nghttp(["-v", "-H", ":method: PUT", "-d", str(f), "-H", "authorization: " + sigv4(),
                  f"{tls_server.url}/h2tls"], timeout=30).out
    assert list(h2_statuses(out).values()) == [200]
    assert Kv(tls_server).data("h2tls") == data


def test_bad_handshake_does_not_hurt(tls_server):
    """A ClientHello-looking record followed by garbage fails that connection only."""
    s = socket.create_connection(("127.0.0.1", tls_server.port), timeout=5)
    try:
        s.sendall(b"\x16\x03\x01\x00\x40" + os.urandom(64))
        closed, _ = wait_closed(s, 5.0)
        assert closed
    finally:
        s.close()
    r = requests.get(tls_server.url + "/_rime/health", verify=False, timeout=5)
    assert r.status_code == 200


def test_startup_fails_with_missing_cert(rime, tmp_path, tls_files):
    """An unreadable certificate is a startup error naming the file, not a silent plain server."""
    from conftest import ServerExited
    missing = tmp_path / "nope.pem"
    with pytest.raises(ServerExited) as e:
        rime(["--tls-cert", str(missing), "--tls-key", str(tls_files[1])])
    assert e.value.code != 0
    assert str(missing) in e.value.log
