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


_INTRO = {
    ("en", True): "That is right.",
    ("en", False): "Not quite.",
    ("es", True): "Correcto.",
    ("es", False): "No exactamente.",
}


def explain_intro(correct: bool, lang: Lang = "en") -> str:
    return _INTRO.get((lang, correct), _INTRO[("en", correct)])


SEE_ALSO = "From “{title}”: {quote}"
_SEE_ALSO = {"en": SEE_ALSO, "es": "De «{title}»: {quote}"}


def see_also(lang: Lang, title: str, quote: str) -> str:
    return _SEE_ALSO.get(lang, SEE_ALSO).format(title=title, quote=quote)
