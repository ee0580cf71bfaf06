"""The guided lesson: what the knowledge check under a slide shows, and the lesson summary.

Pure over what the caller read (the lesson, the learner's node states and history): the web
layer renders the result as HTML, the same template for a page and for the fragment JS swaps in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from aula.content.model import Lesson, Node, Question, Slide
from aula.learning import (
    Attempt,
    Grade,
    Moment,
    NodeProgress,
    grade,
    guided_question,
    moment,
)


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
    history: Sequence[Attempt],
    threshold: float,
    *,
    answer: AnsweredRecord | None = None,
    answer_attempt: Attempt | None = None,
    asked: str | None = None,
    correct_ids: Collection[str] = (),
) -> SlideCheck | None:
    """What the check under ``slide`` shows, or None when the slide has no skill.

    ``answer`` is the learner's answer whose result the page shows (with ``answer_attempt``,
    the same answer as the history has it, for the moment it made); ``asked`` a question the
    learner asked for by id (ignored unless it is one of the node's).
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
    made = (
        moment(lesson, history, answer_attempt, threshold)
        if result is not None and answer_attempt is not None
        else None
    )
    mastered = progress is not None and progress.state == "mastered"
    upcoming = guided_question(node, history)
    question = shown or by_id.get(asked or "") or (None if mastered else upcoming)
    right = set(correct_ids) | {a.question_id for a in history if a.correct}
    practice = bool(node.questions) and all(q.id in right for q in node.questions)
    following = None
    if result is not None and result.correct and not mastered:
        following = upcoming
    return SlideCheck(
        node,
        progress,
        question,
        result=result,
        moment=made if made else None,
        next_question=following,
        practice=practice and not mastered,
        next_slide=next_slide,
    )
