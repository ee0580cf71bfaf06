"""Where each learner is in each lesson: the slides seen and the current slide."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .dialect import upsert
from .records import SlideViewRecord
from .schema import positions, slide_views


def record_view(
    connection: Connection,
    learner_id: str,
    lesson_id: str,
    slide_id: str,
    slide_number: int,
    at: datetime,
) -> None:
    """Mark the slide seen (keeping when it was first seen) and make it the current slide."""
    upsert(
        connection,
        slide_views,
        {
            "learner_id": learner_id,
            "lesson_id": lesson_id,
            "slide_id": slide_id,
            "first_seen_at": at,
            "last_seen_at": at,
        },
        key=["learner_id", "lesson_id", "slide_id"],
        update=["last_seen_at"],
    )
    upsert(
        connection,
        positions,
        {
            "learner_id": learner_id,
            "lesson_id": lesson_id,
            "slide_number": slide_number,
            "updated_at": at,
        },
        key=["learner_id", "lesson_id"],
        update=["slide_number", "updated_at"],
    )


def position(connection: Connection, learner_id: str, lesson_id: str) -> int | None:
    query = sa.select(positions.c.slide_number).where(
        positions.c.learner_id == learner_id, positions.c.lesson_id == lesson_id
    )
    return connection.execute(query).scalar_one_or_none()


def positions_of(connection: Connection, learner_id: str) -> dict[str, int]:
    """The learner's current slide in every lesson they have one in, by lesson id."""
    query = sa.select(positions.c.lesson_id, positions.c.slide_number).where(
        positions.c.learner_id == learner_id
    )
    return {row.lesson_id: row.slide_number for row in connection.execute(query)}


def views(connection: Connection, learner_id: str, lesson_id: str) -> list[SlideViewRecord]:
    """The learner's seen slides in the lesson, in the order first seen."""
    return _views(connection, learner_id, lesson_id)


def all_views(connection: Connection, learner_id: str) -> list[SlideViewRecord]:
    """The learner's seen slides in every lesson, in the order first seen."""
    return _views(connection, learner_id, None)


def _views(connection: Connection, learner_id: str, lesson_id: str | None) -> list[SlideViewRecord]:
    query = sa.select(slide_views).where(slide_views.c.learner_id == learner_id)
    if lesson_id is not None:
        query = query.where(slide_views.c.lesson_id == lesson_id)
    query = query.order_by(slide_views.c.first_seen_at, slide_views.c.slide_id)
    return [
        SlideViewRecord(
            learner_id=row.learner_id,
            lesson_id=row.lesson_id,
            slide_id=row.slide_id,
            first_seen_at=row.first_seen_at,
            last_seen_at=row.last_seen_at,
        )
        for row in connection.execute(query)
    ]
