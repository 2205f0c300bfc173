"""--data-dir persistence: flush on signal and on interval, reload, crash safety, bad directories."""
import json
import os
import random
import signal
import threading
import time

import pytest
import requests

from conftest import DEFAULT_ACCOUNT, Kv, ServerExited, admin, get_state, kv_doc, put_state

A1, A2 = "111111111111", "222222222222"


def populate(server):
    content = {
        (A1, "us-east-1"): {"text": b"hello persistence", "bin": bytes(range(256)) * 4, "empty": b""},
        (A1, "eu-west-1"): {"big": os.urandom(1024 * 1024 + 3)},
        (A2, "ap-northeast-1"): {"k": b"v"},
    }
    for (account, region), items in content.items():
        kv = Kv(server, account=account, region=region)
        for k, v in items.items():
            kv.put(k, v)
    return content


def assert_content(server, content):
    for (account, region), items in content.items():
        kv = Kv(server, account=account, region=region)
        assert sorted(kv.keys()) == sorted(items)
        for k, v in items.items():
            assert kv.data(k) == v, (account, region, k)


def test_sigterm_flushes_and_restart_loads(rime, tmp_path):
    """State and blob bodies written before SIGTERM are all back after a restart on the same dir."""
    data = tmp_path / "data"
    args = ["--data-dir", str(data), "--persist-interval-ms", "60000"]  # only the shutdown flush
    one = rime(args)
    content = populate(one)
    before = get_state(one)
    assert one.stop(signal.SIGTERM) == 0, one.log()
    for (account, region) in content:
        f = data / "state" / "rimetest" / account / f"{region}.json"
        assert f.is_file(), f
        json.loads(f.read_text())  # a complete JSON document
    two = rime(args)
    assert get_state(two) == before
    assert_content(two, content)


def test_sigint_flushes(rime, tmp_path):
    """SIGINT (Ctrl-C) saves state like SIGTERM does."""
    args = ["--data-dir", str(tmp_path / "d"), "--persist-interval-ms", "60000"]
    one = rime(args)
    Kv(one).put("ctrl-c", b"saved")
    assert one.stop(signal.SIGINT) == 0
    two = rime(args)
    assert Kv(two).data("ctrl-c") == b"saved"


def test_periodic_flush_survives_sigkill(rime, tmp_path):
    """With a short interval, state reaches disk without any signal and survives SIGKILL."""
    data = tmp_path / "d"
    args = ["--data-dir", str(data), "--persist-interval-ms", "100"]
    one = rime(args)
    Kv(one).put("periodic", b"on disk soon")
    f = data / "state" / "rimetest" / DEFAULT_ACCOUNT / "us-east-1.json"
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not (f.is_file() and "periodic" in f.read_text()):
        time.sleep(0.05)
    assert f.is_file() and "periodic" in f.read_text()
    one.kill()
    two = rime(args)
    assert Kv(two).data("periodic") == b"on disk soon"


def test_deletes_and_resets_persist(rime, tmp_path):
    """Deleted keys and reset scopes stay gone after a restart, and the reset scope's file is removed."""
    data = tmp_path / "d"
    args = ["--data-dir", str(data), "--persist-interval-ms", "60000"]
    one = rime(args)
    content = populate(one)
    assert one.stop() == 0
    two = rime(args)
    kv = Kv(two, account=A1)
    assert kv.delete("text").status_code == 204
    assert admin(two, "DELETE", "/_rime/state", params={"account": A2}).status_code == 200
    assert two.stop() == 0
    assert not (data / "state" / "rimetest" / A2 / "ap-northeast-1.json").exists()
    three = rime(args)
    assert Kv(three, account=A1).get("text").status_code == 404
    assert Kv(three, account=A1).data("bin") == content[(A1, "us-east-1")]["bin"]
    assert Kv(three, account=A2, region="ap-northeast-1").keys() == []
    assert A2 not in get_state(three)["services"]["rimetest"]


