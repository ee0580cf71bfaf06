"""The searchable course: chunks, their BM25 index, and (optionally) their embeddings.

Built once per course and kept on disk, keyed by the index version, the course's fingerprint
and a digest of the chunk texts themselves (the fingerprint does not cover snippet output,
which the Terminal chunks quote). A restart with an unchanged course loads instead of
rebuilding; the embeddings, the only slow part, are kept per model.

bm25s computes the BM25 scores when an index is built; the cache keeps its score matrix as
plain arrays, so a cached index is searched with numpy alone (importing bm25s imports SciPy,
which costs more than loading and searching the whole index).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import itertools
import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from aula.content.localize import available, localized, primary
from aula.content.model import Course
from aula.content.snippets import default_cache_dir
from aula.instructor.chunks import Chunk, course_chunks, translated_chunks
from aula.instructor.embeddings import Embedder, Vectors
from aula.instructor.language import LANGS, Lang, content_stems, detect

INDEX_VERSION = 2
NAME_MIN_IDF = 1.0  # a word in more than about a third of the chunks does not name one


@dataclass(frozen=True)
class Bm25Matrix:
    """bm25s's precomputed BM25 scores: a sparse matrix in CSC form, one column per stem
    (``vocab_dict`` gives its number), one row per chunk."""

    vocab_dict: dict[str, int]
    data: np.ndarray[Any, np.dtype[np.float32]]
    indices: np.ndarray[Any, np.dtype[np.int64]]
    indptr: np.ndarray[Any, np.dtype[np.int64]]
    num_docs: int

    @classmethod
    def index(cls, tokens: list[list[str]]) -> Bm25Matrix:
        import bm25s

        retriever = bm25s.BM25()  # Lucene's variant: no score for absent terms
        retriever.index(tokens, show_progress=False)
        scores = retriever.scores
        return cls(
            {str(k): int(v) for k, v in retriever.vocab_dict.items()},
            np.asarray(scores["data"], np.float32),
            np.asarray(scores["indices"], np.int64),
            np.asarray(scores["indptr"], np.int64),
            int(scores["num_docs"]),
        )

    def document_frequency(self, tid: int) -> int:
        if tid + 1 >= len(self.indptr):
            return 0
        return int(self.indptr[tid + 1] - self.indptr[tid])

    def get_scores_from_ids(self, ids: list[int]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Each chunk's summed score for the stems ``ids`` (as ``bm25s.BM25`` computes it)."""
        scores = np.zeros(self.num_docs, dtype=np.float32)
        for tid in ids:
            if tid + 1 >= len(self.indptr):
                continue  # bm25s's last id (the empty token) has no column
            start, end = self.indptr[tid], self.indptr[tid + 1]
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.json").write_text(json.dumps(self.vocab_dict, ensure_ascii=False))
        with (folder / "scores.npz").open("wb") as fh:
            np.savez(
                fh,
                data=self.data,
                indices=self.indices,
                indptr=self.indptr,
                num_docs=np.array(self.num_docs),
            )

    @classmethod
    def load(cls, folder: Path) -> Bm25Matrix:
        vocab = json.loads((folder / "vocab.json").read_text("utf-8"))
        with np.load(folder / "scores.npz") as arrays:
            data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
            num_docs = int(arrays["num_docs"])
        if not isinstance(vocab, dict) or len(indptr) not in (len(vocab), len(vocab) + 1):
            raise ValueError("damaged BM25 matrix")
        return cls(vocab, data, indices, indptr, num_docs)


