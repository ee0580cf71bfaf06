"""``Store.accounts``: the store's calls for accounts, cohorts and the teacher's dashboard.

Kept apart from ``database.py`` so that the learner's hot path stays short to read; every
call is still one transaction on the store's writer (writes) or a read transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.engine import Connection

from . import accounts, cohorts, learners, merge
from .accounts import AccountRefused, AuditRecord, Role, UserRecord
from .cohorts import AskedRecord, CohortActivity, CohortRecord, MemberRecord, MemberRole
from .validation import check_id, instant_or_now

if TYPE_CHECKING:
    from .database import Store

T = TypeVar("T")

__all__ = [
    "AccountRefused",
    "AccountStore",
    "AskedRecord",
    "AuditRecord",
    "CohortActivity",
    "CohortRecord",
    "MemberRecord",
    "MemberRole",
    "Role",
    "UserRecord",
]

ROLES: tuple[Role, ...] = ("learner", "teacher", "admin")
MAX_EMAIL = 254


def check_email(value: object) -> str:
    """An address as typed, lower-cased; ``ValueError`` unless it looks like one."""
    if not isinstance(value, str):
        raise ValueError("email must be a string")
    email = value.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or len(email) > MAX_EMAIL:
        raise ValueError(f"'{value[:80]}' is not an email address")
    if not email.isprintable() or any(c.isspace() for c in email):
        raise ValueError("an email address has no spaces or control characters")
    return email


def check_role(value: object) -> Role:
    for role in ROLES:
        if value == role:
            return role
    raise ValueError(f"role must be one of {', '.join(ROLES)}, not {str(value)[:20]!r}")


class AccountStore:
    """Users, sessions, links, cohorts: see ``accounts``, ``cohorts`` and ``merge``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _write(self, work: Callable[[Connection], T]) -> T:
        # Sessions, roles, links and merges change who sees what: every learner's reads may
        # be stale after one (``Store.generations``; these writes are rare).
        return self._store._write(work, None)

    def _read(self, work: Callable[[Connection], T]) -> T:
        with self._store._reading() as connection:
            return work(connection)

    # Users

    def add_user(
        self,
        email: str,
        role: Role,
        learner_id: str,
        password_hash: str | None = None,
        oidc_subject: str | None = None,
        actor: str = "cli",
        at: datetime | None = None,
    ) -> UserRecord:
        email = check_email(email)
        role = check_role(role)
        learner_id = check_id("learner_id", learner_id)
        when = instant_or_now("at", at)

        def work(connection: Connection) -> UserRecord:
            learners.claim(connection, learner_id, when)
            user = accounts.add_user(
                connection, email, role, learner_id, when, password_hash, oidc_subject
            )
            accounts.audit(connection, when, actor, "user.add", email, f"role={role}")
            return user

        return self._write(work)

    def user_by_email(self, email: str) -> UserRecord | None:
        email = check_email(email)
        return self._read(lambda c: accounts.by_email(c, email))

    def user(self, user_id: int) -> UserRecord | None:
        return self._read(lambda c: accounts.by_id(c, user_id))

    def user_by_subject(self, subject: str) -> UserRecord | None:
        return self._read(lambda c: accounts.by_subject(c, subject))

    def users(self) -> list[UserRecord]:
        return self._read(accounts.listing)

    def users_by_learner(self, learner_ids: Sequence[str]) -> dict[str, UserRecord]:
        ids = list(learner_ids)
        return self._read(lambda c: accounts.by_learner(c, ids))

    def set_role(self, email: str, role: Role, actor: str = "cli") -> UserRecord:
        email = check_email(email)
        role = check_role(role)
        when = instant_or_now("at", None)

        def work(connection: Connection) -> UserRecord:
            user = accounts.by_email(connection, email)
            if user is None:
                raise AccountRefused("unknown", f"There is no account for {email}.")
            if user.role == "admin" and role != "admin" and accounts.count_admins(connection) < 2:
                raise AccountRefused("last_admin", "This is the last admin: make another first.")
            accounts.set_role(connection, user.id, role)
            accounts.audit(connection, when, actor, "user.role", email, f"{user.role} -> {role}")
            found = accounts.by_id(connection, user.id)
            assert found is not None
            return found

        return self._write(work)

    def set_password(self, user_id: int, password_hash: str, keep_session: str | None) -> None:
        """New password; every other session of the user ends."""

        def work(connection: Connection) -> None:
            accounts.set_password(connection, user_id, password_hash)
            accounts.close_sessions(connection, user_id, keep=keep_session)

        self._write(work)

    def link_subject(self, user_id: int, subject: str) -> None:
        self._write(lambda c: accounts.set_subject(c, user_id, subject))

    def delete_user(self, user_id: int, erase_answers: bool, actor: str) -> bool:
        """The account, and its learner's data (``erase_answers``) or all but the answers,
        which stay as anonymous statistics under an id nobody holds any more."""
        when = instant_or_now("at", None)

        def work(connection: Connection) -> bool:
            user = accounts.by_id(connection, user_id)
            if user is None:
                return False
            if erase_answers:
                learners.erase(connection, user.learner_id)
            else:
                learners.erase_except_answers(connection, user.learner_id)
            accounts.delete_user(connection, user_id)
            accounts.audit(connection, when, actor, "user.delete", user.email, "")
            return True

        return self._write(work)

    # Sessions

    def open_session(
        self, token_hash: str, user_id: int, expires: datetime, at: datetime | None = None
    ) -> None:
        when = instant_or_now("at", at)
        self._write(lambda c: accounts.open_session(c, token_hash, user_id, when, expires))

    def session_user(self, token_hash: str, now: datetime) -> UserRecord | None:
        return self._read(lambda c: accounts.session_user(c, token_hash, now))

    def close_session(self, token_hash: str) -> None:
        self._write(lambda c: accounts.close_session(c, token_hash))

    def sign_in(
        self,
        user_id: int,
        token_hash: str,
        expires: datetime,
        anonymous: str | None,
        forget: str | None,
        at: datetime | None = None,
    ) -> int:
        """Open a session and merge the ``anonymous`` learner into the user's, in one
        transaction; the answers merged. ``forget``: throttle key whose failures are cleared."""
        when = instant_or_now("at", at)

        def work(connection: Connection) -> int:
            user = accounts.by_id(connection, user_id)
            if user is None:
                raise AccountRefused("unknown", "That account no longer exists.")
            moved = 0
            if anonymous is not None and anonymous != user.learner_id:
                moved = merge.merge(connection, anonymous, user.learner_id, when)
            accounts.open_session(connection, token_hash, user_id, when, expires)
            if forget is not None:
                accounts.forget_failures(connection, forget)
            return moved

        return self._write(work)

    # Throttling

    def login_failures(self, keys: Sequence[str], since: datetime) -> dict[str, int]:
        wanted = list(keys)
        return self._read(lambda c: accounts.failures_since(c, wanted, since))

    def record_login_failure(self, keys: Sequence[str], at: datetime | None = None) -> None:
        when = instant_or_now("at", at)
        wanted = list(keys)
        self._write(lambda c: accounts.record_failures(c, wanted, when))

    # One-time links

    def issue_link(
        self, token_hash: str, user_id: int, expires: datetime, actor: str = "cli"
    ) -> None:
        when = instant_or_now("at", None)

        def work(connection: Connection) -> None:
            accounts.issue_link(connection, token_hash, user_id, when, expires)
            user = accounts.by_id(connection, user_id)
            accounts.audit(connection, when, actor, "link.issue", user.email if user else "?")

        self._write(work)

    def check_link(self, token_hash: str, now: datetime) -> UserRecord:
        return self._read(lambda c: accounts.check_link(c, token_hash, now))

    def use_link(self, token_hash: str, password_hash: str) -> UserRecord:
        """Set the password with a one-time link (used up), ending the user's sessions."""
        when = instant_or_now("at", None)

        def work(connection: Connection) -> UserRecord:
            user = accounts.use_link(connection, token_hash, when)
            accounts.set_password(connection, user.id, password_hash)
            accounts.close_sessions(connection, user.id)
            accounts.audit(connection, when, user.email, "password.reset", user.email)
            return user

        return self._write(work)

    # Audit

    def audit(self, actor: str, action: str, subject: str, detail: str = "") -> None:
        when = instant_or_now("at", None)
        self._write(lambda c: accounts.audit(c, when, actor, action, subject, detail))

    def audit_entries(self, limit: int = 500) -> list[AuditRecord]:
        return self._read(lambda c: accounts.audit_entries(c, limit))

    # Cohorts

    def create_cohort(self, name: str, owner_id: int, join_code: str) -> CohortRecord:
        when = instant_or_now("at", None)
        return self._write(lambda c: cohorts.create(c, name, owner_id, join_code, when))

    def cohort(self, cohort_id: int) -> CohortRecord | None:
        return self._read(lambda c: cohorts.one(c, cohort_id))

    def cohort_by_code(self, join_code: str) -> CohortRecord | None:
        return self._read(lambda c: cohorts.by_code(c, join_code))

    def cohorts_owned(self, owner_id: int | None) -> list[CohortRecord]:
        return self._read(lambda c: cohorts.owned(c, owner_id))

    def cohorts_of(self, learner_id: str) -> list[CohortRecord]:
        learner_id = check_id("learner_id", learner_id)
        return self._read(lambda c: cohorts.of_learner(c, learner_id))

    def join_cohort(self, cohort_id: int, learner_id: str, role: MemberRole = "learner") -> bool:
        learner_id = check_id("learner_id", learner_id)
        when = instant_or_now("at", None)

        def work(connection: Connection) -> bool:
            learners.claim(connection, learner_id, when)
            return cohorts.join(connection, cohort_id, learner_id, role, when)

        return self._write(work)

    def sync_roster(
        self, cohort_id: int, roster: Sequence[tuple[str, MemberRole]], remove_others: bool
    ) -> None:
        """Make the cohort's members these learner ids with these roles (one transaction)."""
        wanted = [(check_id("learner_id", k), r) for k, r in roster]
        when = instant_or_now("at", None)

        def work(connection: Connection) -> None:
            for learner_id, role in wanted:
                learners.claim(connection, learner_id, when)
                cohorts.set_member(connection, cohort_id, learner_id, role, when)
            if remove_others:
                keep = {k for k, _ in wanted}
                for member in cohorts.members(connection, cohort_id):
                    if member.learner_id not in keep:
                        cohorts.remove_member(connection, cohort_id, member.learner_id)

        self._write(work)

    def lti_teacher(
        self,
        learner_id: str,
        emails: Sequence[str],
        context: tuple[str, str, str],
        cohort_name: str,
        join_code: str,
        token_hash: str,
        expires: datetime,
    ) -> tuple[UserRecord, CohortRecord]:
        """An LMS teacher's launch, in one transaction: their account (found by the learner id
        their launches use, else made a teacher with the first of ``emails`` no account has),
        the cohort of the LMS course ``context`` (issuer, deployment id, context id), made
        theirs if it is new, and a session for them."""
        learner_id = check_id("learner_id", learner_id)
        candidates = [check_email(e) for e in emails]
        when = instant_or_now("at", None)

        def work(connection: Connection) -> tuple[UserRecord, CohortRecord]:
            user = accounts.by_learner(connection, [learner_id]).get(learner_id)
            if user is None:
                email = next(
                    (e for e in candidates if accounts.by_email(connection, e) is None), ""
                )
                if not email:
                    raise AccountRefused("exists", "Every address for this teacher has an account.")
                learners.claim(connection, learner_id, when)
                user = accounts.add_user(connection, email, "teacher", learner_id, when)
                accounts.audit(connection, when, "lti", "user.add", email, "role=teacher")
            elif user.role == "learner":
                accounts.set_role(connection, user.id, "teacher")
                accounts.audit(
                    connection, when, "lti", "user.role", user.email, "learner -> teacher"
                )
                user = accounts.by_id(connection, user.id) or user
            cohort = cohorts.for_context(connection, context)
            if cohort is None:
                cohort = cohorts.create(connection, cohort_name, user.id, join_code, when)
                cohorts.link_context(connection, context, cohort.id, when)
                accounts.audit(
                    connection,
                    when,
                    user.email,
                    "cohort.create",
                    f"cohort:{cohort.id}",
                    cohort_name,
                )
            accounts.open_session(connection, token_hash, user.id, when, expires)
            return user, cohort

        return self._write(work)

    def members(self, cohort_id: int) -> list[MemberRecord]:
        return self._read(lambda c: cohorts.members(c, cohort_id))

    def cohort_activity(self, cohort_id: int) -> CohortActivity:
        return self._read(lambda c: cohorts.activity(c, cohort_id))

    # Questions asked of the instructor

    def record_question(
        self, learner_id: str, question: str, refused: bool, at: datetime | None = None
    ) -> None:
        learner_id = check_id("learner_id", learner_id)
        question = question.replace("\x00", "")[:2000]
        when = instant_or_now("at", at)

        def work(connection: Connection) -> None:
            learners.claim(connection, learner_id, when)
            cohorts.record_question(connection, learner_id, question, refused, when)

        self._write(work)

    def asked_by(self, learner_id: str) -> list[AskedRecord]:
        learner_id = check_id("learner_id", learner_id)
        return self._read(lambda c: cohorts.asked_by(c, learner_id))
