"""One broken course per class of error ``aula check`` must catch, each with its file:line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aula.content import check_course

Edit = Callable[[Path], None]


def write(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).write_text(text, encoding="utf-8")

    return edit


def replace(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def _link_out(root: Path, rel: str) -> None:
    """Move a course file out of the course folder and leave a symlink to it in its place."""
    outside = root.parent / Path(rel).name
    (root / rel).replace(outside)
    (root / rel).symlink_to(outside)


NODE1 = "lessons/basics/nodes/01-first.yaml"
NODE2 = "lessons/basics/nodes/02-second.yaml"
SLIDE1 = "lessons/basics/slides/01-hello.md"
P = "mini-course/"

CASES: dict[str, tuple[Edit, str]] = {
    "yaml syntax": (
        replace(NODE2, "title: Second node", "title: [Second node"),
        P + NODE2 + ":2: YAML syntax: expected ',' or ']', but got ':'",
    ),
    "front matter syntax": (
        replace(SLIDE1, "title: Hello", "title: Hello: again"),
        P + SLIDE1 + ":2: YAML syntax: mapping values are not allowed here",
    ),
    "front matter not closed": (
        write(SLIDE1, "---\ntitle: Hello\nThe body\n"),
        P + SLIDE1 + ":1: front matter is not closed: add a line '---' after it",
    ),
    "unknown field with a hint": (
        replace(NODE2, "prerequisites: [first]", "prerequisite: [first]"),
        P + NODE2 + ":3: unknown field 'prerequisite'; did you mean 'prerequisites'?",
    ),
    "unknown nested field": (
        replace(NODE1, "correct: true, feedback: Yes.", "corect: true, feedback: Yes."),
        P + NODE1 + ":10: unknown field 'questions.0.choices.1.corect'; did you mean 'correct'?",
    ),
    "missing field": (
        replace(NODE1, "    explanation: Local means on your machine.\n", ""),
        P + NODE1 + ":6: missing field 'questions.0.explanation'",
    ),
    "duplicate key": (
        replace(NODE2, "title: Second node", "title: Second node\ntitle: Again"),
        P + NODE2 + ":2: duplicate key 'title'",
    ),
    "duplicate question id": (
        replace(NODE2, "id: q-three", "id: q-one"),
        P + NODE2 + ":7: duplicate question id 'q-one' (also in mini-course/" + NODE1 + ":6)",
    ),
    "duplicate slide id": (
        write("lessons/basics/slides/03-hello.md", "---\ntitle: Again\n---\nBody.\n"),
        P
        + "lessons/basics/slides/03-hello.md:1: duplicate slide id 'hello' (also in mini-course/"
        + SLIDE1
        + ":1)",
    ),
    "missing slide": (
        replace(NODE2, "slides: [second]", "slides: [secnd]"),
        P + NODE2 + ":4: unknown slide 'secnd' in 'slides'; did you mean 'second'?",
    ),
    "missing node": (
        replace(NODE2, "prerequisites: [first]", "prerequisites: [frist]"),
        P + NODE2 + ":3: unknown node 'frist' in 'prerequisites'; did you mean 'first'?",
    ),
    "missing glossary term": (
        replace(SLIDE1, "terms: [weights]", "terms: [weight]"),
        P + SLIDE1 + ":7: unknown glossary term 'weight' in 'terms'; did you mean 'weights'?",
    ),
    "missing source": (
        replace("glossary/01-weights.md", "sources: [manual]", "sources: [manuel]"),
        P
        + "glossary/01-weights.md:6: unknown source 'manuel' in 'sources'; did you mean 'manual'?",
    ),
    "missing lesson folder": (
        replace("course.yaml", "lessons: [basics]", "lessons: [basics, advanced]"),
        P + "course.yaml:5: lesson folder 'lessons/advanced/' not found",
    ),
    "prerequisite cycle": (
        replace(
            NODE1,
            "summary: The first things.",
            "summary: The first things.\nprerequisites: [second]",
        ),
        P
        + NODE1
        + ":3: prerequisite cycle: first → second → first; no learner could ever unlock these nodes",
    ),
    "no correct choice": (
        replace(NODE2, '{id: y, text: "Yes", correct: true}', '{id: y, text: "Yes"}'),
        P + NODE2 + ":7: questions.0: no choice is marked 'correct: true'",
    ),
    "two correct in single choice": (
        replace(NODE2, '{id: n, text: "No"}', '{id: n, text: "No", correct: true}'),
        P + NODE2 + ":7: questions.0: 2 choices are correct; use 'kind: multiple' or mark one",
    ),
    "term without definition": (
        write("glossary/02-vram.md", "---\nterm: VRAM\n---\n\n"),
        P
        + "glossary/02-vram.md:4: glossary term 'VRAM' has no definition: write it after the front matter",
    ),
    "unsafe html in a body": (
        replace(SLIDE1, "The first slide.", "The first slide.\n\n<script>alert('x')</script>"),
        P + SLIDE1 + ":11: raw HTML <script> is not allowed and is removed when shown",
    ),
    "unsafe html in a field": (
        replace(NODE2, "explanation: It is.", 'explanation: It <b onclick="steal()">is</b>.'),
        P + NODE2 + ":12: attribute 'onclick' on <b> is not allowed and is removed when shown",
    ),
    "failing snippet in a code file": (
        write("lessons/basics/code/main.py", "print('start')\nvalue = 1 / 0\n"),
        P + "lessons/basics/code/main.py:2: snippet 'main.py' failed (exit code 1): "
        "ZeroDivisionError: division by zero",
    ),
    "failing inline snippet": (
        replace(
            "lessons/basics/slides/02-second.md", "total = sum(range(4))", "total = undefined_name"
        ),
        P + "lessons/basics/slides/02-second.md:7: snippet 'inline.py' failed (exit code 1): "
        "NameError: name 'undefined_name' is not defined",
    ),
    "snippet timeout": (
        replace(
            "lessons/basics/slides/02-second.md",
            "  run: true\n  source: |\n    total = sum(range(4))",
            "  run: true\n  timeout: 1\n  source: |\n    while True: total = 1",
        ),
        P + "lessons/basics/slides/02-second.md:8: snippet 'inline.py' timed out after 1 s",
    ),
    "missing code file": (
        replace(SLIDE1, "path: ../code/main.py", "path: ../code/mian.py"),
        P + SLIDE1 + ":6: code file '../code/mian.py' not found",
    ),
    "code path outside the course (absolute)": (
        replace(SLIDE1, "path: ../code/main.py", "path: /etc/passwd"),
        P + SLIDE1 + ":6: code file '/etc/passwd' is outside the course folder: a course may "
        "only show files inside its own folder (symlinks included)",
    ),
    "code path outside the course (dot-dot)": (
        replace(SLIDE1, "path: ../code/main.py", "path: ../../../../secret.key"),
        P + SLIDE1 + ":6: code file '../../../../secret.key' is outside the course folder: a "
        "course may only show files inside its own folder (symlinks included)",
    ),
    "code path through a symlink out of the course": (
        lambda root: _link_out(root, "lessons/basics/code/main.py"),
        P + SLIDE1 + ":6: code file '../code/main.py' is outside the course folder: a course "
        "may only show files inside its own folder (symlinks included)",
    ),
    "slide file that is a symlink out of the course": (
        lambda root: _link_out(root, SLIDE1),
        P + SLIDE1 + ":1: this file resolves outside the course folder (a symlink?): a course "
        "may only publish files inside its own folder",
    ),
    "yaml alias bomb": (
        write(
            NODE2,
            'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            ),
        ),
        P + NODE2 + ":1: YAML anchors and aliases ('&a', '*a') are not allowed in course "
        "files: write the value out where it is needed",
    ),
    "indented script in a body": (
        replace(SLIDE1, "The first slide.", "\n    <script>alert(1)</script>\nThe first slide."),
        P + SLIDE1 + ":10: ",
    ),
    "yes read as a boolean": (
        replace(NODE2, "{id: y,", "{id: yes,"),
        P + NODE2 + ":10: questions.0.choices.0.id: Input should be a valid string "
        "(YAML read a bare yes/no/on/off/number here: put it in quotes)",
    ),
    "catalog with an unknown field": (
        write("catalog.yaml", "models: []\ngpu: []\n"),
        P + "catalog.yaml:2: unknown field 'gpu'; did you mean 'gpus'?",
    ),
    "node without questions": (
        write(
            NODE2, "title: Second node\nsummary: After.\nprerequisites: [first]\nslides: [second]\n"
        ),
        P + NODE2 + ":1: node 'second' has no questions, so it can never be mastered",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_broken_course_reports_file_line_and_fix(mini_course: Path, case: str) -> None:
    edit, expected = CASES[case]
    edit(mini_course)
    report = check_course(mini_course)
    messages = [str(f) for f in report.errors]
    assert any(
        m == expected or (expected.endswith(": ") and m.startswith(expected)) for m in messages
    ), "\n".join(messages)
    assert not report.ok


def test_the_valid_fixture_has_no_findings(mini_course: Path) -> None:
    report = check_course(mini_course)
    assert report.ok and report.findings == []


def test_every_problem_is_reported_not_just_the_first(mini_course: Path) -> None:
    cases = (
        "missing source",
        "no correct choice",
        "term without definition",
        "missing glossary term",
    )
    for case in cases:
        CASES[case][0](mini_course)
    report = check_course(mini_course)
    for case in cases:
        assert CASES[case][1] in [str(f) for f in report.errors]


def test_a_slide_in_no_node_is_a_warning_not_an_error(mini_course: Path) -> None:
    replace(NODE2, "slides: [second]", "slides: []")(mini_course)
    report = check_course(mini_course)
    assert report.ok
    assert [str(f) for f in report.warnings] == [
        P + "lessons/basics/slides/02-second.md:1: slide 'second' belongs to no skill-tree node"
    ]
