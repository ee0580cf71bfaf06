"""The built-in course passes `aula check` and holds everything on the seed page."""

from __future__ import annotations

import pytest

from aula.content import Course, check_course, load_course


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


def test_builtin_course_checks_clean() -> None:
    report = check_course()
    assert report.ok
    assert report.findings == []


def test_seven_slides_under_the_editor_tab(course: Course) -> None:
    lesson = course.lesson("open-vs-closed")
    assert lesson is not None
    assert course.title == "Sintetografía Avanzada"
    assert lesson.title == "Open Source vs Closed Models"
    assert len(lesson.slides) == 7
    assert lesson.editor_tab == "models_comparison.py"
    first = lesson.slides[0]
    assert first.title == "The AI Landscape"
    assert first.visual is not None
    assert [i.icon for i in first.visual.items] == ["🏰", "🏕️"]
    assert first.guide is not None
    assert first.guide.text.startswith("In the world of Generative AI, there are two main kingdoms")
    assert first.code is not None
    assert first.code.file == "models_comparison.py"


def test_every_runnable_pane_ran_cleanly(course: Course) -> None:
    codes = [s.code for lesson in course.lessons for s in lesson.slides if s.code]
    codes += [t.snippet for t in course.glossary if t.snippet]
    runnable = [c for c in codes if c.run]
    assert len(runnable) >= 11
    for code in runnable:
        assert code.output is not None, code.file
        assert code.output.ok, (code.file, code.output.stderr)
        assert code.output.stdout.strip(), code.file
        assert code.output.stderr == "", code.file


def test_skill_tree_nodes_each_own_three_explained_questions(course: Course) -> None:
    tree = course.lessons[0].skill_tree
    assert tree.title == "AI Model Ecosystems"
    assert tree.subtitle == "Unlock nodes by understanding the landscape of Generative AI."
    assert tree.nodes[0].title == "The Two Kingdoms"
    assert tree.nodes[0].prerequisites == ()
    assert len(tree.nodes) >= 6
    for node in tree.nodes:
        assert len(node.questions) >= 3, node.id
        for q in node.questions:
            assert q.explanation.text, q.id
            assert all(c.feedback is not None for c in q.choices), q.id


def test_the_seed_knowledge_check(course: Course) -> None:
    q = course.lessons[0].skill_tree.nodes[0].questions[0]
    assert q.prompt.text == "Which model runs entirely on your own computer's hardware?"
    right = [c.text.text for c in q.choices if c.correct]
    assert right == ["Stable Diffusion"]


def test_instructor_section_cards_and_privacy(course: Course) -> None:
    sections = course.lessons[0].sections
    titles = [s.title for s in sections]
    assert "The Great Divide: Convenience vs. Control" in titles
    assert any("Privacy and IP" in t for t in titles)
    cards = [c for s in sections for c in s.cards]
    assert [(c.icon, c.title) for c in cards] == [
        ("🔒", "Closed Source Limits"),
        ("🔓", "Open Source Freedom"),
    ]


def test_glossary_terms_and_the_seeds_visual_analogies(course: Course) -> None:
    ids = [t.id for t in course.glossary]
    for needed in ["weights", "vram", "inference", "saas", "lora", "controlnet", "safetensors"]:
        assert needed in ids
    analogies = {t.id: t.analogy for t in course.glossary if t.analogy}
    assert analogies["weights"].label == "File Size: 6GB+"
    assert analogies["vram"].label == "80% Usage"
    assert analogies["inference"].label == "Generating..."
    assert analogies["saas"].label == "Monthly Bill"


def test_weights_snippet_really_made_and_read_a_safetensors_file(course: Course) -> None:
    weights = course.term("weights")
    assert weights is not None
    assert weights.snippet is not None
    assert weights.snippet.output is not None
    assert "save_file(" in weights.snippet.source
    assert 'load_file("tiny_model.safetensors")' in weights.snippet.source
    assert '"dtype": "F16"' in weights.snippet.output.stdout  # read back from the real header


def test_every_fact_source_is_dated(course: Course) -> None:
    assert course.sources
    for source in course.sources.values():
        assert source.checked.year >= 2024
