"""xAPI statements reach a real LRS (ralph, started as its own process) through the outbox:
read back and checked against the xAPI 1.0.3 rules; an LRS stopped mid-run, or answering 500s
and garbage, loses nothing."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from aula.content import Course
from aula.services import conversation
from aula.services.answers import answer_question
from aula.services.delivery import Deliverer, deliver_once, xapi_sender
from aula.services.xapi import VERBS, Xapi
from aula.store import Store

from .lrs import PASSWORD, USER, Impostor, ralph

BASE = "https://aula.example.org"
LATER = timedelta(days=1)  # past any backoff: every queued statement is due


def answer_all(store: Store, course: Course, learner: str, x: Xapi | None) -> int:
    """Master every node of the first lesson, one wrong answer first; how many answers."""
    lesson = course.lessons[0]
    given = 0
    first = lesson.skill_tree.nodes[0].questions[0]
    wrong = [c.id for c in first.choices if not c.correct][:1]
    answer_question(store, course, learner, first, wrong, xapi=x)
    given += 1
    for node in lesson.skill_tree.nodes:
        for q in node.questions:
            answer_question(store, course, learner, q, sorted(q.correct_ids), xapi=x)
            given += 1
    return given


def deliver_all(store: Store, url: str, at: datetime) -> int:
    sender = xapi_sender(url, USER, PASSWORD)
    total = 0
    while store.outbox_due("xapi", at, 50):
        sent = deliver_once(store, {"xapi": sender}, 600, now=at)
        if not sent:
            break
        total += sent
    return total


def is_iri(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_statement(s: dict[str, Any]) -> None:
    """The xAPI 1.0.3 requirements Aula's statements must meet (section 2.2 of the spec)."""
    uuid.UUID(s["id"])
    actor = s["actor"]
    assert actor["objectType"] == "Agent"
    assert is_iri(actor["account"]["homePage"]) and actor["account"]["name"]
    assert s["verb"]["id"] in VERBS.values()
    assert s["verb"]["display"]["en-US"] in VERBS
    obj = s["object"]
    assert obj.get("objectType", "Activity") == "Activity" and is_iri(obj["id"])
    assert obj["id"].startswith(BASE)
    assert is_iri(obj["definition"]["type"])
    datetime.fromisoformat(s["timestamp"])
    context = s["context"]
    uuid.UUID(context["registration"])
    assert (
        context["contextActivities"]["grouping"][0]["id"]
        == f"{BASE}/courses/sintetografia-avanzada"
    )
    if "score" in s.get("result", {}):
        assert 0 <= s["result"]["score"]["scaled"] <= 1


def test_statements_are_queued_with_the_answer_and_none_without_an_lrs(
    store: Store, course: Course
) -> None:
    q = course.lessons[0].skill_tree.nodes[0].questions[0]
    answer_question(store, course, "no-lrs", q, sorted(q.correct_ids))
    assert store.outbox_pending() == []
    answer_question(store, course, "with-lrs", q, sorted(q.correct_ids), xapi=Xapi(BASE))
    pending = store.outbox_pending()
    assert pending and all(p.kind == "xapi" and p.attempts == 0 for p in pending)


def test_ralph_receives_every_statement_valid_and_in_order(
    tmp_path: Path, course: Course, database_url: str
) -> None:
    x = Xapi(BASE)
    with Store.open(database_url) as store, ralph(tmp_path / "lrs") as lrs:
        answers = answer_all(store, course, "learner-1", x)
        conversation_statement(store, course, x)  # a question to the instructor, asked
        queued = len(store.outbox_pending())
        assert deliver_all(store, lrs.url, datetime.now(UTC) + LATER) == queued
        assert store.outbox_pending() == []
        stored = lrs.statements()
    assert len(stored) == queued
    for s in stored:
        check_statement(s)
    verbs = Counter(s["verb"]["display"]["en-US"] for s in stored)
    nodes = len(course.lessons[0].skill_tree.nodes)
    assert verbs["answered"] == answers
    assert verbs["mastered"] == nodes
    assert verbs["completed"] == 1
    assert verbs["asked"] == 1
    assert verbs["progressed"] >= nodes
    answered = [s for s in stored if s["verb"]["display"]["en-US"] == "answered"]
    assert [s["result"]["success"] for s in answered].count(False) == 1
    completed = next(s for s in stored if s["verb"]["display"]["en-US"] == "completed")
    assert completed["result"] == {"completion": True, "success": True, "score": {"scaled": 1.0}}
    assert completed["object"]["id"] == f"{BASE}/lessons/open-vs-closed"


