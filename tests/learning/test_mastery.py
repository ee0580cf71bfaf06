from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aula.content import load_course
from aula.content.model import Lesson, Node, Question
from aula.learning import (
    DEFAULT_PARAMS,
    BKTParams,
    answers_needed,
    default_guess,
    first_tries_to_master,
    guess_slip,
    guided_question,
    mastery_rule,
    node_mastery,
    observe,
    progress_fraction,
    skill_states,
)

from .builders import History, lesson, lessons, node, question

WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
thresholds = st.floats(0.55, 0.99)


def textbook(p: float, correct: bool, g: float, s: float, t: float) -> float:
    """Corbett & Anderson's update, written out independently of the code under test."""
    if correct:
        post = p * (1 - s) / (p * (1 - s) + (1 - p) * g)
    else:
        post = p * s / (p * s + (1 - p) * (1 - g))
    return post + (1 - post) * t


def run(p: float, qs: list[Question], params: BKTParams = DEFAULT_PARAMS) -> float:
    for q in qs:
        p = observe(p, q, True, True, params)
    return p


@given(st.floats(0.01, 0.99), st.booleans(), st.floats(0.05, 0.45), st.floats(0.05, 0.45))
def test_a_first_try_is_the_textbook_bkt_update(p: float, right: bool, g: float, s: float) -> None:
    q = question("q", guess=g, slip=s)
    assert observe(p, q, right, True) == pytest.approx(
        textbook(p, right, g, s, DEFAULT_PARAMS.learn)
    )


def test_default_guess_is_blind_chance_with_a_floor() -> None:
    assert default_guess(question("a", choices=2)) == 1 / 2
    assert default_guess(question("a", choices=4)) == 1 / 4
    # multiple choice: one of the 2^n - 1 non-empty subsets
    assert default_guess(question("a", choices=3, kind="multiple", correct=[0, 1])) == 1 / 7
    assert default_guess(question("a", choices=5, kind="multiple")) == DEFAULT_PARAMS.guess_floor
    assert default_guess(question("a", choices=12)) == DEFAULT_PARAMS.guess_floor


def test_the_authors_guess_and_slip_win() -> None:
    assert guess_slip(question("a", guess=0.3, slip=0.2)) == (0.3, 0.2)
    assert guess_slip(question("a", slip=0.05)) == (0.25, 0.05)
    g, s = guess_slip(question("a", guess=0.0, slip=0.0))
    assert 0 < g < 0.01 and 0 < s < 0.01  # never conclusive


@given(st.floats(0.0, 0.49), st.floats(0.0, 0.49), st.floats(0.0, 1.0))
def test_a_retry_is_the_first_try_evidence_tempered(g: float, s: float, w: float) -> None:
    params = BKTParams(retry_weight=w)
    q = question("q", guess=g, slip=s)
    g1, s1 = guess_slip(q, True, params)
    g2, s2 = guess_slip(q, False, params)
    assert 0 <= g2 <= 1 and 0 <= s2 <= 1
    # likelihood ratios of a right and a wrong answer, raised to the retry weight
    assert (1 - s2) / g2 == pytest.approx(((1 - s1) / g1) ** w, rel=1e-6)
    assert s2 / (1 - g2) == pytest.approx((s1 / (1 - g1)) ** w, rel=1e-6, abs=1e-12)


@given(st.floats(0.01, 0.99), st.sampled_from([2, 3, 4]))
def test_a_right_retry_counts_less_than_a_right_first_try(p: float, choices: int) -> None:
    q = question("q", choices=choices)
    first, retry = observe(p, q, True, True), observe(p, q, True, False)
    assert p < retry < first


def test_a_retry_with_weight_zero_is_only_a_chance_to_learn() -> None:
    params = BKTParams(retry_weight=0)
    q = question("q")
    for right in (True, False):
        assert observe(0.4, q, right, False, params) == pytest.approx(0.4 + 0.6 * params.learn)


@pytest.mark.parametrize(
    "bad",
    [
        {"prior": 0},
        {"prior": 1},
        {"learn": 1},
        {"slip": 0.5},
        {"guess_floor": 0},
        {"retry_weight": 1.5},
    ],
)
def test_parameters_out_of_range_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        BKTParams(**bad)


