"""--admin-token: every admin path needs 'Authorization: Bearer <token>'; services do not."""
import json

import pytest
import requests

from conftest import Kv, get_state, kv_doc, run_cli

TOKEN = "s3cr3t-t0ken"
ADMIN_CALLS = [
    ("GET", "/_rime/health"),
    ("GET", "/_rime/state"),
    ("PUT", "/_rime/state"),
    ("PATCH", "/_rime/state"),
    ("DELETE", "/_rime/state"),
    ("POST", "/moto-api/reset"),
    ("GET", "/_localstack/health"),
    ("POST", "/_localstack/state/reset"),
]


@pytest.fixture
def guarded(rime):
    srv = rime(token=TOKEN)
    Kv(srv).put("keep", b"must survive unauthorised calls")
    return srv


def call(srv, method, path, auth):
    headers = {"Authorization": auth} if auth is not None else {}
    data = b'{"format":"rime-state/1","services":{}}' if method in ("PUT", "PATCH") else None
    return requests.request(method, srv.url + path, headers=headers, data=data, timeout=5)


@pytest.mark.parametrize("method,path", ADMIN_CALLS)
@pytest.mark.parametrize("auth", [None, "Bearer wrong-token", "Bearer " + TOKEN + "x", "Bearer",
                                  "Basic " + TOKEN, TOKEN])
def test_missing_or_wrong_token_is_401(guarded, method, path, auth):
    """Without the right bearer token an admin call gets 401 with WWW-Authenticate and does nothing."""
    r = call(guarded, method, path, auth)
    assert r.status_code == 401, (method, path, auth, r.status_code, r.text)
    assert "bearer" in r.headers.get("www-authenticate", "").lower()
    assert "error" in r.json()
    assert Kv(guarded).data("keep") == b"must survive unauthorised calls"


@pytest.mark.parametrize("method,path", ADMIN_CALLS)
def test_right_token_is_accepted(guarded, method, path):
    """With the right bearer token every admin call succeeds."""
    r = call(guarded, method, path, "Bearer " + TOKEN)
    assert r.status_code == 200, (method, path, r.status_code, r.text)


def test_auth_scheme_is_case_insensitive(guarded):
    """RFC 7235: the auth scheme name is case-insensitive ('bearer' works like 'Bearer')."""
    r = call(guarded, "GET", "/_rime/health", "bearer " + TOKEN)
    assert r.status_code == 200, r.text


def test_token_does_not_guard_services(guarded):
    """Service calls (SigV4 Authorization) are not affected by the admin token."""
    kv = Kv(guarded)
    kv.put("svc", b"ok")
    assert kv.data("svc") == b"ok"


def test_state_roundtrip_with_token(guarded):
    """The full admin flow works with the token: GET, DELETE, PUT restores."""
    doc = get_state(guarded)
    r = requests.delete(guarded.url + "/_rime/state", headers=guarded.admin_headers(), timeout=5)
    assert r.status_code == 200
    assert get_state(guarded)["services"] == {}
    r = requests.put(guarded.url + "/_rime/state", data=json.dumps(doc),
                     headers=guarded.admin_headers(), timeout=5)
    assert r.status_code == 200
    assert get_state(guarded) == doc


def test_unauthorised_restore_changes_nothing(guarded):
    """A PUT of a state document without the token is rejected before it is applied."""
    before = get_state(guarded)
    r = requests.put(guarded.url + "/_rime/state", data=json.dumps(kv_doc({})), timeout=5)
    assert r.status_code == 401
    assert get_state(guarded) == before


def test_token_from_env(rime):
    """RIME_ADMIN_TOKEN in the environment enables the guard like the flag does."""
    srv = rime(env={"RIME_ADMIN_TOKEN": TOKEN}, wait=False)
    srv.token = TOKEN
    srv.wait_ready()
    assert requests.get(srv.url + "/_rime/health", timeout=5).status_code == 401
    assert requests.get(srv.url + "/_rime/health", headers={"Authorization": "Bearer " + TOKEN},
                        timeout=5).status_code == 200


def test_health_check_with_token(guarded):
    """--health-check passes the token: exit 0 with it, non-zero without or with a wrong one."""
    port = str(guarded.port)
    ok = run_cli(guarded.binary, ["--health-check", "--port", port, "--admin-token", TOKEN])
    assert ok.returncode == 0, (ok.stdout, ok.stderr)
    ok_env = run_cli(guarded.binary, ["--health-check", "--port", port], env={"RIME_ADMIN_TOKEN": TOKEN})
    assert ok_env.returncode == 0, (ok_env.stdout, ok_env.stderr)
    missing = run_cli(guarded.binary, ["--health-check", "--port", port])
    assert missing.returncode != 0
    wrong = run_cli(guarded.binary, ["--health-check", "--port", port, "--admin-token", "nope"])
    assert wrong.returncode != 0
