"""The loaded course: immutable, typed, with every author text already rendered and sanitised.

The web, learning, instructor and labs layers read these objects; nothing here knows about
HTTP or databases. ``Rich`` keeps an author's Markdown, its safe HTML and its plain text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from aula.content.catalog import Catalog


@dataclass(frozen=True)
class Rich:
    """Author text: the Markdown written, the sanitised HTML shown, the plain text indexed."""

    md: str
    html: str
    text: str


@dataclass(frozen=True)
class RunResult:
    """What really happened when a snippet ran: its output is the Terminal view."""

    stdout: str
    stderr: str
    exit_code: int
    duration_ms: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


@dataclass(frozen=True)
class Code:
    file: str
    language: str
    source: str
    html: str  # the source highlighted, as <span>s to place inside <pre><code>
    run: bool
    output: RunResult | None = None
    opens: Literal["code", "terminal"] = "code"
    """The view a pane shows first."""


@dataclass(frozen=True)
class VisualItem:
    icon: str
    label: str | None


@dataclass(frozen=True)
class Visual:
    items: tuple[VisualItem, ...]
    joiner: str


@dataclass(frozen=True)
class CardText:
    title: str
    quote: Rich | None
    points: tuple[Rich, ...]


@dataclass(frozen=True)
class Translation:
    """An item's text in another language (``NN-id.<lang>.md``); ids and structure are shared."""

    lang: str
    title: str | None  # a slide's or section's title, a term's name
    aliases: tuple[str, ...]
    body: Rich  # a slide's or section's body, a term's definition
    guide: Rich | None
    cards: tuple[CardText, ...]
    file: str
    visual: tuple[str | None, ...] = ()  # a slide visual's labels, one per item
    joiner: str | None = None
    analogy: str | None = None  # a term's analogy label
    code: Code | None = None  # a slide's code or a term's snippet in this language, run
    source: str | None = None  # the hash of the original text it translates


@dataclass(frozen=True)
class ChoiceText:
    id: str
    text: Rich | None
    feedback: Rich | None


@dataclass(frozen=True)
class QuestionText:
    id: str
    prompt: Rich | None
    choices: tuple[ChoiceText, ...]
    explanation: Rich | None

    def choice(self, choice_id: str) -> ChoiceText | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class NodeTranslation:
    """A node's and its questions' words in another language (``NN-id.<lang>.yaml``)."""

    lang: str
    title: str | None
    summary: Rich | None
    questions: tuple[QuestionText, ...]
    file: str

    def question(self, question_id: str) -> QuestionText | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class LessonTranslation:
    """``lesson.<lang>.yaml``."""

    lang: str
    title: str | None
    tagline: str | None
    skill_tree_title: str | None
    skill_tree_subtitle: str | None
    glossary_title: str | None
    file: str


@dataclass(frozen=True)
class CourseTranslation:
    """``course.<lang>.yaml``."""

    lang: str
    title: str | None
    description: str | None
    instructor: str | None
    file: str


@dataclass(frozen=True)
class CatalogTranslation:
    """``catalog.<lang>.yaml``: ``models.<id>.price`` (or ``privacy``, ``content_policy``,
    ``license``) and ``plans.<id>.note`` -> the text in that language."""

    lang: str
    texts: tuple[tuple[str, str], ...]
    file: str


class _HasLang(Protocol):
    @property
    def lang(self) -> str: ...


L = TypeVar("L", bound=_HasLang)


def translation_of(translations: tuple[L, ...], lang: str) -> L | None:
    return next((t for t in translations if t.lang == lang), None)


@dataclass(frozen=True)
class Slide:
    id: str
    number: int
    title: str
    body: Rich
    guide: Rich | None
    visual: Visual | None
    code: Code | None
    terms: tuple[str, ...]
    sources: tuple[str, ...]
    file: str
    translations: tuple[Translation, ...] = ()

    def translation(self, lang: str) -> Translation | None:
        return translation_of(self.translations, lang)


