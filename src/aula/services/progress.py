"""A learner's standing in a lesson: read in one transaction, judged by the learning rules.

The store keeps every answer; it also keeps each learner's replayed state per lesson (a
snapshot), so a page folds in only the answers given since, and costs the same after ten
answers or ten thousand. Reading never writes: snapshots move forward on the write paths.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from aula.content.model import Course, Lesson, Question
from aula.i18n import N_, _, current_language
from aula.learning import (
    Attempt,
    LessonProgress,
    Moment,
    NodeProgress,
    Replay,
    replay,
    review_question_from,
    states_of,
    summarise_lesson,
)
from aula.store import AnswerRecord, LessonRecords, SnapshotRecord, Store

RULES_VERSION = "replay-1"
"""Bump when the learning rules change what a history means: every snapshot is then rebuilt."""

STATE_LABELS = {
    "locked": N_("🔒 Locked"),
    "available": N_("Available"),
    "in_progress": N_("In progress"),
    "mastered": N_("⭐ Mastered"),
}
"""Marked for translation; shown through ``_`` in the request's language."""


def snapshot_version(course: Course) -> str:
    """What a snapshot was computed for: the course's content, its threshold and the rules."""
    return _version(course.fingerprint, course.mastery_threshold)


@functools.lru_cache(maxsize=64)
def _version(fingerprint: str, threshold: float) -> str:
    raw = f"{fingerprint}:{threshold}:{RULES_VERSION}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def attempt_of(record: AnswerRecord) -> Attempt:
    return Attempt(
        question_id=record.question_id,
        node_id=record.node_id,
        choice_ids=frozenset(record.choice_ids),
        correct=record.correct,
        attempt=record.attempt,
        answered_at=record.answered_at,
    )


@dataclass(frozen=True)
class NodeView:
    """A node's progress with what a page shows about it."""

    node_id: str
    title: str
    state: str
    state_label: str
    rule: str
    missing_titles: tuple[str, ...]
    progress: NodeProgress


@dataclass(frozen=True)
class LessonState:
    """Everything about a learner in a lesson that a page or its JSON twin shows."""

    lesson: Lesson
    replay: Replay
    through_answer_id: int
    seen: frozenset[str]
    position: int | None
    nodes: dict[str, NodeView]
    summary: LessonProgress
    answer: AnswerRecord | None = None
    """The answer a page asked for by id (``?answer=``), when it is this learner's."""
    last_moment: Moment | None = None
    """What the answer with id ``through_answer_id`` changed, when the snapshot recorded it
    as that answer was stored (so showing it needs no replay of the history)."""

    @property
    def states(self) -> dict[str, NodeProgress]:
        return {node_id: view.progress for node_id, view in self.nodes.items()}

    @property
    def answers(self) -> int:
        return self.replay.answers

    @property
    def correct_ids(self) -> frozenset[str]:
        """Questions the learner has answered right at least once."""
        return self.replay.correct_ever

    def node_of_slide(self, slide_id: str) -> str | None:
        return next((n.id for n in self.lesson.skill_tree.nodes if slide_id in n.slides), None)

    def practice_question(self, node_id: str) -> Question | None:
        """The node's question answered longest ago (never answered first)."""
        node = self.lesson.skill_tree.node(node_id)
        return review_question_from(node, self.replay.last_seen) if node else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lesson_id": self.lesson.id,
            "current_slide": self.position,
            "slides_seen": sorted(self.seen, key=self._slide_order),
            "slides_total": len(self.lesson.slides),
            "nodes_mastered": self.summary.nodes_mastered,
            "nodes_total": self.summary.nodes_total,
            "percent": self.summary.percent,
            "answers": self.answers,
            "nodes": [
                {
                    "id": n.node_id,
                    "title": n.title,
                    "state": n.state,
                    "p_known": round(n.progress.mastery.p_known, 4),
                    "mastered": n.progress.mastery.mastered,
                    "first_try_correct": n.progress.mastery.first_try_correct,
                    "answered": n.progress.mastery.answered,
                    "questions": n.progress.mastery.questions,
                    "missing_prerequisites": list(n.progress.missing),
                    "percent": n.progress.percent,
                    "rule": n.rule,
                    "next_step": n.progress.next_step,
                    "refresh": list(n.progress.refresh),
                }
                for n in self.nodes.values()
            ],
        }

    def snapshot(self, version: str, moment: Moment | None = None) -> SnapshotRecord:
        """This state as the store keeps it, with the moment of its last answer if given."""
        data = self.replay.to_json()
        if moment is not None:
            data["moment"] = {
                "mastered": list(moment.mastered),
                "unlocked": list(moment.unlocked),
                "unlocked_ids": list(moment.unlocked_ids),
            }
        return SnapshotRecord(
            version=version,
            through_answer_id=self.through_answer_id,
            answers=self.replay.answers,
            state_json=json.dumps(data, separators=(",", ":")),
        )

    def _slide_order(self, slide_id: str) -> int:
        slide = self.lesson.slide_by_id(slide_id)
        return slide.number if slide else 0


