"""Item analysis, checked against numbers worked out by hand below."""

from __future__ import annotations

import math

import pytest

from aula.learning.itemstats import (
    Response,
    item_analysis,
    point_biserial,
    tries_to_right,
)

KEY = {"q1": frozenset({"a"}), "q2": frozenset({"x"}), "q3": frozenset({"m"})}


def r(learner: str, q: str, attempt: int, choice: str) -> Response:
    return Response(learner, q, attempt, (choice,), choice in KEY[q])


# Four learners, three questions (first tries; L3 and L4 retry q1).
#        q1      q2     q3
# L1     a ✓     x ✓    m ✓
# L2     a ✓     x ✓    n ✗
# L3     b ✗,a ✓ y ✗    n ✗
# L4     b ✗,c ✗ x ✓    m ✓
FIXTURE = [
    r("L1", "q1", 1, "a"),
    r("L1", "q2", 1, "x"),
    r("L1", "q3", 1, "m"),
    r("L2", "q1", 1, "a"),
    r("L2", "q2", 1, "x"),
    r("L2", "q3", 1, "n"),
    r("L3", "q1", 1, "b"),
    r("L3", "q1", 2, "a"),
    r("L3", "q2", 1, "y"),
    r("L3", "q3", 1, "n"),
    r("L4", "q1", 1, "b"),
    r("L4", "q1", 2, "c"),
    r("L4", "q2", 1, "x"),
    r("L4", "q3", 1, "m"),
]


def test_q1_against_a_hand_computation() -> None:
    stats = item_analysis(FIXTURE, KEY)["q1"]
    # Right first time: L1, L2 -> 2 of 4.
    assert stats.right_first == 2
    assert stats.share_right_first == 0.5
    # Wrong first tries: L3 b, L4 b -> b twice.
    assert (stats.top_distractor, stats.top_distractor_count) == ("b", 2)
    # Tries to right: L1 1, L2 1, L3 2, L4 2 (never right: both of its tries) -> 1.5.
    assert stats.mean_tries == 1.5
    # Rest scores (q2, q3): L1 1.0, L2 0.5, L3 0.0, L4 1.0.
    # M1 = (1.0 + 0.5) / 2 = 0.75; M0 = (0.0 + 1.0) / 2 = 0.5; mean = 0.625;
    # s = sqrt(((.375)^2 + (.125)^2 + (.625)^2 + (.375)^2) / 4) = sqrt(0.171875);
    # r = (0.75 - 0.5) / s * sqrt(0.25) = 0.125 / 0.414578... = 0.301511...
    assert stats.point_biserial == pytest.approx(0.125 / math.sqrt(0.171875))
    assert stats.point_biserial == pytest.approx(0.3015113, abs=1e-6)


def test_q3_against_a_hand_computation() -> None:
    stats = item_analysis(FIXTURE, KEY)["q3"]
    # Right first: L1, L4. Rest scores (q1, q2): L1 1.0, L2 1.0, L3 0.0, L4 0.5.
    # M1 = 0.75, M0 = 0.5, mean 0.625, s = sqrt(0.171875) again -> the same r.
    assert stats.share_right_first == 0.5
    assert stats.point_biserial == pytest.approx(0.3015113, abs=1e-6)
    assert stats.mean_tries == 1.0  # L2 and L3 answered once, wrong: one try each
    # High ability (rest >= median 0.75): L1, L2; L2 chose n -> 1 of 2 = 0.5 >= 0.5: flagged.
    assert stats.flags == ("high-ability learners chose 'n'",)


def test_flags_follow_what_the_high_ability_group_chose() -> None:
    stats = item_analysis(FIXTURE, KEY)["q1"]
    # High ability on q1 (rest >= median 0.75): L1 (1.0), L4 (1.0); L4 chose b: 1 of 2.
    assert stats.flags == ("high-ability learners chose 'b'",)
    stats2 = item_analysis(FIXTURE, KEY)["q2"]
    # q2 rest (q1, q3): L1 1.0, L2 0.5, L3 0.0, L4 0.5; median 0.5 -> high: L1, L2, L4,
    # all right: nothing flagged.
    assert stats2.flags == ()


def test_mis_keyed_item_is_flagged_with_negative_discrimination() -> None:
    # The strongest learners all pick 'z'; the key says 'k'.
    key = {"p": frozenset({"k"}), "o1": frozenset({"a"}), "o2": frozenset({"a"})}
    facts = []
    for learner, strong in (("S1", True), ("S2", True), ("S3", True), ("W1", False), ("W2", False)):
        for other in ("o1", "o2"):
            choice = "a" if strong else "b"
            facts.append(Response(learner, other, 1, (choice,), choice == "a"))
        pick = "z" if strong else "k"
        facts.append(Response(learner, "p", 1, (pick,), pick == "k"))
    stats = item_analysis(facts, key)["p"]
    assert "high-ability learners chose 'z'" in stats.flags
    assert "negative discrimination" in stats.flags
    assert stats.point_biserial == pytest.approx(-1.0)


def test_point_biserial_is_undefined_without_variation() -> None:
    assert point_biserial([True, True], [0.1, 0.9]) is None
    assert point_biserial([True, False], [0.5, 0.5]) is None
    assert point_biserial([True], [1.0]) is None


def test_point_biserial_equals_pearson() -> None:
    scores = [True, False, True, True, False]
    ability = [0.9, 0.2, 0.6, 0.4, 0.5]
    x = [float(s) for s in scores]
    mx, my = sum(x) / 5, sum(ability) / 5
    cov = sum((a - mx) * (b - my) for a, b in zip(x, ability, strict=True))
    sx = math.sqrt(sum((a - mx) ** 2 for a in x))
    sy = math.sqrt(sum((b - my) ** 2 for b in ability))
    assert point_biserial(scores, ability) == pytest.approx(cov / (sx * sy))


def test_tries_to_right() -> None:
    assert tries_to_right([r("L", "q1", 2, "a"), r("L", "q1", 1, "b")]) == 2
    assert tries_to_right([r("L", "q1", 1, "b"), r("L", "q1", 2, "c")]) == 2
    assert tries_to_right([r("L", "q1", 1, "a")]) == 1
