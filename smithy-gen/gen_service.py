"""services/<name>/generated/ for each implemented service (smithy-gen/implemented.txt):

  <name>_model.{h,cc}       the runtime shape model (gen_model.py)
  <name>_types.{h,cc}       typed structs and their Value conversions (gen_types.py)
  <name>_operations.{h,cc}  handler slots and the invoker (gen_operations.py)
  sources.cmake             the generated sources, for services/<name>/CMakeLists.txt

Each file's banner names the one model file it comes from and that file's sha256, so a change
to one model regenerates one service. Runs while the model is loaded (cli.produce), so models
are released service by service, even when generating for all of them.
"""

from __future__ import annotations

import os

import gen_model
import gen_operations
import gen_types
from cpp import banner, identifier
from inputs import ModelFile
from service_shapes import ServiceShapes
from services import ServiceEntry

IMPLEMENTED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "implemented.txt")


def out_dir(name: str) -> str:
    return f"services/{name}/generated"


def read_implemented(path: str = IMPLEMENTED) -> list[str]:
    """Service names, one per line; blank lines and '#' comments ignored."""
    with open(path, encoding="utf-8") as f:
        names = [line.split("#", 1)[0].strip() for line in f]
    return [n for n in names if n]


def _sources_cmake(name: str, sources: list[str], top: str) -> str:
    var = f"RIME_{identifier(name).upper()}_GENERATED_SOURCES"
    body = "\n".join(f"  ${{CMAKE_CURRENT_LIST_DIR}}/{n}" for n in sources)
    return f"""{top}# The generated sources of the {name} service (included by services/{name}/CMakeLists.txt).
set({var}
{body})
"""


def generate(f: ModelFile, entry: ServiceEntry, models_base: str) -> dict[str, str]:
    """relative output path -> file text, for one service."""
    view = ServiceShapes(f.name, f.model, entry)
    what = f"{models_base}/{f.relpath}"
    top = banner(what, f.sha256)
    d = out_dir(f.name)
    files = {
        f"{f.name}_model.h": gen_model.header(view, top),
        f"{f.name}_model.cc": gen_model.source(view, top, d),
        f"{f.name}_types.h": gen_types.header(view, top),
        f"{f.name}_types.cc": gen_types.source(view, top, d),
        f"{f.name}_operations.h": gen_operations.header(view, top, d),
        f"{f.name}_operations.cc": gen_operations.source(view, top, d),
    }
    sources = sorted(n for n in files if n.endswith(".cc"))
    files["sources.cmake"] = _sources_cmake(f.name, sources, banner(what, f.sha256, "#"))
    return {f"{d}/{n}": text for n, text in files.items()}
