"""The instructor's conversation per learner: only the last ``KEEP`` turns are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from aula.store.schema import instructor_turns

KEEP = 3


@dataclass(frozen=True)
class TurnRecord:
    question: str
    answer: str
    asked_at: datetime


def record(
    connection: Connection, learner_id: str, question: str, answer: str, at: datetime
) -> None:
    """Add a turn and forget all but the learner's last ``KEEP``."""
    t = instructor_turns
    connection.execute(
        sa.insert(t).values(learner_id=learner_id, question=question, answer=answer, asked_at=at)
    )
    keep = (
        sa.select(t.c.id)
        .where(t.c.learner_id == learner_id)
        .order_by(t.c.asked_at.desc(), t.c.id.desc())
        .limit(KEEP)
    )
    kept = [row.id for row in connection.execute(keep)]
    connection.execute(sa.delete(t).where(t.c.learner_id == learner_id, t.c.id.not_in(kept)))


def recent(connection: Connection, learner_id: str) -> list[TurnRecord]:
    """The learner's last turns, oldest first."""
    t = instructor_turns
    rows = connection.execute(
        sa.select(t.c.question, t.c.answer, t.c.asked_at)
        .where(t.c.learner_id == learner_id)
        .order_by(t.c.asked_at.desc(), t.c.id.desc())
        .limit(KEEP)
    ).all()
    return [TurnRecord(r.question, r.answer, r.asked_at) for r in reversed(rows)]
