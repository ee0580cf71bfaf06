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
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from aula.content.model import Lesson, Node, Question
from aula.i18n import _
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


@dataclass(frozen=True)
class Replay:
    """What ``skill_states`` keeps while it replays a history: enough to go on from here.

    ``replay(lesson, later, threshold, start=r)`` continues from ``r`` exactly as if the whole
    history had been replayed at once (property-tested), so a learner's state can be kept as a
    snapshot and updated by each new answer instead of recomputed from every answer they gave.
    """

    p_known: Mapping[str, float]
    mastered: frozenset[str] = frozenset()
    ever: frozenset[str] = frozenset()
    opened: frozenset[str] = frozenset()
    answered: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per node: questions with an answer that counted."""
    first_right: Mapping[str, frozenset[str]] = field(default_factory=dict)
    counted: Mapping[str, int] = field(default_factory=dict)
    """Per node: answers that counted, retries included."""
    correct_ever: frozenset[str] = frozenset()
    """Questions answered right at least once (counted or not)."""
    last_seen: Mapping[str, int] = field(default_factory=dict)
    """Per question: the position of its latest answer in the history (for review order)."""
    latest: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per question: the choices of its latest answer."""
    answers: int = 0
    """Answers replayed so far, counted or not."""

    def to_json(self) -> dict[str, object]:
        return {
            "p_known": dict(self.p_known),
            "mastered": sorted(self.mastered),
            "ever": sorted(self.ever),
            "opened": sorted(self.opened),
            "answered": {k: sorted(v) for k, v in self.answered.items()},
            "first_right": {k: sorted(v) for k, v in self.first_right.items()},
            "counted": dict(self.counted),
            "correct_ever": sorted(self.correct_ever),
            "last_seen": dict(self.last_seen),
            "latest": {k: list(v) for k, v in self.latest.items()},
            "answers": self.answers,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Replay:
        return cls(
            p_known={str(k): float(v) for k, v in data["p_known"].items()},
            mastered=frozenset(data["mastered"]),
            ever=frozenset(data["ever"]),
            opened=frozenset(data["opened"]),
            answered={k: frozenset(v) for k, v in data["answered"].items()},
            first_right={k: frozenset(v) for k, v in data["first_right"].items()},
            counted={str(k): int(v) for k, v in data["counted"].items()},
            correct_ever=frozenset(data["correct_ever"]),
            last_seen={str(k): int(v) for k, v in data["last_seen"].items()},
            latest={str(k): tuple(v) for k, v in data["latest"].items()},
            answers=int(data["answers"]),
        )


def start(lesson: Lesson, params: BKTParams = DEFAULT_PARAMS) -> Replay:
    """The replay of an empty history: every node at the prior, the roots open."""
    replay = Replay(p_known={n.id: params.prior for n in lesson.skill_tree.nodes})
    return replace(replay, opened=frozenset(_open_ready(lesson, replay.opened, replay.mastered)))


def replay(
    lesson: Lesson,
    attempts: Sequence[Attempt],
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
    *,
    start_from: Replay | None = None,
) -> Replay:
    """Replay ``attempts`` (oldest first, after those ``start_from`` has seen) over the tree."""
    check_threshold(threshold)
    nodes = lesson.skill_tree.nodes
    where: dict[str, tuple[Question, str]] = {q.id: (q, n.id) for n in nodes for q in n.questions}
    r = start_from if start_from is not None else start(lesson, params)
    p_known = {n.id: r.p_known.get(n.id, params.prior) for n in nodes}
    mastered, ever, opened = set(r.mastered), set(r.ever), set(r.opened)
    answered = {n.id: set(r.answered.get(n.id, ())) for n in nodes}
    first_right = {n.id: set(r.first_right.get(n.id, ())) for n in nodes}
    counted = {n.id: r.counted.get(n.id, 0) for n in nodes}
    correct_ever, last_seen, latest = set(r.correct_ever), dict(r.last_seen), dict(r.latest)
    position = r.answers
    for a in attempts:
        last_seen[a.question_id] = position
        latest[a.question_id] = tuple(sorted(a.choice_ids))
        position += 1
        if a.correct:
            correct_ever.add(a.question_id)
        found = where.get(a.question_id)
        if found is None or found[1] not in opened:
            continue
        question, node_id = found
        p_known[node_id] = observe(p_known[node_id], question, a.correct, a.first_try, params)
        counted[node_id] += 1
        answered[node_id].add(question.id)
        if a.first_try and a.correct:
            first_right[node_id].add(question.id)
        if p_known[node_id] >= threshold:
            mastered.add(node_id)
            ever.add(node_id)
            opened = _open_ready(lesson, opened, mastered)
        else:
            mastered.discard(node_id)
    return Replay(
        p_known=p_known,
        mastered=frozenset(mastered),
        ever=frozenset(ever),
        opened=frozenset(opened),
        answered={k: frozenset(v) for k, v in answered.items()},
        first_right={k: frozenset(v) for k, v in first_right.items()},
        counted=counted,
        correct_ever=frozenset(correct_ever),
        last_seen=last_seen,
        latest=latest,
        answers=position,
    )


def _open_ready(lesson: Lesson, opened: Collection[str], mastered: Collection[str]) -> set[str]:
    nodes = lesson.skill_tree.nodes
    ids = {n.id for n in nodes}
    out = set(opened)
    for n in nodes:
        # Unknown prerequisites are ignored, as ``aula.content.graph`` does.
        if n.id not in out and all(p in mastered for p in n.prerequisites if p in ids):
            out.add(n.id)
    return out


def skill_states(
    lesson: Lesson,
    attempts: Sequence[Attempt],
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
) -> dict[str, NodeProgress]:
    """Each node's progress, in the lesson's node order: a pure function of the history."""
    return states_of(
        lesson, replay(lesson, chronological(attempts), threshold, params), threshold, params
    )


def states_of(
    lesson: Lesson, r: Replay, threshold: float, params: BKTParams = DEFAULT_PARAMS
) -> dict[str, NodeProgress]:
    """Each node's progress from a replay."""
    check_threshold(threshold)
    nodes = lesson.skill_tree.nodes
    titles = {n.id: n.title for n in nodes}
    out: dict[str, NodeProgress] = {}
    for n in nodes:
        p = r.p_known.get(n.id, params.prior)
        mastery = NodeMastery(
            p_known=p,
            first_try_correct=len(r.first_right.get(n.id, ())),
            answered=len(r.answered.get(n.id, ())),
            questions=len(n.questions),
            mastered=bool(n.questions) and p >= threshold,
            answers=r.counted.get(n.id, 0),
        )
        out[n.id] = _progress(
            n,
            mastery,
            opened=n.id in r.opened,
            not_mastered=tuple(
                titles[q] for q in n.prerequisites if q in titles and q not in r.mastered
            ),
            answered=set(r.answered.get(n.id, ())),
            right=r.correct_ever,
            last_seen=r.last_seen,
            was_mastered=n.id in r.ever,
            threshold=threshold,
            params=params,
        )
    return out


def _progress(
    node: Node,
    mastery: NodeMastery,
    *,
    opened: bool,
    not_mastered: tuple[str, ...],
    answered: set[str],
    right: Collection[str] = (),
    last_seen: Mapping[str, int] | None = None,
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
            next_step(node, mastery, answered, threshold, params, right=right, last_seen=last_seen)
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
            parts.append(_("Mastered: %(titles)s.", titles=", ".join(self.mastered)))
        if self.unlocked:
            parts.append(_("Unlocked: %(titles)s.", titles=", ".join(self.unlocked)))
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
