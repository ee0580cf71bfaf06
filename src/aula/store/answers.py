"""Every answer a learner gives, numbered per question."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from .records import AnswerRecord
from .schema import answers

# Built once: the writer runs these for every answer, and building costs more than running.
_LAST_ATTEMPT = sa.select(sa.func.max(answers.c.attempt)).where(
    answers.c.learner_id == sa.bindparam("learner_id"),
    answers.c.lesson_id == sa.bindparam("lesson_id"),
    answers.c.node_id == sa.bindparam("node_id"),
    answers.c.question_id == sa.bindparam("question_id"),
)
_INSERT = sa.insert(answers)


def record(
    connection: Connection,
    learner_id: str,
    lesson_id: str,
    node_id: str,
    question_id: str,
    choice_ids: tuple[str, ...],
    correct: bool,
    at: datetime,
) -> AnswerRecord:
    """Insert the answer as the next attempt at its question.

    The caller holds the learner's write lock, so reading the last attempt and inserting the
    next one cannot interleave with another writer for the same learner.
    """
    question = {
        "learner_id": learner_id,
        "lesson_id": lesson_id,
        "node_id": node_id,
        "question_id": question_id,
    }
    attempt = (connection.execute(_LAST_ATTEMPT, question).scalar_one() or 0) + 1
    values = {
        **question,
        "choice_ids": json.dumps(choice_ids, ensure_ascii=False),
        "correct": correct,
        "attempt": attempt,
        "answered_at": at,
    }
    result = connection.execute(_INSERT, values)
    (answer_id,) = result.inserted_primary_key or (None,)
    if not isinstance(answer_id, int):
        raise RuntimeError("the database did not return the new answer's id")
    return AnswerRecord(
        id=answer_id,
        learner_id=learner_id,
        lesson_id=lesson_id,
        node_id=node_id,
        question_id=question_id,
        choice_ids=choice_ids,
        correct=correct,
        attempt=attempt,
        answered_at=at,
    )


def listing(connection: Connection, learner_id: str, lesson_id: str | None) -> list[AnswerRecord]:
    """The learner's answers (in one lesson, or all), oldest first; ties in recording order."""
    query = sa.select(answers).where(answers.c.learner_id == learner_id)
    if lesson_id is not None:
        query = query.where(answers.c.lesson_id == lesson_id)
    query = query.order_by(answers.c.answered_at, answers.c.id)
    return [_answer(row) for row in connection.execute(query)]


def _answer(row: Row[tuple[object, ...]]) -> AnswerRecord:
    return AnswerRecord(
        id=row.id,
        learner_id=row.learner_id,
        lesson_id=row.lesson_id,
        node_id=row.node_id,
        question_id=row.question_id,
        choice_ids=tuple(json.loads(row.choice_ids)),
        correct=bool(row.correct),
        attempt=row.attempt,
        answered_at=row.answered_at,
    )


def after(connection: Connection, learner_id: str, since: Mapping[str, int]) -> list[AnswerRecord]:
    """Per lesson in ``since``, the learner's answers with an id above its value, in id order
    (an index range each, however long the history)."""
    if not since:
        return []
    ranges = [
        sa.and_(answers.c.lesson_id == lesson_id, answers.c.id > after_id)
        for lesson_id, after_id in since.items()
    ]
    query = (
        sa.select(answers)
        .where(answers.c.learner_id == learner_id, sa.or_(*ranges))
        .order_by(answers.c.id)
    )
    return [_answer(row) for row in connection.execute(query)]


def one(connection: Connection, learner_id: str, answer_id: int) -> AnswerRecord | None:
    query = sa.select(answers).where(answers.c.learner_id == learner_id, answers.c.id == answer_id)
    row = connection.execute(query).first()
    return None if row is None else _answer(row)