def test_admin_restore_persists(rime, tmp_path):
    """State restored through PUT /_rime/state is saved like state written by requests."""
    args = ["--data-dir", str(tmp_path / "d"), "--persist-interval-ms", "60000"]
    one = rime(args)
    doc = kv_doc({(A1, "us-west-2"): {"restored": b"from a snapshot", "b": os.urandom(1000)}})
    assert put_state(one, doc).status_code == 200
    assert one.stop() == 0
    two = rime(args)
    assert get_state(two) == doc


def test_overwrite_persists_latest(rime, tmp_path):
    """A key overwritten several times comes back with its last value."""
    args = ["--data-dir", str(tmp_path / "d"), "--persist-interval-ms", "50"]
    one = rime(args)
    kv = Kv(one)
    for i in range(5):
        kv.put("same", f"version {i}".encode() * (i + 1))
        time.sleep(0.06)
    assert one.stop() == 0
    two = rime(args)
    assert Kv(two).data("same") == b"version 4" * 5


def test_sigkill_during_write_burst_leaves_loadable_dir(rime, tmp_path):
    """SIGKILL amid concurrent writes: the dir loads, and every write acknowledged well before is there."""
    interval = 0.1
    data = tmp_path / "d"
    args = ["--data-dir", str(data), "--persist-interval-ms", str(int(interval * 1000))]
    rnd = random.Random(42)
    acked = {}  # (account, region, key) -> (value, ack time)
    lock = threading.Lock()
    scopes = [(A1, "us-east-1"), (A1, "eu-west-1"), (A2, "us-east-1"), (None, "us-east-1")]
    for round_no in range(3):
        srv = rime(args)
        stop = threading.Event()

        def writer(n):
            account, region = scopes[n % len(scopes)]
            with requests.Session() as s:
                kv = Kv(srv, account=account, region=region, session=s)
                i = 0
                while not stop.is_set():
                    key = f"r{round_no}-w{n}-{i}"
                    value = os.urandom(random.Random(key).choice([0, 10, 700, 5000, 40000]))
                    try:
                        r = s.put(kv.url(key), data=value, headers=kv.headers(), timeout=5)
                    except requests.RequestException:
                        return
                    if r.status_code == 200:
                        with lock:
                            acked[(kv.account, region, key)] = (value, time.monotonic())
                    i += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        time.sleep(0.6 + rnd.random() * 0.8)
        kill_time = time.monotonic()
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait(5)
        stop.set()
        for t in threads:
            t.join(10)
        assert not any(t.is_alive() for t in threads)

        # The directory must load, and everything acked > 1.5 intervals before the kill is there.
        srv2 = rime(args)
        with lock:
            snapshot = dict(acked)
        must_have = {k: v for k, (v, t) in snapshot.items() if t < kill_time - 1.5 * interval}
        assert len(must_have) > 20, "the burst wrote too little to mean anything"
        missing, wrong = [], []
        with requests.Session() as s:
            for (account, region, key), value in must_have.items():
                r = Kv(srv2, account=account, region=region, session=s).get(key)
                if r.status_code != 200:
                    missing.append(f"{key} (acked {kill_time - snapshot[(account, region, key)][1]:.3f}s before kill)")
                elif r.content != value:
                    wrong.append(key)
            # Writes acked later may or may not be there, but never with the wrong bytes. Those
            # that did not make it are not expected in later rounds either.
            for (account, region, key), (value, t) in snapshot.items():
                if t >= kill_time - 1.5 * interval:
                    r = Kv(srv2, account=account, region=region, session=s).get(key)
                    if r.status_code == 200 and r.content != value:
                        wrong.append(key)
                    elif r.status_code != 200:
                        with lock:
                            del acked[(account, region, key)]
        assert not missing, f"round {round_no}: {len(missing)} acknowledged keys lost, e.g. {missing[:5]}"
        assert not wrong, f"round {round_no}: keys with wrong bytes: {wrong[:5]}"
        srv2.kill()  # next round starts from a killed server's directory too


