"""The AWS SDK for JavaScript v3 against rime: runs tests/e2e/js/*.test.mjs with node's test runner.

package.json at the repo root pins the SDK clients; `npm ci` (scripts/test.sh runs it) installs them
into node_modules. Each JS test file gets its own server and `node --test FILE` run (so a failing
STS file does not hide a passing one); RIME_ENDPOINT tells the JS tests where the server is.
"""
import os
import shutil
import subprocess

import pytest

from conftest import REPO, RIME_BIN

JS_DIR = REPO / "tests" / "e2e" / "js"
JS_TESTS = sorted(p.name for p in JS_DIR.glob("*.test.mjs"))


def node_binary():
    node = shutil.which("node") or ("/usr/bin/node" if os.path.exists("/usr/bin/node") else None)
    if not node:
        pytest.skip("node is not installed")
    major = int(subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip().lstrip("v")
                .split(".")[0])
    if major < 20:
        pytest.skip(f"node {major} is older than the SDK's minimum (20)")
    return node


def test_js_tests_exist():
    """The JS suite is there (a glob that matches nothing would pass silently)."""
    assert {"not_implemented.test.mjs", "sts.test.mjs"} <= set(JS_TESTS), JS_TESTS


@pytest.mark.parametrize("js_file", JS_TESTS)
def test_js_sdk(rime, js_file):
    """Every test in the JS file passes against a fresh production server (node exit code 0)."""
    node = node_binary()
    if not (REPO / "node_modules" / "@aws-sdk" / "client-sts").is_dir():
        pytest.fail("node_modules is missing: run `npm ci` at the repository root (scripts/test.sh does)")
    server = rime(binary=RIME_BIN)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RIME_"))}
    env.update({"RIME_ENDPOINT": server.url, "AWS_CONFIG_FILE": "/nonexistent/rime-aws-config",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/rime-aws-credentials",
                "AWS_EC2_METADATA_DISABLED": "true", "NO_COLOR": "1"})
    argv = [node, "--test", "--test-reporter=spec", "--test-timeout=60000", str(JS_DIR / js_file)]
    try:
        proc = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{' '.join(argv)} timed out: {e}\nserver log:\n{server.log()[-3000:]}")
    assert proc.returncode == 0, (
        f"node --test {js_file} exited {proc.returncode}\n--- stdout ---\n{proc.stdout[-20000:]}\n"
        f"--- stderr ---\n{proc.stderr[-5000:]}")
