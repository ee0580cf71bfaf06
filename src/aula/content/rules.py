"""Rules that span files: unique ids, references that resolve, acyclic prerequisites,
definitions present, and no raw HTML that sanitising would silently remove."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from pydantic import BaseModel

from aula.content.findings import Finding, did_you_mean
from aula.content.graph import find_cycle
from aula.content.markdown import unsafe_html
from aula.content.reader import Parsed, ParsedCourse, ParsedLesson

Loc = tuple[str | int, ...]


def check_rules(course: ParsedCourse) -> list[Finding]:
    out: list[Finding] = []
    out += _duplicates(course)
    out += _references(course)
    for lesson in course.lessons:
        out += _cycles(lesson)
        out += _orphans(lesson)
    out += _definitions(course)
    out += _html(course)
    return out


def _dupes(items: Iterable[Parsed[BaseModel]], what: str) -> Iterator[Finding]:
    seen: dict[str, Parsed[BaseModel]] = {}
    for item in items:
        if (first := seen.get(item.id)) is not None:
            where = f"{first.file}:{_id_line(first)}"
            yield Finding(
                item.file, _id_line(item), f"duplicate {what} id '{item.id}' (also in {where})"
            )
        else:
            seen[item.id] = item


def _id_line(item: Parsed[BaseModel]) -> int:
    # An id taken from the file name has no line of its own: point at the top of the file.
    return item.line("id") if ("id",) in item.doc.lines else 1


def _duplicates(course: ParsedCourse) -> Iterator[Finding]:
    yield from _dupes(course.terms, "glossary term")
    for lesson in course.lessons:
        yield from _dupes(lesson.slides, "slide")
        yield from _dupes(lesson.sections, "section")
        yield from _dupes(lesson.nodes, "node")
    if course.sources:
        seen: set[str] = set()
        for i, src in enumerate(course.sources.entry.sources):
            if src.id in seen:
                yield Finding(
                    course.sources.file,
                    course.sources.line("sources", i, "id"),
                    f"duplicate source id '{src.id}'",
                )
            seen.add(src.id)
    lessons = course.meta.entry.lessons
    for i, lesson_id in enumerate(lessons):
        if lesson_id in lessons[:i]:
            yield Finding(
                course.meta.file,
                course.meta.line("lessons", i),
                f"lesson '{lesson_id}' is listed twice",
            )
    questions: dict[str, str] = {}
    for lesson in course.lessons:
        for node in lesson.nodes:
            for i, q in enumerate(node.entry.questions):
                line = node.line("questions", i, "id")
                if q.id in questions:
                    yield Finding(
                        node.file,
                        line,
                        f"duplicate question id '{q.id}' (also in {questions[q.id]})",
                    )
                else:
                    questions[q.id] = f"{node.file}:{line}"


def _refs(
    item: Parsed[BaseModel],
    field: str,
    names: Sequence[str],
    known: Sequence[str],
    what: str,
) -> Iterator[Finding]:
    for i, name in enumerate(names):
        if name not in known:
            hint = did_you_mean(name, known)
            yield Finding(
                item.file, item.line(field, i), f"unknown {what} '{name}' in '{field}'{hint}"
            )


def _references(course: ParsedCourse) -> Iterator[Finding]:
    # Items whose own files failed to validate still exist: don't report references to them.
    terms = [*(t.id for t in course.terms), *course.unreadable_terms]
    sources = [s.id for s in course.sources.entry.sources] if course.sources else []
    for term in course.terms:
        yield from _refs(term, "sources", term.entry.sources, sources, "source")
    for lesson in course.lessons:
        slides = [*(s.id for s in lesson.slides), *lesson.unreadable]
        sections = [*(s.id for s in lesson.sections), *lesson.unreadable]
        nodes = [*(n.id for n in lesson.nodes), *lesson.unreadable]
        for slide in lesson.slides:
            yield from _refs(slide, "terms", slide.entry.terms, terms, "glossary term")
            yield from _refs(slide, "sources", slide.entry.sources, sources, "source")
        for section in lesson.sections:
            yield from _refs(section, "sources", section.entry.sources, sources, "source")
        for node in lesson.nodes:
            yield from _refs(node, "prerequisites", node.entry.prerequisites, nodes, "node")
            yield from _refs(node, "slides", node.entry.slides, slides, "slide")
            yield from _refs(node, "sections", node.entry.sections, sections, "section")
            yield from _refs(node, "terms", node.entry.terms, terms, "glossary term")


def _cycles(lesson: ParsedLesson) -> Iterator[Finding]:
    edges = {n.id: n.entry.prerequisites for n in lesson.nodes}
    if cycle := find_cycle(edges):
        node = next(n for n in lesson.nodes if n.id == cycle[0])
        path = " → ".join(cycle)
        yield Finding(
            node.file,
            node.line("prerequisites"),
            f"prerequisite cycle: {path}; no learner could ever unlock these nodes",
        )


def _orphans(lesson: ParsedLesson) -> Iterator[Finding]:
    for node in lesson.nodes:
        if not node.entry.questions:
            yield Finding(
                node.file, 1, f"node '{node.id}' has no questions, so it can never be mastered"
            )
    claimed = {s for n in lesson.nodes for s in n.entry.slides}
    for slide in lesson.slides:
        if slide.id not in claimed:
            yield Finding(
                slide.file, 1, f"slide '{slide.id}' belongs to no skill-tree node", "warning"
            )


def _definitions(course: ParsedCourse) -> Iterator[Finding]:
    for term in course.terms:
        if not term.doc.body.strip():
            yield Finding(
                term.file,
                term.doc.body_line,
                f"glossary term '{term.entry.term}' has no definition: "
                "write it after the front matter",
            )


def _html(course: ParsedCourse) -> Iterator[Finding]:
    for term in course.terms:
        yield from _body_html(term)
    for lesson in course.lessons:
        for slide in lesson.slides:
            yield from _body_html(slide)
            yield from _field_html(slide, ("guide",), slide.entry.guide)
        for section in lesson.sections:
            yield from _body_html(section)
            for i, card in enumerate(section.entry.cards):
                yield from _field_html(section, ("cards", i, "quote"), card.quote)
                for j, point in enumerate(card.points):
                    yield from _field_html(section, ("cards", i, "points", j), point)
        for node in lesson.nodes:
            yield from _field_html(node, ("summary",), node.entry.summary)
            for i, q in enumerate(node.entry.questions):
                yield from _field_html(node, ("questions", i, "prompt"), q.prompt)
                yield from _field_html(node, ("questions", i, "explanation"), q.explanation)
                for j, c in enumerate(q.choices):
                    yield from _field_html(node, ("questions", i, "choices", j, "text"), c.text)
                    yield from _field_html(
                        node, ("questions", i, "choices", j, "feedback"), c.feedback
                    )


def _body_html(item: Parsed[BaseModel]) -> Iterator[Finding]:
    # What is rendered is the stripped body: an indented <script> is a code block in the raw
    # body but HTML once stripped, so lint exactly what will be rendered.
    for problem in unsafe_html(item.doc.text):
        yield Finding(item.file, item.doc.text_line + problem.line, problem.message)


def _field_html(item: Parsed[BaseModel], loc: Loc, text: str | None) -> Iterator[Finding]:
    if text:
        for problem in unsafe_html(text):
            yield Finding(item.file, item.line(*loc), problem.message)
