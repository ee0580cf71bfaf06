"""What authors write: one pydantic model per kind of course file.

These models are the course format's reference (``docs/course-format.md`` documents them and
``aula schema`` prints them as JSON Schema for editors). Unknown fields are errors, so a typo
is caught with a "did you mean" hint instead of being silently ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64),
    Field(description="lower-case letters, digits and dashes, e.g. 'two-kingdoms'"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Lang = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$"),
    Field(description="BCP 47 language tag, e.g. 'en' or 'es'"),
]
SourceHash = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{12}$"),
    Field(
        description="the hash of the original text this translates: `aula translations stamp` "
        "writes it, and `aula check` says when the original has changed since"
    ),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CourseFile(Strict):
    """``course.yaml``: the course's metadata and the order of its lessons."""

    id: Slug
    title: Text
    language: Lang = Field(description="BCP 47 language tag of the course text, e.g. 'en' or 'es'")
    languages: list[Lang] = Field(
        default_factory=list,
        description="the languages the course is offered in (default: only 'language'); each "
        "other one is translated in NN-id.<lang>.md / .yaml files",
    )
    missing_translations: Literal["warning", "error"] = Field(
        "warning", description="whether a text not translated into a listed language is an error"
    )
    description: Text
    lessons: list[Slug] = Field(min_length=1, description="lesson folder names, in order")
    mastery_threshold: float = Field(
        0.95,
        gt=0.5,
        lt=1.0,
        description="probability of knowing a node at which it counts as mastered",
    )
    instructor: Text = Field("AI Instructor", description="how the instructor voice is labelled")


class SourceEntry(Strict):
    id: Slug
    title: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    publisher: Text | None = None
    checked: dt.date = Field(description="the day the fact was last checked against the source")


class SourcesFile(Strict):
    """``sources.yaml``: where the course's facts come from, and when they were checked."""

    sources: list[SourceEntry] = Field(default_factory=list)


class CodeEntry(Strict):
    """A code pane or snippet, shown as code; with ``run: true`` also run for its Terminal view."""

    file: Text = Field(description="the name on the editor tab, e.g. 'models_comparison.py'")
    path: str | None = Field(None, description="a file holding the code, relative to this file")
    source: str | None = Field(None, description="the code itself, when it is short")
    language: Literal["python", "text", "bash", "json", "yaml"] = "python"
    run: bool = Field(False, description="run it when the course is loaded (python only)")
    timeout: float = Field(20.0, gt=0, le=120, description="seconds before a run is stopped")
    opens: Literal["code", "terminal"] = Field(
        "code", description="the view shown first: 'terminal' when the slide talks of its output"
    )

    @model_validator(mode="after")
    def _one_source(self) -> CodeEntry:
        if (self.path is None) == (self.source is None):
            raise ValueError("give exactly one of 'path' (a file) or 'source' (inline code)")
        if self.run and self.language != "python":
            raise ValueError("only python code can be run")
        if self.opens == "terminal" and not self.run:
            raise ValueError("'opens: terminal' needs 'run: true': the Terminal shows its output")
        return self


class VisualItem(Strict):
    icon: Text
    label: Text | None = None


class VisualEntry(Strict):
    """A slide's visual, such as 🏰 vs 🏕️."""

    items: list[VisualItem] = Field(min_length=1, max_length=4)
    joiner: str = "vs"


class SlideFront(Strict):
    """Front matter of ``slides/NN-id.md``; the Markdown body is the slide's text."""

    id: Slug | None = None
    title: Text
    guide: Text | None = Field(None, description="the guide's voice, shown beside the slide")
    visual: VisualEntry | None = None
    code: CodeEntry | None = None
    terms: list[Slug] = Field(default_factory=list, description="glossary terms the slide uses")
    sources: list[Slug] = Field(default_factory=list)


class CardEntry(Strict):
    """A comparison card, e.g. 🔒 Closed Source Limits."""

    icon: Text
    title: Text
    tone: Literal["closed", "open", "neutral"] = "neutral"
    quote: Text | None = None
    points: list[Text] = Field(default_factory=list)


class SectionFront(Strict):
    """Front matter of ``sections/NN-id.md``: a part of the lesson in the instructor's voice."""

    id: Slug | None = None
    title: Text
    voiced: bool = Field(True, description="shown with the instructor's label")
    cards: list[CardEntry] = Field(default_factory=list)
    sources: list[Slug] = Field(default_factory=list)


class ChoiceEntry(Strict):
    id: Slug
    text: Text
    correct: bool = False
    feedback: Text | None = Field(None, description="shown when the learner picks this choice")


class QuestionEntry(Strict):
    id: Slug
    prompt: Text
    kind: Literal["single", "multiple"] = "single"
    choices: list[ChoiceEntry] = Field(min_length=2)
    explanation: Text = Field(description="why the right answer is right; shown after answering")
    guess: float | None = Field(None, ge=0, lt=0.5, description="chance of a lucky right answer")
    slip: float | None = Field(None, ge=0, lt=0.5, description="chance of a careless wrong answer")

    @model_validator(mode="after")
    def _answerable(self) -> QuestionEntry:
        ids = [c.id for c in self.choices]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate choice id {', '.join(repr(d) for d in dupes)}")
        correct = sum(c.correct for c in self.choices)
        if correct == 0:
            raise ValueError("no choice is marked 'correct: true'")
        if self.kind == "single" and correct > 1:
            raise ValueError(f"{correct} choices are correct; use 'kind: multiple' or mark one")
        return self


