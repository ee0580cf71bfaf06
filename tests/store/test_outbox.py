"""The outbox: messages queued in the transaction of what they report, claimed with a lease,
kept until delivered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aula.store import OutboxItem, Store

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def message(n: int) -> OutboxItem:
    return OutboxItem("xapi", f'{{"n": {n}}}')


def test_a_message_joins_the_answers_transaction(store: Store) -> None:
    store.record_answer("l1", "lesson", "node", "q1", ["a"], True, at=NOW, messages=[message(1)])
    [queued] = store.outbox_pending()
    assert (queued.kind, queued.payload, queued.attempts) == ("xapi", '{"n": 1}', 0)
    assert queued.created_at == NOW == queued.next_attempt_at


def test_an_answer_that_is_refused_queues_nothing(store: Store) -> None:
    with pytest.raises(ValueError):
        store.record_answer("l1", "lesson", "node", "q1", [], True, at=NOW, messages=[message(1)])
    assert store.outbox_pending() == []


def test_a_claim_hides_messages_from_other_deliverers_until_the_lease_ends(store: Store) -> None:
    store.enqueue([message(1), message(2), message(3)], at=NOW)
    first = store.outbox_claim("xapi", NOW, limit=2, lease=60)
    assert [m.payload for m in first] == ['{"n": 1}', '{"n": 2}']
    second = store.outbox_claim("xapi", NOW, limit=10, lease=60)
    assert [m.payload for m in second] == ['{"n": 3}']
    assert store.outbox_claim("xapi", NOW, limit=10) == []
    assert store.outbox_claim("ags", NOW + timedelta(hours=1)) == []
    # A deliverer that died mid-send: after the lease its messages are due again.
    again = store.outbox_claim("xapi", NOW + timedelta(seconds=61), limit=10)
    assert len(again) == 3


def test_delivered_messages_leave_and_failed_ones_wait(store: Store) -> None:
    store.enqueue([message(1), message(2)], at=NOW)
    one, two = store.outbox_claim("xapi", NOW)
    store.outbox_delivered([one.id], at=NOW)
    store.outbox_failed([two.id], "the LRS answered 500", NOW + timedelta(seconds=30))
    [left] = store.outbox_pending()
    assert left.id == two.id and left.attempts == 1 and left.last_error == "the LRS answered 500"
    assert store.outbox_due("xapi", NOW + timedelta(seconds=29)) == []
    assert [m.id for m in store.outbox_due("xapi", NOW + timedelta(seconds=30))] == [two.id]
    store.outbox_delivered([one.id], at=NOW)  # twice: no effect
    assert len(store.outbox_pending()) == 1
