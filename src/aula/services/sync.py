"""Writes a browser queued while offline (answers, slide views, term reviews), applied once
each, in the order given.

The browser gives every write an idempotency key when it queues it (``aula-offline.js``) and
sends the queue when it is back online; the store keeps each applied key (``sync_keys``), so a
queue sent twice, by two tabs at once or replayed by hand, counts each write once. A write is
refused, with a reason the learner sees, when it was queued for a course version the server no
longer has, by another learner (its token is not this learner's), or when it names what the
course does not hold. Answers are graded here, on the server, when they arrive: an answer given
offline is never graded in the browser (see ``docs/offline.md``).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from aula.content.model import Course
from aula.instructor.browserindex import offline_index as _offline_index
from aula.learning import InvalidAnswer, Rating
from aula.services.answers import NodeLocked, answer_question
from aula.services.reviews import NothingToReview, rate_item
from aula.services.views import record_slide_view
from aula.services.xapi import Xapi
from aula.store import AlreadySynced, Store

Kind = Literal["answer", "view", "review"]
Status = Literal["applied", "duplicate", "rejected"]

OTHER_LEARNER = (
    "This was saved offline for another learner of this browser (or before your progress "
    "moved here), so it was not added to yours."
)
OLD_COURSE = (
    "The course has changed since this was saved offline, so it was not applied: "
    "please answer again."
)


def offline_version(course: Course) -> str:
    """What names the course's offline copy: a new version replaces the cache and refuses
    writes queued for the old one."""
    return course.fingerprint[:32] or "0"


def offline_index(course: Course, version: str) -> dict[str, Any]:
    """The instructor's small BM25 index for the browser (``aula.instructor.browserindex``)."""
    return _offline_index(course, version)


@dataclass(frozen=True)
class QueuedWrite:
    """One write from the offline queue, as the browser sent it (not trusted)."""

    key: str
    kind: Kind
    version: str
    token: str
    lesson_id: str = ""
    question_id: str = ""
    choice_ids: tuple[str, ...] = ()
    slide: int = 0
    term_id: str = ""
    rating: int = 0


@dataclass(frozen=True)
class SyncResult:
    key: str
    status: Status
    reason: str = ""
    question_id: str | None = None
    correct: bool | None = None
    answer_id: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "status": self.status,
            "reason": self.reason,
            "question_id": self.question_id,
            "correct": self.correct,
            "answer_id": self.answer_id,
        }


def sync_queue(
    store: Store,
    course: Course,
    learner_id: str,
    learner_token: str,
    writes: Sequence[QueuedWrite],
    xapi: Xapi | None = None,
) -> list[SyncResult]:
    """Apply each write once, in order; one result per write. Blocking: call from a thread.
    ``xapi``: an answer applied here reports its statements like one given online."""
    return [_apply(store, course, learner_id, learner_token, write, xapi) for write in writes]


def _refused(write: QueuedWrite, reason: str) -> SyncResult:
    return SyncResult(write.key, "rejected", reason, write.question_id or None)


def _apply(
    store: Store,
    course: Course,
    learner_id: str,
    learner_token: str,
    write: QueuedWrite,
    xapi: Xapi | None,
) -> SyncResult:
    if not hmac.compare_digest(write.token.encode(), learner_token.encode()):
        return _refused(write, OTHER_LEARNER)
    if write.version != offline_version(course):
        return _refused(write, OLD_COURSE)
    try:
        if write.kind == "answer":
            return _answer(store, course, learner_id, write, xapi)
        if write.kind == "view":
            return _view(store, course, learner_id, write)
        return _review(store, course, learner_id, write)
    except AlreadySynced as done:
        if not done.same_learner:
            return _refused(write, "This offline key was already used by another learner.")
        return SyncResult(
            write.key,
            "duplicate",
            "Already synced.",
            write.question_id or None,
            None,
            done.answer_id,
        )
    except (InvalidAnswer, NodeLocked) as refused:
        return _refused(write, refused.message)
    except NothingToReview as refused:
        return _refused(write, str(refused))
    except ValueError as refused:  # the store's checks of ids and keys
        return _refused(write, f"Not applied: {refused}.")


def _answer(
    store: Store, course: Course, learner_id: str, write: QueuedWrite, xapi: Xapi | None
) -> SyncResult:
    question = course.question(write.question_id)
    if question is None or question.lesson != write.lesson_id:
        return _refused(write, "This course has no such question in that lesson.")
    outcome = answer_question(
        store, course, learner_id, question, write.choice_ids, sync_key=write.key, xapi=xapi
    )
    return SyncResult(
        write.key, "applied", "", question.id, outcome.grade.correct, outcome.record.id
    )


def _view(store: Store, course: Course, learner_id: str, write: QueuedWrite) -> SyncResult:
    lesson = course.lesson(write.lesson_id)
    slide = lesson.slide(write.slide) if lesson is not None else None
    if lesson is None or slide is None:
        return _refused(write, "This course has no such slide.")
    record_slide_view(store, course, learner_id, lesson, slide, sync_key=write.key)
    return SyncResult(write.key, "applied")


def _review(store: Store, course: Course, learner_id: str, write: QueuedWrite) -> SyncResult:
    if course.term(write.term_id) is None:
        return _refused(write, "This course has no such glossary term.")
    if write.rating not in range(1, 5):
        return _refused(write, "A review is rated 1 (Again) to 4 (Easy).")
    rate_item(store, learner_id, "term", write.term_id, Rating(write.rating), sync_key=write.key)
    return SyncResult(write.key, "applied")
