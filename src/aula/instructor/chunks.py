"""The course cut into passages the instructor can find, quote and link to.

One chunk per slide (its title, guide and body), one per slide's Terminal output, one per part
of an instructor section (split at its headings) and per comparison card, one per glossary term
and its snippet's output, one per skill-tree node and one per knowledge check. Each chunk knows
its ``url`` and ``title``; chunks of one page share both, so sources are listed per page.

``subject`` names what the chunk is about (a term and its aliases, a slide's title, a check's
prompt) and ``context`` adds what else is searchable; neither is ever quoted. ``sentences`` may
be quoted as an answer. Wrong choices' texts are left out entirely: they are
false on purpose. Their feedback, which corrects them, is searchable but not quoted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from aula.content.model import (
    Code,
    Course,
    Lesson,
    Node,
    Question,
    Section,
    Slide,
    Term,
    Translation,
)
from aula.content.urls import node_url, section_url, slide_url, term_url
from aula.instructor.text import blocks, sentences, terminal_lines


@dataclass(frozen=True)
class Chunk:
    ref: str  # "slide:running-locally", "term:vram", "section:great-divide", "node:…"
    kind: str  # slide, terminal, section, card, term, node, question
    lesson: str | None  # None for glossary terms, which belong to the whole course
    url: str
    title: str
    subject: tuple[str, ...]
    context: tuple[str, ...]
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join((*self.subject, *self.context, *self.sentences))

    def to_json(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "lesson": self.lesson,
            "url": self.url,
            "title": self.title,
            "subject": list(self.subject),
            "context": list(self.context),
            "sentences": list(self.sentences),
        }


def _quotable(html: str) -> list[str]:
    return [s for b in blocks(html) if not b.heading for s in sentences(b.text)]


def _terminal(code: Code | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(context, lines) of a program's output: the Terminal view, quotable line by line."""
    if code is None or code.output is None:
        return (), ()
    return (f"Terminal: {code.file}",), tuple(terminal_lines(code.output.stdout))


def _slide_chunks(lesson: Lesson, slide: Slide) -> Iterator[Chunk]:
    url, title = slide_url(lesson.id, slide.number), f"{slide.title} (slide {slide.number})"
    ref, subject = f"slide:{slide.id}", (slide.title,)
    guide = _quotable(slide.guide.html) if slide.guide else []
    quoted = tuple(guide + _quotable(slide.body.html))
    yield Chunk(ref, "slide", lesson.id, url, title, subject, (), quoted)
    context, lines = _terminal(slide.code)
    yield Chunk(ref, "terminal", lesson.id, url, title, subject, context, lines)


def _section_chunks(course: Course, lesson: Lesson, section: Section) -> Iterator[Chunk]:
    url, title = section_url(lesson.id, section.id), f"{course.instructor}: {section.title}"
    ref = f"section:{section.id}"
    heading, quoted = section.title, list[str]()

    def part() -> Chunk:
        subject = (section.title,) if heading == section.title else (section.title, heading)
        return Chunk(ref, "section", lesson.id, url, title, subject, (), tuple(quoted))

    for block in blocks(section.body.html):
        if block.heading:
            if quoted:
                yield part()
            heading, quoted = block.text, []
        else:
            quoted += sentences(block.text)
    if quoted:
        yield part()
    for card in section.cards:
        quote = (card.quote.text,) if card.quote else ()
        points = tuple(s for p in card.points for s in sentences(p.text))
        subject = (section.title, card.title)
        yield Chunk(ref, "card", lesson.id, url, title, subject, quote, points)


def _term_chunks(term: Term) -> Iterator[Chunk]:
    url, title, ref = term_url(term.id), f"Glossary: {term.term}", f"term:{term.id}"
    subject = (term.term, *term.aliases)
    definition = tuple(_quotable(term.definition.html))
    yield Chunk(ref, "term", None, url, title, subject, (), definition)
    context, lines = _terminal(term.snippet)
    yield Chunk(ref, "terminal", None, url, title, subject, context, lines)


