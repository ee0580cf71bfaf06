"""Accounts: users, sessions, login throttling, one-time links and the audit log.

Passwords arrive already hashed (argon2, in ``aula.services.accounts``); tokens arrive as
their SHA-256 (``digest``), so neither a database dump nor a log holds anything that signs in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from .schema import (
    account_links,
    audit_log,
    cohorts,
    login_failures,
    memberships,
    sessions,
    users,
)

Role = Literal["learner", "teacher", "admin"]


@dataclass(frozen=True)
class UserRecord:
    id: int
    email: str
    role: Role
    password_hash: str | None
    learner_id: str
    oidc_subject: str | None
    created_at: datetime


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


class AccountRefused(Exception):
    """A request about accounts that cannot be done, with what to tell the person."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _user(row: Row[tuple[object, ...]]) -> UserRecord:
    m = row._mapping
    return UserRecord(
        id=int(m["id"]),
        email=str(m["email"]),
        role=m["role"],
        password_hash=m["password_hash"],
        learner_id=str(m["learner_id"]),
        oidc_subject=m["oidc_subject"],
        created_at=m["created_at"],
    )


def add_user(
    connection: Connection,
    email: str,
    role: Role,
    learner_id: str,
    at: datetime,
    password_hash: str | None = None,
    oidc_subject: str | None = None,
) -> UserRecord:
    if by_email(connection, email) is not None:
        raise AccountRefused("exists", f"There is already an account for {email}.")
    result = connection.execute(
        sa.insert(users)
        .values(
            email=email,
            role=role,
            password_hash=password_hash,
            learner_id=learner_id,
            oidc_subject=oidc_subject,
            created_at=at,
        )
        .returning(users.c.id)
    )
    user_id = int(result.scalar_one())
    found = by_id(connection, user_id)
    assert found is not None
    return found


def by_email(connection: Connection, email: str) -> UserRecord | None:
    row = connection.execute(sa.select(users).where(users.c.email == email)).first()
    return _user(row) if row else None


def by_id(connection: Connection, user_id: int) -> UserRecord | None:
    row = connection.execute(sa.select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def by_subject(connection: Connection, subject: str) -> UserRecord | None:
    row = connection.execute(sa.select(users).where(users.c.oidc_subject == subject)).first()
    return _user(row) if row else None


def by_learner(connection: Connection, learner_ids: list[str]) -> dict[str, UserRecord]:
    if not learner_ids:
        return {}
    rows = connection.execute(sa.select(users).where(users.c.learner_id.in_(learner_ids)))
    return {str(r.learner_id): _user(r) for r in rows}


def listing(connection: Connection) -> list[UserRecord]:
    return [_user(r) for r in connection.execute(sa.select(users).order_by(users.c.email))]


def count_admins(connection: Connection) -> int:
    query = sa.select(sa.func.count()).select_from(users).where(users.c.role == "admin")
    return int(connection.execute(query).scalar_one())


def set_role(connection: Connection, user_id: int, role: Role) -> None:
    connection.execute(sa.update(users).where(users.c.id == user_id).values(role=role))


def set_password(connection: Connection, user_id: int, password_hash: str | None) -> None:
    connection.execute(
        sa.update(users).where(users.c.id == user_id).values(password_hash=password_hash)
    )


def set_subject(connection: Connection, user_id: int, subject: str) -> None:
    connection.execute(sa.update(users).where(users.c.id == user_id).values(oidc_subject=subject))


def delete_user(connection: Connection, user_id: int) -> None:
    """The account and its sessions and links; its cohorts go to nobody, so they go too."""
    connection.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))
    connection.execute(sa.delete(account_links).where(account_links.c.user_id == user_id))
    owned = sa.select(cohorts.c.id).where(cohorts.c.owner_id == user_id)
    connection.execute(sa.delete(memberships).where(memberships.c.cohort_id.in_(owned)))
    connection.execute(sa.delete(cohorts).where(cohorts.c.owner_id == user_id))
    connection.execute(sa.delete(users).where(users.c.id == user_id))


# Sessions


