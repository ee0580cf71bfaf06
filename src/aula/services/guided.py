"""The guided lesson: what the knowledge check under a slide shows, and the lesson summary.

The web renders the result as HTML, with the same template for a page and for the fragment
aula.js swaps in, so the two cannot drift. Everything here reads; nothing writes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from aula.content.model import Course, Lesson, Node, Question, Slide
from aula.learning import (
    Grade,
    LessonSummary,
    Moment,
    NodeProgress,
    grade,
    guided_question_from,
    lesson_summary,
    moment,
)
from aula.services.progress import LessonState, attempt_of, lesson_state
from aula.store import AnswerRecord, Store


@dataclass(frozen=True)
class AnsweredRecord:
    """The answer a page shows the result of (the store's ``AnswerRecord`` fits)."""

    id: int
    question_id: str
    choice_ids: tuple[str, ...]


@dataclass(frozen=True)
class SlideCheck:
    """The knowledge check under a slide, decided once for the page and its fragment."""

    node: Node
    progress: NodeProgress | None
    question: Question | None
    """The question to show; None when the node is locked or mastered."""
    result: Grade | None = None
    moment: Moment | None = None
    """What the answer just shown changed: "Mastered: …. Unlocked: …"."""
    next_question: Question | None = None
    """After a right answer, while the node is not mastered: the question the lesson asks next."""
    practice: bool = False
    unlock_slide: Slide | None = None
    """Locked node: the slide whose check opens it (the first open node it waits for)."""
    unlock_title: str = ""
    next_slide: Slide | None = None
    """Where "Continue" goes; None on the last slide (then "Finish": the summary)."""

    @property
    def locked(self) -> bool:
        return self.progress is not None and self.progress.state == "locked"

    @property
    def mastered(self) -> bool:
        return self.progress is not None and self.progress.state == "mastered"


def node_of_slide(lesson: Lesson, slide: Slide) -> Node | None:
    return next((n for n in lesson.skill_tree.nodes if slide.id in n.slides), None)


def unlocking(
    lesson: Lesson, node: Node, states: Mapping[str, NodeProgress]
) -> tuple[Node, Slide] | None:
    """The open, unmastered node the learner should work on to unlock ``node``, with its first
    slide: walks the prerequisites, earliest first, to one that is open."""
    seen: set[str] = set()
    todo = [node.id]
    while todo:
        current = lesson.skill_tree.node(todo.pop(0))
        if current is None or current.id in seen:
            continue
        seen.add(current.id)
        for pre in current.prerequisites:
            state = states.get(pre)
            pre_node = lesson.skill_tree.node(pre)
            if state is None or pre_node is None or state.state == "mastered":
                continue
            if state.is_open:
                slides = [s for s in lesson.slides if s.id in pre_node.slides]
                if slides:
                    return pre_node, slides[0]
            todo.append(pre)
    return None


def slide_check(
    lesson: Lesson,
    slide: Slide,
    states: Mapping[str, NodeProgress],
    right: Collection[str],
    last_seen: Mapping[str, int],
    *,
    answer: AnsweredRecord | None = None,
    made: Moment | None = None,
    asked: str | None = None,
) -> SlideCheck | None:
    """What the check under ``slide`` shows, or None when the slide has no skill (pure).

    ``right`` are the questions answered right at least once and ``last_seen`` each question's
    latest position in the history (the guided order reads them); ``answer`` the learner's
    answer whose result the page shows and ``made`` the moment it made; ``asked`` a question
    asked for by id (ignored unless it is one of the node's).
    """
    node = node_of_slide(lesson, slide)
    if node is None:
        return None
    progress = states.get(node.id)
    later = [s for s in lesson.slides if s.number > slide.number]
    next_slide = later[0] if later else None
    if progress is not None and progress.state == "locked":
        found = unlocking(lesson, node, states)
        return SlideCheck(
            node,
            progress,
            None,
            unlock_slide=found[1] if found else None,
            unlock_title=found[0].title if found else "",
            next_slide=next_slide,
        )
    by_id = {q.id: q for q in node.questions}
    shown = by_id.get(answer.question_id) if answer else None
    result = grade(shown, answer.choice_ids) if shown and answer else None
    mastered = progress is not None and progress.state == "mastered"
    upcoming = guided_question_from(node, right, last_seen)
    question = shown or by_id.get(asked or "") or (None if mastered else upcoming)
    practice = bool(node.questions) and all(q.id in right for q in node.questions)
    following = upcoming if result is not None and result.correct and not mastered else None
    return SlideCheck(
        node,
        progress,
        question,
        result=result,
        moment=made if made and result is not None else None,
        next_question=following,
        practice=practice and not mastered,
        next_slide=next_slide,
    )


def answer_moment(
    store: Store, course: Course, learner_id: str, lesson: Lesson, record: AnswerRecord
) -> Moment:
    """What the learner's answer changed when it was given ("Mastered: …. Unlocked: …").
    Reads the lesson's answers once. Blocking: call it from a thread."""
    records = store.answers(learner_id, lesson.id)
    pairs = [(r.id, attempt_of(r)) for r in records if r.id <= record.id]
    history = [a for _, a in pairs]
    mine = next((a for rid, a in pairs if rid == record.id), None)
    if mine is None:
        return Moment()
    return moment(lesson, history, mine, course.mastery_threshold)


@dataclass(frozen=True)
class GuidedSlide:
    state: LessonState
    check: SlideCheck | None


def guided_slide(
    store: Store | None,
    course: Course,
    learner_id: str,
    lesson: Lesson,
    slide: Slide,
    answer_id: int | None = None,
    asked: str | None = None,
) -> GuidedSlide:
    """The learner's state and the check under ``slide`` (reads only; no query at all for a
    learner with nothing stored, ``store`` None). Blocking."""
    state = lesson_state(store, course, learner_id, lesson, answer_id)
    record = state.answer
    made = None
    if record and store:
        # The snapshot recorded the moment of the answer it was moved past; older answers
        # (an old ?answer= link) replay the history up to them.
        recent = record.id == state.through_answer_id and state.last_moment is not None
        made = (
            state.last_moment
            if recent
            else answer_moment(store, course, learner_id, lesson, record)
        )
    check = slide_check(
        lesson,
        slide,
        state.states,
        state.correct_ids,
        state.replay.last_seen,
        answer=AnsweredRecord(record.id, record.question_id, record.choice_ids) if record else None,
        made=made,
        asked=asked,
    )
    return GuidedSlide(state, check)


def read_summary(
    store: Store, course: Course, learner_id: str, lesson: Lesson, now: datetime | None = None
) -> LessonSummary:
    """The lesson summary from the learner's state and review cards (reads only). Blocking."""
    state = lesson_state(store, course, learner_id, lesson)
    cards = [(c.item_kind, c.item_id, c.due) for c in store.review_cards(learner_id)]
    first_right = {q for ids in state.replay.first_right.values() for q in ids}
    answered = {q for ids in state.replay.answered.values() for q in ids}
    return lesson_summary(
        course,
        lesson,
        state.states,
        first_right,
        answered,
        state.seen,
        cards,
        now or datetime.now(UTC),
    )
