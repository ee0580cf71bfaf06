"""Answering a knowledge check: grade, store durably with the review cards it earns, and say
what changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from aula.content.model import Course, Question
from aula.i18n import _
from aula.learning import (
    Grade,
    ReviewItem,
    card_for,
    changes,
    grade,
    nodes_to_schedule,
    terms_met,
)
from aula.services.lti import score_messages
from aula.services.progress import LessonState, judge, lesson_state, snapshot_version
from aula.services.xapi import Xapi, answer_statements, to_outbox
from aula.store import AnswerRecord, NewCard, Store


class NodeLocked(LookupError):
    """An answer to a question whose node is still locked: refused, nothing stored."""

    def __init__(self, title: str, missing: tuple[str, ...]) -> None:
        self.message = _(
            "This question belongs to %(title)s, which is still locked: first master "
            "%(skills)s. Nothing was saved.",
            title=title,
            skills=_(" and ").join(missing),
        )
        super().__init__(self.message)


@dataclass(frozen=True)
class AnswerOutcome:
    """An answer as stored, its grade, and the learner's state before and after it."""

    record: AnswerRecord
    grade: Grade
    before: LessonState
    after: LessonState


def new_cards(items: Sequence[ReviewItem], now: datetime) -> list[NewCard]:
    cards = []
    for item in items:
        card = card_for(item, now)
        cards.append(NewCard(item.kind, item.id, card.card_json, card.due))
    return cards


def answer_question(
    store: Store,
    course: Course,
    learner_id: str,
    question: Question,
    choice_ids: Sequence[str],
    now: datetime | None = None,
    *,
    allow_locked: bool = False,
    xapi: Xapi | None = None,
    sync_key: str | None = None,
) -> AnswerOutcome:
    """Grade and store the answer (durable when this returns). Raises ``InvalidAnswer`` for
    choices the question cannot take, and ``NodeLocked`` (storing nothing) for a question whose
    node is still locked, unless ``allow_locked`` (a history replayed as given).
    With ``xapi``, the statements the answer makes (answered, mastered, progressed,
    completed) join the outbox in the same transaction: an acknowledged answer is reported.
    ``sync_key``: the answer was queued offline under this key and is stored once (the store
    raises ``AlreadySynced`` the second time). Blocking: call it from a thread."""
    result = grade(question, choice_ids)
    lesson = course.lesson(question.lesson)
    if lesson is None:  # a loaded course has every question in a lesson
        raise LookupError(f"question '{question.id}' has no lesson")
    now = now or datetime.now(UTC)
    before = lesson_state(store, course, learner_id, lesson)
    view = before.nodes.get(question.node)
    if view is not None and view.state == "locked" and not allow_locked:
        raise NodeLocked(view.title, view.missing_titles)
    # The cards it earns: the node's terms, and the nodes it would make mastered.
    attempt = 1 if question.id not in before.replay.last_seen else 2
    provisional = AnswerRecord(
        0,
        learner_id,
        lesson.id,
        question.node,
        question.id,
        result.chosen,
        result.correct,
        attempt,
        now,
    )
    predicted = judge(
        course,
        lesson,
        before.replay,
        [provisional],
        before.through_answer_id,
        before.seen,
        before.position,
    )
    node = lesson.skill_tree.node(question.node)
    items = terms_met(course, node.terms if node else ())
    items += nodes_to_schedule(lesson, predicted.states)
    messages = []
    if xapi is not None:
        statements = answer_statements(xapi, course, question, provisional, before, predicted)
        messages = to_outbox(statements)
    # A learner launched from an LMS: the score it shows them, when this answer changes it.
    messages += score_messages(store, learner_id, before, predicted, now)
    # One transaction: the answer, the cards it earns, the snapshot moved past it and the
    # statements reporting it.
    record = store.record_answer(
        learner_id,
        lesson.id,
        question.node,
        question.id,
        list(result.chosen),
        result.correct,
        at=now,
        cards=new_cards(items, now),
        snapshot=predicted.snapshot(
            snapshot_version(course), changes(before.states, predicted.states)
        ),
        snapshot_first_try=attempt == 1,
        messages=messages,
        sync_key=sync_key,
    )
    if (record.attempt == 1) == (attempt == 1):
        after = replace(predicted, through_answer_id=record.id, answer=record)
    else:  # another request answered the same question meanwhile: judge what was stored
        after = judge(
            course,
            lesson,
            before.replay,
            [record],
            before.through_answer_id,
            before.seen,
            before.position,
            record,
        )
    return AnswerOutcome(record, result, before, after)