def open_session(
    connection: Connection, token_hash: str, user_id: int, at: datetime, expires: datetime
) -> None:
    connection.execute(
        sa.insert(sessions).values(
            token_hash=token_hash, user_id=user_id, created_at=at, expires_at=expires
        )
    )


def session_user(connection: Connection, token_hash: str, now: datetime) -> UserRecord | None:
    query = (
        sa.select(users)
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now)
    )
    row = connection.execute(query).first()
    return _user(row) if row else None


def close_session(connection: Connection, token_hash: str) -> None:
    connection.execute(sa.delete(sessions).where(sessions.c.token_hash == token_hash))


def close_sessions(connection: Connection, user_id: int, keep: str | None = None) -> None:
    """Every session of the user (but ``keep``): after a password change or a reset."""
    query = sa.delete(sessions).where(sessions.c.user_id == user_id)
    if keep is not None:
        query = query.where(sessions.c.token_hash != keep)
    connection.execute(query)


# Throttling


def failures_since(connection: Connection, keys: list[str], since: datetime) -> dict[str, int]:
    query = (
        sa.select(login_failures.c.key, sa.func.count())
        .where(login_failures.c.key.in_(keys), login_failures.c.at > since)
        .group_by(login_failures.c.key)
    )
    found = {str(k): int(n) for k, n in connection.execute(query)}
    return {key: found.get(key, 0) for key in keys}


def record_failures(connection: Connection, keys: list[str], at: datetime) -> None:
    connection.execute(sa.insert(login_failures), [{"key": k, "at": at} for k in keys])


def forget_failures(connection: Connection, key: str, before: datetime | None = None) -> None:
    query = sa.delete(login_failures).where(login_failures.c.key == key)
    connection.execute(query)
    if before is not None:  # old rows of every key: the table stays small
        connection.execute(sa.delete(login_failures).where(login_failures.c.at < before))


# One-time links


def issue_link(
    connection: Connection, token_hash: str, user_id: int, at: datetime, expires: datetime
) -> None:
    """A new link for the user; their earlier unused ones stop working."""
    connection.execute(
        sa.delete(account_links).where(
            account_links.c.user_id == user_id, account_links.c.used_at.is_(None)
        )
    )
    connection.execute(
        sa.insert(account_links).values(
            token_hash=token_hash, user_id=user_id, created_at=at, expires_at=expires
        )
    )


LINK_MESSAGES = {
    "unknown": "That link is not one this server gave out. Ask an administrator for a new one.",
    "used": "That link was already used: each link works once. Ask an administrator for a new one.",
    "expired": "That link has expired. Ask an administrator for a new one.",
}


def check_link(connection: Connection, token_hash: str, now: datetime) -> UserRecord:
    """The user a valid link is for; ``AccountRefused`` if it is unknown, used or expired."""
    row = connection.execute(
        sa.select(account_links).where(account_links.c.token_hash == token_hash)
    ).first()
    if row is None:
        raise AccountRefused("unknown", LINK_MESSAGES["unknown"])
    if row.used_at is not None:
        raise AccountRefused("used", LINK_MESSAGES["used"])
    if row.expires_at <= now:
        raise AccountRefused("expired", LINK_MESSAGES["expired"])
    user = by_id(connection, int(row.user_id))
    if user is None:
        raise AccountRefused("unknown", LINK_MESSAGES["unknown"])
    return user


def use_link(connection: Connection, token_hash: str, now: datetime) -> UserRecord:
    user = check_link(connection, token_hash, now)
    connection.execute(
        sa.update(account_links).where(account_links.c.token_hash == token_hash).values(used_at=now)
    )
    return user


# Audit


def audit(
    connection: Connection, at: datetime, actor: str, action: str, subject: str, detail: str = ""
) -> None:
    connection.execute(
        sa.insert(audit_log).values(
            at=at, actor=actor[:254], action=action[:64], subject=subject[:254], detail=detail
        )
    )


def audit_entries(connection: Connection, limit: int = 500) -> list[AuditRecord]:
    rows = connection.execute(
        sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    ).all()
    return [AuditRecord(r.id, r.at, r.actor, r.action, r.subject, r.detail) for r in rows]
