"""xAPI statements about what a learner did, for a Learning Record Store.

Built here (pure), queued in the store in the transaction of what they report
(``Store.record_answer(messages=…)``) and sent by ``aula.services.delivery``. Verbs are ADL's
(answered, mastered, completed, progressed, asked); activity ids are the course's own
addresses under ``public_url``; the context is cmi5-style: a registration per learner and
course, the lesson as parent and the course as grouping.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aula.content.model import Course, Lesson, Question
from aula.content.urls import lesson_url, node_url
from aula.services.progress import LessonState
from aula.store import AnswerRecord, OutboxItem

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "answered": ADL + "answered",
    "mastered": ADL + "mastered",
    "completed": ADL + "completed",
    "progressed": ADL + "progressed",
    "asked": ADL + "asked",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "objective": "http://adlnet.gov/expapi/activities/objective",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
}
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
SESSION_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
ATTEMPT_EXTENSION = "https://aula.invalid/xapi/extensions/attempt"
# uuid5 namespace of Aula's registrations (one per learner and course, stable across runs).
REGISTRATIONS = uuid.UUID("9b1f5c9e-6d2a-4c1e-9f0b-3a7e2d8c4b61")


@dataclass(frozen=True)
class Xapi:
    """Where statements point: the server's public address names every activity."""

    base_url: str
    platform: str = "Aula"

    def course_id(self, course: Course) -> str:
        return f"{self.base_url}/courses/{course.id}"

    def lesson_id(self, lesson: Lesson) -> str:
        return self.base_url + lesson_url(lesson.id)

    def node_id(self, lesson: Lesson, node_id: str) -> str:
        return self.base_url + node_url(lesson.id, node_id)

    def question_id(self, lesson: Lesson, question: Question) -> str:
        return f"{self.node_id(lesson, question.node)}#question-{question.id}"


def registration(learner_id: str, course: Course) -> str:
    return str(uuid.uuid5(REGISTRATIONS, f"{course.id}\x00{learner_id}"))


def _actor(x: Xapi, learner_id: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": x.base_url, "name": learner_id}}


def _name(text: str, language: str) -> dict[str, str]:
    return {language or "en": text}


def _activity(activity_id: str, kind: str, name: str, language: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": activity_id,
        "definition": {"type": ACTIVITY_TYPES[kind], "name": _name(name, language)},
    }


def _statement(
    x: Xapi,
    course: Course,
    lesson: Lesson | None,
    learner_id: str,
    verb: str,
    target: dict[str, Any],
    at: datetime,
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    lang = course.language or "en"
    context: dict[str, Any] = {
        "registration": registration(learner_id, course),
        "platform": x.platform,
        "language": lang,
        "contextActivities": {
            "grouping": [_activity(x.course_id(course), "course", course.title, lang)]
        },
        "extensions": {SESSION_EXTENSION: registration(learner_id, course)},
    }
    if lesson is not None and target["id"] != x.lesson_id(lesson):
        context["contextActivities"]["parent"] = [
            _activity(x.lesson_id(lesson), "lesson", lesson.title, lang)
        ]
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": _actor(x, learner_id),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": target,
        "context": context,
        "timestamp": at.isoformat(),
        "version": VERSION,
    }
    if result is not None:
        statement["result"] = result
    return statement


def answer_statements(
    x: Xapi,
    course: Course,
    question: Question,
    record: AnswerRecord,
    before: LessonState,
    after: LessonState,
) -> list[dict[str, Any]]:
    """``answered``, then ``mastered`` for each node the answer masters, ``progressed`` when
    the lesson's percentage moves, ``completed`` when every node is mastered."""
    lesson = after.lesson
    lang = course.language or "en"
    at = record.answered_at
    interaction = _activity(
        x.question_id(lesson, question), "interaction", question.prompt.text[:200], lang
    )
    interaction["definition"].update(
        {
            "interactionType": "choice",
            "correctResponsesPattern": ["[,]".join(c.id for c in question.choices if c.correct)],
            "choices": [
                {"id": c.id, "description": _name(c.text.text[:200], lang)}
                for c in question.choices
            ],
        }
    )
    out = [
        _statement(
            x,
            course,
            lesson,
            record.learner_id,
            "answered",
            interaction,
            at,
            {
                "success": record.correct,
                "response": "[,]".join(record.choice_ids),
                "extensions": {ATTEMPT_EXTENSION: record.attempt},
            },
        )
    ]
    for node_id, view in after.nodes.items():
        old = before.nodes.get(node_id)
        if view.state == "mastered" and (old is None or old.state != "mastered"):
            node = _activity(x.node_id(lesson, node_id), "objective", view.title, lang)
            out.append(
                _statement(
                    x, course, lesson, record.learner_id, "mastered", node, at, {"success": True}
                )
            )
    total = after.summary.nodes_total or 1
    score = {"scaled": round(after.summary.nodes_mastered / total, 4)}
    target = _activity(x.lesson_id(lesson), "lesson", lesson.title, lang)
    if after.summary.percent != before.summary.percent:
        result = {"score": score, "extensions": {PROGRESS_EXTENSION: after.summary.percent}}
        out.append(
            _statement(x, course, lesson, record.learner_id, "progressed", target, at, result)
        )
    done = after.summary.nodes_mastered == after.summary.nodes_total
    was_done = before.summary.nodes_mastered == before.summary.nodes_total
    if done and not was_done:
        result = {"completion": True, "success": True, "score": score}
        out.append(
            _statement(x, course, lesson, record.learner_id, "completed", target, at, result)
        )
    return out


def asked_statement(
    x: Xapi,
    course: Course,
    lesson: Lesson | None,
    learner_id: str,
    question: str,
    at: datetime,
) -> dict[str, Any]:
    """The learner asked the instructor ``question`` (while in ``lesson``, if any)."""
    lang = course.language or "en"
    instructor = _activity(
        f"{x.course_id(course)}/instructor", "course", f"{course.title}: AI Instructor", lang
    )
    instructor["definition"]["type"] = "http://adlnet.gov/expapi/activities/question"
    return _statement(
        x, course, lesson, learner_id, "asked", instructor, at, {"response": question[:1000]}
    )


def to_outbox(statements: Sequence[dict[str, Any]]) -> list[OutboxItem]:
    return [OutboxItem("xapi", json.dumps(s, ensure_ascii=False)) for s in statements]
