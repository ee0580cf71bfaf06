"""A learner's standing in a lesson, gathered from the store and judged by the learning rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aula.content.model import Lesson
from aula.learning import Attempt, LessonProgress, NodeProgress, skill_states, summarise_lesson
from aula.store import AnswerRecord, Store

STATE_LABELS = {
    "locked": "🔒 Locked",
    "available": "Available",
    "in_progress": "In progress",
    "mastered": "⭐ Mastered",
}


def attempts(records: list[AnswerRecord]) -> list[Attempt]:
    return [
        Attempt(
            question_id=r.question_id,
            node_id=r.node_id,
            choice_ids=frozenset(r.choice_ids),
            correct=r.correct,
            attempt=r.attempt,
            answered_at=r.answered_at,
        )
        for r in records
    ]


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
    lesson: Lesson
    answers: list[AnswerRecord]
    seen: frozenset[str]
    position: int | None
    nodes: dict[str, NodeView]
    summary: LessonProgress
    history: list[Attempt]

    @property
    def states(self) -> dict[str, NodeProgress]:
        return {node_id: view.progress for node_id, view in self.nodes.items()}

    def node_of_slide(self, slide_id: str) -> str | None:
        return next((n.id for n in self.lesson.skill_tree.nodes if slide_id in n.slides), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lesson_id": self.lesson.id,
            "current_slide": self.position,
            "slides_seen": sorted(self.seen, key=self._slide_order),
            "slides_total": len(self.lesson.slides),
            "nodes_mastered": self.summary.nodes_mastered,
            "nodes_total": self.summary.nodes_total,
            "percent": self.summary.percent,
            "answers": len(self.answers),
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

    def _slide_order(self, slide_id: str) -> int:
        slide = self.lesson.slide_by_id(slide_id)
        return slide.number if slide else 0


def lesson_state(store: Store, learner_id: str, lesson: Lesson, threshold: float) -> LessonState:
    """Everything about the learner in the lesson. Blocking: call it from a thread."""
    records = store.answers(learner_id, lesson.id)
    seen = store.slides_seen(learner_id, lesson.id)
    position = store.position(learner_id, lesson.id)
    history = attempts(records)
    states = skill_states(lesson, history, threshold)
    nodes = {
        node_id: NodeView(
            node_id=node_id,
            title=p.title,
            state=p.state,
            state_label=STATE_LABELS[p.state],
            rule=p.rule,
            missing_titles=p.missing,
            progress=p,
        )
        for node_id, p in states.items()
    }
    summary = summarise_lesson(lesson, states, seen)
    return LessonState(lesson, records, seen, position, nodes, summary, history)
