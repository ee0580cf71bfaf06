"""Spaced review with FSRS: glossary terms met and nodes mastered come back before they fade.

Cards are the ``fsrs`` package's ``Card`` as JSON text, which the store keeps verbatim with its
``due`` time. Every function takes ``now``; none reads the clock. The scheduler's interval
fuzz draws from the global random generator, so it is off: a schedule is a pure function of
the ratings and their times.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, NamedTuple, Protocol, TypeVar

from fsrs import Card, Rating, Scheduler

from aula.content.model import Course, Lesson, Node, Question
from aula.learning.history import Attempt, chronological
from aula.learning.skills import NodeProgress

__all__ = [
    "TERM_FIRST_REVIEW",
    "Rating",
    "ReviewCard",
    "ReviewItem",
    "card_for",
    "due",
    "items_to_schedule",
    "new_card",
    "rate",
    "rating_from_answer",
    "review_question",
]

ItemKind = Literal["term", "node"]

TERM_FIRST_REVIEW = timedelta(days=1)
"""A term met on a slide first comes back a day later: recalling it after a gap is what
strengthens memory (the spacing effect); asking right after reading it would only echo it."""

# FSRS-6 with its published default weights and 90 % target retention. One short learning
# step rather than two: a learner here reviews a handful of items between lessons, not a deck.
SCHEDULER = Scheduler(
    desired_retention=0.9,
    learning_steps=(timedelta(minutes=10),),
    relearning_steps=(timedelta(minutes=10),),
    enable_fuzzing=False,
)


class ReviewItem(NamedTuple):
    """What a card is about: ``("term", term_id)`` or ``("node", node_id)``."""

    kind: ItemKind
    id: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class ReviewCard:
    card_json: str
    due: datetime


class _HasDue(Protocol):
    @property
    def due(self) -> datetime: ...


T = TypeVar("T", bound=_HasDue)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("review times must be timezone-aware (UTC)")
    return now.astimezone(UTC)


def _card_id(key: str) -> int:
    # FSRS numbers cards by creation time; a number from the item keeps new_card pure.
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:6], "big")


def new_card(now: datetime, item: ReviewItem | None = None) -> ReviewCard:
    """A card never reviewed, due at ``now``."""
    now = _utc(now)
    card = Card(card_id=_card_id(item.key if item else ""), due=now)
    return ReviewCard(card.to_json(), now)


def rate(card_json: str, rating: Rating, now: datetime) -> tuple[str, datetime]:
    """The card after a review rated ``rating`` at ``now``: its new JSON and when it is due."""
    card, _log = SCHEDULER.review_card(Card.from_json(card_json), Rating(rating), _utc(now))
    return card.to_json(), _utc(card.due)


def card_for(
    item: ReviewItem, now: datetime, term_delay: timedelta = TERM_FIRST_REVIEW
) -> ReviewCard:
    """The first card for an item the learner just reached.

    A mastered node was just recalled right several times, so the card starts as reviewed
    "good" at ``now`` (FSRS's first interval, a few days). A term was only read, so it is a new
    card due after ``term_delay``.
    """
    now = _utc(now)
    if item.kind == "node":
        card_json, when = rate(new_card(now, item).card_json, Rating.Good, now)
        return ReviewCard(card_json, when)
    card = Card(card_id=_card_id(item.key), due=now + term_delay)
    return ReviewCard(card.to_json(), card.due)


def rating_from_answer(correct: bool, attempt: int) -> Rating:
    """Rate a review question: right on the first try is Good, right after a miss Hard,
    wrong Again. Rate a review once, from its first answer; a later try only re-teaches."""
    if not correct:
        return Rating.Again
    return Rating.Good if attempt <= 1 else Rating.Hard


def due(cards: Iterable[T], now: datetime) -> list[T]:
    """The cards due at ``now``, soonest due first (anything with a ``due`` time works)."""
    now = _utc(now)
    return sorted((c for c in cards if _utc(c.due) <= now), key=lambda c: _utc(c.due))


def items_to_schedule(
    course: Course, lesson: Lesson, states: Mapping[str, NodeProgress]
) -> list[ReviewItem]:
    """Everything the learner should review in this lesson, in the order they meet it.

    Glossary terms of every open node (its own terms and those on its slides), then every node
    that was mastered. A node that fell back keeps its card, so this list only grows with the
    history and the store never holds a card for an item that vanished from it.
    """
    glossary = {t.id for t in course.glossary}
    terms: dict[str, None] = {}
    nodes: list[ReviewItem] = []
    for node in lesson.skill_tree.nodes:
        state = states.get(node.id)
        if state is None or not state.is_open:
            continue
        for term_id in _terms_of(lesson, node):
            if term_id in glossary:
                terms.setdefault(term_id)
        if state.was_mastered and node.questions:
            nodes.append(ReviewItem("node", node.id))
    return [ReviewItem("term", t) for t in terms] + nodes


def terms_met(course: Course, ids: Iterable[str]) -> list[ReviewItem]:
    """Review items for the glossary terms among ``ids`` (those a slide or node names)."""
    glossary = {t.id for t in course.glossary}
    return [ReviewItem("term", t) for t in dict.fromkeys(ids) if t in glossary]


def nodes_to_schedule(lesson: Lesson, states: Mapping[str, NodeProgress]) -> list[ReviewItem]:
    """The nodes the learner has mastered at some point: each gets a review card."""
    return [
        ReviewItem("node", node.id)
        for node in lesson.skill_tree.nodes
        if (state := states.get(node.id)) is not None and state.was_mastered and node.questions
    ]


def _terms_of(lesson: Lesson, node: Node) -> list[str]:
    out = list(node.terms)
    for slide_id in node.slides:
        slide = lesson.slide_by_id(slide_id)
        if slide is not None:
            out += slide.terms
    return out


def review_question(node: Node, attempts: Sequence[Attempt]) -> Question | None:
    """The node's question to ask in a review: the one answered longest ago (never answered
    first), so reviews cycle through the node's questions."""
    last: dict[str, int] = {}
    for i, a in enumerate(chronological(attempts)):
        last[a.question_id] = i
    return review_question_from(node, last)


def review_question_from(node: Node, last_seen: Mapping[str, int]) -> Question | None:
    """``review_question`` from each question's latest position in the history."""
    if not node.questions:
        return None
    last = last_seen
    order = {q.id: i for i, q in enumerate(node.questions)}
    return min(node.questions, key=lambda q: (last.get(q.id, -1), order[q.id]))