def judge(
    course: Course,
    lesson: Lesson,
    base: Replay | None,
    new: Sequence[AnswerRecord],
    through: int,
    seen: frozenset[str],
    position: int | None,
    answer: AnswerRecord | None = None,
) -> LessonState:
    """The state from a replay so far and the answers after it (pure)."""
    threshold = course.mastery_threshold
    folded = replay(lesson, [attempt_of(a) for a in new], threshold, start_from=base)
    last = max((a.id for a in new), default=through)
    states = states_of(lesson, folded, threshold)
    nodes = {
        node_id: NodeView(
            node_id=node_id,
            title=p.title,
            state=p.state,
            state_label=_(STATE_LABELS[p.state]),
            rule=p.rule,
            missing_titles=p.missing,
            progress=p,
        )
        for node_id, p in states.items()
    }
    summary = summarise_lesson(lesson, states, seen)
    return LessonState(lesson, folded, last, seen, position, nodes, summary, answer)


_UNTOUCHED: dict[tuple[str, str, str, str], LessonState] = {}
"""Per course version and lesson: the state of a learner who has done nothing there yet, the
same for everyone (so a course with many lessons costs little for lessons not begun)."""


def _state(course: Course, lesson: Lesson, records: LessonRecords) -> LessonState:
    untouched = not (records.snapshot or records.answers or records.views or records.position)
    if untouched and records.answer is None:
        # Its text (titles, rules) is in the edition's and the interface's language.
        key = (snapshot_version(course), lesson.id, course.language, current_language())
        if key not in _UNTOUCHED:
            if len(_UNTOUCHED) > 10_000:  # a bound, should courses be reloaded many times
                _UNTOUCHED.clear()
            _UNTOUCHED[key] = _judged(course, lesson, records)
        return _UNTOUCHED[key]
    return _judged(course, lesson, records)


def _judged(course: Course, lesson: Lesson, records: LessonRecords) -> LessonState:
    snapshot = records.snapshot
    data = json.loads(snapshot.state_json) if snapshot else None
    base = Replay.from_json(data) if data else None
    state = judge(
        course,
        lesson,
        base,
        records.answers,
        snapshot.through_answer_id if snapshot else 0,
        frozenset(v.slide_id for v in records.views),
        records.position,
        records.answer,
    )
    recorded = data.get("moment") if data and not records.answers else None
    if snapshot is None or not isinstance(recorded, dict):
        return state
    moment = Moment(
        tuple(recorded.get("mastered", ())),
        tuple(recorded.get("unlocked", ())),
        tuple(recorded.get("unlocked_ids", ())),
    )
    return replace(state, last_moment=moment)


def lesson_state(
    store: Store | None,
    course: Course,
    learner_id: str,
    lesson: Lesson,
    answer_id: int | None = None,
) -> LessonState:
    """The learner's state in one lesson (one transaction). Blocking: call it from a thread.

    ``store`` is None for a learner known to have nothing stored (an id minted just now)."""
    if store is None:
        return _state(course, lesson, NOTHING)
    records = store.lesson_records(learner_id, [lesson.id], snapshot_version(course), answer_id)
    return _state(course, lesson, records[lesson.id])


def course_states(store: Store | None, course: Course, learner_id: str) -> list[LessonState]:
    """The learner's state in every lesson of the course, in one transaction (none when
    ``store`` is None: see ``lesson_state``)."""
    if store is None:
        return [_state(course, lesson, NOTHING) for lesson in course.lessons]
    ids = [lesson.id for lesson in course.lessons]
    records = store.lesson_records(learner_id, ids, snapshot_version(course))
    return [_state(course, lesson, records[lesson.id]) for lesson in course.lessons]


NOTHING = LessonRecords(snapshot=None, answers=[], views=[], position=None)
"""What the store holds about a learner who has never written anything."""
