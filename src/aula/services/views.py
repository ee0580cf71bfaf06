"""Recording that a learner saw a slide: a write, sent by the page (never done by a GET)."""

from __future__ import annotations

from datetime import UTC, datetime

from aula.content.model import Course, Lesson, Slide
from aula.learning import terms_met
from aula.services.answers import new_cards
from aula.store import Store


def record_slide_view(
    store: Store,
    course: Course,
    learner_id: str,
    lesson: Lesson,
    slide: Slide,
    now: datetime | None = None,
    sync_key: str | None = None,
) -> None:
    """Mark the slide seen, make it the current one, and schedule the glossary terms it
    shows for review (the learner has met them). One transaction. ``sync_key``: queued
    offline under this key, applied once."""
    now = now or datetime.now(UTC)
    cards = new_cards(terms_met(course, slide.terms), now)
    store.record_slide_view(
        learner_id, lesson.id, slide.id, slide.number, at=now, cards=cards, sync_key=sync_key
    )
