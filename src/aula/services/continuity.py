"""Reasons to come back and progress that travels: streaks, resume codes, export.

No HTTP here; every function blocks (call it from a thread).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aula.content.model import Course, Question
from aula.learning import Streak, learner_zone, streak
from aula.services.progress import lesson_state
from aula.services.reviews import DueItem, resolve
from aula.store import Store

UTC_ZONE = ZoneInfo("UTC")


def learner_streak(
    store: Store | None,
    learner_id: str,
    zone_name: str | None,
    goal: int,
    now: datetime | None = None,
) -> Streak:
    """The learner's streak and today's count toward the goal, counted by the server's clock
    in the learner's time zone (UTC when the zone is unknown)."""
    zone = learner_zone(zone_name) or UTC_ZONE
    activity = store.activity_times(learner_id) if store is not None else []
    return streak(activity, zone, now or datetime.now(UTC), goal)


def issue_resume_code(store: Store, learner_id: str, hours: int) -> tuple[str, datetime]:
    """A single-use code moving this learner's progress to another browser, and its expiry."""
    now = datetime.now(UTC)
    code = store.issue_resume_token(learner_id, timedelta(hours=hours), at=now)
    return code, now + timedelta(hours=hours)


def format_code(code: str) -> str:
    """ABCD-EFGH-JKLM: easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def redeem_resume_code(store: Store, code: str, receiver: str) -> str:
    """Move the code's progress to ``receiver`` (``ResumeRefused`` if it cannot)."""
    return store.redeem_resume_token(code, receiver)


def export(store: Store, course: Course, learner_id: str) -> dict[str, Any]:
    """Everything stored about the learner, as JSON-ready data (their own copy)."""
    lessons = []
    for lesson in course.lessons:
        lessons.append(
            {
                "lesson_id": lesson.id,
                "current_slide": store.position(learner_id, lesson.id),
                "slides_seen": [
                    {
                        "slide_id": v.slide_id,
                        "first_seen_at": v.first_seen_at.isoformat(),
                        "last_seen_at": v.last_seen_at.isoformat(),
                    }
                    for v in store.slide_views(learner_id, lesson.id)
                ],
            }
        )
    return {
        "format": "aula-progress/1",
        "course_id": course.id,
        "exported_at": datetime.now(UTC).isoformat(),
        "lessons": lessons,
        "answers": [
            {
                "lesson_id": a.lesson_id,
                "node_id": a.node_id,
                "question_id": a.question_id,
                "choice_ids": list(a.choice_ids),
                "correct": a.correct,
                "attempt": a.attempt,
                "answered_at": a.answered_at.isoformat(),
            }
            for a in store.answers(learner_id)
        ],
        "review_cards": [
            {"kind": c.item_kind, "id": c.item_id, "due": c.due.isoformat()}
            for c in store.review_cards(learner_id)
        ],
        "reviews": [
            {
                "kind": r.item_kind,
                "id": r.item_id,
                "rating": r.rating,
                "reviewed_at": r.reviewed_at.isoformat(),
            }
            for r in store.review_logs(learner_id)
        ],
    }


@dataclass(frozen=True)
class PracticeGroup:
    """One skill with what can be practised now: the skill itself once mastered, and the
    terms met in it (each term under the first skill that uses it)."""

    lesson_id: str
    node_id: str
    title: str
    node_card: bool
    terms: tuple[tuple[str, str], ...]
    """(term id, term) with a card."""


def practice_groups(course: Course, cards: Iterable[tuple[str, str]]) -> list[PracticeGroup]:
    """What the learner can practise before it is due, listed by skill. ``cards`` are the
    (kind, id) of the learner's review cards."""
    have = set(cards)
    glossary = {t.id: t.term for t in course.glossary}
    placed: set[str] = set()
    groups = []
    for lesson in course.lessons:
        for node in lesson.skill_tree.nodes:
            term_ids = list(node.terms)
            for slide in lesson.slides:
                if slide.id in node.slides:
                    term_ids += slide.terms
            terms = []
            for term_id in dict.fromkeys(term_ids):
                if ("term", term_id) in have and term_id not in placed and term_id in glossary:
                    placed.add(term_id)
                    terms.append((term_id, glossary[term_id]))
            node_card = ("node", node.id) in have
            if node_card or terms:
                groups.append(
                    PracticeGroup(lesson.id, node.id, node.title, node_card, tuple(terms))
                )
    return groups


def practice_item(
    store: Store, course: Course, learner_id: str, wanted: str
) -> tuple[DueItem | None, Question | None]:
    """A card the learner asked to practise now (``term:id`` or ``node:id``), before it is
    due, with the question to ask for a skill. (None, None) if they have no such card."""
    kind, _, item_id = wanted.partition(":")
    if kind not in ("term", "node") or not item_id or len(item_id) > 128:
        return None, None
    card = next(
        (c for c in store.review_cards(learner_id) if (c.item_kind, c.item_id) == (kind, item_id)),
        None,
    )
    item = resolve(course, card) if card else None
    if item is None or item.node is None or item.lesson_id is None:
        return item, None
    lesson = course.lesson(item.lesson_id)
    if lesson is None:
        return None, None
    state = lesson_state(store, course, learner_id, lesson)
    return item, state.practice_question(item.node.id)


def practice_by_skill(store: Store, course: Course, learner_id: str) -> list[PracticeGroup]:
    cards = store.review_cards(learner_id)
    return practice_groups(course, [(c.item_kind, c.item_id) for c in cards])
