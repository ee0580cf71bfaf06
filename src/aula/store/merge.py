"""Merging an anonymous learner's progress into an account's learner id, on sign-in.

Like redeeming a resume code (``resume.redeem``) every row moves, but the receiver may have
progress of its own, so rows that would clash are combined: nothing lost, nothing doubled.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .dialect import insert_missing
from .learners import claim
from .resume import is_retired
from .schema import (
    LEARNER_TABLES,
    answers,
    learners,
    lesson_snapshots,
    memberships,
    positions,
    resume_tokens,
    retired_learners,
    review_cards,
    slide_views,
)

# Tables whose rows never clash: they move as they are.
_MOVED = tuple(
    t
    for t in LEARNER_TABLES
    if t
    not in (
        answers,
        slide_views,
        positions,
        review_cards,
        lesson_snapshots,
        resume_tokens,
        memberships,
    )
)


def merge(connection: Connection, source: str, target: str, now: datetime) -> int:
    """Move ``source``'s rows to ``target`` and retire ``source``; the number of answers moved.

    Answers to a question both answered are renumbered oldest first (the earlier one is the
    first try); a slide seen by both keeps the first and last times; the later position and
    the review card due later (the more practised) win; snapshots of both are dropped, to be
    replayed from the merged answers (they are a cache).
    """
    if source == target or is_retired(connection, source):
        return 0
    claim(connection, target, now)
    if connection.execute(sa.select(learners.c.id).where(learners.c.id == source)).first() is None:
        insert_missing(connection, retired_learners, {"id": source, "retired_at": now}, key=["id"])
        return 0
    moved = _answers(connection, source, target)
    _slide_views(connection, source, target)
    _keep_later(connection, positions, ("lesson_id",), "updated_at", source, target)
    _keep_later(connection, review_cards, ("item_kind", "item_id"), "due", source, target)
    _memberships(connection, source, target)
    for table in _MOVED:
        connection.execute(
            sa.update(table).where(table.c.learner_id == source).values(learner_id=target)
        )
    connection.execute(
        sa.delete(lesson_snapshots).where(lesson_snapshots.c.learner_id.in_([source, target]))
    )
    connection.execute(sa.delete(resume_tokens).where(resume_tokens.c.learner_id == source))
    connection.execute(sa.delete(learners).where(learners.c.id == source))
    insert_missing(connection, retired_learners, {"id": source, "retired_at": now}, key=["id"])
    return moved


def _answers(connection: Connection, source: str, target: str) -> int:
    rows = connection.execute(
        sa.select(
            answers.c.id, answers.c.lesson_id, answers.c.node_id, answers.c.question_id
        ).where(answers.c.learner_id == source)
    ).all()
    if not rows:
        return 0
    # Negative attempts first: unique while the rows move and are renumbered.
    for row in rows:
        connection.execute(
            sa.update(answers)
            .where(answers.c.id == row.id)
            .values(learner_id=target, attempt=-row.id)
        )
    groups = {(r.lesson_id, r.node_id, r.question_id) for r in rows}
    for lesson_id, node_id, question_id in groups:
        where = (
            (answers.c.learner_id == target)
            & (answers.c.lesson_id == lesson_id)
            & (answers.c.node_id == node_id)
            & (answers.c.question_id == question_id)
        )
        ordered = connection.execute(
            sa.select(answers.c.id).where(where).order_by(answers.c.answered_at, answers.c.id)
        ).all()
        for row in ordered:
            connection.execute(
                sa.update(answers).where(answers.c.id == row.id).values(attempt=-row.id)
            )
        for number, row in enumerate(ordered, start=1):
            connection.execute(
                sa.update(answers).where(answers.c.id == row.id).values(attempt=number)
            )
    return len(rows)


def _slide_views(connection: Connection, source: str, target: str) -> None:
    mine = connection.execute(
        sa.select(slide_views).where(slide_views.c.learner_id == source)
    ).all()
    for view in mine:
        key = (
            (slide_views.c.learner_id == target)
            & (slide_views.c.lesson_id == view.lesson_id)
            & (slide_views.c.slide_id == view.slide_id)
        )
        theirs = connection.execute(sa.select(slide_views).where(key)).first()
        if theirs is None:
            continue
        connection.execute(
            sa.update(slide_views)
            .where(key)
            .values(
                first_seen_at=min(theirs.first_seen_at, view.first_seen_at),
                last_seen_at=max(theirs.last_seen_at, view.last_seen_at),
            )
        )
        connection.execute(
            sa.delete(slide_views).where(
                (slide_views.c.learner_id == source)
                & (slide_views.c.lesson_id == view.lesson_id)
                & (slide_views.c.slide_id == view.slide_id)
            )
        )
    connection.execute(
        sa.update(slide_views).where(slide_views.c.learner_id == source).values(learner_id=target)
    )


def _keep_later(
    connection: Connection,
    table: sa.Table,
    key: tuple[str, ...],
    when: str,
    source: str,
    target: str,
) -> None:
    """Rows of ``source`` that clash with ``target``'s on ``key``: the later ``when`` stays."""
    for row in connection.execute(sa.select(table).where(table.c.learner_id == source)).all():
        match = sa.and_(*(table.c[k] == row._mapping[k] for k in key))
        theirs = connection.execute(
            sa.select(table).where(table.c.learner_id == target, match)
        ).first()
        if theirs is None:
            continue
        mine_wins = row._mapping[when] > theirs._mapping[when]
        loser = target if mine_wins else source
        connection.execute(sa.delete(table).where(table.c.learner_id == loser, match))
    connection.execute(
        sa.update(table).where(table.c.learner_id == source).values(learner_id=target)
    )


def _memberships(connection: Connection, source: str, target: str) -> None:
    theirs = {
        r.cohort_id
        for r in connection.execute(
            sa.select(memberships.c.cohort_id).where(memberships.c.learner_id == target)
        )
    }
    if theirs:
        connection.execute(
            sa.delete(memberships).where(
                memberships.c.learner_id == source, memberships.c.cohort_id.in_(theirs)
            )
        )
    connection.execute(
        sa.update(memberships).where(memberships.c.learner_id == source).values(learner_id=target)
    )
