"""A built course kept on disk, keyed by everything that built it, so a warm start skips the
parsing, validation, Markdown and highlighting (~0.2 s and their imports) and unpickles it.

The key hashes every file under the course folder (names and bytes), the source of the content
layer and of the labs (which snippets import), where the libraries that render a course are
installed and when they were (an upgrade is a miss), Aula's and Python's versions and the load
options: a change to any of them is a miss.
Only courses without errors are kept. The cache folder is the user's own (as for snippet output,
``AULA_CACHE_DIR`` or ``~/.cache/aula``), and a file that cannot be read is rebuilt, never trusted
to raise.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import operator
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

import aula

if TYPE_CHECKING:
    from aula.content.loader import CheckReport

FORMAT = b"aula-course-cache-1"
SOURCES = (Path(__file__).parent, Path(aula.__file__).parent / "labs")
RENDERERS = ("markdown_it", "mdit_py_plugins", "nh3", "pygments", "yaml", "pydantic")


def course_key(root: Path, *, run_snippets: bool) -> str:
    digest = hashlib.sha256(FORMAT)
    digest.update(f"{aula.__version__}|{sys.version}|{root}|{run_snippets}".encode())
    for name in RENDERERS:  # found, not imported
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec and spec.origin else ""
        stamp = os.stat(origin).st_mtime_ns if origin else 0
        digest.update(f"|{name}={origin}@{stamp}".encode())
    for folder in (*SOURCES, root):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(b"\0" + str(path.relative_to(folder)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


class _Pickler(pickle.Pickler):
    """Pickles parametrised pydantic generics (``Fact[str]``) as ``Fact[str]``, not by a name
    that cannot be looked up."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            meta = obj.__pydantic_generic_metadata__
            if meta["origin"] is not None:
                args = meta["args"]
                return operator.getitem, (meta["origin"], args[0] if len(args) == 1 else args)
        return NotImplemented


def read(folder: Path, key: str) -> CheckReport | None:
    from aula.content.loader import CheckReport

    try:
        data = (folder / f"{key}.pickle").read_bytes()
        report = pickle.loads(data)  # noqa: S301 - written by this user's Aula, keyed by content
    except Exception:  # missing, truncated or from another Aula: rebuild
        return None
    return report if isinstance(report, CheckReport) else None


def write(folder: Path, key: str, report: CheckReport) -> None:
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(report)
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as out:
            out.write(buffer.getvalue())
        os.replace(out.name, folder / f"{key}.pickle")
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a read-only or odd cache only costs a build next time
