"""A learner's question as groups of index stems: one group per thing the question asks about.

A group holds alternatives (a Spanish word's English renderings); a passage matches the group
when it has any of them. Groups, not a bag of stems, so that a word with three translations
weighs as much as a word with one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from aula.instructor.language import Lang, detect, is_stopword, stem, words
from aula.instructor.lexicon import GLUE, entries, match_at

Group = frozenset[str]
Shape = Literal["definition", "number", "comparison", "yesno", "why", "other"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "How much", "how big": the adjective only says that a number is wanted.
_HOW = _words("much many big large long small fast often old heavy")
_NUMBER_WORDS = _words("cuanto cuanta cuantos cuantas cost costs price")
_WHAT = _words("what que")
_IS = _words("is are s es son significa")
_DEFINITION_WORDS = _words("mean means meaning define definition stand significa")


_COMPARE = _words(
    "difference differences differ compare compared comparison versus vs diferencia "
    "diferencias diferencian compara comparar comparacion frente"
)
_WHY = _words("why how porque como")
_YES_NO = _words(
    "can could is are does do should will would may puedo puede pueden puedes es son se hay "
    "tengo necesito debo"
)


def shape(ws: list[str]) -> Shape:
    """What kind of answer the question wants, from its words (folded)."""
    if any(a == "how" and b in _HOW for a, b in itertools.pairwise(ws)):
        return "number"
    if _NUMBER_WORDS & set(ws):
        return "number"
    if _COMPARE & set(ws):
        return "comparison"
    if (ws[:1] and ws[0] in _WHAT and _IS & set(ws[1:3])) or _DEFINITION_WORDS & set(ws):
        return "definition"  # "what is", "what exactly is", "qué es", "what does X mean"
    if (ws[:1] and ws[0] in _WHY) or ws[:2] == ["por", "que"]:
        return "why"
    if ws[:1] and ws[0] in _YES_NO:
        return "yesno"
    return "other"


@dataclass(frozen=True)
class Query:
    text: str
    lang: Lang  # the question's language
    groups: tuple[Group, ...]
    translated: bool  # whether any group came from the bilingual glossary
    shape: Shape = "other"


LONG_QUESTION = 14  # content words: past this, words the course never uses are dropped


def analyse(
    text: str,
    course_lang: Lang,
    known: Callable[[str], bool],
    correct: Callable[[list[str]], list[str]] | None = None,
) -> Query:
    """Detect the language, translate what the glossary knows, stem the rest for the index.

    In the course's language, a phrase with listed synonyms gains them ("picture" also finds
    "image"). In the other language, glossary phrases are translated. A word whose stem the
    course never uses is looked up in the other language's glossary too, so "pesos" in an
    otherwise English question still finds weights.
    """
    lang = detect(text)
    folded = words(text)
    if correct is not None:
        folded = correct(folded)
    ws = [w for i, w in enumerate(folded) if w not in GLUE and not _after_how(folded, i)]
    other: Lang = "es" if course_lang == "en" else "en"
    foreign = lang if lang != course_lang else other
    tables = {
        course_lang: (entries(course_lang, course_lang), [stem(w, course_lang) for w in ws]),
        foreign: (entries(course_lang, foreign), [stem(w, foreign) for w in ws]),
    }
    groups: list[Group] = []
    translated = False
    i = 0
    while i < len(ws):
        own = stem(ws[i], course_lang)
        noise = is_stopword(ws[i], lang, query=True)
        if lang == course_lang:
            order = [course_lang] if noise or known(own) else [course_lang, foreign]
        else:
            order = [foreign]
        entry = None
        for code in order:
            table, qstems = tables[code]
            if (entry := match_at(qstems, i, table)) is not None:
                translated = translated or code != course_lang
                break
        if entry is not None:
            groups.append(entry.target)
            i += len(entry.source)
            continue
        # A short word the course never uses is a typo or chatter ("wat", "lol"), not a topic.
        if not noise and (len(ws[i]) > 3 or known(own)):
            groups.append(frozenset({own}))
        i += 1
    if len(groups) > LONG_QUESTION:
        # A long, chatty question: its topic is what the course has words for.
        groups = [g for g in groups if any(known(s) for s in g)] or groups
    unique = tuple(dict.fromkeys(groups))
    return Query(text, lang, unique, translated, shape(folded))


def _after_how(ws: list[str], i: int) -> bool:
    return i > 0 and ws[i - 1] == "how" and ws[i] in _HOW
