from __future__ import annotations

import pytest

from aula.content.model import Question
from aula.learning import InvalidAnswer, grade

from .builders import question

SINGLE = question("s", choices=3, correct=[1])
MULTI = question("m", choices=4, kind="multiple", correct=[0, 2])


def test_single_choice_right() -> None:
    g = grade(SINGLE, ["c1"])
    assert g.correct
    assert g.chosen == ("c1",)
    assert [(f.choice_id, f.verdict) for f in g.feedback] == [("c1", "right")]
    assert g.feedback[0].feedback is not None and g.feedback[0].feedback.text == "feedback 1"
    assert g.explanation.text == "Because."


def test_single_choice_wrong_gives_that_choices_feedback_only() -> None:
    g = grade(SINGLE, ("c2",))
    assert not g.correct
    assert [(f.choice_id, f.verdict, f.feedback) for f in g.feedback] == [
        ("c2", "wrong", SINGLE.choices[2].feedback)
    ]


def test_a_plain_string_is_one_choice() -> None:
    assert grade(SINGLE, "c1").correct


def test_multiple_choice_right_only_when_the_sets_are_equal() -> None:
    assert grade(MULTI, {"c2", "c0"}).correct
    assert not grade(MULTI, ["c0"]).correct
    assert not grade(MULTI, ["c0", "c2", "c3"]).correct


def test_multiple_choice_feedback_names_picks_and_missed_right_choices() -> None:
    g = grade(MULTI, ["c3", "c0"])
    assert g.chosen == ("c0", "c3")  # the question's order, not the form's
    assert [(f.choice_id, f.verdict) for f in g.feedback] == [
        ("c0", "right"),
        ("c3", "wrong"),
        ("c2", "missed"),
    ]
    assert all(f.text.text.startswith("choice") for f in g.feedback)


@pytest.mark.parametrize(
    ("q", "answer", "words"),
    [
        (SINGLE, [], "Pick an answer"),
        (MULTI, [], "at least one"),
        (SINGLE, ["zz"], "not one of"),
        (MULTI, ["c0", "nope"], "not one of"),
        (SINGLE, ["c0", "c1"], "just one"),
        (MULTI, ["c0", "c0"], "only once"),
        (SINGLE, ["c1", "c1"], "only once"),
    ],
)
def test_invalid_answers_raise_a_message_for_the_learner(
    q: Question, answer: list[str], words: str
) -> None:
    with pytest.raises(InvalidAnswer, match=words) as info:
        grade(q, answer)
    assert info.value.field == "choice"
    assert info.value.message == str(info.value)
    assert isinstance(info.value, ValueError)
