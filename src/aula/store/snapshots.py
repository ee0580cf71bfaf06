"""Each learner's replayed state per lesson: a cache of what their answers add up to.

The answers stay the truth. A snapshot says which answers it has folded in
(``through_answer_id``) and for which course version; readers fold in the answers after it,
and writers move it forward. It only ever moves forward, so a late writer cannot undo a newer
snapshot.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from .dialect import upsert
from .records import SnapshotRecord
from .schema import answers, lesson_snapshots


def read(connection: Connection, learner_id: str, lesson_id: str) -> SnapshotRecord | None:
    query = sa.select(lesson_snapshots).where(
        lesson_snapshots.c.learner_id == learner_id, lesson_snapshots.c.lesson_id == lesson_id
    )
    row = connection.execute(query).first()
    return None if row is None else _record(row)


def read_all(connection: Connection, learner_id: str) -> dict[str, SnapshotRecord]:
    """The learner's snapshot in every lesson that has one, by lesson id."""
    query = sa.select(lesson_snapshots).where(lesson_snapshots.c.learner_id == learner_id)
    return {row.lesson_id: _record(row) for row in connection.execute(query)}


def _record(row: Row[tuple[object, ...]]) -> SnapshotRecord:
    return SnapshotRecord(
        version=row.version,
        through_answer_id=row.through_answer_id,
        answers=row.answers,
        state_json=row.state,
    )


def save(
    connection: Connection,
    learner_id: str,
    lesson_id: str,
    snapshot: SnapshotRecord,
    at: datetime,
) -> None:
    """Store the snapshot if it folds in exactly the learner's answers up to its id (an answer
    recorded meanwhile by another request makes it stale: then it is not kept) and the one
    stored does not already fold in more."""
    current = read(connection, learner_id, lesson_id)
    if (
        current is not None
        and current.version == snapshot.version
        and current.through_answer_id > snapshot.through_answer_id
    ):
        return
    upto = sa.select(sa.func.count()).where(
        answers.c.learner_id == learner_id,
        answers.c.lesson_id == lesson_id,
        answers.c.id <= snapshot.through_answer_id,
    )
    if connection.execute(upto).scalar_one() != snapshot.answers:
        return
    upsert(
        connection,
        lesson_snapshots,
        {
            "learner_id": learner_id,
            "lesson_id": lesson_id,
            "version": snapshot.version,
            "through_answer_id": snapshot.through_answer_id,
            "answers": snapshot.answers,
            "state": snapshot.state_json,
            "updated_at": at,
        },
        key=["learner_id", "lesson_id"],
        update=["version", "through_answer_id", "answers", "state", "updated_at"],
    )
