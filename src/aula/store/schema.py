"""The tables Aula keeps, as SQLAlchemy Core metadata shared by SQLite and PostgreSQL.

The migrations in ``migrations/versions`` must build exactly these tables; a test compares them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

ID_LENGTH = 128
"""Longest id the store accepts (learners, lessons, slides, nodes, questions, choices, items)."""

# Deterministic constraint names, so both engines and the migrations agree on them.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """An instant in UTC: aware ``datetime`` in Python on every engine.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so the value is stored as naive
    UTC text (fixed width, so text order is time order) and marked UTC again when read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass a timezone-aware datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _id(name: str, *, primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(ID_LENGTH), nullable=False, primary_key=primary_key)


def _learner() -> sa.Column[str]:
    return sa.Column(
        "learner_id", sa.String(ID_LENGTH), sa.ForeignKey("learners.id"), nullable=False
    )


def _at(name: str) -> sa.Column[datetime]:
    return sa.Column(name, UTCDateTime(), nullable=False)


metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

learners = sa.Table(
    "learners",
    metadata,
    _id("id", primary_key=True),
    _at("created_at"),
)

slide_views = sa.Table(
    "slide_views",
    metadata,
    _learner(),
    _id("lesson_id"),
    _id("slide_id"),
    _at("first_seen_at"),
    _at("last_seen_at"),
    sa.PrimaryKeyConstraint("learner_id", "lesson_id", "slide_id"),
)

positions = sa.Table(
    "positions",
    metadata,
    _learner(),
    _id("lesson_id"),
    sa.Column("slide_number", sa.Integer, nullable=False),
    _at("updated_at"),
    sa.PrimaryKeyConstraint("learner_id", "lesson_id"),
)

answers = sa.Table(
    "answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _learner(),
    _id("lesson_id"),
    _id("node_id"),
    _id("question_id"),
    sa.Column("choice_ids", sa.Text, nullable=False),  # JSON list of ids, sorted
    sa.Column("correct", sa.Boolean, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),  # 1 for the first answer to the question
    _at("answered_at"),
    # Two answers can never claim the same attempt, even if a writer races.
    sa.UniqueConstraint("learner_id", "lesson_id", "node_id", "question_id", "attempt"),
    sa.Index(None, "learner_id", "lesson_id", "answered_at"),
    # Answers after a snapshot: a range, however long the learner's history.
    sa.Index(None, "learner_id", "lesson_id", "id"),
)

review_cards = sa.Table(
    "review_cards",
    metadata,
    _learner(),
    _id("item_kind"),
    _id("item_id"),
    sa.Column("card", sa.Text, nullable=False),  # fsrs Card.to_dict() as JSON, opaque here
    _at("due"),
    sa.PrimaryKeyConstraint("learner_id", "item_kind", "item_id"),
    sa.CheckConstraint("item_kind IN ('term', 'node')", name="item_kind"),
    sa.Index(None, "learner_id", "due"),
)

review_logs = sa.Table(
    "review_logs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _learner(),
    _id("item_kind"),
    _id("item_id"),
    sa.Column("rating", sa.Integer, nullable=False),  # fsrs Rating: 1 Again … 4 Easy
    _at("reviewed_at"),
    sa.CheckConstraint("item_kind IN ('term', 'node')", name="item_kind"),
    sa.CheckConstraint("rating BETWEEN 1 AND 4", name="rating"),
    sa.Index(None, "learner_id", "reviewed_at"),
)

resume_tokens = sa.Table(
    "resume_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 hex: never the token
    _learner(),
    _at("created_at"),
    _at("expires_at"),
    sa.Column("used_at", UTCDateTime(), nullable=True),
    sa.Index(None, "learner_id"),
)

retired_learners = sa.Table(
    "retired_learners",
    metadata,
    _id("id", primary_key=True),  # a learner id whose progress moved to another browser
    _at("retired_at"),
)
instructor_turns = sa.Table(
    "instructor_turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _learner(),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    _at("asked_at"),
    sa.Index(None, "learner_id", "asked_at"),
)
"""The learner's last few questions to the instructor and its answers (follow-ups)."""

lesson_snapshots = sa.Table(
    "lesson_snapshots",
    metadata,
    _learner(),
    _id("lesson_id"),
    # What the snapshot was computed for: a new course version or rules start it afresh.
    sa.Column("version", sa.String(64), nullable=False),
    # The learner's answers in the lesson up to this id are folded into ``state``.
    sa.Column("through_answer_id", sa.Integer, nullable=False),
    sa.Column("answers", sa.Integer, nullable=False),  # how many answers it folds in
    sa.Column("state", sa.Text, nullable=False),  # JSON, opaque here (aula.learning.Replay)
    _at("updated_at"),
    sa.PrimaryKeyConstraint("learner_id", "lesson_id"),
)

