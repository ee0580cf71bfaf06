"""Run course code for its Terminal view: a separate Python, a timeout, no network, a scratch dir.

Author code is trusted no more than it must be: it runs in its own process and session, in an
empty temporary folder, with a minimal environment, resource limits, an audit hook that refuses
sockets and child processes, and (where Linux allows it) in a network namespace of its own. This
keeps an honest mistake from reaching the network or the author's files; it is not a sandbox
against a hostile author. Results are cached by a hash of everything that can change them.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import aula
from aula.content.model import RunResult

RUNNER_VERSION = 1
MAX_OUTPUT = 64 * 1024

# Runs before the snippet, inside the child. argv: [aula's parent folder, snippet file].
PRELUDE = r"""
import runpy, sys, traceback
BLOCKED = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
           "os.fork", "os.forkpty"}
LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
           "socket.gethostbyaddr"}
def _guard(event, args):
    if event in BLOCKED:
        raise PermissionError("course snippets may not start other programs")
    if event in LOOKUPS:
        raise PermissionError("course snippets run without network access")
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
        import socket
        if getattr(args[0], "family", None) != socket.AF_UNIX:
            raise PermissionError("course snippets run without network access")
sys.path.insert(0, sys.argv[1])
snippet = sys.argv[2]
sys.argv = [snippet]
sys.addaudithook(_guard)
try:
    runpy.run_path(snippet, run_name="__main__")
except SystemExit:
    raise
except BaseException as exc:
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != snippet:
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb)
    sys.exit(1)
"""


@dataclass(frozen=True)
class Snippet:
    """Code to run: ``name`` is the file name learners see (``models_comparison.py``)."""

    name: str
    source: str
    timeout: float = 20.0


def default_cache_dir() -> Path:
    if env := os.environ.get("AULA_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aula"


@lru_cache(maxsize=1)
def _netns_prefix() -> tuple[str, ...]:
    """``unshare`` arguments that give the child an empty network, if this system allows it."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return ()
    for prefix in (("unshare", "--net"), ("unshare", "--net", "--map-root-user")):
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=5, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    return ()


def _limits(timeout: float) -> None:
    # Runs in the child before exec: cap CPU time, file sizes and core dumps.
    cpu = int(timeout) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 2**20, 256 * 2**20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child_env(scratch: Path, course_root: Path) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "AULA_COURSE_DIR": str(course_root),
        "COLUMNS": "100",
    }
    # Some CPUs here need these for OpenBLAS to compute correctly: pass them through.
    env.update({k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")})
    return env


def _clip(text: str, scratch: Path) -> str:
    text = text.replace(f"{scratch}/", "").replace(str(scratch), ".")
    if len(text) > MAX_OUTPUT:
        text = text[:MAX_OUTPUT] + "\n[output cut at 64 KiB]\n"
    return text


def execute(snippet: Snippet, course_root: Path) -> RunResult:
    """Run one snippet now, in a fresh scratch folder, and return what it printed."""
    with tempfile.TemporaryDirectory(prefix="aula-snippet-") as tmp:
        scratch = Path(tmp).resolve()
        path = scratch / Path(snippet.name).name
        path.write_text(snippet.source, encoding="utf-8")
        argv = [
            *_netns_prefix(),
            sys.executable,
            "-I",
            "-c",
            PRELUDE,
            str(Path(aula.__file__).parent.parent),
            str(path),
        ]
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=scratch,
            env=_child_env(scratch, course_root),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=lambda: _limits(snippet.timeout),
        )
        timed_out = False
        try:
            out, err = proc.communicate(timeout=snippet.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        elapsed = (time.perf_counter() - start) * 1000
        return RunResult(
            stdout=_clip(out.decode("utf-8", "replace"), scratch),
            stderr=_clip(err.decode("utf-8", "replace"), scratch),
            exit_code=proc.returncode,
            duration_ms=round(elapsed, 1),
            timed_out=timed_out,
        )


class SnippetRunner:
    """Runs snippets, or returns the cached result of an identical earlier run."""

    def __init__(self, course_root: Path, cache_dir: Path | None = None, *, use_cache: bool = True):
        self.course_root = course_root
        self.cache_dir = (cache_dir or default_cache_dir()) / "snippets"
        self.use_cache = use_cache
        self.executed = 0  # how many snippets really ran: tests read it to prove caching
        self._deps = _dependencies_fingerprint(course_root)

    def key(self, snippet: Snippet) -> str:
        material = {
            "runner": RUNNER_VERSION,
            "python": sys.version,
            "aula": aula.__version__,
            "deps": self._deps,
            "name": snippet.name,
            "source": snippet.source,
        }
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()

    def run(self, snippet: Snippet) -> RunResult:
        path = self.cache_dir / f"{self.key(snippet)}.json"
        if self.use_cache and (cached := _read_cached(path)) is not None:
            return cached
        result = execute(snippet, self.course_root)
        self.executed += 1
        if result.ok and self.use_cache:
            _write_cached(path, result)
        return result

    def run_all(self, snippets: Sequence[Snippet]) -> list[RunResult]:
        # Each snippet waits on its own process, so two threads keep both cores busy.
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            return list(pool.map(self.run, snippets))


def _read_cached(path: Path) -> RunResult | None:
    try:
        return RunResult(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _write_cached(path: Path, result: RunResult) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(result)), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs a re-run next time


def _dependencies_fingerprint(course_root: Path) -> str:
    """A hash of what snippets may read besides their own code: the labs and course data."""
    labs = Path(aula.__file__).parent / "labs"
    files: Iterable[Path] = [*sorted(labs.rglob("*.py")), *sorted(course_root.glob("*.yaml"))]
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.name).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()
