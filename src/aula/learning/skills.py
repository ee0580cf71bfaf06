"""The skill tree's states: which nodes are locked, open, in progress or mastered.

States are replayed from the answer history, oldest answer first:

- a node opens (becomes *available*) at the moment all its prerequisites are mastered;
  nodes without prerequisites are open from the start;
- answers to a node count only while it is open (answers to a locked node are ignored);
- an open node stays open. If wrong answers take a prerequisite back below the threshold, the
  prerequisite returns to *in progress* and its open dependents say so (``refresh``), but they
  do not lock again: the learner keeps what they reached (hysteresis), and no node ever opened
  before its prerequisites were all mastered at once.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from aula.content.model import Lesson, Node, Question
from aula.learning.history import Attempt, chronological
from aula.learning.mastery import (
    DEFAULT_PARAMS,
    BKTParams,
    NodeMastery,
    check_threshold,
    mastery_rule,
    next_step,
    observe,
    progress_fraction,
    summarise,
)

NodeState = Literal["locked", "available", "in_progress", "mastered"]
NODE_STATES: tuple[NodeState, ...] = ("locked", "available", "in_progress", "mastered")

SLIDE_WEIGHT = 0.2
"""Share of the lesson's percentage earned by seeing slides; mastering nodes earns the rest."""


@dataclass(frozen=True)
class NodeProgress:
    node_id: str
    title: str
    state: NodeState
    mastery: NodeMastery
    missing: tuple[str, ...]
    """Locked node: titles of the prerequisites not mastered yet (what unlocks it)."""
    rule: str
    """How to master the node, in the learner's words, computed from the model."""
    next_step: str | None = None
    """From where the learner stands, what would master it; None when mastered or locked."""
    refresh: tuple[str, ...] = ()
    """Open node: titles of prerequisites that have fallen back below the threshold."""
    was_mastered: bool = False
    """Mastered at some point of the history (it may have fallen back since)."""
    percent: int = 0
    """Progress toward mastery, 0-100 (100 only when mastered)."""

    @property
    def is_open(self) -> bool:
        return self.state != "locked"


@dataclass(frozen=True)
class LessonProgress:
    nodes_mastered: int
    nodes_total: int
    slides_seen: int
    slides_total: int
    percent: int
    """Slides seen count for ``SLIDE_WEIGHT``, nodes (with partial credit) for the rest."""


def skill_states(
    lesson: Lesson,
    attempts: Sequence[Attempt],
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
) -> dict[str, NodeProgress]:
    """Each node's progress, in the lesson's node order: a pure function of the history."""
    check_threshold(threshold)
    nodes = lesson.skill_tree.nodes
    titles = {n.id: n.title for n in nodes}
    # Unknown prerequisites are ignored, as ``aula.content.graph`` does; the loader rejects them.
    prereqs = {n.id: tuple(p for p in n.prerequisites if p in titles) for n in nodes}
    where: dict[str, tuple[Question, str]] = {q.id: (q, n.id) for n in nodes for q in n.questions}
    p_known = {n.id: params.prior for n in nodes}
    counted: dict[str, list[Attempt]] = {n.id: [] for n in nodes}
    mastered: set[str] = set()
    ever: set[str] = set()
    opened: set[str] = set()

    def open_ready() -> None:
        for n in nodes:
            if n.id not in opened and all(p in mastered for p in prereqs[n.id]):
                opened.add(n.id)

    open_ready()
    for a in chronological(attempts):
        found = where.get(a.question_id)
        if found is None or found[1] not in opened:
            continue
        question, node_id = found
        p_known[node_id] = observe(p_known[node_id], question, a.correct, a.first_try, params)
        counted[node_id].append(a)
        if p_known[node_id] >= threshold:
            mastered.add(node_id)
            ever.add(node_id)
            open_ready()
        else:
            mastered.discard(node_id)

    return {
        n.id: _progress(
            n,
            summarise(n, counted[n.id], threshold, params),
            opened=n.id in opened,
            not_mastered=tuple(titles[p] for p in prereqs[n.id] if p not in mastered),
            counted=counted[n.id],
            was_mastered=n.id in ever,
            threshold=threshold,
            params=params,
        )
        for n in nodes
    }


