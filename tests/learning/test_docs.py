"""docs/learning.md quotes numbers from the model: recompute them, so the page cannot drift."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal

from aula.content import load_course
from aula.learning import (
    DEFAULT_PARAMS,
    ReviewItem,
    card_for,
    first_tries_to_master,
    mastery_rule,
    observe,
)

from .builders import T0, node, question

DOC = (Path(__file__).parents[2] / "docs" / "learning.md").read_text(encoding="utf-8")


def table(marker: str) -> list[list[str]]:
    body = DOC.split(f"<!-- {marker} -->")[1].split(f"<!-- /{marker} -->")[0]
    rows = [line.strip().strip("|").split("|") for line in body.strip().splitlines()]
    return [[c.strip() for c in row] for row in rows[2:]]  # past the header and the rule


def test_the_first_tries_table() -> None:
    shapes: list[tuple[Literal["single", "multiple"], int]] = [
        ("single", 2),
        ("single", 3),
        ("single", 4),
        ("multiple", 3),
        ("multiple", 4),
    ]
    rows = table("first-tries-table")
    assert len(rows) == 4
    for row in rows:
        threshold = float(row[0])
        for (kind, choices), cell in zip(shapes, row[1:], strict=True):
            n = node("n", [question(f"q{i}", choices=choices, kind=kind) for i in range(8)])
            needed = first_tries_to_master(n, threshold)
            assert needed is not None and needed.practice == 0
            assert int(cell) == needed.first_tries, (threshold, kind, choices)


def test_the_worked_example() -> None:
    qs = [question(f"q{i}") for i in range(4)]
    order = [qs[0], qs[1], qs[2], *[qs[3]] * 5]
    p = DEFAULT_PARAMS.prior
    rows = table("worked-example")
    assert len(rows) == len(order)
    for q, (answer, before, after, mastered) in zip(order, rows, strict=True):
        kind, verdict = answer.split(", ")
        assert f"{p:.3f}" == before
        p = observe(p, q, verdict == "right", kind == "first try")
        assert f"{p:.3f}" == after
        assert mastered == ("yes" if p >= 0.95 else "no")


def test_the_quoted_sentences_and_defaults() -> None:
    two = node("n", [question("a"), question("b")])
    assert f'"{mastery_rule(two, 0.95)}"' in DOC.replace("\n", " ")
    for name in ("prior", "learn", "slip"):
        assert re.search(rf"`{name}` \|[^|]*\| {getattr(DEFAULT_PARAMS, name)} \|", DOC), name
    assert f"**w = {DEFAULT_PARAMS.retry_weight}**" in DOC
    assert f"floor of **{DEFAULT_PARAMS.guess_floor}**" in DOC
    first_node_review = card_for(ReviewItem("node", "n"), T0).due - T0
    assert "two days later" in DOC and first_node_review // timedelta(days=1) == 2


def test_the_built_in_lessons_rules_are_as_the_page_says() -> None:
    course = load_course(run_snippets=False)
    quoted = {
        "Answer its first three questions right on the first try.",
        "Answer all three of its questions right on the first try.",
    }
    for n in course.lessons[0].skill_tree.nodes:
        assert mastery_rule(n, course.mastery_threshold) in quoted
