"""Resume tokens (progress that moves to another browser) and retired learner ids.

Revision ID: 0004_resume
Revises: 0003_instructor_turns
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_resume"
down_revision: str | None = "0003_instructor_turns"
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.String(128)
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "resume_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("expires_at", AT, nullable=False),
        sa.Column("used_at", AT, nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_resume_tokens_learner_id_learners"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_resume_tokens"),
    )
    op.create_index("ix_resume_tokens_learner_id", "resume_tokens", ["learner_id"])
    op.create_table(
        "retired_learners",
        sa.Column("id", ID, nullable=False),
        sa.Column("retired_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_retired_learners"),
    )


def downgrade() -> None:
    op.drop_table("retired_learners")
    op.drop_index("ix_resume_tokens_learner_id", table_name="resume_tokens")
    op.drop_table("resume_tokens")
