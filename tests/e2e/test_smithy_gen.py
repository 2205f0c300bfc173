"""smithy-gen end to end: the committed output is current, --check catches drift, and an
aws/api-models-aws clone (no manifest) gives the same routing facts as the prepared models."""

import json
import os
import shutil
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SMITHY_GEN = os.path.join(REPO, "smithy-gen", "smithy-gen")
MODELS = os.path.normpath(os.path.join(REPO, "..", "shared", "aws-models"))
GENERATED = "services/catalog/generated"
# Services copied into the fake api-models-aws clone: awsJson, restJson1, resource-bound.
FAKE_SERVICES = ("sqs", "lambda", "marketplace-reporting")

pytestmark = pytest.mark.skipif(not os.path.isfile(os.path.join(MODELS, "manifest.json")),
                                reason="../shared/aws-models is not present")


def run(*args):
    return subprocess.run([sys.executable, SMITHY_GEN, *args], capture_output=True, text=True,
                          timeout=300)


def copy_output(tmp_path):
    """A repository-shaped copy of the committed generated files, to tamper with."""
    root = tmp_path / "repo"
    shutil.copytree(os.path.join(REPO, GENERATED), root / GENERATED)
    return root


def test_committed_output_is_current():
    """The committed generated C++ is exactly what smithy-gen makes from the models."""
    result = run("--check", "--models", MODELS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_check_names_a_modified_file(tmp_path):
    """A hand edit to a generated file fails --check, which names that file."""
    root = copy_output(tmp_path)
    target = root / GENERATED / "catalog_data.cc"
    target.write_text(target.read_text().replace('"sqs"sv', '"sqz"sv', 1))
    result = run("--check", "--models", MODELS, "--out", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"differs: {GENERATED}/catalog_data.cc"]


def test_check_names_missing_and_extra_files(tmp_path):
    """A deleted generated file and a stray file in a generated folder both fail --check."""
    root = copy_output(tmp_path)
    (root / GENERATED / "catalog_data.h").unlink()
    (root / GENERATED / "stale.cc").write_text("// left behind\n")
    result = run("--check", "--models", MODELS, "--out", str(root))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"missing: {GENERATED}/catalog_data.h" in lines
    assert f"extra: {GENERATED}/stale.cc" in lines
    assert len(lines) == 2


def test_api_models_layout_gives_the_same_routing_facts(tmp_path):
    """Without a manifest, facts derived from the models alone match the manifest run."""
    with open(os.path.join(MODELS, "manifest.json")) as f:
        manifest = {e["name"]: e for e in json.load(f)}
    clone = tmp_path / "api-models-aws"
    for name in FAKE_SERVICES:
        entry = manifest[name]
        dest = clone / entry["sourcePath"]  # <name>/service/<version>/<name>-<version>.json
        assert dest.parts[-4:-2] == (name, "service")
        dest.parent.mkdir(parents=True)
        shutil.copyfile(os.path.join(MODELS, entry["file"]), dest)

    from_clone = run("--dump-catalog", "--models", str(clone))
    assert from_clone.returncode == 0, from_clone.stderr
    from_manifest = run("--dump-catalog", "--models", MODELS)
    assert from_manifest.returncode == 0, from_manifest.stderr
    clone_entries = {e["name"]: e for e in json.loads(from_clone.stdout)}
    manifest_entries = {e["name"]: e for e in json.loads(from_manifest.stdout)}
    assert sorted(clone_entries) == sorted(FAKE_SERVICES)
    for name in FAKE_SERVICES:
        a, b = clone_entries[name], manifest_entries[name]
        a.pop("file"), b.pop("file")
        assert a == b, name

    # And it generates a catalog of just those services, which --check then accepts.
    out = tmp_path / "out"
    generated = run("--models", str(clone), "--out", str(out))
    assert generated.returncode == 0, generated.stderr
    header = (out / GENERATED / "catalog_data.h").read_text()
    assert "kServiceCount = 3;" in header
    assert run("--check", "--models", str(clone), "--out", str(out)).returncode == 0
