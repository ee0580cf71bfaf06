"""Accounts: adding users, signing in and out, passwords, one-time links, privacy.

Anonymous learning stays the default: an account is a login in front of a learner id. Signing
in merges the browser's anonymous progress into the account's (``Store.accounts.sign_in``).
No HTTP here; every function blocks (call it from a thread).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from aula.content.model import Course
from aula.services.continuity import export
from aula.settings import Settings
from aula.store import Store
from aula.store.account_store import AccountRefused, Role, UserRecord, check_email

MIN_PASSWORD = 10
MAX_PASSWORD = 1024


class LoginFailed(Exception):
    """Wrong email or password (which one is not said); nothing changed but the count."""

    message = "That email and password do not match an account. Check them and try again."


class LoginThrottled(Exception):
    """Too many wrong passwords for this account or from this address: wait."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        self.message = (
            f"Too many wrong passwords: sign-in is paused for this account or address. "
            f"Try again in {minutes} minutes, or ask an administrator for a sign-in link."
        )
        super().__init__(self.message)


class PasswordRefused(ValueError):
    """A new password that is too short or too long."""


@cache
def hasher() -> PasswordHasher:
    """argon2id with the library's defaults (RFC 9106's second recommended profile)."""
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verifying against this when the email is unknown takes as long as a real check, so the
    # time of a reply does not tell which emails have accounts.
    return hasher().hash(secrets.token_urlsafe(16))


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise PasswordRefused(f"A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise PasswordRefused(f"A password has at most {MAX_PASSWORD} characters.")
    return password


def hash_password(password: str) -> str:
    return hasher().hash(check_password(password))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_learner_id() -> str:
    return secrets.token_urlsafe(16)


def add_user(
    store: Store,
    email: str,
    role: Role,
    password: str | None,
    link_hours: int,
    actor: str = "cli",
) -> tuple[UserRecord, str | None]:
    """A new user with ``password``, or (None) with a one-time link token to set it."""
    password_hash = hash_password(password) if password is not None else None
    user = store.accounts.add_user(email, role, new_learner_id(), password_hash, actor=actor)
    token = None
    if password is None:
        token = issue_link(store, user.email, link_hours, actor)
    return user, token


def issue_link(store: Store, email: str, hours: int, actor: str) -> str:
    """A one-time link token to set the user's password (earlier ones stop working)."""
    user = store.accounts.user_by_email(email)
    if user is None:
        raise AccountRefused("unknown", f"There is no account for {check_email(email)}.")
    token = new_token()
    expires = datetime.now(UTC) + timedelta(hours=hours)
    store.accounts.issue_link(digest(token), user.id, expires, actor=actor)
    return token


@dataclass(frozen=True)
class SignedIn:
    user: UserRecord
    token: str
    """The new session's token, for the cookie: never stored."""
    expires: datetime
    merged_answers: int


def throttle_keys(email: str, address: str) -> tuple[str, str]:
    return f"account:{email}", f"address:{address}"


def login(
    store: Store,
    settings: Settings,
    email: str,
    password: str,
    address: str,
    anonymous: str | None,
) -> SignedIn:
    """Check the password (throttled per account and per address), open a fresh session and
    merge the ``anonymous`` learner's progress into the account's."""
    try:
        email = check_email(email)
    except ValueError:
        raise LoginFailed from None
    now = datetime.now(UTC)
    keys = throttle_keys(email, address)
    window = timedelta(minutes=settings.login_window_minutes)
    counts = store.accounts.login_failures(keys, now - window)
    if max(counts.values()) >= settings.login_max_failures:
        raise LoginThrottled(settings.login_window_minutes)
    user = store.accounts.user_by_email(email)
    stored = user.password_hash if user is not None else None
    try:
        hasher().verify(stored or _dummy_hash(), password[:MAX_PASSWORD])
        ok = user is not None and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        store.accounts.record_login_failure(keys, now)
        raise LoginFailed
    return open_session(store, settings, user, anonymous, forget=keys[0])


def open_session(
    store: Store,
    settings: Settings,
    user: UserRecord,
    anonymous: str | None,
    forget: str | None = None,
) -> SignedIn:
    token = new_token()
    expires = datetime.now(UTC) + timedelta(hours=settings.session_hours)
    moved = store.accounts.sign_in(user.id, digest(token), expires, anonymous, forget)
    return SignedIn(user, token, expires, moved)


def session_user(store: Store, token: str) -> UserRecord | None:
    return store.accounts.session_user(digest(token), datetime.now(UTC))


def logout(store: Store, token: str) -> None:
    store.accounts.close_session(digest(token))


def change_password(
    store: Store, user: UserRecord, current: str, new: str, session_token: str
) -> None:
    """Change the password (the current one required); other sessions end."""
    fresh = store.accounts.user(user.id)
    try:
        if fresh is None or fresh.password_hash is None:
            raise VerifyMismatchError
        hasher().verify(fresh.password_hash, current[:MAX_PASSWORD])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise LoginFailed from None
    store.accounts.set_password(user.id, hash_password(new), keep_session=digest(session_token))
    store.accounts.audit(user.email, "password.change", user.email)


def link_user(store: Store, token: str) -> UserRecord:
    """The user a one-time link is for (``AccountRefused`` if unknown, used or expired)."""
    return store.accounts.check_link(digest(token), datetime.now(UTC))


def set_password_with_link(store: Store, token: str, password: str) -> UserRecord:
    return store.accounts.use_link(digest(token), hash_password(password))


def set_role(store: Store, email: str, role: Role, actor: str) -> UserRecord:
    return store.accounts.set_role(email, role, actor=actor)


def delete_account(store: Store, settings: Settings, user: UserRecord) -> None:
    store.accounts.delete_user(user.id, not settings.erase_keeps_answers, actor=user.email)


def export_account(store: Store, course: Course, user: UserRecord | None, learner_id: str) -> Any:
    """Everything Aula stores about the learner (and their account), their own copy; the
    export itself is written in the audit log."""
    data = export(store, course, learner_id)
    data["questions_asked"] = [
        {"question": q.question, "refused": q.refused, "asked_at": q.asked_at.isoformat()}
        for q in store.accounts.asked_by(learner_id)
    ]
    data["instructor_turns"] = [
        {"question": t.question, "answer": t.answer, "asked_at": t.asked_at.isoformat()}
        for t in store.recent_turns(learner_id)
    ]
    data["cohorts"] = [{"id": c.id, "name": c.name} for c in store.accounts.cohorts_of(learner_id)]
    if user is not None:
        data["account"] = {
            "email": user.email,
            "role": user.role,
            "created_at": user.created_at.isoformat(),
            "has_password": user.password_hash is not None,
            "single_sign_on": user.oidc_subject is not None,
        }
        store.accounts.audit(user.email, "export", user.email)
    return data
