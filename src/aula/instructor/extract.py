"""The sentence or two that answer: picked from the best chunks, not the whole slide.

Each quotable sentence of the top chunks is scored by the share of the question it covers
(idf-weighted, as for chunks; words in the chunk's subject, such as the term a definition
defines, count for part), by its cosine to the question when embeddings are on, and by whether
it is the kind of answer asked for: a number for "how much", a definition for "what is". A
neighbouring sentence is added only when it helps: to give a pronoun its subject ("It's the
result of training."), to finish a very short first sentence, or to cover part of the question
the first one missed. Rows of a table or of program output stand alone, or with a twin row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from aula.instructor.index import CourseIndex
from aula.instructor.query import Query
from aula.instructor.search import CALIBRATION, KIND_PRIOR, Calibration, Scored, nearness

_ANAPHORA = re.compile(
    r"(it|it's|its|this|that|that's|they|these|those|either|both|so|but|however|instead|there)\b",
    re.IGNORECASE,
)
_CHUNK_PRIOR = (1.0, 0.9, 0.8, 0.9)  # best-ranked first; the 4th: a glossary term named
_SUBJECT_CREDIT = 0.6  # a word found only in the chunk's subject, not in the sentence
_SHAPE_BONUS = 1.2  # a number for "how much", the defining sentence for "what is"
_MAX_WORDS = 70
_DIGIT = re.compile(r"\d")
# Sentences that point at something the answer does not show: a list to follow, the Terminal,
# a table, "below". Quoted alone they would dangle.
_POINTER = re.compile(
    r"(:\s*$|\bterminal\b|\bbelow\b|\babove\b|side by side|this table|"
    r"\bsee which way\b|\bthe following\b|\blo siguiente\b|\bla tabla\b|\bdebajo\b|\bde abajo\b)",
    re.IGNORECASE,
)


def dangles(sentence: str) -> bool:
    """Points at something not shown, or is too short to stand alone ("Yes.")."""
    return bool(_POINTER.search(sentence)) or len(sentence.split()) < 3


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


def _coverage(
    stems: frozenset[str], subject: frozenset[str], query: Query, weights: Sequence[float]
) -> float:
    total = sum(weights)
    got = sum(
        w if g & stems else _SUBJECT_CREDIT * w if g & subject else 0.0
        for g, w in zip(query.groups, weights, strict=True)
    )
    return got / total if total else 0.0


def is_row(sentence: str) -> bool:
    """A labelled table row ("Version: SD 1.5; File: 2.13 GB")."""
    return sentence.count("; ") >= 2 and sentence.count(": ") >= 2


def _fit(index: CourseIndex, chunk: int, i: int, sentence: str, query: Query) -> float:
    """Length and shape: very short or very long sentences, and the kind of answer wanted."""
    n = len(sentence.split())
    factor = 0.6 if n < 4 else 0.85 if n > 50 else 1.0
    if dangles(sentence):
        factor *= 0.2
    if query.shape == "number" and _DIGIT.search(sentence):
        factor *= _SHAPE_BONUS
    if query.shape == "definition" and i == 0 and index.chunks[chunk].kind == "term":
        factor *= _SHAPE_BONUS
    return factor


def _sentence_scores(
    index: CourseIndex, chunk: int, query: Query, scored: Scored, cal: Calibration
) -> list[float]:
    subject = index.subject_stems[chunk]
    weights = scored.group_idf
    stems = list(index.sentence_stems[chunk])
    if index.chunks[chunk].kind == "term":
        stems[0] = stems[0] | subject  # a definition's first sentence is about its term
    cover = [_coverage(s, subject, query, weights) for s in stems]
    if scored.query_vector is not None and index.sentence_vectors is not None:
        cos = index.sentence_vectors[chunk] @ scored.query_vector
        near = nearness(cos, scored.median_cosine, cal)
        w = cal.margin_weight
        cover = [(1 - w) * c + w * float(n) for c, n in zip(cover, near, strict=True)]
    sentences = index.chunks[chunk].sentences
    return [c * _fit(index, chunk, i, sentences[i], query) for i, c in enumerate(cover)]


def _twin_row(scores: Sequence[float], best: int) -> int:
    """A second row that matches as well ("SDXL fp16…" and "SDXL batch 4…")."""
    others = [(s, i) for i, s in enumerate(scores) if i != best]
    s, i = max(others, default=(0.0, -1))
    return i if s >= 0.9 * scores[best] > 0 else -1


def _companion(
    index: CourseIndex, chunk: int, best: int, query: Query, scored: Scored, scores: list[float]
) -> int:
    """The neighbouring sentence worth adding to sentence ``best``, or -1."""
    c = index.chunks[chunk]
    text = c.sentences[best]
    after = best + 1 if best + 1 < len(c.sentences) else -1
    if text.endswith(":") and after >= 0:
        return after  # "…peak 17.3 GB:" is finished by the line after it
    if c.kind == "terminal" or is_row(text):
        return _twin_row(scores, best)
    if best > 0 and _ANAPHORA.match(text):
        return best - 1
    if after < 0 or is_row(c.sentences[after]):
        return -1
    if len(text.split()) < 12:
        return after
    stems, subject, weights = (
        index.sentence_stems[chunk],
        index.subject_stems[chunk],
        scored.group_idf,
    )
    have = _coverage(stems[best], subject, query, weights)
    gain = _coverage(stems[best] | stems[after], subject, query, weights) - have
    return after if gain >= 0.2 else -1


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
    sentences = index.chunks[chunk].sentences
    if extra >= 0 and dangles(sentences[extra]):
        extra = -1
    picked = tuple(sorted({i, extra} - {-1}))
    if sum(len(sentences[j].split()) for j in picked) > _MAX_WORDS:
        picked = (i,)
    return Quote(chunk, picked, value)