def conversation_statement(store: Store, course: Course, x: Xapi) -> None:
    from aula.instructor import Instructor

    instructor = Instructor.for_course(course, embeddings=False, backend=None, use_cache=False)
    conversation.ask(
        store,
        instructor,
        "learner-1",
        "What are open weights?",
        "open-vs-closed",
        xapi=(x, course),
    )


def test_an_lrs_stopped_mid_run_gets_everything_once_it_is_back(
    tmp_path: Path, course: Course, database_url: str
) -> None:
    x = Xapi(BASE)
    lesson = course.lessons[0]
    first, *rest = lesson.skill_tree.nodes
    with Store.open(database_url) as store, ralph(tmp_path / "lrs") as lrs:
        deliverer = Deliverer(
            store, {"xapi": xapi_sender(lrs.url, USER, PASSWORD)}, longest=0.5, interval=0.1
        )
        deliverer.start()
        try:
            for q in first.questions:
                answer_question(store, course, "learner-2", q, sorted(q.correct_ids), xapi=x)
            wait_until(lambda: not store.outbox_pending())
            lrs.stop()  # the LRS goes away mid-run; learners keep answering
            for node in rest:
                for q in node.questions:
                    answer_question(store, course, "learner-2", q, sorted(q.correct_ids), xapi=x)
            wait_until(lambda: tried_twice(store.outbox_pending()))
            waiting = store.outbox_pending()
            assert waiting and all(p.last_error for p in waiting)
            assert "cannot be reached" in (waiting[0].last_error or "")
            lrs.start()
            wait_until(lambda: not store.outbox_pending(), timeout=30)
        finally:
            deliverer.stop()
        total = store.outbox_due("xapi", datetime.now(UTC) + LATER, 10_000)
        stored = lrs.statements()
    assert total == []
    ids = [s["id"] for s in stored]
    assert len(ids) == len(set(ids))
    verbs = Counter(s["verb"]["display"]["en-US"] for s in stored)
    assert verbs["answered"] == len(lesson.questions)
    assert verbs["completed"] == 1


@pytest.mark.parametrize(
    "replies",
    [
        pytest.param([(500, b"oops")] * 3, id="500"),
        pytest.param([(200, b"<html>not json</html>"), (200, b'{"ok": true}')], id="garbage"),
        pytest.param([(200, b'["someone-else"]')], id="wrong-ids"),
        pytest.param([(400, b'{"detail": "bad"}'), (503, b"")], id="4xx-then-503"),
    ],
)
def test_an_lrs_answering_errors_or_garbage_is_retried_and_nothing_is_lost(
    store: Store, course: Course, replies: list[tuple[int, bytes]]
) -> None:
    x = Xapi(BASE)
    q = course.lessons[0].skill_tree.nodes[0].questions[0]
    answer_question(store, course, "learner-3", q, sorted(q.correct_ids), xapi=x)
    queued = {p.id for p in store.outbox_pending()}
    with Impostor(replies) as lrs:
        sender = xapi_sender(lrs.url, USER, PASSWORD)
        at = datetime.now(UTC)
        for _ in replies:
            at += LATER
            assert deliver_once(store, {"xapi": sender}, 600, now=at) == 0
            assert {p.id for p in store.outbox_pending()} == queued
        pending = store.outbox_pending()
        assert all(p.attempts == len(replies) and p.last_error for p in pending)
        assert all(p.next_attempt_at > datetime.now(UTC) for p in pending)
        assert deliver_once(store, {"xapi": sender}, 600, now=at + LATER) == len(queued)
    assert store.outbox_pending() == []
    assert len(lrs.stored) == len(queued)


def test_a_retry_waits_longer_each_time_up_to_the_longest(store: Store, course: Course) -> None:
    from aula.services.delivery import backoff

    waits = [backoff(n, 60) for n in range(1, 10)]
    assert 0.8 <= waits[0] <= 1.2
    assert 3.2 <= waits[2] <= 4.8
    assert all(w <= 72 for w in waits) and waits[-1] >= 48


def tried_twice(pending: list[Any]) -> bool:
    return bool(pending) and all(p.attempts >= 2 for p in pending)


def wait_until(condition: Any, timeout: float = 20) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")
