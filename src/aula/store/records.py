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


@dataclass(frozen=True)
class SnapshotRecord:
    """A learner's replayed state in a lesson: opaque JSON, for the answers up to an id."""

    version: str
    through_answer_id: int
    answers: int
    """How many of the learner's answers in the lesson it folds in."""
    state_json: str


@dataclass(frozen=True)
class NewCard:
    """A review card to create with a write, unless the learner already has one for the item."""

    item_kind: ItemKind
    item_id: str
    card_json: str
    due: datetime


@dataclass(frozen=True)
class LessonRecords:
    """What the store holds about a learner in one lesson, read in one transaction.

    ``answers`` are those after the snapshot's ``through_answer_id`` (all of them without a
    snapshot), oldest first.
    """

    snapshot: SnapshotRecord | None
    answers: list[AnswerRecord]
    views: list[SlideViewRecord]
    position: int | None
    answer: AnswerRecord | None = None
    """The answer asked for by id, when it is the learner's and in the lesson."""


OutboxKind = Literal["xapi", "ags"]
"""Where an outbox message goes: an xAPI statement to the LRS, a score to an LTI platform."""


@dataclass(frozen=True)
class OutboxItem:
    """A message to queue: its kind and its JSON text."""

    kind: OutboxKind
    payload: str


@dataclass(frozen=True)
class OutboxRecord:
    """A queued message and how its delivery went so far."""

    id: int
    kind: OutboxKind
    payload: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class LtiPlatform:
    """An LMS registered as an LTI 1.3 platform."""

    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: tuple[str, ...]


@dataclass(frozen=True)
class LtiLink:
    """A learner launched from a platform: their score in the lesson (or one of its nodes)
    goes to ``lineitem_url`` for the platform's user ``user_id``."""

    learner_id: str
    lesson_id: str
    issuer: str
    client_id: str
    user_id: str
    lineitem_url: str
    node_id: str | None = None
