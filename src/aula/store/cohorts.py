"""Cohorts (a class, a team), who is in them, and what a teacher reads about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from .answers import _answer
from .dialect import insert_missing, upsert
from .records import AnswerRecord
from .schema import (
    answers,
    asked_questions,
    cohorts,
    learners,
    memberships,
    review_logs,
    slide_views,
)

MemberRole = Literal["learner", "teacher"]


@dataclass(frozen=True)
class CohortRecord:
    id: int
    name: str
    owner_id: int
    join_code: str
    created_at: datetime


@dataclass(frozen=True)
class MemberRecord:
    learner_id: str
    role: MemberRole
    joined_at: datetime


@dataclass(frozen=True)
class AskedRecord:
    learner_id: str
    question: str
    refused: bool
    asked_at: datetime


@dataclass(frozen=True)
class CohortActivity:
    """Everything a teacher's dashboard reads about a cohort, in one transaction."""

    members: list[MemberRecord]
    answers: list[AnswerRecord]
    last_activity: dict[str, datetime]
    asked: list[AskedRecord]


def _cohort(row: Row[tuple[object, ...]]) -> CohortRecord:
    m = row._mapping
    return CohortRecord(
        int(m["id"]), str(m["name"]), int(m["owner_id"]), str(m["join_code"]), m["created_at"]
    )


def create(
    connection: Connection, name: str, owner_id: int, join_code: str, at: datetime
) -> CohortRecord:
    result = connection.execute(
        sa.insert(cohorts)
        .values(name=name, owner_id=owner_id, join_code=join_code, created_at=at)
        .returning(cohorts.c.id)
    )
    return CohortRecord(int(result.scalar_one()), name, owner_id, join_code, at)


def one(connection: Connection, cohort_id: int) -> CohortRecord | None:
    row = connection.execute(sa.select(cohorts).where(cohorts.c.id == cohort_id)).first()
    return _cohort(row) if row else None


def by_code(connection: Connection, join_code: str) -> CohortRecord | None:
    row = connection.execute(sa.select(cohorts).where(cohorts.c.join_code == join_code)).first()
    return _cohort(row) if row else None


def owned(connection: Connection, owner_id: int | None) -> list[CohortRecord]:
    """The owner's cohorts (every cohort for ``None``: an admin), oldest first."""
    query = sa.select(cohorts).order_by(cohorts.c.id)
    if owner_id is not None:
        query = query.where(cohorts.c.owner_id == owner_id)
    return [_cohort(r) for r in connection.execute(query)]


def of_learner(connection: Connection, learner_id: str) -> list[CohortRecord]:
    query = (
        sa.select(cohorts)
        .join(memberships, memberships.c.cohort_id == cohorts.c.id)
        .where(memberships.c.learner_id == learner_id)
        .order_by(cohorts.c.id)
    )
    return [_cohort(r) for r in connection.execute(query)]


def join(
    connection: Connection, cohort_id: int, learner_id: str, role: MemberRole, at: datetime
) -> bool:
    """Add the learner (already claimed); ``False`` if they were in it already."""
    exists = connection.execute(
        sa.select(memberships.c.learner_id).where(
            memberships.c.cohort_id == cohort_id, memberships.c.learner_id == learner_id
        )
    ).first()
    if exists is not None:
        return False
    insert_missing(
        connection,
        memberships,
        {"cohort_id": cohort_id, "learner_id": learner_id, "role": role, "joined_at": at},
        key=["cohort_id", "learner_id"],
    )
    return True


def set_member(
    connection: Connection, cohort_id: int, learner_id: str, role: MemberRole, at: datetime
) -> None:
    upsert(
        connection,
        memberships,
        {"cohort_id": cohort_id, "learner_id": learner_id, "role": role, "joined_at": at},
        key=["cohort_id", "learner_id"],
        update=["role"],
    )


def remove_member(connection: Connection, cohort_id: int, learner_id: str) -> None:
    connection.execute(
        sa.delete(memberships).where(
            memberships.c.cohort_id == cohort_id, memberships.c.learner_id == learner_id
        )
    )


def members(connection: Connection, cohort_id: int) -> list[MemberRecord]:
    query = (
        sa.select(memberships)
        .where(memberships.c.cohort_id == cohort_id)
        .order_by(memberships.c.joined_at, memberships.c.learner_id)
    )
    return [MemberRecord(str(r.learner_id), r.role, r.joined_at) for r in connection.execute(query)]


def activity(connection: Connection, cohort_id: int) -> CohortActivity:
    """The cohort's learners, their answers, when each last did anything, what they asked."""
    people = members(connection, cohort_id)
    ids = [m.learner_id for m in people if m.role == "learner"]
    if not ids:
        return CohortActivity(people, [], {}, [])
    found = [
        _answer(r)
        for r in connection.execute(
            sa.select(answers).where(answers.c.learner_id.in_(ids)).order_by(answers.c.id)
        )
    ]
    last: dict[str, datetime] = {}
    for table, column in (
        (answers, answers.c.answered_at),
        (slide_views, slide_views.c.last_seen_at),
        (review_logs, review_logs.c.reviewed_at),
        (asked_questions, asked_questions.c.asked_at),
    ):
        query = (
            sa.select(table.c.learner_id, sa.func.max(column))
            .where(table.c.learner_id.in_(ids))
            .group_by(table.c.learner_id)
        )
        for learner_id, at in connection.execute(query):
            if at is None:
                continue
            if at.tzinfo is None:  # SQLite's max() returns text-typed values untouched
                at = _as_utc(at)
            last[str(learner_id)] = max(last.get(str(learner_id), at), at)
    asked = [
        AskedRecord(str(r.learner_id), str(r.question), bool(r.refused), r.asked_at)
        for r in connection.execute(
            sa.select(asked_questions)
            .where(asked_questions.c.learner_id.in_(ids))
            .order_by(asked_questions.c.asked_at)
        )
    ]
    return CohortActivity(people, found, last, asked)


def _as_utc(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def record_question(
    connection: Connection, learner_id: str, question: str, refused: bool, at: datetime
) -> None:
    connection.execute(
        sa.insert(asked_questions).values(
            learner_id=learner_id, question=question, refused=refused, asked_at=at
        )
    )


def asked_by(connection: Connection, learner_id: str) -> list[AskedRecord]:
    return [
        AskedRecord(str(r.learner_id), str(r.question), bool(r.refused), r.asked_at)
        for r in connection.execute(
            sa.select(asked_questions)
            .where(asked_questions.c.learner_id == learner_id)
            .order_by(asked_questions.c.asked_at)
        )
    ]


def delete_cohort(connection: Connection, cohort_id: int) -> None:
    connection.execute(sa.delete(memberships).where(memberships.c.cohort_id == cohort_id))
    connection.execute(sa.delete(cohorts).where(cohorts.c.id == cohort_id))


def learner_exists(connection: Connection, learner_id: str) -> bool:
    query = sa.select(learners.c.id).where(learners.c.id == learner_id)
    return connection.execute(query).first() is not None
