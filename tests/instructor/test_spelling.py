from __future__ import annotations

from aula.instructor.spelling import Speller

SPELLER = Speller(
    {
        "en": ["Midjourney and Stable Diffusion differ: the difference is control.", "inference"],
        "es": ["La inferencia ocurre en el mundo de la IA generativa."],
    }
)


def test_typos_read_as_the_courses_words_in_the_questions_language() -> None:
    assert SPELLER.correct(["midjurney", "stabel", "diffrence"], "en") == [
        "midjourney",
        "stable",
        "difference",
    ]
    assert SPELLER.word("inferensia", "es") == "inferencia"
    assert SPELLER.word("whats", "en") == "what"


def test_real_words_near_a_course_word_are_left_alone() -> None:
    assert SPELLER.word("fundo", "es") == "fundo"  # "fundó", not "mundo"
    assert SPELLER.word("nintendo", "en") == "nintendo"
    assert SPELLER.word("inference", "es") == "inference"  # known in another language
