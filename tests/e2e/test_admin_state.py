"""Admin API: health, state snapshot / restore / merge / reset, filters, blobs, aliases."""
import base64
import copy
import json
import os

import pytest
import requests

from conftest import (DEFAULT_ACCOUNT, RIME_BIN, STATE_FORMAT, Kv, admin, get_state, kv_doc, put_state,
                      run_cli)

A1, A2 = "111111111111", "222222222222"


def populate(server):
    """Three scopes with text and binary values; returns {(account, region): {key: bytes}}."""
    content = {
        (A1, "us-east-1"): {"a": b"alpha", "bin": bytes(range(256)), "empty": b""},
        (A1, "eu-west-1"): {"b": b"beta"},
        (A2, "us-east-1"): {"c": os.urandom(5000), "sp ace": b"key with a space"},
    }
    for (account, region), items in content.items():
        kv = Kv(server, account=account, region=region)
        for k, v in items.items():
            kv.put(k.replace(" ", "%20"), v)
    return content


def items_of(doc, account, region):
    return doc["services"]["rimetest"][account][region]["items"]


def test_health(server):
    """/_rime/health reports running, the binary's version and the registered services."""
    r = admin(server, "GET", "/_rime/health")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["status"] == "running"
    version = run_cli(server.binary, ["--version"]).stdout.split()[-1]
    assert body["version"] == version
    assert body["services"]["rimetest"] == "available"


def test_empty_state(server):
    """A fresh server's snapshot has the format tag and no services."""
    assert get_state(server) == {"format": STATE_FORMAT, "services": {}}


def test_snapshot_shows_written_data(server):
    """Data written through the service appears in the snapshot per account and region, inline."""
    content = populate(server)
    doc = get_state(server)
    assert set(doc["services"]) == {"rimetest"}
    assert set(doc["services"]["rimetest"]) == {A1, A2}
    assert set(doc["services"]["rimetest"][A1]) == {"us-east-1", "eu-west-1"}
    for (account, region), items in content.items():
        got = items_of(doc, account, region)
        assert {k: base64.b64decode(v["data"]) for k, v in got.items()} == items


def test_get_delete_put_is_identity(server):
    """GET, DELETE, then PUT of the same document restores it exactly (data readable again)."""
    content = populate(server)
    before = get_state(server)
    r = admin(server, "DELETE", "/_rime/state")
    assert r.status_code == 200
    assert get_state(server)["services"] == {}
    assert Kv(server, account=A1).get("a").status_code == 404
    r = put_state(server, before)
    assert r.status_code == 200, r.text
    assert get_state(server) == before
    for (account, region), items in content.items():
        kv = Kv(server, account=account, region=region)
        for k, v in items.items():
            assert kv.data(k.replace(" ", "%20")) == v
        assert sorted(kv.keys()) == sorted(items)


def test_put_same_document_twice_is_stable(server):
    """Restoring a snapshot on top of itself changes nothing."""
    populate(server)
    before = get_state(server)
    assert put_state(server, before).status_code == 200
    assert put_state(server, before).status_code == 200
    assert get_state(server) == before


def test_put_replaces_only_scopes_in_body(server):
    """PUT replaces each scope it names in full and leaves other scopes alone."""
    populate(server)
    before = get_state(server)
    r = put_state(server, kv_doc({(A1, "us-east-1"): {"new": b"only this"}}))
    assert r.status_code == 200, r.text
    after = get_state(server)
    assert set(items_of(after, A1, "us-east-1")) == {"new"}
    assert Kv(server, account=A1).get("a").status_code == 404
    assert Kv(server, account=A1).data("new") == b"only this"
    assert after["services"]["rimetest"][A1]["eu-west-1"] == before["services"]["rimetest"][A1]["eu-west-1"]
    assert after["services"]["rimetest"][A2] == before["services"]["rimetest"][A2]


def test_put_of_a_document_larger_than_the_in_memory_body_limit(server):
    """Bodies over 8 MiB spill to disk; a state document that large (deep queues) still restores."""
    big = {f"k{i}": os.urandom(64 * 1024) for i in range(160)}  # 10 MiB raw, ~14 MiB as base64 JSON
    doc = kv_doc({(A1, "us-east-1"): big})
    r = put_state(server, doc)
    assert r.status_code == 200, r.text[:300]
    kv = Kv(server, account=A1)
    assert sorted(kv.keys()) == sorted(big)
    assert kv.data("k7") == big["k7"]
    assert items_of(get_state(server), A1, "us-east-1")["k159"]["data"] == base64.b64encode(big["k159"]).decode()