def _progress(
    node: Node,
    mastery: NodeMastery,
    *,
    opened: bool,
    not_mastered: tuple[str, ...],
    counted: Sequence[Attempt],
    was_mastered: bool,
    threshold: float,
    params: BKTParams,
) -> NodeProgress:
    state: NodeState
    if not opened:
        state = "locked"
    elif mastery.mastered:
        state = "mastered"
    else:
        state = "in_progress" if mastery.answers else "available"
    return NodeProgress(
        node_id=node.id,
        title=node.title,
        state=state,
        mastery=mastery,
        missing=not_mastered if not opened else (),
        rule=mastery_rule(node, threshold, params),
        next_step=(
            next_step(
                node,
                mastery,
                {a.question_id for a in counted},
                threshold,
                params,
                right={a.question_id for a in counted if a.correct},
                last_seen={a.question_id: i for i, a in enumerate(chronological(counted))},
            )
            if opened
            else None
        ),
        refresh=not_mastered if opened else (),
        was_mastered=was_mastered,
        percent=_percent(mastery, threshold, params) if opened else 0,
    )


def _percent(mastery: NodeMastery, threshold: float, params: BKTParams) -> int:
    if mastery.mastered:
        return 100
    if not mastery.questions:
        return 0
    # floor, capped at 99: a bar never reads 100 % for a node that is not mastered
    return min(99, math.floor(100 * progress_fraction(mastery.p_known, threshold, params)))


def summarise_lesson(
    lesson: Lesson, states: Mapping[str, NodeProgress], slides_seen: Collection[str]
) -> LessonProgress:
    """The lesson's progress from already computed node states."""
    slide_ids = {s.id for s in lesson.slides}
    seen = len(slide_ids & set(slides_seen))
    nodes = [states[n.id] for n in lesson.skill_tree.nodes if n.id in states]
    done = sum(1 for s in nodes if s.state == "mastered")
    parts: list[tuple[float, float]] = []  # (weight, fraction done)
    if slide_ids:
        parts.append((SLIDE_WEIGHT, seen / len(slide_ids)))
    if nodes:
        parts.append((1 - SLIDE_WEIGHT, sum(s.percent for s in nodes) / (100 * len(nodes))))
    total = sum(w for w, _ in parts)
    fraction = sum(w * f for w, f in parts) / total if total else 0.0
    complete = seen == len(slide_ids) and done == len(nodes)
    percent = 100 if complete and parts else min(99, math.floor(100 * fraction))
    return LessonProgress(done, len(nodes), seen, len(slide_ids), percent)


def lesson_progress(
    lesson: Lesson,
    attempts: Sequence[Attempt],
    slides_seen: Collection[str],
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
) -> LessonProgress:
    """Nodes mastered, slides seen and one percentage for the whole lesson."""
    return summarise_lesson(lesson, skill_states(lesson, attempts, threshold, params), slides_seen)


@dataclass(frozen=True)
class Moment:
    """What one answer changed on the skill tree, to show the learner as it happens."""

    mastered: tuple[str, ...] = ()
    """Titles of nodes mastered by this answer."""
    unlocked: tuple[str, ...] = ()
    """Titles of nodes this answer opened."""
    unlocked_ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.mastered or self.unlocked)

    @property
    def text(self) -> str:
        """ "Mastered: The Two Kingdoms. Unlocked: The Great Divide." """
        parts = []
        if self.mastered:
            parts.append(f"Mastered: {', '.join(self.mastered)}.")
        if self.unlocked:
            parts.append(f"Unlocked: {', '.join(self.unlocked)}.")
        return " ".join(parts)


def moment(
    lesson: Lesson,
    attempts: Sequence[Attempt],
    answer: Attempt,
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
) -> Moment:
    """The change ``answer`` made: the states just before it against the states just after.

    ``attempts`` is the whole history; answers after ``answer`` are ignored, so the moment of
    an old answer is the one it had then.
    """
    order = chronological(attempts)
    if answer not in order:
        return Moment()
    upto = order[: order.index(answer) + 1]
    before = skill_states(lesson, upto[:-1], threshold, params)
    return changes(before, skill_states(lesson, upto, threshold, params))


def changes(before: Mapping[str, NodeProgress], after: Mapping[str, NodeProgress]) -> Moment:
    """The nodes newly mastered and newly opened between two states of the same tree."""
    mastered = tuple(
        p.title
        for n, p in after.items()
        if p.state == "mastered" and n in before and before[n].state != "mastered"
    )
    opened = [n for n, p in after.items() if p.is_open and n in before and not before[n].is_open]
    return Moment(mastered, tuple(after[n].title for n in opened), tuple(opened))