class NodeFile(Strict):
    """``nodes/NN-id.yaml``: a skill-tree node, what it teaches and the checks it owns."""

    id: Slug | None = None
    title: Text
    summary: Text
    prerequisites: list[Slug] = Field(default_factory=list)
    slides: list[Slug] = Field(default_factory=list)
    sections: list[Slug] = Field(default_factory=list)
    terms: list[Slug] = Field(default_factory=list)
    questions: list[QuestionEntry] = Field(default_factory=list)


class SkillTreeEntry(Strict):
    title: Text
    subtitle: Text | None = None


class LessonFile(Strict):
    """``lessons/<id>/lesson.yaml``: the lesson's header and its skill tree's title."""

    title: Text
    tagline: Text | None = None
    editor_tab: Text = Field("main.py", description="file name on the slide player's tab")
    skill_tree: SkillTreeEntry
    glossary_title: Text = "Glossary"


class AnalogyEntry(Strict):
    """The small widget beside a glossary term (🧠 File Size: 6GB+, 80% Usage, ...)."""

    kind: Literal["file-size", "usage-bar", "generating", "bill"]
    label: Text
    icon: Text | None = None
    value: float | None = Field(None, ge=0, le=1, description="fill of a usage bar, 0 to 1")


class TermFront(Strict):
    """Front matter of ``glossary/NN-id.md``; the Markdown body is the definition."""

    id: Slug | None = None
    term: Text
    aliases: list[Text] = Field(default_factory=list)
    snippet: CodeEntry | None = None
    analogy: AnalogyEntry | None = None
    lab: Literal["weights", "vram", "cost", "compare"] | None = Field(
        None, description="the hands-on lab that puts this concept to work"
    )
    sources: list[Slug] = Field(default_factory=list)


class Translated(Strict):
    """What every translation file may carry besides the words."""

    source: SourceHash | None = None


class CardText(Strict):
    """A comparison card's words in another language (icon and tone come from the original)."""

    title: Text
    quote: Text | None = None
    points: list[Text] = Field(default_factory=list)


class VisualItemText(Strict):
    label: Text | None = None


class VisualText(Strict):
    """A slide visual's labels, one item per item of the original (icons come from it)."""

    items: list[VisualItemText] = Field(default_factory=list)
    joiner: str | None = None


class AnalogyText(Strict):
    label: Text


class CodeText(Strict):
    """The code in this language (its comments and printed prose translated); run like the
    original's, and its output is the Terminal view in this language."""

    path: str | None = Field(None, description="a file holding the code, relative to this file")
    source: str | None = Field(None, description="the code itself, when it is short")

    @model_validator(mode="after")
    def _one_source(self) -> CodeText:
        if (self.path is None) == (self.source is None):
            raise ValueError("give exactly one of 'path' (a file) or 'source' (inline code)")
        return self


class TranslationFront(Translated):
    """Front matter of ``NN-id.<lang>.md`` beside ``NN-id.md`` (a term, slide or section): the
    item's text in another language. Ids, order, code, links and sources come from the original;
    the Markdown body replaces its body (a term's definition)."""

    title: Text | None = Field(None, description="a slide's or section's title")
    term: Text | None = Field(None, description="a glossary term's name")
    aliases: list[Text] = Field(default_factory=list, description="other names, searched too")
    guide: Text | None = Field(None, description="a slide's guide text")
    cards: list[CardText] = Field(
        default_factory=list, description="a section's cards, in the original's order"
    )
    visual: VisualText | None = Field(None, description="a slide visual's labels, in order")
    code: CodeText | None = Field(None, description="a slide's code, in this language")
    analogy: AnalogyText | None = Field(None, description="a term's analogy label")
    snippet: CodeText | None = Field(None, description="a term's snippet, in this language")


class CourseText(Translated):
    """``course.<lang>.yaml`` beside ``course.yaml``: the course's words in another language."""

    title: Text | None = None
    description: Text | None = None
    instructor: Text | None = None


class SkillTreeText(Strict):
    title: Text | None = None
    subtitle: Text | None = None


class LessonText(Translated):
    """``lesson.<lang>.yaml`` beside ``lesson.yaml``."""

    title: Text | None = None
    tagline: Text | None = None
    skill_tree: SkillTreeText | None = None
    glossary_title: Text | None = None


class ChoiceText(Strict):
    id: Slug = Field(description="the original choice's id (its correctness comes from it)")
    text: Text | None = None
    feedback: Text | None = None


class QuestionText(Strict):
    id: Slug = Field(description="the original question's id")
    prompt: Text | None = None
    choices: list[ChoiceText] = Field(
        default_factory=list, description="every choice of the original, in its order"
    )
    explanation: Text | None = None


class NodeText(Translated):
    """``nodes/NN-id.<lang>.yaml`` beside ``nodes/NN-id.yaml``: the node's and its questions'
    words. Ids, prerequisites and which choices are right come from the original."""

    title: Text | None = None
    summary: Text | None = None
    questions: list[QuestionText] = Field(
        default_factory=list, description="every question of the original, in its order"
    )


class ModelText(Strict):
    name: Text | None = Field(None, description="only when the name has words to translate")
    license: Text | None = None
    price: Text | None = None
    privacy: Text | None = None
    content_policy: Text | None = None


class PlanText(Strict):
    name: Text | None = Field(None, description="only when the name has words to translate")
    note: Text | None = None


class CatalogText(Translated):
    """``catalog.<lang>.yaml`` beside ``catalog.yaml``: the words learners read in the labs, by
    model and plan id. Numbers, dates, sources and names come from the original."""

    models: dict[Slug, ModelText] = Field(default_factory=dict)
    plans: dict[Slug, PlanText] = Field(default_factory=dict)