def test_put_with_empty_items_empties_scope(server):
    """A scope restored with no items is emptied (its old keys are gone)."""
    populate(server)
    r = put_state(server, {"format": STATE_FORMAT, "services": {"rimetest": {A1: {"us-east-1": {"items": {}}}}}})
    assert r.status_code == 200, r.text
    assert Kv(server, account=A1).keys() == []
    assert Kv(server, account=A1, region="eu-west-1").keys() == ["b"]


def test_patch_is_additive(server):
    """PATCH adds and updates items but never removes what the body lacks."""
    populate(server)
    before = get_state(server)
    r = put_state(server, kv_doc({(A1, "us-east-1"): {"added": b"plus", "a": b"ALPHA2"},
                                  (A2, "ap-south-1"): {"fresh": b"new scope"}}), method="PATCH")
    assert r.status_code == 200, r.text
    kv = Kv(server, account=A1)
    assert kv.data("added") == b"plus"
    assert kv.data("a") == b"ALPHA2"
    assert kv.data("bin") == bytes(range(256))
    assert kv.data("empty") == b""
    assert Kv(server, account=A2, region="ap-south-1").data("fresh") == b"new scope"
    after = get_state(server)
    assert set(items_of(after, A1, "us-east-1")) == {"a", "bin", "empty", "added"}
    assert after["services"]["rimetest"][A2]["us-east-1"] == before["services"]["rimetest"][A2]["us-east-1"]
    assert after["services"]["rimetest"][A1]["eu-west-1"] == before["services"]["rimetest"][A1]["eu-west-1"]


def test_patch_empty_services_changes_nothing(server):
    """A PATCH with no scopes is valid and a no-op."""
    populate(server)
    before = get_state(server)
    assert put_state(server, {"format": STATE_FORMAT, "services": {}}, method="PATCH").status_code == 200
    assert get_state(server) == before


def valid_scope():
    return {"items": {"ok": {"data": base64.b64encode(b"fine").decode()}}}


