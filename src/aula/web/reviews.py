"""Keeping each learner's review schedule in step with what they have met and mastered.

The learning layer says what should be reviewed and computes the FSRS schedules; this module
reads and writes the cards in the store. All functions block: call them from a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from aula.content.model import Course, Node, Term
from aula.learning import card_for, items_to_schedule
from aula.store import ReviewCardRecord, Store
from aula.web.progress import LessonState, lesson_state


def now_utc() -> datetime:
    return datetime.now(UTC)


def sync_cards(store: Store, learner_id: str, course: Course, state: LessonState) -> int:
    """Create the cards of items the learner has newly reached; how many were created."""
    items = items_to_schedule(course, state.lesson, state.states)
    if not items:
        return 0
    have = {(c.item_kind, c.item_id) for c in store.review_cards(learner_id)}
    now = now_utc()
    created = 0
    for item in items:
        if (item.kind, item.id) not in have:
            card = card_for(item, now)
            store.save_review_card(learner_id, item.kind, item.id, card.card_json, card.due)
            created += 1
    return created


@dataclass(frozen=True)
class DueItem:
    """A card that is due, with what it is about."""

    card: ReviewCardRecord
    term: Term | None
    node: Node | None
    lesson_id: str | None

    @property
    def title(self) -> str:
        if self.term is not None:
            return self.term.term
        return self.node.title if self.node is not None else self.card.item_id


def resolve(course: Course, card: ReviewCardRecord) -> DueItem | None:
    """The course item a card is about, or None if the course no longer has it."""
    if card.item_kind == "term":
        term = course.term(card.item_id)
        return DueItem(card, term, None, None) if term else None
    for lesson in course.lessons:
        if (node := lesson.skill_tree.node(card.item_id)) is not None:
            return DueItem(card, None, node, lesson.id)
    return None


def due_items(store: Store, learner_id: str, course: Course) -> list[DueItem]:
    cards = store.due_reviews(learner_id, now_utc())
    return [item for card in cards if (item := resolve(course, card)) is not None]


def upcoming(store: Store, learner_id: str, course: Course) -> list[DueItem]:
    cards = store.review_cards(learner_id)
    return [item for card in cards if (item := resolve(course, card)) is not None]


def state_and_cards(store: Store, learner_id: str, course: Course, lesson_id: str) -> LessonState:
    """The learner's state in a lesson after a change, with new review cards created."""
    lesson = course.lesson(lesson_id)
    assert lesson is not None
    state = lesson_state(store, learner_id, lesson, course.mastery_threshold)
    sync_cards(store, learner_id, course, state)
    return state