@dataclass
class CourseIndex:
    """Chunks, their BM25 scores and per-sentence stems; ``vectors`` once embeddings are on."""

    key: str
    course_id: str
    lang: Lang
    chunks: tuple[Chunk, ...]
    bm25: Bm25Matrix
    sentence_stems: tuple[tuple[frozenset[str], ...], ...]
    subject_stems: tuple[frozenset[str], ...]
    primary: bool = True  # the course's own language; False for a translation's index
    context_vectors: Vectors | None = None
    sentence_vectors: tuple[Vectors, ...] | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.chunks)

    def idf(self, stem: str) -> float:
        """Lucene's idf, as bm25s scores it; a stem the course never uses gets the highest."""
        tid = self.bm25.vocab_dict.get(stem)
        df = 0 if tid is None else self.bm25.document_frequency(tid)
        n = self.size
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    @functools.cached_property
    def names(self) -> tuple[frozenset[str], ...]:
        """Per chunk, the distinctive words of what it is about (a term's name and aliases,
        without words most pages use, such as "model"): how a question names it."""
        return tuple(
            frozenset(s for s in subject if self.idf(s) >= NAME_MIN_IDF)
            for subject in self.subject_stems
        )

    @functools.cached_property
    def _topics(self) -> frozenset[str]:
        """The names of what the teaching pages are about (not the checks' prompts)."""
        teaching = ("term", "slide", "section", "card", "node")
        return frozenset(
            s
            for names, c in zip(self.names, self.chunks, strict=True)
            if c.kind in teaching
            for s in names
        )

    def salience(self, stem: str) -> float:
        """How much a word says what a question is about: a page's name first, then rarity."""
        if stem not in self.bm25.vocab_dict:
            return 0.0
        return self.idf(stem) + (10.0 if stem in self._topics else 0.0)

    def together(self, groups: tuple[frozenset[str], ...]) -> list[frozenset[str]]:
        """Of ``groups`` (a long message's words), those the passage that matches them best
        also has: the words the course speaks of together, not a story's incidental ones."""
        if not groups:
            return []
        per_group = [np.max([self.term_scores(s) for s in g], axis=0) for g in groups if g]
        best = int(np.argmax(np.sum(per_group, axis=0)))
        return [g for g, scores in zip(groups, per_group, strict=True) if scores[best] > 0]

    def term_scores(self, stem: str) -> Any:
        """BM25 score of one stem in every chunk (zeros for a stem the course never uses)."""
        tid = self.bm25.vocab_dict.get(stem)
        if tid is None:
            return np.zeros(self.size, dtype=np.float32)
        return self.bm25.get_scores_from_ids([tid])


def course_lang(course: Course) -> Lang:
    """The course's language when it is one the instructor stems, else English."""
    lang = course.language.split("-")[0].lower()
    return next((code for code in LANGS if code == lang), "en")


def index_key(course: Course, chunks: tuple[Chunk, ...]) -> str:
    material = json.dumps([INDEX_VERSION, course.fingerprint, [c.to_json() for c in chunks]])
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def chunks_in(course: Course, lang: Lang | None) -> tuple[Lang, tuple[Chunk, ...]]:
    """The course's own chunks (``lang`` None or the course's), or those translated to ``lang``."""
    own = course_lang(course)
    if lang is None or lang == own:
        return own, course_chunks(course)
    if lang not in (primary(t) for t in available(course)):
        return lang, translated_chunks(course, lang)
    # The course's edition in ``lang``: every page it has translated (slides, sections,
    # terms, skill-tree nodes, checks, program output). The edition falls back to the course's
    # own text field by field; a passage left untranslated (the same text, or detected as the
    # course's language) stays out, so an answer never mixes languages.
    own_texts = {c.text for c in course_chunks(course)}
    edition = course_chunks(localized(course, lang))
    return lang, tuple(
        c for c in edition if c.text not in own_texts and detect(" ".join(c.sentences)) == lang
    )


def build(course: Course, lang: Lang | None = None) -> CourseIndex:
    """Cut the course (or its ``lang`` translation) into chunks and index them with BM25."""
    start = time.perf_counter()
    lang, chunks = chunks_in(course, lang)
    tokens = [content_stems(c.text, lang) or [""] for c in chunks]
    retriever = Bm25Matrix.index(tokens)
    stems = tuple(tuple(frozenset(content_stems(s, lang)) for s in c.sentences) for c in chunks)
    key, subjects = index_key(course, chunks), _subjects(chunks, lang)
    index = CourseIndex(key, course.id, lang, chunks, retriever, stems, subjects)
    index.primary = lang == course_lang(course)
    index.timings["build_ms"] = (time.perf_counter() - start) * 1000
    return index


def _subjects(chunks: tuple[Chunk, ...], lang: Lang) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(content_stems(" ".join(c.subject), lang)) for c in chunks)


def embedding_units(index: CourseIndex) -> list[str]:
    """What gets embedded: per chunk, its context line, then each quotable sentence.

    Sentences rather than whole chunks: a chunk is then as close to a question as its closest
    sentence, which suits short questions, and the same vectors pick the sentence to quote.
    The title prefix gives a sentence such as "It's the result of training." its subject.
    """
    units: list[str] = []
    for c in index.chunks:
        units.append(" · ".join((c.title, *c.subject, *c.context)))
        units += [f"{c.title}: {s}" for s in c.sentences]
    return units