INVALID_BODIES = {
    "empty": b"",
    "not_json": b"{this is not json",
    "truncated_json": json.dumps(kv_doc({(A1, "us-east-1"): {"x": b"y"}}))[:-3],
    "json_array": b"[]",
    "json_string": b'"rime-state/1"',
    "missing_format": {"services": {}},
    "wrong_format": {"format": "rime-state/2", "services": {}},
    "format_not_string": {"format": 1, "services": {}},
    "missing_services": {"format": STATE_FORMAT},
    "services_not_object": {"format": STATE_FORMAT, "services": []},
    "unknown_service": {"format": STATE_FORMAT, "services": {"nosuchservice": {A1: {"us-east-1": valid_scope()}}}},
    "account_short": {"format": STATE_FORMAT, "services": {"rimetest": {"12345": {"us-east-1": valid_scope()}}}},
    "account_letters": {"format": STATE_FORMAT,
                        "services": {"rimetest": {"12345678901x": {"us-east-1": valid_scope()}}}},
    "account_not_object": {"format": STATE_FORMAT, "services": {"rimetest": {A1: []}}},
    "region_bad_chars": {"format": STATE_FORMAT, "services": {"rimetest": {A1: {"US_EAST_1": valid_scope()}}}},
    "region_no_dash": {"format": STATE_FORMAT, "services": {"rimetest": {A1: {"useast1": valid_scope()}}}},
    "region_empty": {"format": STATE_FORMAT, "services": {"rimetest": {A1: {"": valid_scope()}}}},
    "view_not_object": {"format": STATE_FORMAT, "services": {"rimetest": {A1: {"us-east-1": 42}}}},
    "items_missing": {"format": STATE_FORMAT, "services": {"rimetest": {A1: {"us-east-1": {}}}}},
    "one_bad_item_among_good": {"format": STATE_FORMAT, "services": {"rimetest": {A1: {"us-east-1": {"items": {
        "good1": {"data": base64.b64encode(b"1").decode()},
        "bad": {"data": "!!! not base64 !!!"},
        "good2": {"data": base64.b64encode(b"2").decode()},
    }}}}}},
    "item_without_data": {"format": STATE_FORMAT, "services": {"rimetest": {A1: {"us-east-1": {"items": {
        "good": {"data": base64.b64encode(b"1").decode()}, "bad": {}}}}}}},
    "good_scope_then_bad_scope": {"format": STATE_FORMAT, "services": {"rimetest": {
        A1: {"us-east-1": {"items": {"a": {"data": base64.b64encode(b"overwritten?").decode()}}}},
        A2: {"us-east-1": {"items": {"c": {"data": 17}}}},
    }}},
    "good_service_then_unknown_service": {"format": STATE_FORMAT, "services": {
        "rimetest": {A1: {"us-east-1": {"items": {}}}},
        "zzz-unknown": {A1: {"us-east-1": {"items": {}}}},
    }},
}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("case", sorted(INVALID_BODIES))
def test_invalid_body_is_400_and_changes_nothing(server, method, case):
    """A malformed or partly invalid state document gets 400 + JSON error and changes nothing."""
    populate(server)
    before = get_state(server)
    body = INVALID_BODIES[case]
    r = put_state(server, body if isinstance(body, (bytes, str)) else copy.deepcopy(body), method=method)
    assert r.status_code == 400, (case, r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    err = r.json()
    assert isinstance(err.get("error"), str) and err["error"]
    assert get_state(server) == before
    assert Kv(server, account=A1).data("a") == b"alpha"


def test_get_filter_by_service(server):
    """?service=rimetest returns that service; an unknown service name is a 400."""
    populate(server)
    full = get_state(server)
    assert get_state(server, service="rimetest") == full
    r = admin(server, "GET", "/_rime/state", params={"service": "nosuchservice"})
    assert r.status_code == 400
    assert "error" in r.json()


def test_get_filter_by_account_and_region(server):
    """?account= and ?region= narrow the snapshot to matching scopes only."""
    populate(server)
    full = get_state(server)["services"]["rimetest"]
    assert get_state(server, account=A1)["services"] == {"rimetest": {A1: full[A1]}}
    assert get_state(server, region="eu-west-1")["services"] == {
        "rimetest": {A1: {"eu-west-1": full[A1]["eu-west-1"]}}}
    assert get_state(server, account=A2, region="us-east-1")["services"] == {
        "rimetest": {A2: {"us-east-1": full[A2]["us-east-1"]}}}
    assert get_state(server, account=A2, region="eu-west-1")["services"] == {}
    assert get_state(server, account="999999999999")["services"] == {}


@pytest.mark.parametrize("params", [{"account": "123"}, {"account": "abcdefghijkl"}, {"region": "Bad_Region"},
                                    {"blobs": "sometimes"}])
def test_get_invalid_filter_is_400(server, params):
    """Malformed filter values are rejected with 400 rather than silently ignored."""
    r = admin(server, "GET", "/_rime/state", params=params)
    assert r.status_code == 400
    assert "error" in r.json()


def test_delete_filters(server):
    """DELETE with filters resets exactly the matching scopes."""
    populate(server)
    full = get_state(server)["services"]["rimetest"]
    assert admin(server, "DELETE", "/_rime/state", params={"account": A1, "region": "eu-west-1"}).status_code == 200
    after = get_state(server)["services"]["rimetest"]
    assert after == {A1: {"us-east-1": full[A1]["us-east-1"]}, A2: full[A2]}
    assert Kv(server, account=A1, region="eu-west-1").get("b").status_code == 404

    assert admin(server, "DELETE", "/_rime/state", params={"region": "us-east-1", "account": A2}).status_code == 200
    assert get_state(server)["services"]["rimetest"] == {A1: {"us-east-1": full[A1]["us-east-1"]}}

    assert admin(server, "DELETE", "/_rime/state", params={"service": "rimetest"}).status_code == 200
    assert get_state(server)["services"] == {}
    assert Kv(server, account=A1).keys() == []


def test_delete_by_account(server):
    """DELETE ?account= removes every region of that account only."""
    populate(server)
    full = get_state(server)["services"]["rimetest"]
    assert admin(server, "DELETE", "/_rime/state", params={"account": A1}).status_code == 200
    assert get_state(server)["services"]["rimetest"] == {A2: full[A2]}


def test_delete_invalid_filter_changes_nothing(server):
    """DELETE with an unknown service or bad account is 400 and resets nothing."""
    populate(server)
    before = get_state(server)
    for params in [{"service": "nosuchservice"}, {"account": "12"}, {"region": "NOT A REGION"}]:
        r = admin(server, "DELETE", "/_rime/state", params=params)
        assert r.status_code == 400, params
    assert get_state(server) == before


def test_blobs_refs_vs_inline(server):
    """blobs=refs replaces inline base64 bodies by references; blobs=inline is the default."""
    content = populate(server)
    inline = get_state(server)
    assert get_state(server, blobs="inline") == inline
    refs = get_state(server, blobs="refs")
    for (account, region), items in content.items():
        assert items_of(inline, account, region) == {k: {"data": base64.b64encode(v).decode()}
                                                     for k, v in items.items()}
        got = items_of(refs, account, region)
        assert set(got) == set(items)
        for v in got.values():
            assert "data" not in v
            assert v.get("ref") is True


def test_restore_refs_document_on_same_server(server):
    """A refs snapshot restored on the server that holds the blobs keeps every body."""
    content = populate(server)
    inline = get_state(server)
    refs = get_state(server, blobs="refs")
    assert put_state(server, refs).status_code == 200
    assert get_state(server) == inline
    for (account, region), items in content.items():
        kv = Kv(server, account=account, region=region)
        for k, v in items.items():
            assert kv.data(k.replace(" ", "%20")) == v


def test_restore_into_fresh_process(rime):
    """A snapshot from one server PUT into a brand-new server reproduces state and bodies."""
    one = rime()
    content = populate(one)
    doc = get_state(one)
    two = rime()
    assert get_state(two)["services"] == {}
    r = put_state(two, doc)
    assert r.status_code == 200, r.text
    assert get_state(two) == doc
    for (account, region), items in content.items():
        kv = Kv(two, account=account, region=region)
        for k, v in items.items():
            assert kv.data(k.replace(" ", "%20")) == v


def test_merge_into_fresh_process(rime):
    """PATCH of a snapshot into a fresh server keeps that server's own data and adds the rest."""
    one = rime()
    populate(one)
    doc = get_state(one)
    two = rime()
    Kv(two, account=A1).put("local", b"mine")
    assert put_state(two, doc, method="PATCH").status_code == 200
    assert Kv(two, account=A1).data("local") == b"mine"
    assert Kv(two, account=A1).data("a") == b"alpha"
    assert Kv(two, account=A2).keys() == sorted(["c", "sp ace"])


def test_moto_reset_alias(server):
    """POST /moto-api/reset wipes all state, like moto_server's reset."""
    populate(server)
    r = admin(server, "POST", "/moto-api/reset")
    assert r.status_code == 200
    assert get_state(server)["services"] == {}
    assert Kv(server, account=A1).get("a").status_code == 404


def test_localstack_aliases(server):
    """GET /_localstack/health answers with services; POST /_localstack/state/reset wipes state."""
    r = admin(server, "GET", "/_localstack/health")
    assert r.status_code == 200
    assert "rimetest" in r.json()["services"]
    populate(server)
    r = admin(server, "POST", "/_localstack/state/reset")
    assert r.status_code == 200
    assert get_state(server)["services"] == {}


def test_admin_wrong_method_and_path(server):
    """Wrong methods on admin paths get 405, unknown admin paths 404, both as JSON."""
    r = admin(server, "POST", "/_rime/state", data=b"{}")
    assert r.status_code == 405
    assert "error" in r.json()
    r = admin(server, "DELETE", "/_rime/health")
    assert r.status_code == 405
    r = admin(server, "GET", "/_rime/nothing-here")
    assert r.status_code == 404
    assert "error" in r.json()


def test_admin_on_plain_rime_binary(rime):
    """The production binary has the admin API too; with no stateful data the snapshot is empty."""
    srv = rime(binary=RIME_BIN)
    r = admin(srv, "GET", "/_rime/health")
    assert r.status_code == 200 and r.json()["status"] == "running"
    assert "rimetest" not in r.json()["services"]
    assert get_state(srv) == {"format": STATE_FORMAT, "services": {}}
    assert put_state(srv, {"format": STATE_FORMAT, "services": {}}).status_code == 200
    r = put_state(srv, kv_doc({(A1, "us-east-1"): {"x": b"y"}}))
    assert r.status_code == 400  # rimetest is not a service of the production build
