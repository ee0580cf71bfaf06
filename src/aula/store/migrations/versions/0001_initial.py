"""Initial schema: learners, their progress, answers and review schedules.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types in schema.py as they were at this revision.
ID = sa.String(128)
AT = sa.DateTime(timezone=True)


def _learner_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["learner_id"], ["learners.id"], name=f"fk_{table}_learner_id_learners"
    )


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learners"),
    )
    op.create_table(
        "slide_views",
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("slide_id", ID, nullable=False),
        sa.Column("first_seen_at", AT, nullable=False),
        sa.Column("last_seen_at", AT, nullable=False),
        _learner_fk("slide_views"),
        sa.PrimaryKeyConstraint("learner_id", "lesson_id", "slide_id", name="pk_slide_views"),
    )
    op.create_table(
        "positions",
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("slide_number", sa.Integer(), nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        _learner_fk("positions"),
        sa.PrimaryKeyConstraint("learner_id", "lesson_id", name="pk_positions"),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("node_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("choice_ids", sa.Text(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("answered_at", AT, nullable=False),
        _learner_fk("answers"),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.UniqueConstraint(
            "learner_id",
            "lesson_id",
            "node_id",
            "question_id",
            "attempt",
            name="uq_answers_learner_id_lesson_id_node_id_question_id_attempt",
        ),
    )
    op.create_index(
        "ix_answers_learner_id_lesson_id_answered_at",
        "answers",
        ["learner_id", "lesson_id", "answered_at"],
    )
    op.create_table(
        "review_cards",
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("item_kind", ID, nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("due", AT, nullable=False),
        sa.CheckConstraint("item_kind IN ('term', 'node')", name="ck_review_cards_item_kind"),
        _learner_fk("review_cards"),
        sa.PrimaryKeyConstraint("learner_id", "item_kind", "item_id", name="pk_review_cards"),
    )
    op.create_index("ix_review_cards_learner_id_due", "review_cards", ["learner_id", "due"])
    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", ID, nullable=False),
        sa.Column("item_kind", ID, nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", AT, nullable=False),
        sa.CheckConstraint("item_kind IN ('term', 'node')", name="ck_review_logs_item_kind"),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name="ck_review_logs_rating"),
        _learner_fk("review_logs"),
        sa.PrimaryKeyConstraint("id", name="pk_review_logs"),
    )
    op.create_index(
        "ix_review_logs_learner_id_reviewed_at", "review_logs", ["learner_id", "reviewed_at"]
    )


def downgrade() -> None:
    for index, table in (
        ("ix_review_logs_learner_id_reviewed_at", "review_logs"),
        ("ix_review_cards_learner_id_due", "review_cards"),
        ("ix_answers_learner_id_lesson_id_answered_at", "answers"),
    ):
        op.drop_index(index, table_name=table)
    for table in ("review_logs", "review_cards", "answers", "positions", "slide_views"):
        op.drop_table(table)
    op.drop_table("learners")
