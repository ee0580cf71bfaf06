"""Ranking chunks for a question: BM25 always, fused with embeddings when they are on.

Two numbers per chunk. ``rank`` orders chunks: BM25 alone, or reciprocal rank fusion of the
BM25 and embedding rankings. ``confidence`` (0 to 1) says how well the chunk covers the question
and decides refusals: with BM25 alone it is the idf-weighted share of the question's groups the
chunk contains ("coverage"); with embeddings it blends coverage with how far the chunk's
cosine similarity stands above the median chunk's ("margin"), rescaled between two calibrated
points (see ``Calibration``). The margin, not the raw cosine: e5's cosines all sit between
about 0.72 and 0.93, and a Spanish question's sit lower against English text than an English
one's, while the margin of the best chunk separates covered from uncovered questions in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aula.instructor.index import CourseIndex
from aula.instructor.query import Query

Floats = NDArray[np.float32]

RRF_K = 10  # small: with ~70 chunks, ranks past 10 carry little information

# Pages that teach come before the pages that test: a slide, a section or a glossary term is
# the better link for a learner than the knowledge check that quizzes the same fact.
KIND_PRIOR = {
    "slide": 1.0,
    "section": 1.0,
    "term": 1.0,
    "card": 0.95,
    "terminal": 0.9,
    "node": 0.85,
    "question": 0.8,
}


@dataclass(frozen=True)
class Calibration:
    """Thresholds fitted on bench/instructor_questions.yaml; see docs/instructor.md."""

    min_confidence: float = 0.375  # refuse below this, with BM25 alone
    min_confidence_e5: float = 0.275  # refuse below this, with embeddings
    margin_floor: float = 0.03  # cosine above the median chunk's that means "unrelated" (→ 0)
    margin_ceiling: float = 0.12  # … and that means "about this" (→ 1)
    margin_weight: float = 0.25  # share of the margin in the blended confidence
    unknown_idf_cap: float = 1.5  # a word the course never uses weighs this × the rarest word
    unknown_idf_cap_e5: float = 2.0  # … with embeddings
    unknown_name_factor: float = 2.0  # a name the course never uses ("Xbox"): × the cap


CALIBRATION = Calibration()


@dataclass(frozen=True)
class Scored:
    """Per-chunk numbers for one question."""

    bm25: Floats
    coverage: Floats
    cosine: Floats | None
    rank: Floats
    confidence: Floats
    group_idf: tuple[float, ...]
    query_vector: Floats | None
    median_cosine: float = 0.0


def _group_idf(index: CourseIndex, group: frozenset[str], cap: float) -> float:
    known = [index.idf(s) for s in group if s in index.bm25.vocab_dict]
    return max(known) if known else cap


def _bm25(
    index: CourseIndex, query: Query, cap: float, name_factor: float = 1.0
) -> tuple[Floats, Floats, list[float]]:
    """Sum over groups of the best alternative's BM25 score; idf-weighted coverage of groups."""
    n = index.size
    score, covered = np.zeros(n, np.float32), np.zeros(n, np.float32)
    rarest = index.idf("\x00never")  # the idf of a stem in no chunk
    weights: list[float] = []
    for group in query.groups:
        factor = name_factor if group in query.unknown_names else 1.0
        weights.append(_group_idf(index, group, rarest * cap * factor))
        best, present = np.zeros(n, np.float32), np.zeros(n, np.float32)
        for alt in group:
            s = index.term_scores(alt)
            best = np.maximum(best, s)
            present = np.maximum(present, (s > 0) * index.idf(alt))
        score += best
        covered += np.minimum(present, weights[-1])
    total = sum(weights)
    coverage = covered / total if total > 0 else covered
    return score, coverage.astype(np.float32), weights


def _ranks(values: Floats) -> Floats:
    """1 for the best chunk, 2 for the next…; ties keep the course's order."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), np.float32)
    ranks[order] = np.arange(1, len(values) + 1, dtype=np.float32)
    return ranks


def nearness(cos: Floats, median: float, cal: Calibration = CALIBRATION) -> Floats:
    """0 to 1: how far cosines stand above the median chunk's, between the calibrated points."""
    span = cal.margin_ceiling - cal.margin_floor
    near: Floats = np.clip((cos - median - cal.margin_floor) / span, 0.0, 1.0).astype(np.float32)
    return near


def chunk_cosines(index: CourseIndex, q: Floats) -> Floats:
    """A chunk is as close to the question as its closest sentence (or its context line)."""
    assert index.context_vectors is not None
    assert index.sentence_vectors is not None
    ctx = index.context_vectors @ q
    best = [float(np.max(v @ q)) if len(v) else -1.0 for v in index.sentence_vectors]
    cos: Floats = np.maximum(ctx, np.array(best, np.float32)).astype(np.float32)
    return cos


def score(
    index: CourseIndex,
    query: Query,
    query_vector: Floats | None = None,
    cal: Calibration = CALIBRATION,
) -> Scored:
    e5 = query_vector is not None and index.context_vectors is not None
    cap = cal.unknown_idf_cap_e5 if e5 else cal.unknown_idf_cap
    bm25, coverage, weights = _bm25(index, query, cap, cal.unknown_name_factor)
    prior = np.array([KIND_PRIOR.get(c.kind, 1.0) for c in index.chunks], np.float32)
    if query_vector is None or index.context_vectors is None:
        rank = (bm25 + coverage) * prior  # coverage breaks ties between equal BM25 scores
        return Scored(bm25, coverage, None, rank, coverage, tuple(weights), None)
    cos = chunk_cosines(index, query_vector)
    fused = 1 / (RRF_K + _ranks(cos))
    fused += np.where(bm25 > 0, 1 / (RRF_K + _ranks(bm25)), 0).astype(np.float32)
    w, median = cal.margin_weight, float(np.median(cos))
    confidence = ((1 - w) * coverage + w * nearness(cos, median, cal)).astype(np.float32)
    rank = (fused * prior).astype(np.float32)
    return Scored(bm25, coverage, cos, rank, confidence, tuple(weights), query_vector, median)
