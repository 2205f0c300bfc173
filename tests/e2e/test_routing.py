"""Routing and scoping: SigV4 credential scope, Host, presigned queries; state per account and region."""
import requests

from conftest import RIME_BIN, Kv, get_state, sigv4

A1, A2 = "111111111111", "222222222222"


def test_sigv4_scope_routes_to_service(server):
    """The credential scope's service name routes the request (signature not required to match)."""
    kv = Kv(server)
    kv.put("routed", b"by sigv4")
    assert kv.data("routed") == b"by sigv4"
    assert kv.keys() == ["routed"]


def test_host_routes_to_service(server):
    """A Host of rimetest.localhost routes without any Authorization; default account and region apply."""
    r = requests.put(server.url + "/hosted", data=b"by host", headers={"Host": "rimetest.localhost"}, timeout=5)
    assert r.status_code == 200
    assert Kv(server).data("hosted") == b"by host"
    r = requests.get(server.url + "/hosted", headers={"Host": "rimetest.localhost:4566"}, timeout=5)
    assert r.status_code == 200 and r.content == b"by host"


def test_presigned_query_routes_and_scopes(server):
    """A presigned URL (X-Amz-Credential in the query) routes and scopes like the header form."""
    Kv(server, account=A1, region="eu-west-1").put("pre", b"presigned")
    q = ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + A1 + "%2F20260101%2Feu-west-1%2Frimetest%2F"
         "aws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=00")
    r = requests.get(f"{server.url}/pre?{q}", timeout=5)
    assert r.status_code == 200, r.text
    assert r.content == b"presigned"


def test_account_from_twelve_digit_key(server):
    """A 12-digit access key id is the account; the same key name in two accounts holds separate data."""
    Kv(server, account=A1).put("same", b"one")
    Kv(server, account=A2).put("same", b"two")
    assert Kv(server, account=A1).data("same") == b"one"
    assert Kv(server, account=A2).data("same") == b"two"
    assert Kv(server).get("same").status_code == 404  # default account 123456789012
    assert set(get_state(server)["services"]["rimetest"]) == {A1, A2}


def test_other_keys_map_to_default_account(server):
    """Access keys that are not 12 digits all map to the default account."""
    for key in ["AKIDEXAMPLE", "ASIA0000000000000000", "12345678901", "1234567890123"]:
        h = {"Authorization": sigv4(access_key=key)}
        assert requests.put(f"{server.url}/{key}", data=key, headers=h, timeout=5).status_code == 200
    doc = get_state(server)
    assert list(doc["services"]["rimetest"]) == ["123456789012"]
    assert len(doc["services"]["rimetest"]["123456789012"]["us-east-1"]["items"]) == 4


def test_region_from_scope(server):
    """The credential scope's region selects the state: regions are isolated."""
    Kv(server, region="us-west-2").put("r", b"west")
    Kv(server, region="eu-central-1").put("r", b"central")
    assert Kv(server, region="us-west-2").data("r") == b"west"
    assert Kv(server, region="eu-central-1").data("r") == b"central"
    assert Kv(server).get("r").status_code == 404
    assert sorted(get_state(server)["services"]["rimetest"]["123456789012"]) == ["eu-central-1", "us-west-2"]


def test_configured_default_account_and_region(rime):
    """--account and --region set the scope of requests without a 12-digit key or a SigV4 scope."""
    server = rime(["--account", "999999999999", "--region", "ap-southeast-2"])
    requests.put(server.url + "/d", data=b"x", headers={"Host": "rimetest.localhost"}, timeout=5).raise_for_status()
    requests.put(server.url + "/e", data=b"y", headers={"Authorization": sigv4(region="sa-east-1")},
                 timeout=5).raise_for_status()
    svc = get_state(server)["services"]["rimetest"]
    assert list(svc) == ["999999999999"]
    assert sorted(svc["999999999999"]) == ["ap-southeast-2", "sa-east-1"]


def test_missing_key_is_404_json(server):
    """Reading an absent key is a 404 with a JSON error body."""
    r = Kv(server).get("absent")
    assert r.status_code == 404
    assert r.json()["__type"] == "NoSuchKey"


def test_unknown_service_501(rime):
    """The production binary has no rimetest service: such requests fall to S3 (DESIGN.md rule 5), 501 in S3's XML."""
    server = rime(binary=RIME_BIN)
    for headers in [{"Authorization": sigv4("rimetest")}, {"Host": "nosuchsvc.localhost"},
                    {"Authorization": sigv4("nosuchsvc")}]:
        r = requests.post(server.url + "/", data=b"{}", headers=headers, timeout=5)
        assert r.status_code == 501, (headers, r.status_code, r.text)
        assert "<Code>NotImplemented</Code>" in r.text, r.text
    r = requests.get(server.url + "/_rime/health", timeout=5)
    assert r.status_code == 200