def test_node_mastery_counts_questions_and_first_tries() -> None:
    qs = [question(f"q{i}") for i in range(4)]
    n = node("n0", qs)
    h = History()
    h.answer(qs[0], True)
    h.answer(qs[1], False)
    h.answer(qs[1], True)
    h.answer(question("other", "n9"), True)  # not this node's: ignored
    m = node_mastery(n, h.attempts, 0.95)
    assert (m.first_try_correct, m.answered, m.questions, m.answers) == (1, 2, 4, 3)
    assert m.p_known == pytest.approx(
        observe(observe(observe(0.25, qs[0], True, True), qs[1], False, True), qs[1], True, False)
    )
    assert not m.mastered


def test_a_node_without_questions_is_never_mastered() -> None:
    m = node_mastery(node("empty"), [], 0.6)
    assert not m.mastered
    assert "cannot be mastered" in mastery_rule(node("empty"), 0.6)


def test_threshold_must_be_a_probability() -> None:
    with pytest.raises(ValueError, match="threshold"):
        node_mastery(node("n"), [], 1.0)


def rule_numbers(text: str) -> list[int]:
    found = re.findall(r"\b(" + "|".join(WORDS) + r"|\d+|both|once|twice)\b", text)
    special = {"both": 2, "once": 1, "twice": 2}
    return [special.get(w) or (WORDS.index(w) + 1 if w in WORDS else int(w)) for w in found]


def answers_in_rule(text: str, questions: int) -> int:
    """How many right answers the rule sentence asks for, read back from its words."""
    numbers = rule_numbers(text)
    if "its first question " in text:
        return 1
    if text.startswith("Answer its question right"):
        return 1 + (numbers[0] if numbers else 0)
    if "then answer" in text:
        return questions + numbers[-1]
    if text.startswith("Answer all") or text.startswith("Answer both"):
        return questions
    return numbers[0]


def masters_after(n: Node, count: int, threshold: float, h: History | None = None) -> list[bool]:
    """Answer ``count`` questions right in the order the lesson asks them; mastered after each?"""
    h = h or History()
    le = lesson_of(n)
    mastered = []
    for _ in range(count):
        q = guided_question(n, h.attempts)
        assert q is not None
        h.answer(q, True)
        mastered.append(skill_states(le, h.attempts, threshold)[n.id].state == "mastered")
    return mastered


def lesson_of(n: Node) -> Lesson:
    return lesson([n])


@settings(max_examples=80, deadline=None)
@given(lessons(max_nodes=1), thresholds)
def test_answering_what_the_rule_says_masters_the_node_then_and_not_before(
    generated: Lesson, threshold: float
) -> None:
    n = generated.skill_tree.nodes[0]
    text = mastery_rule(n, threshold)
    count = answers_in_rule(text, len(n.questions))
    steps = masters_after(n, count, threshold)
    assert steps[-1], text
    assert not any(steps[:-1]), text
    # "its first k questions" are the first k the lesson asks, in the node's order
    if "its first" in text:
        asked: list[str] = []
        h = History()
        for _ in range(count):
            q = guided_question(n, h.attempts)
            assert q is not None
            asked.append(q.id)
            h.answer(q, True)
        assert asked == [q.id for q in n.questions[:count]]


@settings(max_examples=80, deadline=None)
@given(lessons(max_nodes=1), thresholds, st.lists(st.booleans(), max_size=8))
def test_the_next_step_from_anywhere_is_exact(
    generated: Lesson, threshold: float, rights: list[bool]
) -> None:
    n = generated.skill_tree.nodes[0]
    le = lesson_of(n)
    h = History()
    for right in rights:
        q = guided_question(n, h.attempts)
        assert q is not None
        h.answer(q, right)
    state = skill_states(le, h.attempts, threshold)[n.id]
    if state.state == "mastered":
        assert state.next_step is None
        return
    text = state.next_step
    assert text is not None
    count = answers_in_rule(text, len(n.questions)) if not h.attempts else next_count(text)
    steps = masters_after(n, count, threshold, h)
    assert steps[-1], text
    assert not any(steps[:-1]), text


