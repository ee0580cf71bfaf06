"""Asking the instructor as a conversation: the learner's last turns give a follow-up its
context ("¿y para Flux?" after a VRAM question), and each turn is kept (the last 3 only)."""

from __future__ import annotations

from datetime import UTC, datetime

from aula.content.model import Course
from aula.instructor import Answer, Instructor
from aula.services.xapi import Xapi, asked_statement, to_outbox
from aula.store import Store
from aula.store.turns import TurnRecord


def ask(
    store: Store,
    instructor: Instructor,
    learner_id: str,
    question: str,
    lesson_id: str | None = None,
    *,
    xapi: tuple[Xapi, Course] | None = None,
) -> Answer:
    """Answer with the learner's last questions as context, then keep this turn (a write),
    with an ``asked`` statement for the LRS when ``xapi`` is given."""
    history = [t.question for t in store.recent_turns(learner_id)]
    answer = instructor.ask(question, lesson_id=lesson_id, history=history)
    messages = []
    if xapi is not None:
        x, course = xapi
        lesson = course.lesson(lesson_id) if lesson_id else None
        now = datetime.now(UTC)
        messages = to_outbox([asked_statement(x, course, lesson, learner_id, question, now)])
    store.record_turn(
        learner_id, question, answer.answer, refused=not answer.covered, messages=messages
    )
    return answer


def recent(store: Store, learner_id: str) -> list[TurnRecord]:
    """The learner's last turns, oldest first (a read)."""
    return store.recent_turns(learner_id)