@dataclass(frozen=True)
class Card:
    icon: str
    title: str
    tone: Literal["closed", "open", "neutral"]
    quote: Rich | None
    points: tuple[Rich, ...]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    voiced: bool
    body: Rich
    cards: tuple[Card, ...]
    sources: tuple[str, ...]
    file: str
    translations: tuple[Translation, ...] = ()

    def translation(self, lang: str) -> Translation | None:
        return translation_of(self.translations, lang)


@dataclass(frozen=True)
class Choice:
    id: str
    text: Rich
    correct: bool
    feedback: Rich | None


@dataclass(frozen=True)
class Question:
    id: str
    node: str
    lesson: str
    prompt: Rich
    kind: Literal["single", "multiple"]
    choices: tuple[Choice, ...]
    explanation: Rich
    guess: float | None
    slip: float | None
    file: str

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices if c.correct)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    summary: Rich
    prerequisites: tuple[str, ...]
    slides: tuple[str, ...]
    sections: tuple[str, ...]
    terms: tuple[str, ...]
    questions: tuple[Question, ...]
    file: str
    translations: tuple[NodeTranslation, ...] = ()

    def translation(self, lang: str) -> NodeTranslation | None:
        return translation_of(self.translations, lang)


@dataclass(frozen=True)
class SkillTree:
    title: str
    subtitle: str | None
    nodes: tuple[Node, ...]

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    tagline: str | None
    editor_tab: str
    slides: tuple[Slide, ...]
    sections: tuple[Section, ...]
    skill_tree: SkillTree
    glossary_title: str
    translations: tuple[LessonTranslation, ...] = ()

    def translation(self, lang: str) -> LessonTranslation | None:
        return translation_of(self.translations, lang)

    def slide(self, number: int) -> Slide | None:
        return self.slides[number - 1] if 1 <= number <= len(self.slides) else None

    def slide_by_id(self, slide_id: str) -> Slide | None:
        return next((s for s in self.slides if s.id == slide_id), None)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for n in self.skill_tree.nodes for q in n.questions)


@dataclass(frozen=True)
class Analogy:
    kind: Literal["file-size", "usage-bar", "generating", "bill"]
    label: str
    icon: str | None
    value: float | None


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    aliases: tuple[str, ...]
    definition: Rich
    snippet: Code | None
    analogy: Analogy | None
    lab: str | None
    sources: tuple[str, ...]
    file: str
    translations: tuple[Translation, ...] = ()

    def translation(self, lang: str) -> Translation | None:
        return translation_of(self.translations, lang)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    publisher: str | None
    checked: dt.date


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    language: str
    description: str
    mastery_threshold: float
    instructor: str
    lessons: tuple[Lesson, ...]
    glossary: tuple[Term, ...]
    sources: Mapping[str, Source]
    root: Path
    fingerprint: str = field(default="", compare=False)
    catalog: Catalog | None = None  # models, GPUs and prices for the labs (catalog.yaml)
    languages: tuple[str, ...] = ()  # the languages it is offered in, its own first
    translations: tuple[CourseTranslation, ...] = ()
    catalog_translations: tuple[CatalogTranslation, ...] = ()
    # A localized edition (``aula.content.localize``) points at the course it was made from;
    # ``language`` is then the edition's language.
    edition_of: Course | None = field(default=None, compare=False, repr=False)
    editions: dict[str, Course] = field(default_factory=dict, compare=False, repr=False)

    @property
    def default_language(self) -> str:
        """The language the course is written in (an edition's original's)."""
        return (self.edition_of or self).language

    def translation(self, lang: str) -> CourseTranslation | None:
        return translation_of(self.translations, lang)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def term(self, term_id: str) -> Term | None:
        return next((t for t in self.glossary if t.id == term_id), None)

    def question(self, question_id: str) -> Question | None:
        return next(
            (q for lesson in self.lessons for q in lesson.questions if q.id == question_id), None
        )

    def counts(self) -> dict[str, int]:
        return {
            "lessons": len(self.lessons),
            "slides": sum(len(lesson.slides) for lesson in self.lessons),
            "nodes": sum(len(lesson.skill_tree.nodes) for lesson in self.lessons),
            "questions": sum(len(lesson.questions) for lesson in self.lessons),
            "terms": len(self.glossary),
        }