sync_keys = sa.Table(
    "sync_keys",
    metadata,
    # The idempotency key a browser gave a write it queued offline: applied once, ever.
    sa.Column("key", sa.String(64), primary_key=True),
    _learner(),
    sa.Column("kind", sa.String(16), nullable=False),  # answer, view or review
    sa.Column("answer_id", sa.Integer, nullable=True),  # the answer it stored, if one
    _at("applied_at"),
    sa.CheckConstraint("kind IN ('answer', 'view', 'review')", name="kind"),
    sa.Index(None, "learner_id"),
)
"""Writes queued offline (``aula-offline.js``) and synced: each key is applied once."""

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # What to deliver: an xAPI statement to the LRS, a score to an LTI platform (AGS).
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # JSON, opaque here
    _at("created_at"),
    sa.Column("attempts", sa.Integer, nullable=False),
    _at("next_attempt_at"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("delivered_at", UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('xapi', 'ags')", name="kind"),
    # The deliverer's question: what is undelivered and due, oldest first.
    sa.Index(None, "delivered_at", "next_attempt_at"),
)
"""Messages for other systems, written in the transaction of what they report (durable), sent
by a background deliverer with retry; never learner data that a reset or a resume moves."""

lti_platforms = sa.Table(
    "lti_platforms",
    metadata,
    sa.Column("issuer", sa.String(255), nullable=False),
    sa.Column("client_id", sa.String(255), nullable=False),
    sa.Column("auth_login_url", sa.Text, nullable=False),
    sa.Column("auth_token_url", sa.Text, nullable=False),
    sa.Column("key_set_url", sa.Text, nullable=False),
    sa.Column("deployment_ids", sa.Text, nullable=False),  # JSON list of strings
    _at("created_at"),
    sa.PrimaryKeyConstraint("issuer", "client_id"),
)
"""LMSs registered with ``aula lti add-platform`` (LTI 1.3)."""

lti_nonces = sa.Table(
    "lti_nonces",
    metadata,
    sa.Column("nonce", sa.String(255), primary_key=True),
    _at("used_at"),
)
"""Nonces of LTI launches already accepted: the same id_token twice is a replay."""

lti_links = sa.Table(
    "lti_links",
    metadata,
    _learner(),
    _id("lesson_id"),
    sa.Column("issuer", sa.String(255), nullable=False),
    sa.Column("client_id", sa.String(255), nullable=False),
    sa.Column("user_id", sa.String(255), nullable=False),  # the platform's ``sub``
    sa.Column("lineitem_url", sa.Text, nullable=False),  # where the score goes (AGS)
    sa.Column("node_id", sa.String(ID_LENGTH), nullable=True),  # a skill node, or the lesson
    _at("updated_at"),
    sa.PrimaryKeyConstraint("learner_id", "lesson_id", "issuer"),
)
"""Where a learner launched from an LMS gets their score sent (AGS line item)."""

# Accounts, cohorts and the teacher's dashboard (issue 15). Anonymous learning needs none of
# these: a user is an optional login in front of one learner id.

ROLES = ("learner", "teacher", "admin")

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),  # lower-cased
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=True),  # argon2id; None: link or SSO only
    # The learner id whose progress is this user's (no foreign key: erasing progress keeps
    # the account, and the id gets a learners row again on the next write).
    _id("learner_id"),
    sa.Column("oidc_subject", sa.String(512), nullable=True, unique=True),  # "issuer|sub"
    _at("created_at"),
    sa.CheckConstraint("role IN ('learner', 'teacher', 'admin')", name="role"),
    sa.Index(None, "learner_id"),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 hex: never the token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    _at("created_at"),
    _at("expires_at"),
    sa.Index(None, "user_id"),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(320), nullable=False),  # "account:<email>" or "address:<ip>"
    _at("at"),
    sa.Index(None, "key", "at"),
)

account_links = sa.Table(
    "account_links",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 hex: never the token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    _at("created_at"),
    _at("expires_at"),
    sa.Column("used_at", UTCDateTime(), nullable=True),
    sa.Index(None, "user_id"),
)

cohorts = sa.Table(
    "cohorts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("join_code", sa.String(32), nullable=False, unique=True),
    _at("created_at"),
    sa.Index(None, "owner_id"),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("cohort_id", sa.Integer, sa.ForeignKey("cohorts.id"), nullable=False),
    _learner(),
    sa.Column("role", sa.String(16), nullable=False),
    _at("joined_at"),
    sa.PrimaryKeyConstraint("cohort_id", "learner_id"),
    sa.CheckConstraint("role IN ('learner', 'teacher')", name="role"),
    sa.Index(None, "learner_id"),
)

asked_questions = sa.Table(
    "asked_questions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _learner(),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("refused", sa.Boolean, nullable=False),
    _at("asked_at"),
    sa.Index(None, "learner_id", "asked_at"),
)
"""Every question a learner asked the instructor and whether it refused (the course's gaps)."""

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _at("at"),
    sa.Column("actor", sa.String(254), nullable=False),  # an email, or "cli"
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(254), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Index(None, "at"),
)

LEARNER_TABLES = (
    answers,
    slide_views,
    positions,
    review_cards,
    review_logs,
    lesson_snapshots,
    resume_tokens,
    instructor_turns,
    sync_keys,
    memberships,
    asked_questions,
    lti_links,
)
"""Every table holding a learner's data, children of ``learners``."""
