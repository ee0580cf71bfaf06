from __future__ import annotations

from datetime import timedelta

from aula.store import Store

from .helpers import T0


def test_only_the_last_three_turns_are_kept_oldest_first(store: Store) -> None:
    for n in range(5):
        store.record_turn("ana", f"question {n}", f"answer {n}", T0 + timedelta(minutes=n))
    turns = store.recent_turns("ana")
    assert [t.question for t in turns] == ["question 2", "question 3", "question 4"]
    assert turns[-1].answer == "answer 4"


def test_turns_belong_to_their_learner_and_go_with_a_reset(store: Store) -> None:
    store.record_turn("ana", "¿y para Flux?", "No tal cual.", T0)
    store.record_turn("ben", "What is VRAM?", "The memory on your GPU.", T0)
    assert [t.question for t in store.recent_turns("ben")] == ["What is VRAM?"]
    assert store.reset_learner("ana")
    assert store.recent_turns("ana") == []


def test_nul_characters_are_dropped_on_every_engine(store: Store) -> None:
    store.record_turn("ana", "What\x00 is VRAM?", "The memory\x00 on your GPU.", T0)
    turn = store.recent_turns("ana")[-1]
    assert (turn.question, turn.answer) == ("What is VRAM?", "The memory on your GPU.")
