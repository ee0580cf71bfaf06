"""A learner's question as groups of index stems: one group per thing the question asks about.

A group holds alternatives (a Spanish word's English renderings); a passage matches the group
when it has any of them. Groups, not a bag of stems, so that a word with three translations
weighs as much as a word with one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aula.instructor.language import Lang, detect, is_stopword, stem, words
from aula.instructor.lexicon import GLUE, entries, match_at

Group = frozenset[str]


@dataclass(frozen=True)
class Query:
    text: str
    lang: Lang  # the question's language
    groups: tuple[Group, ...]
    translated: bool  # whether any group came from the bilingual glossary


def analyse(text: str, course_lang: Lang, known: Callable[[str], bool]) -> Query:
    """Detect the language, translate what the glossary knows, stem the rest for the index.

    In the course's language, a phrase with listed synonyms gains them ("picture" also finds
    "image"). In the other language, glossary phrases are translated. A word whose stem the
    course never uses is looked up in the other language's glossary too, so "pesos" in an
    otherwise English question still finds weights.
    """
    lang = detect(text)
    ws = [w for w in words(text) if w not in GLUE]
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
        if not noise:
            groups.append(frozenset({own}))
        i += 1
    unique = tuple(dict.fromkeys(groups))
    return Query(text, lang, unique, translated)
