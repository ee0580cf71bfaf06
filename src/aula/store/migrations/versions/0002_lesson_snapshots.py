"""Lesson snapshots: each learner's replayed state in a lesson, so pages need not replay
every answer they ever gave.

Revision ID: 0002_lesson_snapshots
Revises: 0001_initial
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_lesson_snapshots"
down_revision: str | None = "0001_initial"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types in schema.py as they were at this revision.
ID = sa.String(128)
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lesson_snapshots",
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("through_answer_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_lesson_snapshots_learner_id_learners"
        ),
        sa.PrimaryKeyConstraint("learner_id", "lesson_id", name="pk_lesson_snapshots"),
    )

    op.create_index(
        "ix_answers_learner_id_lesson_id_id", "answers", ["learner_id", "lesson_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_answers_learner_id_lesson_id_id", table_name="answers")
    op.drop_table("lesson_snapshots")
