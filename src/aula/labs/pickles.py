"""Pickle checkpoints (``.ckpt``, ``.pt``, ``.bin``): refused, never unpickled.

Unpickling runs code: a pickle names functions (``GLOBAL``/``STACK_GLOBAL`` opcodes) and calls
them (``REDUCE``) while it loads, so a checkpoint can run ``os.system`` the moment ``torch.load``
reads it. To make the refusal concrete we list what the file would import, by decoding its
opcodes with ``pickletools.genops``, which only parses them and never executes anything.
"""

from __future__ import annotations

import io
import pickletools
import zipfile
from pathlib import Path

from aula.labs.errors import PickleRefused

PICKLE_SUFFIXES = frozenset({".ckpt", ".pt", ".pth", ".bin", ".pkl", ".pickle"})
_SCAN_LIMIT = 16 * 1024 * 1024  # the pickle part of a checkpoint is small: tensors live apart
_STRING_OPS = frozenset(
    {
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
        "UNICODE",
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
    }
)
_GET_OPS = frozenset({"GET", "BINGET", "LONG_BINGET"})
_PUT_OPS = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})
# What a plain PyTorch state dict imports: tensor rebuilders, storages, dtypes, ordered dicts.
_PLAIN_PREFIXES = ("torch._utils._rebuild_", "numpy.core.multiarray.", "numpy._core.multiarray.")
_PLAIN_NAMES = frozenset(
    {
        "collections.OrderedDict",
        "torch.Size",
        "torch.device",
        "numpy.dtype",
        "numpy.ndarray",
        "_codecs.encode",
    }
)


def is_pickle_name(path: Path) -> bool:
    return path.suffix.lower() in PICKLE_SUFFIXES


def looks_like_pickle(prefix: bytes) -> bool:
    """A zip (PyTorch's format since 1.6) or a raw pickle (protocol 2 to 5)."""
    return prefix[:4] == b"PK\x03\x04" or (
        len(prefix) >= 2 and prefix[0] == 0x80 and 2 <= prefix[1] <= 5
    )


def refuse(path: Path, *, renamed: bool = False) -> PickleRefused:
    """The error to raise for a pickle checkpoint, naming what it would import."""
    imports = pickle_imports(path)
    suspicious = tuple(name for name in imports if not _plain(name))
    kind = (
        "is a pickle checkpoint named like a safetensors file"
        if renamed
        else (f"is a pickle checkpoint ({path.suffix})")
    )
    lines = [
        f"{path.name}: refused: it {kind}. Loading a pickle runs any code the file names "
        "(torch.load can run a program hidden in it), so Aula never unpickles one."
    ]
    if suspicious:
        lines.append(f"This one would import {', '.join(suspicious)}: not a tensor, a program.")
    elif imports:
        lines.append(
            "Its imports look like plain tensors, but a pickle cannot be trusted on looks."
        )
    lines.append("Use the .safetensors version of the model instead.")
    return PickleRefused(" ".join(lines), imports)


def _plain(name: str) -> bool:
    module, _, attr = name.rpartition(".")
    storage = module == "torch" and (attr.endswith("Storage") or attr in {"float16", "bfloat16"})
    return storage or name in _PLAIN_NAMES or name.startswith(_PLAIN_PREFIXES)


def pickle_imports(path: Path) -> tuple[str, ...]:
    """``module.name`` of every global the pickle references, in order, without loading it."""
    try:
        data = _pickle_bytes(path)
    except (OSError, zipfile.BadZipFile):
        return ()
    return _globals(data)


def _pickle_bytes(path: Path) -> bytes:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".pkl")]
            if not names:
                return b""
            with archive.open(names[0]) as member:
                return member.read(_SCAN_LIMIT)
    with path.open("rb") as f:
        return f.read(_SCAN_LIMIT)


def _globals(data: bytes) -> tuple[str, ...]:
    found: list[str] = []
    strings: list[str] = []  # recent string pushes: STACK_GLOBAL takes the last two
    memo: dict[int, str] = {}
    try:
        for opcode, arg, _pos in pickletools.genops(io.BytesIO(data)):
            name = opcode.name
            if name in _STRING_OPS and isinstance(arg, str | bytes):
                strings.append(arg.decode("latin-1") if isinstance(arg, bytes) else arg)
            elif name == "MEMOIZE" and strings:
                memo[len(memo)] = strings[-1]
            elif name in _PUT_OPS and strings and isinstance(arg, int):
                memo[arg] = strings[-1]
            elif name in _GET_OPS and isinstance(arg, int) and arg in memo:
                strings.append(memo[arg])
            elif name == "GLOBAL" and isinstance(arg, str):
                found.append(arg.replace(" ", "."))
            elif name == "STACK_GLOBAL" and len(strings) >= 2:
                found.append(f"{strings[-2]}.{strings[-1]}")
            if name == "STOP":
                break
    except (ValueError, EOFError):  # truncated or not a pickle: report what we saw
        pass
    return tuple(dict.fromkeys(found))
