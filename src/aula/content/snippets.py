"""Run course code for its Terminal view: a separate Python, a timeout, no network, a scratch dir.

Author code is trusted no more than it must be. It runs in an empty temporary folder with an
environment of its own (nothing of the server's: no ``AULA_LLM_API_KEY``), memory, CPU, file and
process limits, and an audit hook that refuses sockets and child processes. Around that, the
strongest containment this machine offers (``containment()``, which ``aula check`` reports):

- ``bubblewrap`` (Debian's ``bwrap``): new user, PID, network, IPC and mount namespaces; only
  the system's ``/usr``, Python, Aula's code and the course folder are visible, read-only, so
  the server's data folder (database, ``secret.key``) and other processes do not exist; killing
  the sandbox kills everything in it.
- ``namespaces`` (``unshare``): new PID and network namespaces and its own ``/proc``; the file
  system is the server's.
- ``process group``: its own session, killed as a group; nothing else.

The audit hook alone is no boundary (``ctypes`` calls ``fork`` directly); the namespaces are.
Results are cached by a hash of everything that can change them.
"""

from __future__ import annotations

import contextlib
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

RUNNER_VERSION = 2  # 2: run in containment()
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


MEMORY_LIMIT = 2 * 2**30  # address space; numpy and a small model's header fit many times
EXTRA_PROCESSES = 64  # threads and processes a snippet may add to its user's count
BUBBLEWRAP = "bubblewrap"
NAMESPACES = "namespaces"
PROCESS_GROUP = "process group"
_UNSHARE = ("unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc")


def _works(argv: Sequence[str]) -> bool:
    try:
        probe = subprocess.run([*argv, "true"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def _system_binds() -> list[str]:
    """The read-only system a snippet sees under bubblewrap: /usr and its merged-usr links."""
    out = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        path = Path(top)
        if path.is_symlink():
            out += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            out += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime"):
        out += ["--ro-bind-try", etc, etc]
    return out


def _bwrap_base() -> list[str]:
    base = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session"]
    if os.geteuid() == 0:
        base += ["--cap-drop", "ALL"]
    return [*base, *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]  # noqa: S108


@lru_cache(maxsize=1)
def containment() -> str:
    """The strongest containment this machine allows for snippets (see the module's doc)."""
    if not sys.platform.startswith("linux"):
        return PROCESS_GROUP
    if shutil.which("bwrap") and _works([*_bwrap_base(), "/usr/bin/env"]):
        return BUBBLEWRAP
    if shutil.which("unshare"):
        if _works(_UNSHARE):
            return NAMESPACES
        if _works([*_UNSHARE, "--map-root-user"]):
            return NAMESPACES + " (mapped root)"
    return PROCESS_GROUP


def _sandbox(scratch: Path, course_root: Path) -> list[str]:
    """The command prefix that puts a snippet in ``containment()``."""
    kind = containment()
    if kind == BUBBLEWRAP:
        visible = {
            Path(sys.prefix),
            Path(sys.base_prefix),
            Path(sys.executable).resolve().parent,
            Path(aula.__file__).resolve().parent.parent,
        }
        binds = [arg for p in sorted(visible) for arg in ("--ro-bind", str(p), str(p))]
        return [
            *_bwrap_base(),
            *binds,
            "--ro-bind",
            str(course_root.resolve()),
            str(course_root.resolve()),
            "--bind",
            str(scratch),
            str(scratch),
            "--chdir",
            str(scratch),
        ]
    if kind.startswith(NAMESPACES):
        return [*_UNSHARE, *(["--map-root-user"] if kind != NAMESPACES else [])]
    return []


def _user_tasks() -> int:
    """Processes and threads this user runs now (RLIMIT_NPROC counts them all)."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                continue
    return count


def _limits(timeout: float, processes: int) -> None:
    # Runs in the child before exec: CPU time, memory, file sizes, processes, no core dumps.
    cpu = int(timeout) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 2**20, 256 * 2**20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


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
        "OPENBLAS_NUM_THREADS": "1",  # one thread: the memory and process limits stay ample
        "OMP_NUM_THREADS": "1",
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
            *_sandbox(scratch, course_root),
            sys.executable,
            "-I",
            "-c",
            PRELUDE,
            str(Path(aula.__file__).parent.parent),
            str(path),
        ]
        processes = (
            0 if sys.platform != "linux" or os.getuid() == 0 else _user_tasks() + EXTRA_PROCESSES
        )
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=scratch,
            env=_child_env(scratch, course_root),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=lambda: _limits(snippet.timeout, processes),
        )
        timed_out = False
        try:
            out, err = proc.communicate(timeout=snippet.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                # The sandbox's own PID namespace, escapees included, dies with its leader.
                os.killpg(proc.pid, signal.SIGKILL)
            try:
                out, err = proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:  # an escapee holds the pipes (process group only)
                proc.kill()
                out, err = b"", b"[the snippet left a process running; its output is lost]\n"
                proc.wait()
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
        self.containment = containment()
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
