from __future__ import annotations

from pathlib import Path

from aula.content import Course, load_course
from aula.instructor.chunks import Chunk, course_chunks


def mini(root: Path) -> tuple[Chunk, ...]:
    return course_chunks(load_course(root, cache_dir=root.parent / "snippets"))


def test_every_kind_of_page_is_indexed_with_its_web_address(mini_course: Path) -> None:
    urls = {(c.kind, c.url, c.title) for c in mini(mini_course)}
    assert ("slide", "/lessons/basics/slides/1", "Hello (slide 1)") in urls
    assert ("terminal", "/lessons/basics/slides/1", "Hello (slide 1)") in urls
    assert ("section", "/lessons/basics#section-talk", "AI Instructor: A talk") in urls
    assert ("card", "/lessons/basics#section-talk", "AI Instructor: A talk") in urls
    assert ("term", "/glossary#term-weights", "Glossary: Weights") in urls
    assert ("node", "/lessons/basics/nodes/first", "Skill tree: First node") in urls
    assert ("question", "/lessons/basics/nodes/first", "Knowledge check: First node") in urls


def test_wrong_choices_are_never_quoted(mini_course: Path) -> None:
    check = next(c for c in mini(mini_course) if c.ref == "question:q-one")
    assert "Local means on your machine." in check.sentences  # the explanation
    assert "The cloud one" not in check.text  # a wrong choice: false on purpose
    # Its feedback corrects it, so it is searchable, but it is not an answer by itself.
    assert "It runs on someone else's servers." in check.context
    assert "It runs on someone else's servers." not in check.sentences


def test_the_built_in_course_is_cut_into_sentences_not_whole_slides(course: Course) -> None:
    chunks = course_chunks(course)
    refs = {c.ref for c in chunks}
    assert {f"term:{t.id}" for t in course.glossary} <= refs
    assert {f"slide:{s.id}" for lesson in course.lessons for s in lesson.slides} <= refs
    assert {f"section:{s.id}" for lesson in course.lessons for s in lesson.sections} <= refs
    longest = max(len(s.split()) for c in chunks for s in c.sentences)
    assert longest < 80
