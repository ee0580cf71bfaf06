"""The course cut into passages the instructor can find, quote and link to.

One chunk per slide (its title, guide and body), one per slide's Terminal output, one per part
of an instructor section (split at its headings) and per comparison card, one per glossary term
and its snippet's output, one per skill-tree node and one per knowledge check. Each chunk knows
its ``url`` and ``title``; chunks of one page share both, so sources are listed per page.

``context`` is searched but never quoted (titles, headings, question prompts, aliases);
``sentences`` may be quoted as an answer. Wrong choices' texts are left out entirely: they are
false on purpose. Their feedback, which corrects them, is searchable but not quoted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from aula.content.model import Code, Course, Lesson, Node, Question, Section, Slide, Term
from aula.instructor.text import blocks, sentences, terminal_lines
from aula.instructor.urls import node_url, section_url, slide_url, term_url


@dataclass(frozen=True)
class Chunk:
    ref: str  # "slide:running-locally", "term:vram", "section:great-divide", "node:…"
    kind: str  # slide, terminal, section, card, term, node, question
    lesson: str | None  # None for glossary terms, which belong to the whole course
    url: str
    title: str
    context: tuple[str, ...]
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join((*self.context, *self.sentences))

    def to_json(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "lesson": self.lesson,
            "url": self.url,
            "title": self.title,
            "context": list(self.context),
            "sentences": list(self.sentences),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Chunk:
        lesson = data["lesson"]
        return cls(
            ref=str(data["ref"]),
            kind=str(data["kind"]),
            lesson=None if lesson is None else str(lesson),
            url=str(data["url"]),
            title=str(data["title"]),
            context=tuple(str(s) for s in _strings(data["context"])),
            sentences=tuple(str(s) for s in _strings(data["sentences"])),
        )


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _quotable(html: str) -> list[str]:
    return [s for b in blocks(html) if not b.heading for s in sentences(b.text)]


def _terminal(code: Code | None) -> list[str]:
    return terminal_lines(code.output.stdout) if code and code.output else []


def _slide_chunks(lesson: Lesson, slide: Slide) -> Iterator[Chunk]:
    url, title = slide_url(lesson.id, slide.number), f"{slide.title} (slide {slide.number})"
    guide = _quotable(slide.guide.html) if slide.guide else []
    yield Chunk(
        f"slide:{slide.id}",
        "slide",
        lesson.id,
        url,
        title,
        (slide.title,),
        tuple(guide + _quotable(slide.body.html)),
    )
    if lines := _terminal(slide.code):
        assert slide.code is not None
        context = (slide.title, f"Terminal: {slide.code.file}")
        yield Chunk(f"slide:{slide.id}", "terminal", lesson.id, url, title, context, tuple(lines))


def _section_chunks(course: Course, lesson: Lesson, section: Section) -> Iterator[Chunk]:
    url, title = section_url(lesson.id, section.id), f"{course.instructor}: {section.title}"
    ref = f"section:{section.id}"
    heading, quoted = section.title, list[str]()

    def context() -> tuple[str, ...]:
        return (section.title,) if heading == section.title else (section.title, heading)

    for block in blocks(section.body.html):
        if block.heading:
            if quoted:
                yield Chunk(ref, "section", lesson.id, url, title, context(), tuple(quoted))
            heading, quoted = block.text, []
        else:
            quoted += sentences(block.text)
    if quoted:
        yield Chunk(ref, "section", lesson.id, url, title, context(), tuple(quoted))
    for card in section.cards:
        quote = [card.quote.text] if card.quote else []
        points = [s for p in card.points for s in sentences(p.text)]
        yield Chunk(
            ref, "card", lesson.id, url, title, (section.title, card.title, *quote), tuple(points)
        )


def _term_chunks(term: Term) -> Iterator[Chunk]:
    url, title, ref = term_url(term.id), f"Glossary: {term.term}", f"term:{term.id}"
    context = (term.term, *term.aliases)
    yield Chunk(ref, "term", None, url, title, context, tuple(_quotable(term.definition.html)))
    if lines := _terminal(term.snippet):
        assert term.snippet is not None
        context = (term.term, f"Terminal: {term.snippet.file}")
        yield Chunk(ref, "terminal", None, url, title, context, tuple(lines))


def _question_chunk(lesson: Lesson, node: Node, question: Question) -> Chunk:
    """The explanation and the right choices' feedback may be quoted; the wrong choices'
    feedback is searchable only, since it answers a mistake rather than a question."""
    right = [c for c in question.choices if c.correct]
    wrong = [c for c in question.choices if not c.correct]
    quoted = _quotable(question.explanation.html)
    quoted += [s for c in right if c.feedback for s in _quotable(c.feedback.html)]
    context = [node.title, question.prompt.text, *(c.text.text for c in right)]
    context += [c.feedback.text for c in wrong if c.feedback]
    return Chunk(
        f"question:{question.id}",
        "question",
        lesson.id,
        node_url(lesson.id, node.id),
        f"Knowledge check: {node.title}",
        tuple(context),
        tuple(quoted),
    )


def _node_chunks(lesson: Lesson, node: Node) -> Iterator[Chunk]:
    url = node_url(lesson.id, node.id)
    yield Chunk(
        f"node:{node.id}",
        "node",
        lesson.id,
        url,
        f"Skill tree: {node.title}",
        (node.title,),
        tuple(_quotable(node.summary.html)),
    )
    for question in node.questions:
        yield _question_chunk(lesson, node, question)


def course_chunks(course: Course) -> tuple[Chunk, ...]:
    """Every passage of the course, lessons first in teaching order, then the glossary."""
    out: list[Chunk] = []
    for lesson in course.lessons:
        for slide in lesson.slides:
            out += _slide_chunks(lesson, slide)
        for section in lesson.sections:
            out += _section_chunks(course, lesson, section)
        for node in lesson.skill_tree.nodes:
            out += _node_chunks(lesson, node)
    for term in course.glossary:
        out += _term_chunks(term)
    return tuple(c for c in out if c.sentences)
