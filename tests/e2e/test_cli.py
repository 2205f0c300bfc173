"""Command line: --version, --help, invalid values, config precedence, --health-check, logging."""
import json
import re
import time

import pytest
import requests

from conftest import (RIME_BIN, RIME_TEST_BIN, RimeServer, ServerExited, clean_env, free_port, run_cli, sigv4,
                      wait_for_binary)

OPTIONS = ["host", "port", "account", "region", "data-dir", "persist-interval-ms", "threads", "log-level",
           "log-format", "admin-token", "tls-cert", "tls-key", "max-header-bytes", "max-body-bytes",
           "header-timeout-ms", "idle-timeout-ms", "shutdown-timeout-ms"]


@pytest.mark.parametrize("binary", [RIME_BIN, RIME_TEST_BIN], ids=["rime", "rime-test-server"])
@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(binary, flag):
    """--version prints 'rime <semver>' and exits 0 without starting a server."""
    p = run_cli(binary, [flag])
    assert p.returncode == 0, p.stderr
    assert re.fullmatch(r"rime \d+\.\d+\.\d+\S*\n", p.stdout), p.stdout


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_every_option(flag):
    """--help exits 0 and documents every option with its environment variable."""
    p = run_cli(RIME_BIN, [flag])
    assert p.returncode == 0, p.stderr
    for name in OPTIONS:
        assert f"--{name}" in p.stdout, name
        assert "RIME_" + name.upper().replace("-", "_") in p.stdout, name
    for flag_name in ["-c,--config", "--version", "--health-check", "--help"]:
        assert flag_name in p.stdout, flag_name


