"""The sentence or two that answer: picked from the best chunks, not the whole slide.

Each quotable sentence of the top chunks is scored by the share of the question it covers
(idf-weighted, as for chunks) and, with embeddings, by its own cosine to the question. A second
sentence is added only when it helps: to give a pronoun its subject ("It's the result of
training."), to finish a very short first sentence, or to cover part of the question the first
one missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aula.instructor.index import CourseIndex
from aula.instructor.query import Query
from aula.instructor.search import CALIBRATION, KIND_PRIOR, Calibration, Scored, nearness

_ANAPHORA = (
    "it ",
    "it's ",
    "its ",
    "this ",
    "that ",
    "they ",
    "these ",
    "those ",
    "either ",
    "both ",
    "so ",
    "but ",
    "however",
    "instead",
    "that's ",
    "there ",
)
_CHUNK_PRIOR = (1.0, 0.9, 0.8)  # the best-ranked chunk is trusted a little more
_MAX_WORDS = 70


@dataclass(frozen=True)
class Quote:
    chunk: int
    sentences: tuple[int, ...]
    score: float

    def text(self, index: CourseIndex) -> str:
        chunk = index.chunks[self.chunk]
        if chunk.kind != "terminal":
            return " ".join(chunk.sentences[i] for i in self.sentences)
        # Program output: say where it comes from, and keep one row per line.
        files = [c.removeprefix("Terminal: ") for c in chunk.context if c.startswith("Terminal: ")]
        where = f"In the Terminal ({files[0]})" if files else "In the Terminal"
        rows = "\n".join(chunk.sentences[i] for i in self.sentences)
        return f"{where}:\n{rows}"


def _coverage(stems: frozenset[str], query: Query, weights: Sequence[float]) -> float:
    total = sum(weights)
    got = sum(w for g, w in zip(query.groups, weights, strict=True) if g & stems)
    return got / total if total else 0.0


def _length_factor(sentence: str) -> float:
    n = len(sentence.split())
    return 0.6 if n < 4 else 0.85 if n > 50 else 1.0


def _sentence_scores(
    index: CourseIndex, chunk: int, query: Query, scored: Scored, cal: Calibration
) -> list[float]:
    stems = index.sentence_stems[chunk]
    cover = [_coverage(s, query, scored.group_idf) for s in stems]
    sentences = index.chunks[chunk].sentences
    if scored.query_vector is None or index.sentence_vectors is None:
        return [c * _length_factor(t) for c, t in zip(cover, sentences, strict=True)]
    cos = index.sentence_vectors[chunk] @ scored.query_vector
    near = nearness(cos, scored.median_cosine, cal)
    w = cal.margin_weight
    return [
        ((1 - w) * c + w * float(n)) * _length_factor(t)
        for c, n, t in zip(cover, near, sentences, strict=True)
    ]


def _twin_row(scores: Sequence[float], best: int) -> int:
    """In program output, a second row that matches as well ("SDXL fp16…" and "SDXL batch…")."""
    others = [(s, i) for i, s in enumerate(scores) if i != best]
    s, i = max(others, default=(0.0, -1))
    return i if s >= 0.9 * scores[best] > 0 else -1


def _companion(
    index: CourseIndex, chunk: int, best: int, query: Query, scored: Scored, scores: list[float]
) -> int:
    """The sentence worth adding to sentence ``best``, or -1."""
    c = index.chunks[chunk]
    if c.kind == "terminal":
        return _twin_row(scores, best)
    text = c.sentences[best]
    if best > 0 and text.lower().startswith(_ANAPHORA):
        return best - 1
    stems = index.sentence_stems[chunk]
    if len(text.split()) < 12 and best + 1 < len(stems):
        return best + 1
    have = _coverage(stems[best], query, scored.group_idf)
    gains = [
        (_coverage(stems[best] | s, query, scored.group_idf) - have, i)
        for i, s in enumerate(stems)
        if i != best
    ]
    gain, i = max(gains, default=(0.0, -1))
    return i if gain >= 0.15 else -1


def best_quote(
    index: CourseIndex,
    query: Query,
    scored: Scored,
    chunks: Sequence[int],
    cal: Calibration = CALIBRATION,
) -> Quote | None:
    """The best one or two sentences from ``chunks`` (best-ranked first)."""
    best: tuple[float, int, int] | None = None
    per_chunk: dict[int, list[float]] = {}
    for position, chunk in zip(_CHUNK_PRIOR, chunks, strict=False):
        prior = position * KIND_PRIOR.get(index.chunks[chunk].kind, 1.0)
        per_chunk[chunk] = _sentence_scores(index, chunk, query, scored, cal)
        for i, s in enumerate(per_chunk[chunk]):
            if best is None or prior * s > best[0]:
                best = (prior * s, chunk, i)
    if best is None:
        return None
    value, chunk, i = best
    extra = _companion(index, chunk, i, query, scored, per_chunk[chunk])
    picked = tuple(sorted({i, extra} - {-1}))
    sentences = index.chunks[chunk].sentences
    if sum(len(sentences[j].split()) for j in picked) > _MAX_WORDS:
        picked = (i,)
    return Quote(chunk, picked, value)
