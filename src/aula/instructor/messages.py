"""The few sentences the instructor writes itself, in the learner's language.

Extractive answers quote the course, so they are in the course's language; when the learner
asked in another language, the answer starts by saying so, briefly, in theirs.
"""

from __future__ import annotations

from aula.instructor.language import Lang

_NOT_COVERED = {
    "en": "“{course}” does not cover that, so I would rather not guess. Try asking about "
    "something from its slides or its glossary.",
    "es": "«{course}» no trata eso, así que prefiero no adivinar. Prueba a preguntar por algo "
    "de sus diapositivas o de su glosario.",
}
_COURSE_IN = {
    ("es", "en"): "(El curso está en inglés.)",
    ("en", "es"): "(The course is in Spanish.)",
}
_EMPTY = {
    "en": "Ask a question about the course, in English or Spanish.",
    "es": "Haz una pregunta sobre el curso, en español o en inglés.",
}


def not_covered(lang: Lang, course_title: str) -> str:
    return _NOT_COVERED[lang].format(course=course_title)


def course_language_note(question_lang: Lang, course_lang: Lang) -> str | None:
    return _COURSE_IN.get((question_lang, course_lang))


def empty_question(lang: Lang) -> str:
    return _EMPTY[lang]


def explain_intro(correct: bool) -> str:
    return "That is right." if correct else "Not quite."


SEE_ALSO = "From “{title}”: {quote}"
