"""Learner rows: created on first write, locked while a learner's data changes, erasable."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .dialect import insert_missing
from .resume import ResumeRefused, is_retired
from .schema import LEARNER_TABLES, answers, learners

_LOCK = sa.select(learners.c.id).where(learners.c.id == sa.bindparam("id")).with_for_update()


def claim(connection: Connection, learner_id: str, at: datetime) -> None:
    """Create the learner if new, then hold their row until the transaction ends.

    A retired id (its progress moved to another browser) writes nothing: ``ResumeRefused``.
    """
    if is_retired(connection, learner_id):
        raise ResumeRefused("retired")
    insert_missing(connection, learners, {"id": learner_id, "created_at": at}, key=["id"])
    if connection.dialect.name != "sqlite":  # SQLite's BEGIN IMMEDIATE holds the whole file
        lock(connection, learner_id)


def lock(connection: Connection, learner_id: str) -> bool:
    """Serialise writers of one learner; ``False`` if the learner does not exist.

    On PostgreSQL this is a row lock (``FOR UPDATE``), so two servers cannot hand out the same
    attempt number. SQLite ignores ``FOR UPDATE``: its ``BEGIN IMMEDIATE`` already locks
    the whole database for the writer.
    """
    return connection.execute(_LOCK, {"id": learner_id}).first() is not None


def erase(connection: Connection, learner_id: str) -> bool:
    """Delete everything stored about the learner; ``False`` if nothing was."""
    if not lock(connection, learner_id):
        return False
    for table in LEARNER_TABLES:
        connection.execute(sa.delete(table).where(table.c.learner_id == learner_id))
    connection.execute(sa.delete(learners).where(learners.c.id == learner_id))
    return True


def erase_except_answers(connection: Connection, learner_id: str) -> bool:
    """Erase the learner but keep their answers, under a new id that nobody holds: anonymous
    statistics for the course's item analysis. ``False`` if nothing was stored."""
    if not lock(connection, learner_id):
        return False
    anonymous = f"erased-{secrets.token_urlsafe(12)}"
    created = connection.execute(
        sa.select(learners.c.created_at).where(learners.c.id == learner_id)
    ).scalar_one()
    connection.execute(sa.insert(learners).values(id=anonymous, created_at=created))
    connection.execute(
        sa.update(answers).where(answers.c.learner_id == learner_id).values(learner_id=anonymous)
    )
    return erase(connection, learner_id)
