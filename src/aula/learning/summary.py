"""The lesson summary shown after "Finish": what was mastered, met and scheduled, and what next.

Pure: the caller passes the node states, the history, the slides seen and the review cards'
due times; nothing here reads the clock or the store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from aula.content.model import Course, Lesson
from aula.i18n import _, format_date, ngettext
from aula.learning.skills import NodeProgress, summarise_lesson

StepKind = Literal["slide", "node", "review", "done"]


@dataclass(frozen=True)
class ScheduledReview:
    kind: Literal["term", "node"]
    id: str
    title: str
    due: datetime
    due_now: bool


@dataclass(frozen=True)
class NextStep:
    """One thing to do next: read a slide (``ref`` its number), practise a node (its id),
    review (``ref`` empty), or nothing left (``done``)."""

    kind: StepKind
    ref: str
    text: str


@dataclass(frozen=True)
class LessonSummary:
    lesson_id: str
    percent: int
    complete: bool
    nodes_mastered: tuple[str, ...]
    """Titles of the nodes mastered, in the lesson's order."""
    nodes_total: int
    first_try_right: int
    """Distinct questions answered right on the first try."""
    questions_answered: int
    questions_total: int
    slides_seen: int
    slides_total: int
    terms_met: tuple[tuple[str, str], ...]
    """(term id, term) of the glossary terms on the slides seen, in the order met."""
    reviews: tuple[ScheduledReview, ...]
    """This lesson's review cards, soonest first."""
    next_steps: tuple[NextStep, ...]


def lesson_summary(
    course: Course,
    lesson: Lesson,
    states: Mapping[str, NodeProgress],
    first_right: Collection[str],
    answered: Collection[str],
    slides_seen: Collection[str],
    cards: Iterable[tuple[Literal["term", "node"], str, datetime]],
    now: datetime,
) -> LessonSummary:
    """Everything the summary page says, from the learner's state in ``lesson``: node states,
    the questions answered right on the first try, those answered at all, the slides seen."""
    progress = summarise_lesson(lesson, states, slides_seen)
    node_ids = {n.id for n in lesson.skill_tree.nodes}
    lesson_questions = {q.id for q in lesson.questions}
    first_right = set(first_right) & lesson_questions
    answered = set(answered) & lesson_questions
    glossary = {t.id: t.term for t in course.glossary}
    met: dict[str, str] = {}
    for slide in lesson.slides:
        if slide.id in slides_seen:
            for term_id in slide.terms:
                if term_id in glossary:
                    met.setdefault(term_id, glossary[term_id])
    titles = {n.id: n.title for n in lesson.skill_tree.nodes}
    reviews = sorted(
        (
            ScheduledReview(
                kind, item_id, titles.get(item_id) or glossary[item_id], due, due <= now
            )
            for kind, item_id, due in cards
            if (kind == "node" and item_id in node_ids) or (kind == "term" and item_id in met)
        ),
        key=lambda r: (r.due, r.kind, r.id),
    )
    mastered = tuple(
        n.title
        for n in lesson.skill_tree.nodes
        if states.get(n.id, None) and states[n.id].state == "mastered"
    )
    return LessonSummary(
        lesson_id=lesson.id,
        percent=progress.percent,
        complete=progress.percent == 100,
        nodes_mastered=mastered,
        nodes_total=progress.nodes_total,
        first_try_right=len(first_right),
        questions_answered=len(answered),
        questions_total=len(lesson_questions),
        slides_seen=progress.slides_seen,
        slides_total=progress.slides_total,
        terms_met=tuple(met.items()),
        reviews=tuple(reviews),
        next_steps=tuple(_next_steps(lesson, states, slides_seen, reviews)),
    )


def _next_steps(
    lesson: Lesson,
    states: Mapping[str, NodeProgress],
    slides_seen: Collection[str],
    reviews: Sequence[ScheduledReview],
) -> list[NextStep]:
    steps: list[NextStep] = []
    unseen = [s for s in lesson.slides if s.id not in slides_seen]
    if unseen:
        first = unseen[0]
        steps.append(
            NextStep(
                "slide",
                str(first.number),
                _("Read slide %(number)s: %(title)s.", number=first.number, title=first.title),
            )
        )
    for n in lesson.skill_tree.nodes:
        state = states.get(n.id)
        if state is None or state.state in ("locked", "mastered") or not n.questions:
            continue
        what = state.next_step or state.rule
        steps.append(
            NextStep("node", n.id, _("Master %(title)s: %(what)s", title=n.title, what=what))
        )
        break
    due_now = [r for r in reviews if r.due_now]
    if due_now:
        count = len(due_now)
        text = ngettext("Review %(num)d item now.", "Review %(num)d items now.", count)
        steps.append(NextStep("review", "", text))
    elif reviews:
        soonest = reviews[0].due
        steps.append(
            NextStep(
                "review",
                "",
                _(
                    "Come back for your first review on %(day)s.",
                    day=format_date(soonest, style="full"),
                ),
            )
        )
    if not steps:
        steps.append(
            NextStep("done", "", _("You have done everything this lesson asks. Well done!"))
        )
    return steps
