"""Answers composed by the kind of question: comparisons by the course's own contrast or both
glossary entries, definitions only when the question asks for one, and Spanish text for a
Spanish question even when only the English search found the pages."""

from __future__ import annotations

from aula.instructor import Instructor, messages
from aula.instructor.language import detect, fold


def test_two_glossary_things_compared_are_answered_with_both_names(
    instructor: Instructor,
) -> None:
    answer = instructor.ask("Which is easier for a beginner, Midjourney or Stable Diffusion?")
    assert answer.sources, "two things the course defines, compared: covered"
    assert "Midjourney" in answer.answer and "Stable Diffusion" in answer.answer


def test_a_comparison_of_ideas_is_answered_with_the_course_contrast(
    instructor: Instructor,
) -> None:
    answer = instructor.ask("What's the main tradeoff between closed and open models?")
    text = fold(answer.answer)
    assert "control" in text
    assert "convenien" in text or "ease" in text


def test_a_definition_is_given_only_when_the_question_asks_no_more(
    instructor: Instructor,
) -> None:
    asked = instructor.ask("What are closed tools like Midjourney good at?")
    assert any(w in fold(asked.answer) for w in ("convenience", "effort", "quality"))
    defined = instructor.ask("What is VRAM and why does it matter for Stable Diffusion?")
    assert defined.answer.startswith("VRAM")


def test_a_spanish_question_gets_spanish_text_when_the_pages_have_it(
    instructor: Instructor,
) -> None:
    answer = instructor.ask("¿Cuál es mejor para un estudio pequeño, código abierto o cerrado?")
    assert answer.sources
    assert answer.answer != messages.only_in_course_language("es", "en")
    assert detect(answer.answer) == "es"


def test_chatter_does_not_make_a_covered_question_look_uncovered(
    instructor: Instructor,
) -> None:
    answer = instructor.ask("Why is privacy a problem with cloud image generators?")
    assert answer.sources
    assert any(w in fold(answer.answer) for w in ("intranet", "security", "cloud", "leaves"))


def test_the_spanish_edition_indexes_checks_and_nodes_in_spanish(instructor: Instructor) -> None:
    spanish = instructor.indexes["es"]
    kinds = {c.kind for c in spanish.chunks}
    assert {"question", "node", "slide", "term"} <= kinds
    assert all(detect(" ".join(c.sentences)) == "es" for c in spanish.chunks)
    answer = instructor.ask(
        "¿Qué modelo se ejecuta totalmente en el hardware de mi propio ordenador?"
    )
    assert "Stable Diffusion" in answer.answer
    assert detect(answer.answer) == "es"


def test_a_long_message_is_read_for_what_the_course_speaks_of_not_the_persona(
    instructor: Instructor,
) -> None:
    answer = instructor.ask(
        "I'm a freelance illustrator and Midjourney keeps refusing some of my prompts because "
        "of its content guidelines, and honestly the monthly bill is adding up. Is there a way "
        "to keep working on my own machine instead?"
    )
    assert answer.sources
    assert "guidelines" in answer.answer or "own computer" in answer.answer
