from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from fsrs import Card, Rating, Scheduler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aula.store import ItemKind, NewCard, Store

from .helpers import T0, at, new_learner

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
INSTANTS = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.timezones(),
)


def test_a_missing_card_is_none(store: Store) -> None:
    assert store.review_card("ana", "term", "gguf") is None
    assert store.review_cards("ana") == []


def test_an_fsrs_card_round_trips_through_the_database(store: Store) -> None:
    scheduler = Scheduler()
    card, _ = scheduler.review_card(Card(), Rating.Good, review_datetime=T0)
    store.save_review_card("ana", "node", "two-kingdoms", json.dumps(card.to_dict()), card.due)

    stored = store.review_card("ana", "node", "two-kingdoms")

    assert stored is not None
    assert Card.from_dict(json.loads(stored.card_json)) == card
    assert stored.due == card.due
    # And the scheduler can carry on from what came back.
    again, _ = scheduler.review_card(Card.from_dict(json.loads(stored.card_json)), Rating.Easy)
    assert again.due > card.due


def test_saving_again_replaces_the_card(store: Store) -> None:
    store.save_review_card("ana", "term", "gguf", '{"v": 1}', at(0))
    store.save_review_card("ana", "term", "gguf", '{"v": 2}', at(100))

    (card,) = store.review_cards("ana")
    assert (card.card_json, card.due) == ('{"v": 2}', at(100))


def test_due_reviews_are_those_due_by_now_most_overdue_first(store: Store) -> None:
    store.save_review_card("ana", "term", "later", "{}", at(3600))
    store.save_review_card("ana", "term", "exactly-now", "{}", at(60))
    store.save_review_card("ana", "node", "overdue", "{}", at(0))
    store.save_review_card("ben", "term", "not-anas", "{}", at(0))

    due = store.due_reviews("ana", now=at(60))

    assert [(c.item_kind, c.item_id) for c in due] == [("node", "overdue"), ("term", "exactly-now")]
    assert [c.item_id for c in store.due_reviews("ana", now=at(60), limit=1)] == ["overdue"]
    assert store.due_reviews("ana", now=at(-1)) == []


def test_due_compares_instants_across_time_zones(store: Store) -> None:
    store.save_review_card("ana", "term", "gguf", "{}", at(0))
    tokyo = timezone(timedelta(hours=9))

    assert store.due_reviews("ana", now=at(0).astimezone(tokyo))
    assert not store.due_reviews("ana", now=(at(0) - timedelta(microseconds=1)).astimezone(tokyo))


def test_all_cards_are_listed_soonest_first(store: Store) -> None:
    store.save_review_card("ana", "term", "b", "{}", at(20))
    store.save_review_card("ana", "term", "a", "{}", at(10))

    assert [c.item_id for c in store.review_cards("ana")] == ["a", "b"]


def test_a_term_and_a_node_may_share_an_id(store: Store) -> None:
    store.save_review_card("ana", "term", "privacy", '{"kind": "term"}', at(0))
    store.save_review_card("ana", "node", "privacy", '{"kind": "node"}', at(0))

    term = store.review_card("ana", "term", "privacy")
    node = store.review_card("ana", "node", "privacy")
    assert term is not None and node is not None
    assert (term.card_json, node.card_json) == ('{"kind": "term"}', '{"kind": "node"}')


def test_review_logs_come_back_in_time_order(store: Store) -> None:
    store.log_review("ana", "term", "gguf", 3, at=at(10))
    store.log_review("ana", "node", "two-kingdoms", 1, at=at(0))
    store.log_review("ben", "term", "gguf", 4, at=at(5))

    logs = store.review_logs("ana")
    assert [(g.item_kind, g.item_id, g.rating, g.reviewed_at) for g in logs] == [
        ("node", "two-kingdoms", 1, at(0)),
        ("term", "gguf", 3, at(10)),
    ]
    assert [g.rating for g in store.review_logs("ben")] == [4]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["term", "node"]),
    item=st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=128),
    body=st.dictionaries(st.text(), JSON_VALUES, max_size=6),
    due=INSTANTS,
)
def test_any_card_round_trips_exactly(
    store: Store, kind: ItemKind, item: str, body: dict[str, object], due: datetime
) -> None:
    learner = new_learner()
    card_json = json.dumps(body, ensure_ascii=False)
    store.save_review_card(learner, kind, item, card_json, due)

    stored = store.review_card(learner, kind, item)

    assert stored is not None
    assert stored.card_json == card_json
    # Compared in UTC: Python never calls times in a DST gap or fold equal across zones.
    assert stored.due == due.astimezone(UTC)
    assert stored.due.tzinfo == UTC
    assert store.review_cards(learner) == [stored]


def test_writes_create_the_missing_cards_and_keep_existing_ones(store: Store) -> None:
    store.save_review_card("ana", "term", "gguf", '{"kept": true}', at(50))
    cards = [NewCard("term", f"t{i}", f'{{"new": {i}}}', at(i)) for i in range(10)]
    cards.append(NewCard("term", "gguf", '{"new": "gguf"}', at(99)))

    store.record_answer("ana", "lesson", "node", "q", ["a"], True, at=at(0), cards=cards)
    store.record_slide_view("ana", "lesson", "s1", 1, at=at(1), cards=cards[:3])

    found = {(c.item_id, c.card_json, c.due) for c in store.review_cards("ana")}
    expected = {(f"t{i}", f'{{"new": {i}}}', at(i)) for i in range(10)}
    assert found == expected | {("gguf", '{"kept": true}', at(50))}
