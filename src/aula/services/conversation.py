"""Asking the instructor as a conversation: the learner's last turns give a follow-up its
context ("¿y para Flux?" after a VRAM question), and each turn is kept (the last 3 only)."""

from __future__ import annotations

from aula.instructor import Answer, Instructor
from aula.store import Store
from aula.store.turns import TurnRecord


def ask(
    store: Store,
    instructor: Instructor,
    learner_id: str,
    question: str,
    lesson_id: str | None = None,
) -> Answer:
    """Answer with the learner's last questions as context, then keep this turn (a write)."""
    history = [t.question for t in store.recent_turns(learner_id)]
    answer = instructor.ask(question, lesson_id=lesson_id, history=history)
    store.record_turn(learner_id, question, answer.answer, refused=not answer.covered)
    return answer


def recent(store: Store, learner_id: str) -> list[TurnRecord]:
    """The learner's last turns, oldest first (a read)."""
    return store.recent_turns(learner_id)
