"""Spaced review: what is due (a read), and rating a review (one write).

The learning layer computes the FSRS schedules; cards are created on the write paths that
earn them (an answer, a slide seen), never by looking at a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from aula.content.model import Course, Node, Question, Term
from aula.i18n import _
from aula.learning import Grade, Rating, rate, rating_from_answer
from aula.services.answers import answer_question
from aula.services.progress import course_states
from aula.services.xapi import Xapi
from aula.store import ItemKind, ReviewCardRecord, Store


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DueItem:
    """A card, with the course item it is about."""

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


def due_items(store: Store, course: Course, learner_id: str) -> list[DueItem]:
    cards = store.due_reviews(learner_id, now_utc())
    return [item for card in cards if (item := resolve(course, card)) is not None]


def upcoming(store: Store, course: Course, learner_id: str) -> list[DueItem]:
    cards = store.review_cards(learner_id)
    return [item for card in cards if (item := resolve(course, card)) is not None]


def due_now(store: Store, course: Course, learner_id: str) -> tuple[list[DueItem], Question | None]:
    """What is due, and the question to ask for the first item when it is a skill."""
    due = due_items(store, course, learner_id)
    first = due[0] if due else None
    if first is None or first.node is None or first.lesson_id is None:
        return due, None
    states = {s.lesson.id: s for s in course_states(store, course, learner_id)}
    return due, states[first.lesson_id].practice_question(first.node.id)


class NothingToReview(LookupError):
    """The learner has no card for the item."""


def rate_item(
    store: Store,
    learner_id: str,
    kind: ItemKind,
    item_id: str,
    rating: Rating,
    sync_key: str | None = None,
) -> ReviewCardRecord:
    """Rate the learner's card now, save its new schedule and log the review (one transaction).
    ``sync_key``: the rating was queued offline under this key, applied once."""
    now = now_utc()
    card = store.rate_card(
        learner_id,
        kind,
        item_id,
        int(rating),
        lambda card_json: rate(card_json, rating, now),
        now,
        sync_key=sync_key,
    )
    if card is None:
        raise NothingToReview(
            _("There is nothing to review for %(kind)s '%(id)s'.", kind=kind, id=item_id)
        )
    return card


@dataclass(frozen=True)
class NodeReview:
    answer_id: int
    grade: Grade
    rating: Rating
    card: ReviewCardRecord


def review_node(
    store: Store,
    course: Course,
    learner_id: str,
    question: Question,
    choice_ids: list[str],
    xapi: Xapi | None = None,
) -> NodeReview:
    """Answer a skill's review question; the card is rated from the first answer. Raises
    ``NothingToReview`` (before storing anything) when the learner has no card for the node."""
    if store.review_card(learner_id, "node", question.node) is None:
        raise NothingToReview(
            _("There is nothing to review for %(kind)s '%(id)s'.", kind="node", id=question.node)
        )
    outcome = answer_question(store, course, learner_id, question, choice_ids, xapi=xapi)
    rating = rating_from_answer(outcome.grade.correct, attempt=1)
    card = rate_item(store, learner_id, "node", question.node, rating)
    return NodeReview(outcome.record.id, outcome.grade, rating, card)
