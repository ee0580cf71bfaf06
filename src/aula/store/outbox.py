"""The outbox: messages for an LRS or an LTI platform, queued in the transaction of the answer
they report and delivered later, with retry, by ``aula.services.delivery``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .records import OutboxItem, OutboxKind, OutboxRecord
from .schema import outbox

ERROR_LENGTH = 500


def add(connection: Connection, items: Sequence[OutboxItem], at: datetime) -> None:
    if not items:
        return
    connection.execute(
        sa.insert(outbox),
        [
            {
                "kind": item.kind,
                "payload": item.payload,
                "created_at": at,
                "attempts": 0,
                "next_attempt_at": at,
                "last_error": None,
                "delivered_at": None,
            }
            for item in items
        ],
    )


def due(connection: Connection, kind: OutboxKind, now: datetime, limit: int) -> list[OutboxRecord]:
    """Undelivered messages of ``kind`` whose next attempt is due, oldest first."""
    o = outbox
    rows = connection.execute(
        sa.select(o)
        .where(o.c.delivered_at.is_(None), o.c.kind == kind, o.c.next_attempt_at <= now)
        .order_by(o.c.id)
        .limit(limit)
    ).all()
    return [_record(row) for row in rows]


def claim(
    connection: Connection, kind: OutboxKind, now: datetime, limit: int, until: datetime
) -> list[OutboxRecord]:
    """The due messages, moved out of other deliverers' sight until ``until`` (a lease: a
    deliverer that dies mid-send leaves them to be tried again then). PostgreSQL skips rows
    another server's deliverer holds; SQLite has one writer anyway."""
    o = outbox
    query = (
        sa.select(o.c.id)
        .where(o.c.delivered_at.is_(None), o.c.kind == kind, o.c.next_attempt_at <= now)
        .order_by(o.c.id)
        .limit(limit)
    )
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = [row.id for row in connection.execute(query)]
    if not ids:
        return []
    connection.execute(sa.update(o).where(o.c.id.in_(ids)).values(next_attempt_at=until))
    rows = connection.execute(sa.select(o).where(o.c.id.in_(ids)).order_by(o.c.id))
    return [_record(row) for row in rows]


def pending(connection: Connection) -> list[OutboxRecord]:
    o = outbox
    rows = connection.execute(sa.select(o).where(o.c.delivered_at.is_(None)).order_by(o.c.id))
    return [_record(row) for row in rows]


def delivered(connection: Connection, ids: Sequence[int], at: datetime) -> None:
    if ids:
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id.in_(list(ids)), outbox.c.delivered_at.is_(None))
            .values(delivered_at=at, attempts=outbox.c.attempts + 1, last_error=None)
        )


def failed(connection: Connection, ids: Sequence[int], error: str, retry_at: datetime) -> None:
    if ids:
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id.in_(list(ids)), outbox.c.delivered_at.is_(None))
            .values(
                attempts=outbox.c.attempts + 1,
                last_error=error[:ERROR_LENGTH],
                next_attempt_at=retry_at,
            )
        )


def _record(row: sa.Row[tuple[object, ...]]) -> OutboxRecord:
    m = row._mapping
    return OutboxRecord(
        id=m["id"],
        kind=m["kind"],
        payload=m["payload"],
        created_at=m["created_at"],
        attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"],
        last_error=m["last_error"],
        delivered_at=m["delivered_at"],
    )
