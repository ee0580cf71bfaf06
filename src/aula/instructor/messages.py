"""The few sentences the instructor writes itself, in the learner's language.

Answers quote the course in the learner's language (from its translations); when the course
has the answer only in its own language, the learner is told so in theirs, never given a
quote in another language.
"""

from __future__ import annotations

from aula.instructor.language import Lang

_NOT_COVERED = {
    "en": "“{course}” does not cover that, so I would rather not guess. Try asking about "
    "something from its slides or its glossary.",
    "es": "«{course}» no trata eso, así que prefiero no adivinar. Prueba a preguntar por algo "
    "de sus diapositivas o de su glosario.",
}
_EMPTY = {
    "en": "Ask a question about the course, in English or Spanish.",
    "es": "Haz una pregunta sobre el curso, en español o en inglés.",
}


_ONLY_IN = {
    ("es", "en"): "El curso solo explica esto en inglés, por ahora: lo encontrarás en las "
    "páginas enlazadas.",
    ("en", "es"): "The course explains this only in Spanish for now: see the linked pages.",
}


def only_in_course_language(question_lang: Lang, course_lang: Lang) -> str:
    """Covered, but only in the course's language: say so in the learner's, and link."""
    return _ONLY_IN.get((question_lang, course_lang), _ONLY_IN[("es", "en")])


def not_covered(lang: Lang, course_title: str) -> str:
    return _NOT_COVERED[lang].format(course=course_title)


def empty_question(lang: Lang) -> str:
    return _EMPTY[lang]


def explain_intro(correct: bool) -> str:
    return "That is right." if correct else "Not quite."


SEE_ALSO = "From “{title}”: {quote}"
