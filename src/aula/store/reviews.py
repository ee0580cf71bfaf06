"""Spaced-review cards and the reviews done, per learner. Cards are opaque JSON here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from .dialect import insert_missing, upsert
from .records import ItemKind, NewCard, ReviewCardRecord, ReviewLogRecord
from .schema import review_cards, review_logs


def card(
    connection: Connection, learner_id: str, item_kind: ItemKind, item_id: str
) -> ReviewCardRecord | None:
    query = sa.select(review_cards).where(
        review_cards.c.learner_id == learner_id,
        review_cards.c.item_kind == item_kind,
        review_cards.c.item_id == item_id,
    )
    row = connection.execute(query).first()
    return None if row is None else _card(row)


def save(
    connection: Connection,
    learner_id: str,
    item_kind: ItemKind,
    item_id: str,
    card_json: str,
    due: datetime,
) -> None:
    upsert(
        connection,
        review_cards,
        {
            "learner_id": learner_id,
            "item_kind": item_kind,
            "item_id": item_id,
            "card": card_json,
            "due": due,
        },
        key=["learner_id", "item_kind", "item_id"],
        update=["card", "due"],
    )


def due(
    connection: Connection, learner_id: str, now: datetime, limit: int | None
) -> list[ReviewCardRecord]:
    """Cards due at ``now`` or earlier, most overdue first."""
    query = (
        sa.select(review_cards)
        .where(review_cards.c.learner_id == learner_id, review_cards.c.due <= now)
        .order_by(review_cards.c.due, review_cards.c.item_kind, review_cards.c.item_id)
        .limit(limit)
    )
    return [_card(row) for row in connection.execute(query)]


def cards(connection: Connection, learner_id: str) -> list[ReviewCardRecord]:
    """All the learner's cards, soonest due first."""
    query = (
        sa.select(review_cards)
        .where(review_cards.c.learner_id == learner_id)
        .order_by(review_cards.c.due, review_cards.c.item_kind, review_cards.c.item_id)
    )
    return [_card(row) for row in connection.execute(query)]


def log(
    connection: Connection,
    learner_id: str,
    item_kind: ItemKind,
    item_id: str,
    rating: int,
    at: datetime,
) -> None:
    values = {
        "learner_id": learner_id,
        "item_kind": item_kind,
        "item_id": item_id,
        "rating": rating,
        "reviewed_at": at,
    }
    connection.execute(sa.insert(review_logs).values(values))


def logs(connection: Connection, learner_id: str) -> list[ReviewLogRecord]:
    """The learner's reviews, oldest first; ties in recording order."""
    query = (
        sa.select(review_logs)
        .where(review_logs.c.learner_id == learner_id)
        .order_by(review_logs.c.reviewed_at, review_logs.c.id)
    )
    return [
        ReviewLogRecord(
            id=row.id,
            learner_id=row.learner_id,
            item_kind=row.item_kind,
            item_id=row.item_id,
            rating=row.rating,
            reviewed_at=row.reviewed_at,
        )
        for row in connection.execute(query)
    ]


def _card(row: Row[tuple[object, ...]]) -> ReviewCardRecord:
    return ReviewCardRecord(
        learner_id=row.learner_id,
        item_kind=row.item_kind,
        item_id=row.item_id,
        card_json=row.card,
        due=row.due,
    )


def create_missing(connection: Connection, learner_id: str, cards: Sequence[NewCard]) -> None:
    """Create the cards the learner does not have yet; existing schedules are kept. One
    statement for all of them (an answer may bring ten)."""
    rows = [
        {
            "learner_id": learner_id,
            "item_kind": new.item_kind,
            "item_id": new.item_id,
            "card": new.card_json,
            "due": new.due,
        }
        for new in cards
    ]
    insert_missing(connection, review_cards, rows, key=["learner_id", "item_kind", "item_id"])
