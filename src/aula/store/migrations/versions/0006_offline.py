"""Idempotency keys of the writes a browser queued offline and synced (issue 17).

Revision ID: 0006_offline
Revises: 0005_accounts
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_offline"
down_revision: str | None = "0005_accounts"
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.String(128)
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_keys",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("answer_id", sa.Integer, nullable=True),
        sa.Column("applied_at", AT, nullable=False),
        sa.CheckConstraint("kind IN ('answer', 'view', 'review')", name="ck_sync_keys_kind"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_sync_keys_learner_id_learners"
        ),
        sa.PrimaryKeyConstraint("key", name="pk_sync_keys"),
    )
    op.create_index("ix_sync_keys_learner_id", "sync_keys", ["learner_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_keys_learner_id", table_name="sync_keys")
    op.drop_table("sync_keys")