def write_good_dir(rime, data):
    one = rime(["--data-dir", str(data), "--persist-interval-ms", "60000"])
    Kv(one).put("good", b"data")
    assert one.stop() == 0
    return data / "state" / "rimetest" / DEFAULT_ACCOUNT / "us-east-1.json"


@pytest.mark.parametrize("corruption", ["truncated", "not_json", "empty", "wrong_shape", "bad_base64"])
def test_corrupt_state_file_fails_startup(rime, tmp_path, corruption):
    """A damaged state file stops startup with a non-zero exit and a message naming the file."""
    data = tmp_path / "d"
    f = write_good_dir(rime, data)
    text = f.read_text()
    f.write_text({
        "truncated": text[: len(text) // 2],
        "not_json": "this is not json at all",
        "empty": "",
        "wrong_shape": json.dumps({"items": ["not", "an", "object"]}),
        "bad_base64": json.dumps({"items": {"k": {"data": "%%%not base64%%%"}}}),
    }[corruption])
    with pytest.raises(ServerExited) as e:
        rime(["--data-dir", str(data)])
    assert e.value.code != 0
    assert str(f) in e.value.log, e.value.log


@pytest.mark.parametrize("foreign", ["top_file", "top_dir", "unknown_service", "bad_account_dir",
                                     "non_json_in_account", "bad_region_name", "file_as_service"])
def test_foreign_file_fails_startup(rime, tmp_path, foreign):
    """A file rime did not write in the data dir stops startup, naming that path."""
    data = tmp_path / "d"
    write_good_dir(rime, data)
    state = data / "state"
    path = {
        "top_file": data / "notes.txt",
        "top_dir": data / "other",
        "unknown_service": state / "nosuchservice",
        "bad_account_dir": state / "rimetest" / "not-an-account",
        "non_json_in_account": state / "rimetest" / DEFAULT_ACCOUNT / "README.md",
        "bad_region_name": state / "rimetest" / DEFAULT_ACCOUNT / "Not_A_Region.json",
        "file_as_service": state / "stray.json",
    }[foreign]
    if foreign in ("top_dir", "unknown_service", "bad_account_dir"):
        path.mkdir()
    else:
        path.write_text("{}")
    with pytest.raises(ServerExited) as e:
        rime(["--data-dir", str(data)])
    assert e.value.code != 0
    assert str(path) in e.value.log, e.value.log


def test_interrupted_write_leftovers_are_ignored(rime, tmp_path):
    """Temp files of a write cut short by a crash do not stop startup and do not replace good data."""
    data = tmp_path / "d"
    f = write_good_dir(rime, data)
    leftover = f.parent / (f.name + ".tmp.0badc0de")
    leftover.write_text('{"items": {"half')
    srv = rime(["--data-dir", str(data)])
    assert Kv(srv).data("good") == b"data"
    assert Kv(srv).keys() == ["good"]


def test_missing_data_dir_is_created(rime, tmp_path):
    """A --data-dir that does not exist yet is created and used."""
    data = tmp_path / "not" / "yet" / "there"
    srv = rime(["--data-dir", str(data), "--persist-interval-ms", "60000"])
    Kv(srv).put("x", b"y")
    assert srv.stop() == 0
    assert (data / "state" / "rimetest" / DEFAULT_ACCOUNT / "us-east-1.json").is_file()
    assert (data / "blobs").is_dir()


def test_in_memory_by_default_writes_nothing(rime, tmp_path):
    """Without --data-dir nothing is written to disk (only our log files are in the cwd)."""
    srv = rime(["--persist-interval-ms", "10"])
    Kv(srv).put("x", os.urandom(100_000))
    time.sleep(0.1)
    assert srv.stop() == 0
    assert all(p.name.startswith("rime-") and p.name.endswith(".log") for p in tmp_path.iterdir()), \
        list(tmp_path.iterdir())
    srv2 = rime()
    assert Kv(srv2).get("x").status_code == 404