def embed(index: CourseIndex, embedder: Embedder, root: Path | None) -> None:
    """Attach vectors, reusing those cached for unchanged texts: only edits are re-embedded."""
    start = time.perf_counter()
    units = embedding_units(index)
    name = f"{index.course_id}{'' if index.primary else '-' + index.lang}-{embedder.key}"
    cached = _load_vectors(root, name) if root else {}
    digests = [_digest(u) for u in units]
    missing = [i for i, d in enumerate(digests) if d not in cached]
    fresh = embedder.passages([units[i] for i in missing])
    cached.update({digests[i]: fresh[row] for row, i in enumerate(missing)})
    flat = np.stack([cached[d] for d in digests]).astype(np.float32)
    if root and missing:
        _save_vectors(root, name, digests, flat)
    counts = [1 + len(c.sentences) for c in index.chunks]
    per_chunk = _split(flat, counts)
    # Sentences first: a reader in another thread takes ``context_vectors`` as "ready".
    index.sentence_vectors = tuple(v[1:] for v in per_chunk)
    index.context_vectors = np.stack([v[0] for v in per_chunk])
    index.timings["embed_ms"] = (time.perf_counter() - start) * 1000
    index.timings["embedded"] = float(len(missing))
    index.timings["embeddings_reused"] = float(len(units) - len(missing))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _split(flat: Vectors, counts: list[int]) -> tuple[Vectors, ...]:
    bounds = np.cumsum([0, *counts])
    return tuple(flat[a:b] for a, b in itertools.pairwise(bounds))


# ---- the disk cache ---------------------------------------------------------------------


def cache_root() -> Path:
    return default_cache_dir() / "instructor"


@contextmanager
def building(root: Path) -> Iterator[None]:
    """Hold the cache folder's build lock (``flock``): server processes starting together,
    granian's workers or servers on several machines sharing the folder, build an index once;
    the others wait, then load what it saved. A folder that cannot be written just builds."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = (root / ".build.lock").open("a+b")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _folder(root: Path, key: str) -> Path:
    return root / f"v{INDEX_VERSION}-{key}"


def _write_atomically(folder: Path, write: Any) -> None:
    """Write into a temporary folder and rename it, so a reader never sees half an index."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        write(tmp)
        os.replace(tmp, folder)
    except OSError:
        # Another process won the race and wrote the same index: theirs is as good as ours.
        if not folder.exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def save(index: CourseIndex, root: Path) -> None:
    folder = _folder(root, index.key)
    if not (folder / "chunks.json").exists():

        def write(tmp: Path) -> None:
            index.bm25.save(tmp / "bm25")
            stems = [[sorted(s) for s in per] for per in index.sentence_stems]
            data = {
                "lang": index.lang,
                "chunks": [c.to_json() for c in index.chunks],
                "sentence_stems": stems,
            }
            (tmp / "chunks.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")

        _write_atomically(folder, write)


def _vectors_file(root: Path, key: str) -> Path:
    return root / f"vectors-{key}.npz"


def _load_vectors(root: Path, key: str) -> dict[str, Vectors]:
    try:
        with np.load(_vectors_file(root, key)) as data:
            hashes, vectors = list(data["hashes"]), np.asarray(data["vectors"], np.float32)
    except (OSError, ValueError, KeyError):
        return {}
    return {str(h): v for h, v in zip(hashes, vectors, strict=False)}


def _save_vectors(root: Path, key: str, digests: list[str], flat: Vectors) -> None:
    """Keep only the current course's texts, so the file does not grow with every edit."""
    root.mkdir(parents=True, exist_ok=True)
    path = _vectors_file(root, key)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    with tmp.open("wb") as fh:
        np.savez(fh, hashes=np.array(digests), vectors=flat)
    os.replace(tmp, path)


def load(course: Course, root: Path, wanted: Lang | None = None) -> CourseIndex | None:
    """The cached index for ``course`` (in ``lang``), or None when there is none or it is
    unreadable."""
    start = time.perf_counter()
    _, chunks = chunks_in(course, wanted)
    key = index_key(course, chunks)
    folder = _folder(root, key)
    if not folder.is_dir():
        return None
    try:
        data = json.loads((folder / "chunks.json").read_text("utf-8"))
        retriever = Bm25Matrix.load(folder / "bm25")
        stems = tuple(tuple(frozenset(s) for s in per) for per in data["sentence_stems"])
        lang = next(code for code in LANGS if code == data["lang"])
        if len(stems) != len(chunks) or retriever.num_docs != len(chunks):
            raise ValueError("index does not match its chunks")
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        shutil.rmtree(folder, ignore_errors=True)  # damaged: the next save writes it anew
        return None
    index = CourseIndex(key, course.id, lang, chunks, retriever, stems, _subjects(chunks, lang))
    index.primary = lang == course_lang(course)
    index.timings["load_ms"] = (time.perf_counter() - start) * 1000
    return index
