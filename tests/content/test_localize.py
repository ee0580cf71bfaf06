"""``localized(course, lang)``: the same course, its text in one language, field by field."""

from __future__ import annotations

from pathlib import Path

import pytest

from aula.content import Course, load_course
from aula.content.localize import available, localized, primary


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


def test_spanish_edition_has_spanish_text_and_the_same_ids(course: Course) -> None:
    es = localized(course, "es")
    assert es.language == "es" and es.default_language == "en"
    assert es.edition_of is course
    assert es.description.startswith("Síntesis avanzada de imágenes")
    lesson, en_lesson = es.lessons[0], course.lessons[0]
    assert lesson.title == "Código abierto frente a modelos cerrados"
    assert lesson.skill_tree.title == "Ecosistemas de modelos de IA"
    assert [s.id for s in lesson.slides] == [s.id for s in en_lesson.slides]
    first = lesson.slides[0]
    assert first.title == "El panorama de la IA"
    assert first.visual is not None
    assert [(i.icon, i.label) for i in first.visual.items] == [
        ("🏰", "Jardines Amurallados"),
        ("🏕️", "Frontera Abierta"),
    ]
    vram = es.term("vram")
    assert vram is not None and vram.analogy is not None
    assert vram.analogy.label == "80 % en uso" and vram.analogy.value == 0.8
    assert "VRAM" in vram.aliases and "memoria de vídeo" in vram.aliases


def test_editions_are_made_once_and_the_own_language_is_the_course(course: Course) -> None:
    assert localized(course, "es") is localized(course, "es-MX")
    assert localized(course, "ES") is localized(localized(course, "es"), "es")
    assert localized(course, "en") is course
    assert localized(localized(course, "es"), "en") is course
    assert localized(course, "fr") is course  # not offered in French: the course as written
    assert available(course) == ("en", "es")
    assert primary("pt-BR") == "pt"


def test_a_missing_field_falls_back_to_the_original(mini_course: Path) -> None:
    (mini_course / "course.yaml").write_text(
        (mini_course / "course.yaml").read_text() + "languages: [en, es]\n"
    )
    (mini_course / "lessons/basics/slides/01-hello.es.md").write_text(
        "---\ntitle: Hola\n---\nEl texto.\n", encoding="utf-8"
    )
    course = load_course(mini_course)
    es = localized(course, "es")
    slide, original = es.lessons[0].slides[0], course.lessons[0].slides[0]
    assert slide.title == "Hola" and slide.body.text == "El texto."
    assert slide.guide == original.guide and slide.guide is not None  # no Spanish guide
    assert es.lessons[0].slides[1] == course.lessons[0].slides[1]  # not translated at all
    assert es.title == course.title  # no course.es.yaml
