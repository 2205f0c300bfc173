"""Client-driven conformance over every operation, with botocore as the oracle.

Generates rime's runtime models into a temporary folder, starts rime-test-server with echo
services (RIME_TEST_ECHO_MODELS, tests/conformance/ECHO.md) and runs tests/conformance/driver.py
with the image's pyenv python (today's botocore): for each operation of each service botocore
also knows, a random valid input goes through botocore to rime and comes back as parsed; a random
valid output goes through rime to botocore and comes back as parsed. The driver prints a table
per protocol and fails on any disagreement not listed in tests/conformance/known_differences.txt.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clients import boto_python, client_env
from conftest import REPO

MODELS = Path(os.environ.get("RIME_AWS_MODELS") or REPO.parent / "shared" / "aws-models")
DRIVER = REPO / "tests" / "conformance" / "driver.py"
GEN_RUNTIME = REPO / "smithy-gen" / "gen_runtime_models.py"
DRIVER_TIMEOUT = 540  # CTest gives each file 600 s


@pytest.fixture(scope="module")
def runtime_models(tmp_path_factory):
    if not (MODELS / "manifest.json").is_file():
        pytest.skip(f"AWS models not found at {MODELS}")
    out = tmp_path_factory.mktemp("runtime-models")
    proc = subprocess.run([sys.executable, str(GEN_RUNTIME), "--models", str(MODELS), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return out


def test_botocore_conformance(rime, runtime_models, tmp_path):
    py, versions = boto_python("new")
    server = rime(env={"RIME_TEST_ECHO_MODELS": str(runtime_models)})
    report = tmp_path / "conformance-report.json"
    cmd = [py, str(DRIVER), "--endpoint", server.url, "--runtime-models", str(runtime_models),
           "--models", str(MODELS), "--report", str(report), "--jobs", str(max(2, os.cpu_count() or 2))]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=DRIVER_TIMEOUT, env=client_env(),
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"driver did not finish within {DRIVER_TIMEOUT}s: {(e.stdout or b'')[-3000:]!r}")
    print(f"botocore ({versions}) against {server.url}\n{proc.stdout}")
    if proc.stderr.strip():
        print(proc.stderr[-3000:], file=sys.stderr)
    assert server.alive(), f"rime-test-server died during the run; log tail:\n{server.log()[-3000:]}"
    assert report.is_file(), f"driver wrote no report (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    table = json.loads(report.read_text())["table"]
    tried = sum(c.get("tried", 0) for c in table.values())
    assert tried > 1000, f"only {tried} operations tried: the driver or the models are broken\n{proc.stdout}"
    summary = [line for line in proc.stdout.splitlines() if line.startswith(("RESULT", "   kinds"))]
    table_text = "\n".join(proc.stdout.splitlines()[:8])
    assert proc.returncode == 0, (
        "botocore and rime disagree (captured stdout: the table and the first disagreements per protocol; "
        f"all of them in {report}):\n{table_text}\n" + "\n".join(summary))