def next_count(text: str) -> int:
    if text == "Answer the next question right to master it.":
        return 1
    match = re.fullmatch(r"Answer the next (\w+) questions right to master it\.", text)
    assert match, text
    word = match.group(1)
    return WORDS.index(word) + 1 if word in WORDS else int(word)


def test_the_built_in_first_node_masters_on_the_third_right_answer() -> None:
    course = load_course(run_snippets=False)
    first = course.lessons[0].skill_tree.nodes[0]
    text = mastery_rule(first, course.mastery_threshold)
    assert text == "Answer its first three questions right on the first try."
    assert masters_after(first, 3, course.mastery_threshold) == [False, False, True]


def test_the_rule_names_the_computed_number() -> None:
    four_choice = node("n", [question(f"q{i}") for i in range(6)])
    for threshold in (0.8, 0.9, 0.95, 0.98):
        k = first_tries_to_master(four_choice, threshold)
        assert k is not None and k.practice == 0
        text = mastery_rule(four_choice, threshold)
        assert (
            text == f"Answer its first {WORDS[k.first_tries - 1]} questions right on the first try."
        )
    # a stricter threshold never asks for fewer answers
    counts = [first_tries_to_master(four_choice, t) for t in (0.6, 0.8, 0.9, 0.95, 0.99)]
    firsts = [c.first_tries for c in counts if c]
    assert firsts == sorted(firsts)


def test_the_rule_for_a_node_with_too_few_questions_asks_for_practice() -> None:
    one = node("n", [question("q", choices=2)])
    needed = first_tries_to_master(one, 0.95)
    assert needed is not None and needed.first_tries == 1 and needed.practice > 0
    text = mastery_rule(one, 0.95)
    assert text.startswith("Answer its question right on the first try, then answer it right ")
    p = observe(DEFAULT_PARAMS.prior, one.questions[0], True, True)
    for _ in range(needed.practice - 1):
        p = observe(p, one.questions[0], True, False)
    assert p < 0.95 <= observe(p, one.questions[0], True, False)


def test_one_wrong_first_try_takes_a_just_mastered_node_back() -> None:
    # the learner-facing rule's minimum, then one slip on a fresh question
    for choices in (2, 3, 4):
        n = node("n", [question(f"q{i}", choices=choices) for i in range(8)])
        for threshold in (0.9, 0.95):
            needed = first_tries_to_master(n, threshold)
            assert needed is not None
            p = run(DEFAULT_PARAMS.prior, list(n.questions[: needed.first_tries]))
            assert p >= threshold
            assert observe(p, n.questions[-1], False, True) < threshold


def test_next_step_counts_down() -> None:
    qs = [question(f"q{i}") for i in range(5)]
    n = node("n", qs)
    p = DEFAULT_PARAMS.prior
    needs = []
    for i in range(3):
        needed = answers_needed(p, qs[i:], qs[:i], 0.95)
        assert needed is not None
        needs.append(needed.first_tries)
        p = observe(p, qs[i], True, True)
    assert needs == sorted(needs, reverse=True) and needs[0] > needs[-1]
    assert first_tries_to_master(n, 0.95) == answers_needed(DEFAULT_PARAMS.prior, qs, [], 0.95)


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), thresholds)
def test_progress_runs_from_prior_to_threshold(a: float, b: float, threshold: float) -> None:
    lo, hi = sorted((a, b))
    assert progress_fraction(lo, threshold) <= progress_fraction(hi, threshold)
    assert progress_fraction(DEFAULT_PARAMS.prior, threshold) == 0
    assert progress_fraction(threshold, threshold) == 1
    assert 0 <= progress_fraction(a, threshold) <= 1
    mid = 1 / (1 + math.exp(-(_logit(DEFAULT_PARAMS.prior) + _logit(threshold)) / 2))
    if threshold > DEFAULT_PARAMS.prior:
        assert progress_fraction(mid, threshold) == pytest.approx(0.5)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))