INVALID = {
    "port_not_number": (["--port", "abc"], {}, "--port"),
    "port_too_big": (["--port", "70000"], {}, "port"),
    "port_negative": (["--port", "-1"], {}, "port"),
    "threads_negative": (["--threads", "-1"], {}, "threads"),
    "threads_not_number": (["--threads", "many"], {}, "threads"),
    "log_level": (["--log-level", "loud"], {}, "log-level"),
    "log_format": (["--log-format", "xml"], {}, "log-format"),
    "account_short": (["--account", "123"], {}, "account"),
    "account_letters": (["--account", "abcdefghijkl"], {}, "account"),
    "region_invalid": (["--region", "Not A Region"], {}, "region"),
    "persist_interval_tiny": (["--persist-interval-ms", "5"], {}, "persist-interval-ms"),
    "max_header_bytes": (["--max-header-bytes", "lots"], {}, "max-header-bytes"),
    "max_body_bytes_negative": (["--max-body-bytes", "-1"], {}, "max-body-bytes"),
    "header_timeout_zero": (["--header-timeout-ms", "0"], {}, "timeout"),
    "idle_timeout_negative": (["--idle-timeout-ms", "-5"], {}, "timeout"),
    "tls_cert_without_key": (["--tls-cert", "/tmp/cert.pem"], {}, "tls"),
    "unknown_flag": (["--no-such-flag"], {}, "--no-such-flag"),
    "host_not_an_address": (["--host", "1.2.3.4.5"], {}, "1.2.3.4.5"),
    "env_port": ([], {"RIME_PORT": "abc"}, "RIME_PORT"),
    "env_log_level": ([], {"RIME_LOG_LEVEL": "loud"}, "log-level"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_value_exits_2(case):
    """An invalid option value (flag or environment) exits with status 2 and says what is wrong."""
    args, env, mention = INVALID[case]
    if "--port" not in args and "RIME_PORT" not in env:
        args = args + ["--port", "0"]  # if the value were wrongly accepted, never take a real port
    p = run_cli(RIME_BIN, args, env=env, timeout=5)
    assert p.returncode == 2, (case, p.returncode, p.stdout[-500:], p.stderr[-500:])
    assert mention.lower() in (p.stderr + p.stdout).lower(), (case, p.stderr)


@pytest.mark.parametrize("content,mention", [
    ('port = "abc"\n', "port"),
    ('port = 4566\nno_such_option = 1\n', "no_such_option"),
    ('this is [ not toml\n', None),
    ('log_level = "loud"\n', "log-level"),
    ('threads = [1, 2]\n', "threads"),
], ids=["bad_value", "unknown_key", "not_toml", "bad_log_level", "array_value"])
def test_invalid_config_file_exits_2(tmp_path, content, mention):
    """A config file with a bad value, unknown key or bad syntax exits 2 naming the problem."""
    f = tmp_path / "rime.toml"
    f.write_text(content)
    p = run_cli(RIME_BIN, ["-c", str(f), "--port", "0"] if "port" not in content else ["-c", str(f)], timeout=5)
    assert p.returncode == 2, (p.returncode, p.stderr)
    text = (p.stderr + p.stdout).lower()
    assert str(f).lower() in text or (mention and mention in text), p.stderr
    if mention:
        assert mention in text, p.stderr


def test_missing_config_file_exits_2(tmp_path):
    """A --config path that does not exist is an invalid value: exit 2 naming the file."""
    missing = tmp_path / "missing.toml"
    p = run_cli(RIME_BIN, ["--config", str(missing), "--port", "0"], timeout=5)
    assert p.returncode == 2
    assert str(missing) in p.stderr


def start_plain(args, env, tmp_path, name):
    """Starts RIME_BIN with exactly these args (no --port added)."""
    srv = RimeServer(RIME_BIN, args, clean_env(env), tmp_path / f"{name}.log")
    srv.start(port_flag=False)
    return srv


def listening_on(port):
    try:
        return requests.get(f"http://127.0.0.1:{port}/_rime/health", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def wait_listening(srv, port, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if listening_on(port):
            return True
        if not srv.alive():
            raise AssertionError(f"server exited: {srv.log()}")
        time.sleep(0.05)
    return False


def test_config_precedence_flag_env_file(tmp_path):
    """Port from flag beats env, env beats the TOML file, the file beats the default."""
    a, b, c = free_port(), free_port(), free_port()
    while len({a, b, c}) < 3:
        b, c = free_port(), free_port()
    cfg = tmp_path / "rime.toml"
    cfg.write_text(f"# test config\nport = {a}\nlog_level = \"info\"\n")
    cases = [
        (["-c", str(cfg), "--port", str(c)], {"RIME_PORT": str(b)}, c),
        (["-c", str(cfg)], {"RIME_PORT": str(b)}, b),
        (["-c", str(cfg)], {}, a),
        ([], {"RIME_CONFIG": str(cfg)}, a),  # the file named by the environment
    ]
    for i, (args, env, expected) in enumerate(cases):
        srv = start_plain(args, env, tmp_path, f"prec{i}")
        try:
            assert wait_listening(srv, expected), (args, env, expected, srv.log())
            for other in {a, b, c} - {expected}:
                assert not listening_on(other), (args, env, other)
            assert f":{expected} " in srv.log() or f":{expected}\n" in srv.log()
        finally:
            assert srv.stop() == 0


def test_config_file_sets_other_options(tmp_path, rime):
    """Options other than the port are read from the file too (admin token, account, region)."""
    cfg = tmp_path / "rime.toml"
    cfg.write_text('admin_token = "from-file"\naccount = "555555555555"\nregion = "eu-north-1"\n')
    srv = rime(["-c", str(cfg)], token="from-file", wait=False)
    srv.wait_ready()
    assert requests.get(srv.url + "/_rime/health", timeout=2).status_code == 401
    requests.put(srv.url + "/k", data=b"v", headers={"Host": "rimetest.localhost"}, timeout=2).raise_for_status()
    state = requests.get(srv.url + "/_rime/state", headers=srv.admin_headers(), timeout=2).json()
    assert list(state["services"]["rimetest"]) == ["555555555555"]
    assert list(state["services"]["rimetest"]["555555555555"]) == ["eu-north-1"]


def test_startup_line_and_port_zero(tmp_path):
    """--port 0 picks a free port; the startup line names the real endpoint and service count."""
    srv = start_plain(["--port", "0"], {}, tmp_path, "zero")
    try:
        deadline = time.monotonic() + 5
        m = None
        while time.monotonic() < deadline and not m:
            m = re.search(r"rime (\d+\.\d+\.\d+\S*) listening on http://127\.0\.0\.1:(\d+) with (\d+) services",
                          srv.log())
            time.sleep(0.05)
        assert m, srv.log()
        port = int(m.group(2))
        assert port != 0
        assert listening_on(port)
    finally:
        srv.stop()


def test_port_in_use_fails(rime, tmp_path):
    """Starting on a port that is already taken fails with non-zero exit naming the port."""
    first = rime(binary=RIME_BIN)
    second = rime(binary=RIME_BIN, port=first.port, wait=False)
    code = second.wait_exit(timeout=5)
    assert code is not None and code != 0, second.log()
    assert str(first.port) in second.log()
    assert first.alive()


def test_host_accepts_localhost(rime):
    """--host localhost (a name, as with most servers) listens on the loopback address."""
    srv = rime(["--host", "localhost"], binary=RIME_BIN)
    assert listening_on(srv.port)


def test_health_check(rime):
    """--health-check exits 0 against a running server and non-zero when nothing answers."""
    srv = rime(binary=RIME_BIN)
    p = run_cli(RIME_BIN, ["--health-check", "--port", str(srv.port)])
    assert p.returncode == 0, (p.stdout, p.stderr)
    p = run_cli(RIME_BIN, ["--health-check"], env={"RIME_PORT": str(srv.port), "RIME_HOST": "127.0.0.1"})
    assert p.returncode == 0, (p.stdout, p.stderr)
    srv.stop()
    p = run_cli(RIME_BIN, ["--health-check", "--port", str(srv.port)])
    assert p.returncode != 0


def make_requests(srv):
    """Three requests of different kinds; returns their request ids."""
    ids = []
    for method, path, headers in [("GET", "/_rime/health", {}),
                                  ("PUT", "/logged", {"Authorization": sigv4()}),
                                  ("GET", "/x", {"Authorization": sigv4("nosuchservice")})]:
        r = requests.request(method, srv.url + path, headers=headers, data=b"d" if method == "PUT" else None,
                             timeout=5)
        # S3 (where an unclaimed request lands) names its request id header x-amz-request-id.
        ids.append(r.headers.get("x-amzn-RequestId") or r.headers["x-amz-request-id"])
    return ids


def test_text_log_one_line_per_request(rime):
    """At info level each request is logged on exactly one line."""
    srv = rime()
    ids = make_requests(srv)
    assert srv.stop() == 0
    lines = srv.log().splitlines()
    for rid in ids:
        assert sum(rid in line for line in lines) == 1, (rid, srv.log())


def test_json_log_format(rime):
    """--log-format json writes one JSON object per line, one line per request."""
    srv = rime(["--log-format", "json"])
    ids = make_requests(srv)
    assert srv.stop() == 0
    lines = [line for line in srv.log().splitlines() if line.strip()]
    assert lines
    for line in lines:
        assert isinstance(json.loads(line), dict), line
    for rid in ids:
        assert sum(rid in line for line in lines) == 1, rid


def test_log_level_warn_hides_requests(rime):
    """Above info level request lines are not written."""
    srv = rime(["--log-level", "warn"])
    ids = make_requests(srv)
    assert srv.stop() == 0
    for rid in ids:
        assert rid not in srv.log()
