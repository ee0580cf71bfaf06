"""Retrieval, refusal and answers on the built-in course, with BM25 alone (every install's floor).

The questions are learners' paraphrases, not the course's sentences; the full evaluation set and
its figures are in bench/instructor_eval.py.
"""

from __future__ import annotations

import json
import re

import pytest

from aula.content import Course
from aula.instructor import Instructor
from aula.instructor.language import detect


def urls(instructor: Instructor, question: str) -> list[str]:
    return [s.url for s in instructor.ask(question).sources]


SLIDE = "/lessons/open-vs-closed/slides/"
NODE = "/lessons/open-vs-closed/nodes/"
GREAT_DIVIDE = "/lessons/open-vs-closed#section-great-divide"


@pytest.mark.parametrize(
    ("question", "pages"),
    [
        ("What exactly is a checkpoint file?", {"/glossary#term-weights"}),
        ("What happens if my graphics card lacks memory?", {"/glossary#term-vram", SLIDE + "7"}),
        ("Why are pickle .ckpt files riskier than safetensors?", {"/glossary#term-safetensors"}),
        (
            "How do I make the picture follow the layout of my sketch?",
            {"/glossary#term-controlnet", SLIDE + "5", NODE + "open-frontier", GREAT_DIVIDE},
        ),
        ("How many parameters does SDXL have?", {"/glossary#term-stable-diffusion"}),
        ("How much GPU memory do I need to run SDXL?", {SLIDE + "7", "/labs/vram?model=sdxl"}),
        (
            "Why did a closed service refuse to generate my prompt?",
            {SLIDE + "4", NODE + "walled-gardens", GREAT_DIVIDE},
        ),
        (
            "What is Stealth mode and which plans include it?",
            {SLIDE + "6", "/glossary#term-midjourney"},
        ),
    ],
)
def test_paraphrased_questions_find_a_page_that_answers(
    instructor: Instructor, question: str, pages: set[str]
) -> None:
    assert pages & set(urls(instructor, question)[:3])


@pytest.mark.parametrize(
    "question",
    [
        "What's the capital of France?",
        "How do I cook paella?",
        "How do I install Photoshop on a Mac?",
        "¿Cuánto cuesta Photoshop?",
        "¿Cómo se hace una tortilla de patatas?",
        "",
    ],
)
def test_what_the_course_does_not_cover_is_refused_plainly(
    instructor: Instructor, course: Course, question: str
) -> None:
    answer = instructor.ask(question)
    assert answer.sources == ()
    assert not answer.covered
    if question:
        assert course.title in answer.answer


def test_a_spanish_question_gets_a_spanish_answer_with_the_vram_planners_numbers(
    instructor: Instructor,
) -> None:
    answer = instructor.ask("¿Cuánta memoria de vídeo necesita SDXL?")
    assert answer.sources[0].url == "/labs/vram?model=sdxl"  # the lab, pre-filled
    assert re.search(r"necesita unos \d+,\d GiB de VRAM", answer.answer)
    assert detect(answer.answer) == "es"


def test_a_spanish_question_is_answered_from_the_spanish_text(instructor: Instructor) -> None:
    answer = instructor.ask("¿Qué es un LoRA?")
    assert answer.answer.startswith("LoRA: Un pequeño complemento")
    assert answer.sources[0].url == "/glossary#term-lora"


def test_a_spanish_question_covered_only_in_english_says_so_in_spanish(
    instructor: Instructor,
) -> None:
    # Knowledge checks are not translated: their content is linked, not quoted in English.
    answer = instructor.ask("¿Qué imprime el programa fits_on_my_gpu.py en la terminal?")
    assert detect(answer.answer) == "es"
    assert "(El curso está en inglés.)" not in answer.answer


def test_a_spanish_refusal_is_in_spanish(instructor: Instructor) -> None:
    assert "no trata eso" in instructor.ask("¿Cuál es la capital de Francia?").answer


def test_the_answer_is_a_sentence_or_two_not_a_slide(instructor: Instructor) -> None:
    answer = instructor.ask("What is a LoRA?")
    assert "LoRA" in answer.answer or "add-on" in answer.answer
    assert len(answer.answer.split()) <= 70
    assert answer.answer.count(". ") <= 2


def test_sources_are_best_first_unique_and_scored(instructor: Instructor) -> None:
    answer = instructor.ask("How much is a Midjourney subscription per month?")
    found = [s.url for s in answer.sources]
    assert 1 <= len(found) <= 3
    assert len(set(found)) == len(found)
    assert all(0 < s.score <= 1 for s in answer.sources)
    assert answer.backend.kind == "extractive"
    assert answer.backend.left_machine is False
    assert answer.backend.retrieval == "bm25"


def test_to_dict_is_exactly_the_api_object(instructor: Instructor) -> None:
    data = json.loads(json.dumps(instructor.ask("What does SaaS mean?").to_dict()))
    assert set(data) == {"answer", "sources", "backend"}
    assert all(set(s) == {"title", "url", "score"} for s in data["sources"])
    fields = {"name", "kind", "left_machine", "model", "fell_back", "error", "retrieval"}
    assert set(data["backend"]) == fields


def test_a_lesson_can_be_preferred(instructor: Instructor, course: Course) -> None:
    lesson = course.lessons[0].id
    answer = instructor.ask("What does SaaS mean?", lesson_id=lesson)
    assert answer.covered


def test_a_wrong_knowledge_check_answer_is_explained_from_the_course(
    instructor: Instructor, course: Course
) -> None:
    question = course.question("rl-flux-4090")
    assert question is not None
    wrong = question.choice("both-fit")
    assert wrong is not None and wrong.feedback is not None
    answer = instructor.explain_wrong_answer(question, ["both-fit"])
    assert answer.answer.startswith("Not quite.")
    assert wrong.feedback.text in answer.answer
    assert question.explanation.text in answer.answer
    assert answer.sources  # a teaching page, not the check itself
    assert "/nodes/" not in answer.sources[0].url
    assert answer.backend.left_machine is False


def test_a_right_knowledge_check_answer_is_confirmed(
    instructor: Instructor, course: Course
) -> None:
    question = course.question("rl-flux-4090")
    assert question is not None
    answer = instructor.explain_wrong_answer(question, sorted(question.correct_ids))
    assert answer.answer.startswith("That is right.")
