"""smithy-gen's command line: generate, check the committed output, or dump the catalog."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys

import gen_catalog
import inputs as inputs_mod
from services import ServiceEntry, build_entry

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
DEFAULT_MODELS = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "aws-models"))

# Every generator: a function (inputs, entries) -> {relpath: text} and the folders it owns.
GENERATORS = [(gen_catalog.generate, gen_catalog.OWNED_DIRS)]


def produce(models_dir: str) -> tuple[dict[str, str], list[ServiceEntry], tuple[str, ...]]:
    # The parsed models are millions of dicts and lists kept alive until the end; the cyclic
    # collector would walk them over and over while they are built (it made loading 5x slower).
    # Nothing here creates garbage cycles worth collecting, so it stays off for this run.
    gc.disable()
    entries: list[ServiceEntry] = []

    def visit(f: inputs_mod.ModelFile) -> bool:
        entries.append(build_entry(f.name, f.relpath, f.model, f.manifest_entry))
        return False  # the catalog needs nothing more from the model

    loaded = inputs_mod.load(models_dir, visit)
    files: dict[str, str] = {}
    owned: list[str] = []
    for generate, dirs in GENERATORS:
        files.update(generate(loaded, entries))
        owned.extend(dirs)
    return files, entries, tuple(owned)


def _existing(root: str, owned: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for rel_dir in owned:
        base = os.path.join(root, rel_dir)
        if not os.path.isdir(base):
            continue
        for dirpath, _, names in os.walk(base):
            for n in names:
                found.add(os.path.relpath(os.path.join(dirpath, n), root).replace(os.sep, "/"))
    return found


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None


def write(root: str, files: dict[str, str], owned: tuple[str, ...]) -> list[str]:
    """Writes what changed and removes stale files in owned folders; returns what it touched."""
    touched: list[str] = []
    for rel, text in sorted(files.items()):
        path = os.path.join(root, rel)
        if _read_text(path) == text:
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        touched.append(rel)
    for rel in sorted(_existing(root, owned) - set(files)):
        os.remove(os.path.join(root, rel))
        touched.append(rel)
    return touched


def check(root: str, files: dict[str, str], owned: tuple[str, ...]) -> list[str]:
    """Compares the fresh output (held in memory, the repository untouched) with what is under
    `root`, byte for byte: one line per differing, missing or extra file."""
    problems: list[str] = []
    for rel, text in sorted(files.items()):
        committed = _read_text(os.path.join(root, rel))
        if committed is None:
            problems.append(f"missing: {rel}")
        elif committed != text:
            problems.append(f"differs: {rel}")
    for rel in sorted(_existing(root, owned) - set(files)):
        problems.append(f"extra: {rel}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="smithy-gen",
        description="Generate rime's C++ from AWS Smithy JSON AST models.")
    parser.add_argument("--models", default=DEFAULT_MODELS,
                        help="models folder: manifest.json + <name>.json, or an aws/api-models-aws "
                             "clone (default: %(default)s)")
    parser.add_argument("--out", default=REPO_ROOT,
                        help="repository root to write into, or to compare with under --check "
                             "(default: %(default)s)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="regenerate in memory and exit 1 if the output under "
                           "--out differs (lists each differing, missing or extra file)")
    mode.add_argument("--dump-catalog", action="store_true",
                      help="print the catalog entries as JSON instead of writing files")
    args = parser.parse_args(argv)

    if not os.path.isdir(args.models):
        print(f"smithy-gen: models folder not found: {args.models}", file=sys.stderr)
        return 2
    files, entries, owned = produce(args.models)

    if args.dump_catalog:
        json.dump([e.as_json() for e in entries], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if args.check:
        problems = check(args.out, files, owned)
        for line in problems:
            print(line)
        if problems:
            print(f"smithy-gen --check: {len(problems)} file(s) out of date; run smithy-gen",
                  file=sys.stderr)
            return 1
        return 0
    touched = write(args.out, files, owned)
    ops = sum(len(e.operations) for e in entries)
    print(f"smithy-gen: {len(entries)} services, {ops} operations, {len(files)} files, "
          f"{len(touched)} changed")
    return 0
