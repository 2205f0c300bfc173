"""Finding and reading the model inputs: a prepared folder with manifest.json, or a clone of
aws/api-models-aws (`<name>/service/<version>/<name>-<version>.json`, no manifest).

Every input file is read once; its bytes feed both the JSON parser and the input digest that
the generated banners carry.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any, Callable

from smithy import Model

MANIFEST = "manifest.json"


@dataclass
class ModelFile:
    """One service's model file, parsed, with its manifest entry when there is a manifest."""

    name: str  # the service name: manifest `name`, or the api-models-aws folder name
    relpath: str  # path relative to the models folder, '/'-separated
    model: Model | None
    manifest_entry: dict[str, Any] | None
    sha256: str = ""  # of the file's bytes, for the banners of its service's generated files


@dataclass
class Inputs:
    models_dir: str
    has_manifest: bool
    files: list[ModelFile]  # sorted by name
    digest: str  # sha256 hex over every input file (manifest included), see _digest

    @property
    def description(self) -> str:
        """What the outputs were generated from, for banners (no absolute paths)."""
        base = os.path.basename(os.path.normpath(self.models_dir)) or "models"
        kind = f"{MANIFEST} + " if self.has_manifest else ""
        return f"{base}/{kind}{len(self.files)} models"


def _file_digest(relpath: str, data: bytes) -> tuple[str, bytes]:
    return relpath, hashlib.sha256(f"{relpath}\0{len(data)}\0".encode() + data).digest()


def _digest(parts: list[tuple[str, bytes]]) -> str:
    """sha256 over the per-file hashes of (relative path, length, bytes), in path order."""
    h = hashlib.sha256()
    for _, file_hash in sorted(parts):
        h.update(file_hash)
    return h.hexdigest()


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _api_models_layout(models_dir: str) -> list[tuple[str, str]]:
    """(name, relpath) for `<name>/service/<version>/<name>-<version>.json`, latest version."""
    found: list[tuple[str, str]] = []
    for name in sorted(os.listdir(models_dir)):
        service_dir = os.path.join(models_dir, name, "service")
        if not os.path.isdir(service_dir):
            continue
        versions = sorted(v for v in os.listdir(service_dir)
                          if os.path.isfile(os.path.join(service_dir, v, f"{name}-{v}.json")))
        if versions:
            v = versions[-1]  # ISO dates sort chronologically
            found.append((name, f"{name}/service/{v}/{name}-{v}.json"))
    return found


def load(models_dir: str, visit: Callable[[ModelFile], bool]) -> Inputs:
    """Reads every model once, in name order, and hands it to `visit` while it is parsed.

    A model stays in memory (`ModelFile.model`) only when `visit` returns True: all 439 parsed
    models at once take about 400 MB, and no generator needs more than a few of them.
    """
    manifest_path = os.path.join(models_dir, MANIFEST)
    parts: list[tuple[str, bytes]] = []
    files: list[ModelFile] = []
    todo: list[tuple[str, str, dict[str, Any] | None]] = []
    if os.path.isfile(manifest_path):
        manifest_bytes = _read(manifest_path)
        parts.append(_file_digest(MANIFEST, manifest_bytes))
        todo = [(e["name"], e["file"], e) for e in json.loads(manifest_bytes)]
        has_manifest = True
    else:
        todo = [(name, relpath, None) for name, relpath in _api_models_layout(models_dir)]
        if not todo:
            raise SystemExit(f"smithy-gen: no {MANIFEST} and no <name>/service/<version>/"
                             f"<name>-<version>.json models in {models_dir}")
        has_manifest = False
    names = [name for name, _, _ in todo]
    if len(set(names)) != len(names):
        raise SystemExit("smithy-gen: duplicate service names in the inputs")
    for name, relpath, entry in sorted(todo, key=lambda t: t[0]):
        data = _read(os.path.join(models_dir, relpath))
        parts.append(_file_digest(relpath, data))
        f = ModelFile(name, relpath, Model.from_bytes(data, relpath), entry,
                      hashlib.sha256(data).hexdigest())
        if not visit(f):
            f.model = None
        files.append(f)
    return Inputs(models_dir, has_manifest, files, _digest(parts))
