"""smithy-gen's command line: generate, check the committed output, or dump the catalog."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys

import gen_catalog
import gen_service
import inputs as inputs_mod
from services import ServiceEntry, build_entry

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
DEFAULT_MODELS = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "aws-models"))

# Every whole-catalog generator: a function (inputs, entries) -> {relpath: text} and the folders
# it owns. Per-service code (gen_service) runs while each model is loaded, in produce().
GENERATORS = [(gen_catalog.generate, gen_catalog.OWNED_DIRS)]


def produce(models_dir: str, services: list[str] | None = None
            ) -> tuple[dict[str, str], list[ServiceEntry], tuple[str, ...]]:
    """Every output file. `services`: the services to generate typed code for (None: those
    in implemented.txt; ["all"]: every service of the inputs)."""
    # The parsed models are millions of dicts and lists kept alive until the end; the cyclic
    # collector would walk them over and over while they are built (it made loading 5x slower).
    # Nothing here creates garbage cycles worth collecting, so it stays off for this run.
    gc.disable()
    wanted = set(gen_service.read_implemented() if services is None else services)
    everything = "all" in wanted
    entries: list[ServiceEntry] = []
    files: dict[str, str] = {}
    owned: list[str] = []
    models_base = os.path.basename(os.path.normpath(models_dir)) or "models"

    def visit(f: inputs_mod.ModelFile) -> bool:
        entry = build_entry(f.name, f.relpath, f.model, f.manifest_entry)
        entries.append(entry)
        if everything or f.name in wanted:
            files.update(gen_service.generate(f, entry, models_base))
            owned.append(gen_service.out_dir(f.name))
        return False  # what is generated from the model is made; it can go

    loaded = inputs_mod.load(models_dir, visit)
    for name in sorted(wanted - {"all"} - {e.name for e in entries}):
        print(f"smithy-gen: warning: implemented service {name!r} is not in the models; "
              "its generated code is left as it is", file=sys.stderr)
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
    parser.add_argument("--services", metavar="NAMES",
                        help="comma-separated services to generate typed code for, or 'all' "
                             "(default: the names in smithy-gen/implemented.txt)")
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
    services = [n.strip() for n in args.services.split(",") if n.strip()] if args.services else None
    files, entries, owned = produce(args.models, services)

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
