"""Keeps docker/Dockerfile, docker/compose.yaml and config/rime.toml honest.

No Docker engine is needed: the files are read statically and checked against the real binary
(its --help, its ldd output, and servers started with the image's environment and the config file).
"""

import fnmatch
import json
import os
import posixpath
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "Dockerfile"
COMPOSE = REPO / "docker" / "compose.yaml"
CONFIG = REPO / "config" / "rime.toml"
RIME_BIN = os.environ.get("RIME_BIN", "/work/main/build/server/rime")

# Flags that are not options (no env var, no TOML key).
META_FLAGS = {"help", "config", "version", "health-check"}
# Libraries every Debian base image already has (libc6, libstdc++6, libgcc-s1).
BASE_LIB_PREFIXES = ("linux-vdso", "linux-gate", "ld-linux", "libc.so", "libm.so", "libpthread.so",
                     "libdl.so", "librt.so", "libstdc++.so", "libgcc_s.so")
BASE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1"}


# ---------------------------------------------------------------- helpers: binary and servers

@pytest.fixture(scope="session")
def rime_bin():
    """The binary under test; waits a little if it is being rebuilt."""
    deadline = time.monotonic() + 120
    while not (os.path.isfile(RIME_BIN) and os.access(RIME_BIN, os.X_OK)):
        if time.monotonic() > deadline:
            pytest.fail(f"rime binary not found at {RIME_BIN} (set RIME_BIN)")
        time.sleep(1)
    return RIME_BIN


