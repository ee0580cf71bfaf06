"""Moving a learner's progress to another browser with a single-use, expiring token.

The token itself is never stored, only its SHA-256. Redeeming it moves every row of the
learner to the receiving browser's learner id and retires the old id, so the old cookie no
longer reaches the progress.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from aula.i18n import N_

from .dialect import insert_missing
from .schema import LEARNER_TABLES, learners, resume_tokens, retired_learners

Refusal = Literal["unknown", "used", "expired", "same", "has_progress", "retired"]

MESSAGES: dict[Refusal, str] = {  # marked for translation; the web shows them through ``_``
    "unknown": N_("That resume code is not one this server gave out. Check it and try again."),
    "used": N_(
        "That resume code was already used: each code works once. Make a new one on the "
        "device that has your progress."
    ),
    "expired": N_(
        "That resume code has expired. Make a new one on the device that has your progress."
    ),
    "same": N_("This browser already holds that progress: open the code in the other browser."),
    "has_progress": N_(
        "This browser has progress of its own, so nothing was moved. Export or "
        "erase it first (on the Progress page), then use the code again."
    ),
    "retired": N_("This browser's progress moved to another browser. Reload to start afresh."),
}


class ResumeRefused(Exception):
    """A resume code that cannot be redeemed, with why (``reason``) and what to tell the learner."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(MESSAGES[reason])
        self.reason: Refusal = reason
        self.message = MESSAGES[reason]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Twelve characters, easy to type on a phone: 60 bits from a 32-letter alphabet."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def normalise(token: str) -> str:
    """What a learner typed, as issued: upper case, without spaces or dashes."""
    return "".join(c for c in token.upper() if c.isalnum())


def issue(connection: Connection, learner_id: str, now: datetime, expires: datetime) -> str:
    """A new token for the learner; any earlier unused one stops working."""
    connection.execute(
        sa.delete(resume_tokens).where(
            resume_tokens.c.learner_id == learner_id, resume_tokens.c.used_at.is_(None)
        )
    )
    token = new_token()
    connection.execute(
        sa.insert(resume_tokens).values(
            token_hash=digest(token),
            learner_id=learner_id,
            created_at=now,
            expires_at=expires,
            used_at=None,
        )
    )
    return token


def has_progress(connection: Connection, learner_id: str) -> bool:
    for table in LEARNER_TABLES:
        if table is resume_tokens:
            continue
        query = sa.select(sa.literal(1)).select_from(table).where(table.c.learner_id == learner_id)
        if connection.execute(query.limit(1)).first() is not None:
            return True
    return False


def is_retired(connection: Connection, learner_id: str) -> bool:
    query = sa.select(retired_learners.c.id).where(retired_learners.c.id == learner_id)
    return connection.execute(query).first() is not None


def redeem(connection: Connection, token: str, receiver: str, now: datetime) -> str:
    """Move the token's learner's progress to ``receiver``; return the old learner id.

    Refuses (``ResumeRefused``), changing nothing, when the token is unknown, used or
    expired, when it is the receiver's own, or when the receiver has progress of its own.
    """
    row = connection.execute(
        sa.select(resume_tokens)
        .where(resume_tokens.c.token_hash == digest(normalise(token)))
        .with_for_update()
    ).first()
    if row is None:
        raise ResumeRefused("unknown")
    if row.used_at is not None:
        raise ResumeRefused("used")
    if row.expires_at <= now:
        raise ResumeRefused("expired")
    old = str(row.learner_id)
    if old == receiver:
        raise ResumeRefused("same")
    if is_retired(connection, receiver):
        raise ResumeRefused("retired")
    if has_progress(connection, receiver):
        raise ResumeRefused("has_progress")
    connection.execute(
        sa.update(resume_tokens)
        .where(resume_tokens.c.token_hash == row.token_hash)
        .values(used_at=now)
    )
    insert_missing(connection, learners, {"id": receiver, "created_at": now}, key=["id"])
    for table in LEARNER_TABLES:
        connection.execute(
            sa.update(table).where(table.c.learner_id == old).values(learner_id=receiver)
        )
    connection.execute(sa.delete(learners).where(learners.c.id == old))
    insert_missing(connection, retired_learners, {"id": old, "retired_at": now}, key=["id"])
    return old
