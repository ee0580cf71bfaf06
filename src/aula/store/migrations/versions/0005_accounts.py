"""Accounts, sessions, login throttling, one-time links, cohorts, questions asked, audit log.

Revision ID: 0005_accounts
Revises: 0004_resume
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005_accounts"
down_revision: str | None = "0004_resume"
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.String(128)
AT = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("oidc_subject", sa.String(512), nullable=True),
        sa.Column("created_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.UniqueConstraint("oidc_subject", name="uq_users_oidc_subject"),
        sa.CheckConstraint("role IN ('learner', 'teacher', 'admin')", name="ck_users_role"),
    )
    op.create_index("ix_users_learner_id", "users", ["learner_id"])
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("expires_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
        _fk("sessions", "user_id", "users"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(320), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.create_table(
        "account_links",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("expires_at", AT, nullable=False),
        sa.Column("used_at", AT, nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_account_links"),
        _fk("account_links", "user_id", "users"),
    )
    op.create_index("ix_account_links_user_id", "account_links", ["user_id"])
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("join_code", sa.String(32), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cohorts"),
        sa.UniqueConstraint("join_code", name="uq_cohorts_join_code"),
        _fk("cohorts", "owner_id", "users"),
    )
    op.create_index("ix_cohorts_owner_id", "cohorts", ["owner_id"])
    op.create_table(
        "memberships",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("joined_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("cohort_id", "learner_id", name="pk_memberships"),
        sa.CheckConstraint("role IN ('learner', 'teacher')", name="ck_memberships_role"),
        _fk("memberships", "cohort_id", "cohorts"),
        _fk("memberships", "learner_id", "learners"),
    )
    op.create_index("ix_memberships_learner_id", "memberships", ["learner_id"])
    op.create_table(
        "asked_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("asked_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_asked_questions"),
        _fk("asked_questions", "learner_id", "learners"),
    )
    op.create_index(
        "ix_asked_questions_learner_id_asked_at", "asked_questions", ["learner_id", "asked_at"]
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(254), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "asked_questions",
        "memberships",
        "cohorts",
        "account_links",
        "login_failures",
        "sessions",
        "users",
    ):
        op.drop_table(table)
