from __future__ import annotations

from pathlib import Path

import pytest

from aula.content import CourseError, check_course, load_course


def test_mini_course_loads_with_everything_in_place(mini_course: Path) -> None:
    course = load_course(mini_course)
    assert course.counts() == {"lessons": 1, "slides": 2, "nodes": 2, "questions": 3, "terms": 2}
    lesson = course.lessons[0]
    assert [s.id for s in lesson.slides] == ["hello", "second"]
    assert [s.number for s in lesson.slides] == [1, 2]
    first = lesson.slides[0]
    assert first.guide is not None and "<strong>mini</strong>" in first.guide.html
    assert first.visual is not None and [i.icon for i in first.visual.items] == ["🏰", "🏕️"]
    assert first.code is not None and first.code.output is not None
    assert first.code.output.stdout == "hello from the first slide\n"
    assert lesson.slides[1].code is not None and lesson.slides[1].code.output is not None
    assert lesson.slides[1].code.output.stdout == "total 6\n"


def test_ids_come_from_file_names_without_the_order_prefix(mini_course: Path) -> None:
    course = load_course(mini_course)
    assert [t.id for t in course.glossary] == ["weights", "vram"]
    assert [n.id for n in course.lessons[0].skill_tree.nodes] == ["first", "second"]


def test_questions_keep_their_node_choices_and_answers(mini_course: Path) -> None:
    course = load_course(mini_course)
    q = course.question("q-two")
    assert q is not None
    assert q.node == "first" and q.lesson == "basics" and q.kind == "multiple"
    assert q.correct_ids == frozenset({"a", "b"})
    one = course.question("q-one")
    assert one is not None and one.choice("a") is not None
    assert one.choice("a").feedback.text == "It runs on someone else's servers."  # type: ignore[union-attr]


def test_glossary_term_carries_definition_analogy_and_snippet_output(mini_course: Path) -> None:
    term = load_course(mini_course).term("weights")
    assert term is not None
    assert term.definition.text == "The file containing the 'brain' of the model."
    assert term.analogy is not None and term.analogy.label == "File Size: 6GB+"
    assert term.snippet is not None and term.snippet.output is not None
    assert term.snippet.output.stdout.splitlines() == [
        "fp32: 12 bytes for 3 parameters",
        "fp16: 6 bytes for 3 parameters",
    ]
    assert term.aliases == ("Checkpoint",)


def test_section_cards_render_inline_markdown(mini_course: Path) -> None:
    section = load_course(mini_course).lessons[0].sections[0]
    assert section.title == "A talk"
    assert [c.tone for c in section.cards] == ["closed", "open"]
    assert section.cards[0].quote is not None and section.cards[0].quote.html == "No."


def test_loading_twice_gives_equal_courses(mini_course: Path) -> None:
    assert load_course(mini_course) == load_course(mini_course)


def test_fingerprint_changes_when_a_file_changes(mini_course: Path) -> None:
    before = load_course(mini_course).fingerprint
    slide = mini_course / "lessons/basics/slides/01-hello.md"
    slide.write_text(slide.read_text().replace("The first slide.", "The first slide!"))
    assert load_course(mini_course).fingerprint != before


def test_load_course_raises_with_every_error(mini_course: Path) -> None:
    (mini_course / "glossary/02-vram.md").write_text("---\nterm: VRAM\n---\n")
    (mini_course / "lessons/basics/nodes/02-second.yaml").write_text("title: [broken\n")
    with pytest.raises(CourseError) as info:
        load_course(mini_course)
    files = {f.file for f in info.value.findings}
    assert "mini-course/glossary/02-vram.md" in files
    assert "mini-course/lessons/basics/nodes/02-second.yaml" in files


def test_crlf_and_bom_files_load_with_the_same_lines(mini_course: Path) -> None:
    node = mini_course / "lessons/basics/nodes/01-first.yaml"
    text = node.read_text().replace("\n", "\r\n").replace("title: First node", "titel: First node")
    node.write_bytes(b"\xef\xbb\xbf" + text.encode())
    report = check_course(mini_course, run_snippets=False)
    assert (
        "mini-course/lessons/basics/nodes/01-first.yaml:1: unknown field 'titel'; did you mean 'title'?"
        in [str(f) for f in report.errors]
    )