def _question_chunk(lesson: Lesson, node: Node, question: Question) -> Chunk:
    """The explanation and the right choices' feedback may be quoted; the wrong choices'
    feedback is searchable only, since it answers a mistake rather than a question."""
    right = [c for c in question.choices if c.correct]
    wrong = [c for c in question.choices if not c.correct]
    quoted = _quotable(question.explanation.html)
    quoted += [s for c in right if c.feedback for s in _quotable(c.feedback.html)]
    context = [node.title, *(c.text.text for c in right)]
    context += [c.feedback.text for c in wrong if c.feedback]
    url, title = node_url(lesson.id, node.id), f"Knowledge check: {node.title}"
    subject = (question.prompt.text,)
    return Chunk(
        f"question:{question.id}",
        "question",
        lesson.id,
        url,
        title,
        subject,
        tuple(context),
        tuple(quoted),
    )


def _node_chunks(lesson: Lesson, node: Node) -> Iterator[Chunk]:
    url, title = node_url(lesson.id, node.id), f"Skill tree: {node.title}"
    summary = tuple(_quotable(node.summary.html))
    yield Chunk(f"node:{node.id}", "node", lesson.id, url, title, (node.title,), (), summary)
    for question in node.questions:
        yield _question_chunk(lesson, node, question)


_GLOSSARY = {"en": "Glossary", "es": "Glosario"}
_SLIDE = {"en": "slide", "es": "diapositiva"}
_INSTRUCTOR = {"es": "Instructor de IA"}


def _translated_slide(lesson: Lesson, slide: Slide, t: Translation) -> Chunk:
    title = t.title or slide.title
    label = f"{title} ({_SLIDE.get(t.lang, 'slide')} {slide.number})"
    guide = _quotable(t.guide.html) if t.guide else []
    quoted = tuple(guide + _quotable(t.body.html))
    url = slide_url(lesson.id, slide.number)
    return Chunk(f"slide:{slide.id}", "slide", lesson.id, url, label, (title,), (), quoted)


def _translated_section(
    course: Course, lesson: Lesson, section: Section, t: Translation
) -> Iterator[Chunk]:
    title = t.title or section.title
    translated = Section(section.id, title, section.voiced, t.body, (), section.sources, t.file)
    label = f"{_INSTRUCTOR.get(t.lang, course.instructor)}: {title}"
    for chunk in _section_chunks(course, lesson, translated):
        yield dataclasses.replace(chunk, title=label)
    for words in t.cards[: len(section.cards)]:
        quote = (words.quote.text,) if words.quote else ()
        points = tuple(s for p in words.points for s in sentences(p.text))
        url = section_url(lesson.id, section.id)
        yield Chunk(
            f"section:{section.id}",
            "card",
            lesson.id,
            url,
            label,
            (title, words.title),
            quote,
            points,
        )


def _translated_term(term: Term, t: Translation) -> Chunk:
    name = t.title or term.term
    subject = tuple(dict.fromkeys((name, term.term, *t.aliases, *term.aliases)))
    title = f"{_GLOSSARY.get(t.lang, 'Glossary')}: {name}"
    definition = tuple(_quotable(t.body.html))
    return Chunk(f"term:{term.id}", "term", None, term_url(term.id), title, subject, (), definition)


def translated_chunks(course: Course, lang: str) -> tuple[Chunk, ...]:
    """The passages that have ``lang`` text (``NN-id.<lang>.md``): slides, sections, terms.

    Program output, skill-tree nodes and knowledge checks have no translations yet; they stay
    in the course's language only, so an answer never mixes languages.
    """
    out: list[Chunk] = []
    for lesson in course.lessons:
        for slide in lesson.slides:
            if (t := slide.translation(lang)) is not None:
                out.append(_translated_slide(lesson, slide, t))
        for section in lesson.sections:
            if (t := section.translation(lang)) is not None:
                out += _translated_section(course, lesson, section, t)
    for term in course.glossary:
        if (t := term.translation(lang)) is not None:
            out.append(_translated_term(term, t))
    return tuple(c for c in out if c.sentences)


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
