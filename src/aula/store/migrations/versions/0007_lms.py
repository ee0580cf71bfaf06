"""The outbox (xAPI statements and LTI scores queued with what they report, sent later) and
LTI 1.3: registered platforms, used launch nonces, where a learner's score goes.

Revision ID: 0007_lms
Revises: 0006_offline
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_lms"
down_revision: str | None = "0006_offline"
branch_labels: str | None = None
depends_on: str | None = None

AT = sa.DateTime(timezone=True)
ID = sa.String(128)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", AT, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", AT, nullable=True),
        sa.CheckConstraint("kind IN ('xapi', 'ags')", name="ck_outbox_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_delivered_at_next_attempt_at", "outbox", ["delivered_at", "next_attempt_at"]
    )
    op.create_table(
        "lti_platforms",
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("auth_login_url", sa.Text(), nullable=False),
        sa.Column("auth_token_url", sa.Text(), nullable=False),
        sa.Column("key_set_url", sa.Text(), nullable=False),
        sa.Column("deployment_ids", sa.Text(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("issuer", "client_id", name="pk_lti_platforms"),
    )
    op.create_table(
        "lti_nonces",
        sa.Column("nonce", sa.String(255), nullable=False),
        sa.Column("used_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("nonce", name="pk_lti_nonces"),
    )
    op.create_table(
        "lti_links",
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("lineitem_url", sa.Text(), nullable=False),
        sa.Column("node_id", ID, nullable=True),
        sa.Column("updated_at", AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_lti_links_learner_id_learners"
        ),
        sa.PrimaryKeyConstraint("learner_id", "lesson_id", "issuer", name="pk_lti_links"),
    )


def downgrade() -> None:
    op.drop_table("lti_links")
    op.drop_table("lti_nonces")
    op.drop_table("lti_platforms")
    op.drop_index("ix_outbox_delivered_at_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