@pytest.fixture(scope="session")
def help_info(rime_bin):
    """--help parsed into {option: (flag, env, default)}, the set of all flags, and extra envs."""
    for _ in range(30):
        out = subprocess.run([rime_bin, "--help"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0:
            break
        time.sleep(1)
    assert out.returncode == 0, out.stderr
    options, flags, envs = {}, set(), set()
    line_re = re.compile(r"^\s+(?:-\w,)?--([a-z][a-z0-9-]*)\b(.*)$")
    meta_re = re.compile(r"\[env (RIME_[A-Z0-9_]+), default ([^\]]*)\]\s*$")
    for line in out.stdout.splitlines():
        m = line_re.match(line)
        if not m:
            continue
        flag = m.group(1)
        flags.add(flag)
        envs.update(re.findall(r"\[env (RIME_[A-Z0-9_]+)", m.group(2)))
        meta = meta_re.search(m.group(2))
        if meta:
            name = flag.replace("-", "_")
            assert meta.group(1) == "RIME_" + name.upper(), f"--{flag} names env {meta.group(1)}"
            # --help spells an empty default "(none)".
            default = "" if meta.group(2) == "(none)" else meta.group(2)
            options[name] = ("--" + flag, meta.group(1), default)
    assert {"host", "port", "data_dir", "admin_token"} <= set(options), out.stdout
    return {"options": options, "flags": flags, "envs": envs}


def free_port():
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def clean_env(extra=None):
    """The test's environment without any RIME_* variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RIME_")}
    env.update(extra or {})
    return env


def health_status(port, token=None, timeout=1.0):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_rime/health")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


_servers = []


@pytest.fixture(autouse=True)
def kill_servers():
    """Every server a test starts is stopped in teardown, pass or fail."""
    yield
    while _servers:
        proc = _servers.pop()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def start_server(make, token=None, cwd=None, attempts=3):
    """Starts make(port) -> (argv, env) on a free port and waits for GET /_rime/health -> 200."""
    last = ""
    for _ in range(attempts):
        port = free_port()
        argv, env = make(port)
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _servers.append(proc)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if health_status(port, token) == 200:
                return proc, port
            time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        log.seek(0)
        last = f"exit {proc.returncode}: {log.read().decode(errors='replace')}"
    pytest.fail(f"server {argv} never answered /_rime/health with 200; {last}")


def stop_server(proc):
    proc.terminate()
    assert proc.wait(timeout=20) == 0, f"rime exited {proc.returncode} on SIGTERM"


# ---------------------------------------------------------------- helpers: the files

def dockerfile_stages():
    """Dockerfile as stages: [{"from", "name", "instr": [(INSTRUCTION, args)]}]."""
    instructions, buf = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        s = line.strip()
        if s.startswith("#") or (not s and not buf):
            continue
        if s.endswith("\\"):
            buf += s[:-1] + " "
            continue
        buf += s
        word, _, args = buf.partition(" ")
        instructions.append((word.upper(), args.strip()))
        buf = ""
    stages = []
    for word, args in instructions:
        if word == "FROM":
            parts = [p for p in args.split() if not p.startswith("--")]
            name = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
            stages.append({"from": parts[0], "name": name, "instr": []})
        else:
            assert stages, f"{word} before FROM"
            stages[-1]["instr"].append((word, args))
    return stages


def instr(stage, word):
    return [args for w, args in stage["instr"] if w == word]


def exec_form(args):
    assert args.startswith("["), f"use the exec (JSON) form: {args}"
    return json.loads(args)


def env_of_stage(stage):
    env = {}
    for args in instr(stage, "ENV"):
        tokens = shlex.split(args)
        if tokens and "=" not in tokens[0]:
            env[tokens[0]] = " ".join(tokens[1:])
        else:
            for t in tokens:
                k, _, v = t.partition("=")
                env[k] = v
    return env


def healthcheck_cmd(stage):
    checks = instr(stage, "HEALTHCHECK")
    assert len(checks) == 1, "the runtime stage needs exactly one HEALTHCHECK"
    m = re.match(r"^((?:--\S+\s+)*)CMD\s+(.*)$", checks[0])
    assert m, f"HEALTHCHECK must be '[--opts] CMD [...]': {checks[0]}"
    return exec_form(m.group(2))


def runtime_stage():
    return dockerfile_stages()[-1]


def build_stage():
    return dockerfile_stages()[0]


def volume_paths(stage):
    paths = []
    for args in instr(stage, "VOLUME"):
        paths += json.loads(args) if args.startswith("[") else args.split()
    return paths


def load_compose():
    try:
        import yaml
        return yaml.safe_load(COMPOSE.read_text())
    except ImportError:
        pass
    try:
        from ruamel.yaml import YAML
        return YAML(typ="safe").load(COMPOSE.read_text())
    except ImportError:
        pytest.skip("no YAML parser (python3-yaml) for compose.yaml")


def compose_service():
    doc = load_compose()
    services = doc.get("services") or {}
    assert len(services) == 1, f"compose.yaml should define one service, has {list(services)}"
    return doc, next(iter(services.values()))


def compose_env(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def container_to_repo_path(path):
    """Maps a file the runtime stage COPYs from the build context back to the repository."""
    for args in instr(runtime_stage(), "COPY"):
        parts = [p for p in args.split() if not p.startswith("--")]
        if "--from" in args:
            continue
        if parts[-1] == path:
            return str(REPO / parts[0])
    return None


def image_env(rime_bin, port, data_dir, extra=None):
    """The environment the container gives rime (Dockerfile ENV, then compose), made runnable
    here: a free port, a temp dir for the volume, and COPYed files mapped back to the repo."""
    env = env_of_stage(runtime_stage())
    _, service = compose_service()
    env.update(compose_env(service))
    volumes = volume_paths(runtime_stage())
    if env.get("RIME_DATA_DIR"):
        assert env["RIME_DATA_DIR"] in volumes, "RIME_DATA_DIR should be the declared VOLUME"
        env["RIME_DATA_DIR"] = str(data_dir)
    if env.get("RIME_CONFIG"):
        mapped = container_to_repo_path(env["RIME_CONFIG"])
        assert mapped, f"RIME_CONFIG={env['RIME_CONFIG']} is not a file the image COPYs"
        env["RIME_CONFIG"] = mapped
    env["RIME_PORT"] = str(port)
    env.update(extra or {})
    return clean_env(env)


def with_binary(argv, rime_bin):
    assert argv and argv[0] == "rime", f"expected 'rime' as the program: {argv}"
    return [rime_bin] + argv[1:]


def entrypoint_argv():
    stage = runtime_stage()
    entry = [exec_form(a) for a in instr(stage, "ENTRYPOINT")]
    assert len(entry) == 1, "the runtime stage needs one ENTRYPOINT"
    cmd = [exec_form(a) for a in instr(stage, "CMD")]
    return entry[0] + (cmd[-1] if cmd else [])


def toml_options():
    """config/rime.toml's commented '# key = value' lines as {key: (value text, line index)}."""
    lines = CONFIG.read_text().splitlines()
    found = {}
    for i, line in enumerate(lines):
        m = re.match(r"^#\s?([a-z][a-z0-9_]*)\s*=\s*(.+?)\s*$", line)
        if m:
            assert m.group(1) not in found, f"{m.group(1)} listed twice in rime.toml"
            found[m.group(1)] = (m.group(2), i)
    return found, lines


def toml_text_value(key, text):
    value = tomllib.loads(f"{key} = {text}")[key]
    return str(value).lower() if isinstance(value, bool) else str(value)


# ---------------------------------------------------------------- Dockerfile: build stage

def test_build_stage_runs_build_script_and_copies_its_output():
    """The image must be built by the same scripts/build.sh as a checkout, and ship what it builds."""
    stages = dockerfile_stages()
    assert len(stages) >= 2, "Dockerfile must be multi-stage"
    build = stages[0]
    assert build["from"] == "debian:12", f"build stage should be debian:12, is {build['from']}"
    assert build["name"], "build stage needs a name (FROM ... AS build) for COPY --from"
    assert "scripts/build.sh" in (REPO / "README.md").read_text(), "README builds with scripts/build.sh"

    workdir, copied_repo, build_dir = "/", False, None
    for word, args in build["instr"]:
        if word == "WORKDIR":
            workdir = posixpath.join(workdir, args)
        elif word == "COPY" and args.split()[-2:] in (["."] * 2, [".", "./"]):
            copied_repo = True
        elif word == "RUN" and "scripts/build.sh" in args:
            assert copied_repo, "build.sh runs before the repository is copied in"
            tokens = shlex.split(re.sub(r"^--mount=\S+\s+", "", args))
            i = next(i for i, t in enumerate(tokens) if t.endswith("scripts/build.sh"))
            rest = tokens[i + 1:]
            build_dir = rest[0] if rest and not rest[0].startswith("-") and rest[0] != "&&" else "build"
            cmake_options = set(re.findall(r"option\((\w+)", (REPO / "CMakeLists.txt").read_text()))
            for t in rest:
                if t == "&&":
                    break
                if t.startswith("-D"):
                    name = t[2:].split("=")[0].split(":")[0]
                    assert name in cmake_options or name.startswith("CMAKE_"), f"unknown cmake option {t}"
    assert build_dir, "the build stage never runs scripts/build.sh"
    binary = posixpath.normpath(posixpath.join(workdir, build_dir, "server/rime"))

    # build.sh puts the binary at <build-dir>/server/rime: its first argument is the build dir,
    # and server/CMakeLists.txt builds the 'rime' executable (no custom output directory).
    script = (REPO / "scripts" / "build.sh").read_text()
    assert 'build_dir="${1:-build}"' in script and 'cmake --build "$build_dir"' in script
    assert "scripts/install-deps.sh" in script
    assert re.search(r"add_executable\(rime\b", (REPO / "server" / "CMakeLists.txt").read_text())
    assert "RUNTIME_OUTPUT_DIRECTORY" not in (REPO / "CMakeLists.txt").read_text()
    if (Path(RIME_BIN).parent.parent / "CMakeCache.txt").exists():
        assert Path(RIME_BIN).parts[-2:] == ("server", "rime")

    copies = [a for a in instr(stages[-1], "COPY") if f"--from={build['name']}" in a]
    sources = [a.split()[-2] for a in copies]
    assert binary in sources, f"runtime stage should COPY --from={build['name']} {binary}, copies {sources}"


def test_dockerignore_keeps_host_build_trees_out():
    """A host build/ (its CMakeCache.txt has this machine's paths) must not reach the build stage."""
    ignore = REPO / ".dockerignore"
    assert ignore.exists(), "the build context is the repo root: add .dockerignore there"
    patterns = [l.strip().lstrip("/") for l in ignore.read_text().splitlines()
                if l.strip() and not l.startswith("#")]
    for path in ("build", "build-unit", "build-asan", ".git"):
        assert any(fnmatch.fnmatch(path, p.rstrip("/")) for p in patterns), f"{path} not ignored"
    for kept in ("scripts", "config", "server", "CMakeLists.txt"):
        assert not any(fnmatch.fnmatch(kept, p.rstrip("/")) for p in patterns), f"{kept} ignored"


# ---------------------------------------------------------------- env vars and flags vs --help

def test_every_rime_env_and_flag_used_is_an_option(help_info):
    """A misspelt RIME_* variable or flag in the image or compose file is silently ignored or fatal."""
    known_envs = {env for _, env, _ in help_info["options"].values()} | help_info["envs"]
    for path in (DOCKERFILE, COMPOSE):
        # (?<![\w-]) skips cmake's -DRIME_BUILD_TESTS; comments are checked too (they give advice).
        used = set(re.findall(r"(?<![\w-])RIME_[A-Z0-9_]+", path.read_text()))
        assert used, f"{path.name} sets no RIME_* variable"
        assert used <= known_envs, f"{path.name}: not options of --help: {sorted(used - known_envs)}"

    stage = runtime_stage()
    _, service = compose_service()
    argvs = [entrypoint_argv(), healthcheck_cmd(stage), service["healthcheck"]["test"][1:]]
    for key in ("command", "entrypoint"):
        if key in service:
            argvs.append(service[key] if isinstance(service[key], list) else shlex.split(service[key]))
    for argv in argvs:
        for token in argv:
            if token.startswith("-"):
                flag = token.split("=")[0].lstrip("-")
                assert flag in help_info["flags"], f"{token} is not a flag of --help"


# ---------------------------------------------------------------- the HEALTHCHECK really works

def test_healthcheck_passes_against_server_started_like_the_image(rime_bin, tmp_path):
    """docker marks the container healthy only if `rime --health-check` with the image env works."""
    data_dir = tmp_path / "volume"
    data_dir.mkdir()
    proc, port = start_server(
        lambda p: (with_binary(entrypoint_argv(), rime_bin), image_env(rime_bin, p, data_dir)))
    check = with_binary(healthcheck_cmd(runtime_stage()), rime_bin)
    out = subprocess.run(check, env=image_env(rime_bin, port, data_dir), capture_output=True,
                         text=True, timeout=10)
    assert out.returncode == 0, f"{check} -> {out.returncode}: {out.stdout}{out.stderr}"
    # The image's RIME_DATA_DIR is honoured: the volume gets rime's layout.
    assert any(data_dir.iterdir()), "nothing written under RIME_DATA_DIR"
    stop_server(proc)


def test_healthcheck_fails_when_no_server_runs(rime_bin, tmp_path):
    """An unhealthy container must be reported: exit 1 when nothing listens."""
    check = with_binary(healthcheck_cmd(runtime_stage()), rime_bin)
    out = subprocess.run(check, env=image_env(rime_bin, free_port(), tmp_path), capture_output=True,
                         text=True, timeout=10)
    assert out.returncode == 1, f"{check} -> {out.returncode}: {out.stdout}{out.stderr}"


def test_healthcheck_follows_admin_token(rime_bin, tmp_path):
    """compose.yaml says RIME_ADMIN_TOKEN protects admin paths and the health check still passes."""
    assert "RIME_ADMIN_TOKEN" in COMPOSE.read_text()
    token = {"RIME_ADMIN_TOKEN": "s3cret"}
    proc, port = start_server(
        lambda p: (with_binary(entrypoint_argv(), rime_bin), image_env(rime_bin, p, tmp_path, token)),
        token="s3cret")
    assert health_status(port) == 401
    check = with_binary(healthcheck_cmd(runtime_stage()), rime_bin)
    ok = subprocess.run(check, env=image_env(rime_bin, port, tmp_path, token), capture_output=True, timeout=10)
    assert ok.returncode == 0, ok
    bad = subprocess.run(check, env=image_env(rime_bin, port, tmp_path), capture_output=True, timeout=10)
    assert bad.returncode == 1, bad


def test_empty_data_dir_env_means_in_memory(rime_bin, tmp_path):
    """The Dockerfile tells users `-e RIME_DATA_DIR=` runs in memory; an empty value must not be a dir."""
    assert "-e RIME_DATA_DIR=" in DOCKERFILE.read_text()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    proc, port = start_server(
        lambda p: (with_binary(entrypoint_argv(), rime_bin),
                   image_env(rime_bin, p, tmp_path, {"RIME_DATA_DIR": ""})), cwd=cwd)
    stop_server(proc)
    assert not any(cwd.iterdir()), f"rime wrote {list(cwd.iterdir())} with an empty RIME_DATA_DIR"


def test_sigterm_as_pid_1_stops_cleanly(rime_bin, tmp_path):
    """In a container rime is PID 1, which the kernel shields from SIGTERM unless rime takes it."""
    unshare = shutil.which("unshare")
    if not unshare:
        pytest.skip("no unshare")
    prefix = [unshare, "--pid", "--fork", "--kill-child"]
    if os.geteuid() != 0:
        prefix[1:1] = ["--user", "--map-root-user"]
    if subprocess.run(prefix + ["true"], capture_output=True).returncode != 0:
        pytest.skip("cannot create a PID namespace here")
    proc, port = start_server(
        lambda p: (prefix + with_binary(entrypoint_argv(), rime_bin), image_env(rime_bin, p, tmp_path)))
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert len(children) == 1, children
    os.kill(int(children[0]), signal.SIGTERM)  # from the parent namespace, like `docker stop`
    assert proc.wait(timeout=20) == 0, f"rime as PID 1 exited {proc.returncode} on SIGTERM"


# ---------------------------------------------------------------- Dockerfile: runtime stage

def test_runtime_stage_user_volume_port(help_info):
    """The image must not run as root, must keep state in the volume and expose the default port."""
    stage = runtime_stage()
    assert stage["from"] == "debian:12-slim", f"runtime stage should be debian:12-slim, is {stage['from']}"
    runs = " ".join(instr(stage, "RUN"))
    users = instr(stage, "USER")
    assert users, "runtime stage has no USER: it would run as root"
    user = users[-1].split(":")[0]
    m = re.search(r"useradd\b[^&;]*?\brime\b", runs)
    assert m, "runtime stage should create the user rime (useradd)"
    if user.isdigit():
        uid = re.search(r"--uid\s+(\d+)", m.group(0))
        assert uid and uid.group(1) == user != "0", f"USER {user} is not the rime user's uid"
    else:
        assert user == "rime", f"USER {user} should be rime"

    volumes = volume_paths(stage)
    assert "/var/lib/rime" in volumes
    env = env_of_stage(stage)
    assert env.get("RIME_DATA_DIR") == "/var/lib/rime"
    assert env.get("RIME_HOST") == "0.0.0.0", "the container must listen on every interface"
    # The volume dir must exist and belong to rime before VOLUME (later changes are discarded).
    words = [w for w, _ in stage["instr"]]
    owned = [i for i, (w, a) in enumerate(stage["instr"]) if w == "RUN" and re.search(
        r"(install\s+-d\b[^&;]*-o\s+rime\b[^&;]*/var/lib/rime)|(chown\s+(-R\s+)?rime(:rime)?\s+/var/lib/rime)", a)]
    assert owned and owned[0] < words.index("VOLUME"), "/var/lib/rime must be owned by rime before VOLUME"

    exposed = [p.split("/")[0] for a in instr(stage, "EXPOSE") for p in a.split()]
    default_port = help_info["options"]["port"][2]
    assert exposed == [env.get("RIME_PORT", default_port)] == ["4566"], exposed

    # ENTRYPOINT ["rime"] needs the binary on PATH.
    dests = [a.split()[-1] for a in instr(stage, "COPY") if "--from=" in a]
    assert "/usr/local/bin/rime" in dests, f"binary should go to /usr/local/bin/rime, goes to {dests}"
    assert entrypoint_argv()[0] == "rime"


def dpkg_packages_of(lib_paths):
    """{library path: owning Debian package}, in one dpkg -S call (each call reads every file list).
    Merged /usr: ldd says /lib/..., dpkg may know /usr/lib/..., so both are asked."""
    candidates = {}
    for lib in lib_paths:
        real = os.path.realpath(lib)
        for c in (lib, real, "/usr" + lib, "/usr" + real):
            candidates.setdefault(c, lib)
    out = subprocess.run(["dpkg", "-S", *candidates], capture_output=True, text=True)
    owners = {}
    for line in out.stdout.splitlines():
        pkgs, _, path = line.partition(": ")
        if path in candidates:
            owners.setdefault(candidates[path], pkgs.split(",")[0].split(":")[0].strip())
    return owners


def test_runtime_packages_cover_every_shared_library(rime_bin):
    """A library missing from the slim image makes the container die at exec; extra ones bloat it."""
    if not shutil.which("dpkg") or not shutil.which("ldd"):
        pytest.skip("needs dpkg and ldd (Debian)")
    runs = instr(runtime_stage(), "RUN")
    installs = [r for r in runs if "apt-get install" in r]
    packages = set()
    for run in installs:
        assert "--no-install-recommends" in run
        for part in re.split(r"&&|;", run):
            tokens = shlex.split(part)
            if "apt-get" in tokens and "install" in tokens:
                packages |= {t for t in tokens[tokens.index("install") + 1:] if not t.startswith("-")}

    ldd = subprocess.run(["ldd", rime_bin], capture_output=True, text=True, check=True).stdout
    assert "not found" not in ldd, ldd
    if re.search(r"lib[at]san\.so", ldd):
        # tests/sanitize.sh links system libraries shared on purpose; the image ships a release build.
        pytest.skip("sanitizer build: the image is built from the release build")
    libs = {}
    for line in ldd.splitlines():
        m = re.match(r"^\s*(\S+)(?:\s+=>\s+(\S+))?", line)
        name, path = m.group(1), m.group(2) or m.group(1)
        if not name.startswith(BASE_LIB_PREFIXES) and path.startswith("/"):
            libs[path] = name
    owners = dpkg_packages_of(libs)
    needed = {}
    for path, name in libs.items():
        assert path in owners, f"no Debian package owns {path}"
        if owners[path] not in BASE_PACKAGES:
            needed[owners[path]] = name
    missing = {p: lib for p, lib in needed.items() if p not in packages}
    assert not missing, f"runtime stage lacks packages for {missing}"
    extra = packages - set(needed)
    assert not extra, f"runtime stage installs packages no linked library needs: {sorted(extra)}"


# What a release build of the daemon may load at exec: glibc alone. Every other shared library
# costs resident pages and relocations at each start (DESIGN.md's budget). libm is glibc's too
# (libc6) and cannot be linked statically into a dynamic program; libstdc++'s floating-point
# to_chars/from_chars and rime's own arithmetic (pow, ldexp, llround) need it.
DAEMON_ONLY_LIBS = ("linux-vdso", "linux-gate", "ld-linux", "libc.so", "libm.so")
SANITIZER_LIBS = ("libasan", "libubsan", "libtsan", "liblsan")


def test_daemon_links_only_glibc(rime_bin):
    """A new dependency must come from a static archive, or the idle-memory budget is lost."""
    if not shutil.which("ldd"):
        pytest.skip("needs ldd")
    ldd = subprocess.run(["ldd", rime_bin], capture_output=True, text=True, check=True).stdout
    names = [posixpath.basename(line.split()[0]) for line in ldd.splitlines() if line.strip()]
    if any(n.startswith(SANITIZER_LIBS) for n in names):
        pytest.skip("sanitizer builds link their runtimes and system libraries as shared objects")
    assert all(n.startswith(DAEMON_ONLY_LIBS) for n in names), ldd


# ---------------------------------------------------------------- config/rime.toml

def test_config_lists_exactly_the_options_with_their_defaults(help_info):
    """rime.toml is the reference users copy from: it must match --help option for option."""
    found, lines = toml_options()
    options = help_info["options"]
    assert set(found) == set(options), (
        f"missing: {sorted(set(options) - set(found))}, unknown: {sorted(set(found) - set(options))}")
    for key, (text, i) in found.items():
        assert toml_text_value(key, text) == options[key][2], (
            f"{key} = {text} in rime.toml, --help says default {options[key][2]!r}")
        above = lines[i - 1] if i else ""
        assert above.startswith("# ") and not re.match(r"^#\s?[a-z_]+\s*=", above) and len(above) > 4, (
            f"{key} needs a one-line comment above it")
    assert tomllib.loads(CONFIG.read_text()) == {}, "shipped rime.toml must leave every default as is"


def test_shipped_config_starts(rime_bin):
    """The file as shipped must parse: the image points RIME_CONFIG at it."""
    start_server(lambda p: ([rime_bin, "--config", str(CONFIG), "--port", str(p)], clean_env()))


def test_uncommented_config_starts_and_serves_health(rime_bin, tmp_path):
    """Every line uncommented (defaults; a free port) must still be a valid config."""
    found, lines = toml_options()
    for key, (_, i) in found.items():
        lines[i] = lines[i][1:].lstrip()

    def make(port):
        text = [f"port = {port}" if re.match(r"^port\s*=", l) else l for l in lines]
        path = tmp_path / f"rime-{port}.toml"
        path.write_text("\n".join(text) + "\n")
        assert set(tomllib.loads(path.read_text())) == set(found)
        return [rime_bin, "--config", str(path)], clean_env()

    proc, _ = start_server(make)
    stop_server(proc)


def test_unknown_config_key_is_fatal(rime_bin, tmp_path):
    """Why rime.toml must list nothing but real options: a stray key stops the server (exit 2)."""
    bad = tmp_path / "bad.toml"
    bad.write_text(CONFIG.read_text() + "\nno_such_option = 1\n")
    out = subprocess.run([rime_bin, "--config", str(bad), "--port", "0"], env=clean_env(),
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 2 and "no_such_option" in out.stderr, out


# ---------------------------------------------------------------- compose.yaml

def test_compose_matches_dockerfile(help_info):
    """compose.yaml must publish the image's port, mount its volume and run its health check."""
    doc, service = compose_service()
    stage = runtime_stage()
    build = service["build"]
    assert (COMPOSE.parent / build["context"]).resolve() == REPO
    assert ((COMPOSE.parent / build["context"]) / build["dockerfile"]).resolve() == DOCKERFILE

    exposed = instr(stage, "EXPOSE")[0].split("/")[0]
    ports = [str(p).split(":")[-1].split("/")[0] for p in service["ports"]]
    assert ports == [exposed], f"compose publishes {service['ports']}, image exposes {exposed}"

    mounts = [v.split(":") if isinstance(v, str) else [v["source"], v["target"]] for v in service["volumes"]]
    targets = {m[1]: m[0] for m in mounts}
    assert set(targets) == set(volume_paths(stage)), f"compose mounts {targets}"
    for source in targets.values():
        assert source in (doc.get("volumes") or {}), f"named volume {source} not declared"

    test = service["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1:] == healthcheck_cmd(stage), test

    shutdown_ms = int(compose_env(service).get("RIME_SHUTDOWN_TIMEOUT_MS",
                                                help_info["options"]["shutdown_timeout_ms"][2]))
    grace = service.get("stop_grace_period", "10s")
    m = re.fullmatch(r"(\d+)s", grace)
    assert m and int(m.group(1)) * 1000 > shutdown_ms, (
        f"stop_grace_period {grace} must exceed the shutdown timeout ({shutdown_ms} ms) so state is written")
