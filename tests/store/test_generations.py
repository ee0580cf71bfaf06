"""``Store.generations``: every committed write moves its learner on; a resume code, everyone."""

from __future__ import annotations

from datetime import timedelta

import pytest

import aula.store.generations as generations_module
from aula.store import Store
from aula.store.generations import Generations

from .helpers import at


def test_a_write_moves_its_learner_on_and_no_one_else(store: Store) -> None:
    stamp = store.generations.stamp()
    assert not store.generations.changed_since(stamp, "ana")
    store.record_slide_view("ana", "open-vs-closed", "s1", 1)
    assert store.generations.changed_since(stamp, "ana")
    assert not store.generations.changed_since(stamp, "bo")
    later = store.generations.stamp()
    assert not store.generations.changed_since(later, "ana")
    store.record_answer("ana", "open-vs-closed", "n1", "q1", ["a"], True)
    assert store.generations.changed_since(later, "ana")


def test_reading_moves_nothing_on(store: Store) -> None:
    store.record_slide_view("ana", "open-vs-closed", "s1", 1)
    stamp = store.generations.stamp()
    store.answers("ana")
    store.lesson_records("ana", ["open-vs-closed"], "v1")
    store.due_reviews("ana", at(0))
    assert store.generations.stamp() == stamp
    assert not store.generations.changed_since(stamp, "ana")


def test_a_resume_code_moves_everyone_on(store: Store) -> None:
    token = store.issue_resume_token("phone", timedelta(hours=1))
    stamp = store.generations.stamp()
    store.redeem_resume_token(token, "laptop")
    assert store.generations.changed_since(stamp, "someone-else")


def test_too_many_learners_to_remember_moves_everyone_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generations_module, "MAX_LEARNERS", 2)
    generations = Generations()
    stamp = generations.stamp()
    generations.moved(("a",))
    generations.moved(("b",))
    assert not generations.changed_since(stamp, "c")
    generations.moved(("d",))  # the table is full: everyone
    assert generations.changed_since(stamp, "c")


def test_an_account_write_moves_everyone_on(store: Store) -> None:
    """Sessions, roles and merges change who sees what (store/account_store.py)."""
    stamp = store.generations.stamp()
    store.accounts.audit("admin", "test", "someone")
    assert store.generations.changed_since(stamp, "anyone")
