"""The instructor's small BM25 index for the browser: what it holds, and that it finds."""

from __future__ import annotations

import json

import pytest

from aula.content import Course
from aula.instructor.browserindex import offline_index, search, tokens


@pytest.fixture(scope="module")
def index(course: Course) -> dict[str, object]:
    return offline_index(course, "v1")


def test_tokens_fold_accents_drop_stop_words_and_a_final_s() -> None:
    assert tokens("¿Qué son los PESOS de un modelo?") == ["son", "peso", "modelo"]
    assert tokens("How much VRAM does SDXL need?") == ["much", "vram", "sdxl", "need"]


def test_it_finds_the_glossary_term_asked_about(index: dict[str, object]) -> None:
    found = search(index, "What is a LoRA?")
    assert found and found[0]["url"] == "/glossary#term-lora"


def test_spanish_questions_find_spanish_passages(index: dict[str, object]) -> None:
    found = search(index, "¿Qué es la VRAM?")
    assert found and "VRAM" in found[0]["title"] and found[0]["url"].startswith("/glossary")


def test_words_the_course_lacks_find_nothing(index: dict[str, object]) -> None:
    assert search(index, "zzyzx quux") == []


def test_it_never_holds_a_knowledge_check(course: Course, index: dict[str, object]) -> None:
    text = json.dumps(index, ensure_ascii=False)
    assert "Knowledge check" not in text
    for question in (q for lesson in course.lessons for q in lesson.questions):
        assert question.prompt.text not in text


def test_it_names_the_version_and_stays_small(index: dict[str, object]) -> None:
    assert index["version"] == "v1"
    assert len(json.dumps(index)) < 200_000
