"""What the store hands back: frozen records, free of SQL types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

ItemKind = Literal["term", "node"]
"""What a review card is about: a glossary term or a skill-tree node."""


@dataclass(frozen=True)
class AnswerRecord:
    """One answer a learner gave, with its attempt number for that question (1, 2, …)."""

    id: int
    learner_id: str
    lesson_id: str
    node_id: str
    question_id: str
    choice_ids: tuple[str, ...]
    correct: bool
    attempt: int
    answered_at: datetime


@dataclass(frozen=True)
class SlideViewRecord:
    """A slide a learner has seen: when first, and when most recently recorded."""

    learner_id: str
    lesson_id: str
    slide_id: str
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class ReviewCardRecord:
    """A learner's spaced-review card; ``card_json`` is the scheduler's JSON, kept verbatim."""

    learner_id: str
    item_kind: ItemKind
    item_id: str
    card_json: str
    due: datetime


@dataclass(frozen=True)
class ReviewLogRecord:
    """One review a learner did, rated 1 (Again) to 4 (Easy)."""

    id: int
    learner_id: str
    item_kind: ItemKind
    item_id: str
    rating: int
    reviewed_at: datetime
