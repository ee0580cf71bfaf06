"""The instructor's conversation: each learner's last few questions and answers.

Revision ID: 0003_instructor_turns
Revises: 0002_lesson_snapshots
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_instructor_turns"
down_revision: str | None = "0002_lesson_snapshots"
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.String(128)
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "instructor_turns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("asked_at", AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_instructor_turns_learner_id_learners"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_instructor_turns"),
    )
    op.create_index(
        "ix_instructor_turns_learner_id_asked_at", "instructor_turns", ["learner_id", "asked_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_instructor_turns_learner_id_asked_at", table_name="instructor_turns")
    op.drop_table("instructor_turns")
