"""Idempotency keys of writes queued offline: a key is applied once, by one learner."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import sync_keys

_FIND = sa.select(sync_keys.c.learner_id, sync_keys.c.kind, sync_keys.c.answer_id).where(
    sync_keys.c.key == sa.bindparam("key")
)
_INSERT = sa.insert(sync_keys)


class AlreadySynced(Exception):
    """The key was applied before (nothing new is written): by this learner, or another."""

    def __init__(self, key: str, kind: str, answer_id: int | None, same_learner: bool) -> None:
        self.key = key
        self.kind = kind
        self.answer_id = answer_id
        self.same_learner = same_learner
        owner = "this learner" if same_learner else "another learner"
        super().__init__(f"sync key {key!r} was already applied for {owner}")


def check(connection: Connection, learner_id: str, key: str) -> None:
    """Raise ``AlreadySynced`` if the key was applied. The caller holds the learner's lock,
    so two syncs of one queue cannot both pass this for the same learner."""
    row = connection.execute(_FIND, {"key": key}).first()
    if row is not None:
        raise AlreadySynced(key, row.kind, row.answer_id, row.learner_id == learner_id)


def save(
    connection: Connection,
    learner_id: str,
    key: str,
    kind: str,
    at: datetime,
    answer_id: int | None = None,
) -> None:
    values = {
        "key": key,
        "learner_id": learner_id,
        "kind": kind,
        "answer_id": answer_id,
        "applied_at": at,
    }
    connection.execute(_INSERT, values)


def applied(connection: Connection, learner_id: str) -> int:
    """How many queued writes of the learner were applied."""
    query = sa.select(sa.func.count()).where(sync_keys.c.learner_id == learner_id)
    return int(connection.execute(query).scalar_one())
