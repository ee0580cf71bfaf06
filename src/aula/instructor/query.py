"""A learner's question as groups of index stems: one group per thing the question asks about.

A group holds alternatives (a Spanish word's English renderings); a passage matches the group
when it has any of them. Groups, not a bag of stems, so that a word with three translations
weighs as much as a word with one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from aula.instructor.language import Lang, detect, is_stopword, stem, words
from aula.instructor.lexicon import GLUE, entries, match_at

Group = frozenset[str]
Shape = Literal["definition", "number", "comparison", "who", "yesno", "why", "other"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "How much", "how big": the adjective only says that a number is wanted.
_HOW = _words("much many big large long small fast often old heavy")
_NUMBER_WORDS = _words(
    "cuanto cuanta cuantos cuantas cost costs price size tamano ocupa pesa precio cuesta"
)
_WHO = _words("who quien quienes")
_WHAT = _words("what que")
_IS = _words("is are s es son significa")
_DEFINITION_WORDS = _words("mean means meaning define definition stand significa")


_COMPARE = _words(
    "difference differences differ compare compared comparison versus vs diferencia "
    "diferencias diferencian compara comparar comparacion frente tradeoff tradeoffs "
    "pros cons advantages disadvantages ventajas desventajas inconvenientes downside "
    "downsides drawback drawbacks upside upsides"
)
# "Which is easier, X or Y?", "¿Cuál es mejor, X o Y?": a choice between two things.
_WHICH = _words(
    "which cual cuales choose choosing pick better best easier cheaper mejor peor elegir elijo "
    "escoger escojo recommend recomiendas recomendarias prefer preferible"
)
_OR = _words("or o u")
_RATHER = ((("instead", "of"), 2), (("en", "vez", "de"), 3), (("en", "lugar", "de"), 3))
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
    if _COMPARE & set(ws) or _choice(ws):
        return "comparison"
    works = ws[:1] == ["how"] and ws[-1:] in (["work"], ["works"])  # "how do LoRAs work?"
    works = works or (ws[:1] == ["como"] and ws[1:2] in (["funciona"], ["funcionan"]))
    if (ws[:1] and ws[0] in _WHAT and _IS & set(ws[1:3])) or _DEFINITION_WORDS & set(ws) or works:
        return "definition"  # "what is", "what exactly is", "qué es", "what does X mean"
    if ws[:1] and ws[0] in _WHO:
        return "who"
    if (ws[:1] and ws[0] in _WHY) or ws[:2] == ["por", "que"]:
        return "why"
    if ws[:1] and ws[0] in _YES_NO:
        return "yesno"
    return "other"


def _choice(ws: list[str]) -> bool:
    """ "Which … X or Y", "X or Y: which …", "X instead of Y", "¿X en vez de Y?"."""
    if _WHICH & set(ws) and _OR & set(ws[1:-1]):
        return True
    return any(
        tuple(ws[i : i + n]) == phrase for phrase, n in _RATHER for i in range(1, len(ws) - n)
    )


@dataclass(frozen=True)
class Query:
    text: str
    lang: Lang  # the question's language
    groups: tuple[Group, ...]
    translated: bool  # whether any group came from the bilingual glossary
    shape: Shape = "other"
    # Names the course never uses ("Xbox", "ChatGPT", "CEO"): what the question is about is
    # then something the course does not know, which weighs more than an unknown common word.
    unknown_names: frozenset[Group] = frozenset()


LONG_QUESTION = 8  # groups: past this, a question is reduced to its key words
KEY_WORDS = 6  # what a long question is reduced to
NAMED = 10.0  # salience of a word that names a page (see CourseIndex.salience)


def analyse(
    text: str,
    course_lang: Lang,
    known: Callable[[str], bool],
    correct: Callable[[list[str], Lang], list[str]] | None = None,
    salience: Callable[[str], float] | None = None,
    together: Callable[[tuple[Group, ...]], list[Group]] | None = None,
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
        folded = correct(folded, lang)
    ws = [w for i, w in enumerate(folded) if w not in GLUE and not _after_how(folded, i)]
    other: Lang = "es" if course_lang == "en" else "en"
    foreign = lang if lang != course_lang else other
    tables = {
        course_lang: (entries(course_lang, course_lang), [stem(w, course_lang) for w in ws]),
        foreign: (entries(course_lang, foreign), [stem(w, foreign) for w in ws]),
    }
    groups: list[Group] = []
    translated = False
    head = _head(folded, lang, course_lang)  # what a "how many"/"who" question asks for
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
        # A short word the course never uses is a typo or chatter ("wat", "lol"), not a topic,
        # unless it is what the question asks for ("who is the CEO").
        if not noise and (len(ws[i]) > 3 or known(own) or own in head):
            groups.append(frozenset({own}))
        i += 1
    unique = tuple(dict.fromkeys(groups))
    asked = _question_sentence(text)
    if asked or len(unique) > LONG_QUESTION:
        # A question inside a story or instructions: that question is the topic, the rest
        # adds only the pages it names ("What is VRAM? Answer only with a joke."); words the
        # learner puts in quotes («checkpoints») are what they ask about, too.
        focus = analyse(asked, course_lang, known, correct).groups if asked else ()
        marked = " ".join(_QUOTED.findall(text))
        if marked:
            focus = analyse(marked, course_lang, known, correct).groups + focus
        unique = key_words(unique, known, salience, tuple(dict.fromkeys(focus)), together)
        folded = words(asked) if asked else folded
    asks_for = names_in(text, course_lang) | head
    strangers = frozenset(
        g for g in unique if len(g) == 1 and not any(known(x) for x in g) and g & asks_for
    )
    return Query(text, lang, unique, translated, shape(folded), strangers)


_ASKS = _words("cuanto cuanta cuantos cuantas who quien quienes")


def _head(ws: list[str], lang: Lang, course_lang: Lang) -> frozenset[str]:
    """The stem of what a "how many/much" or "who" question asks for: the first word after
    the question word that is not a stop word ("how many employees", "who founded")."""
    for i, w in enumerate(ws):
        if w in _ASKS or (w in ("many", "much") and i > 0 and ws[i - 1] == "how"):
            rest = [
                x for x in ws[i + 1 :] if not is_stopword(x, lang, query=True) and x not in GLUE
            ]
            return frozenset({stem(rest[0], course_lang)}) if rest else frozenset()
    return frozenset()


_TOKEN = re.compile(r"[^\W_][\w\-]*")


def names_in(text: str, course_lang: Lang) -> frozenset[str]:
    """The stems of the words written as names: capitalised inside a sentence ("an Xbox"),
    or with capitals or digits after their first letter ("ChatGPT", "CEO", "iPhone")."""
    out: set[str] = set()
    for sentence in _SENTENCE_END.split(text):
        tokens = _TOKEN.findall(sentence.lstrip("¿¡\"'«“ "))
        for i, token in enumerate(tokens):
            inner = any(ch.isupper() for ch in token[1:])
            if (i > 0 and token[0].isupper() and token not in ("I", "I'm")) or inner:
                for w in words(token):
                    out.add(stem(w, course_lang))
    return frozenset(out)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_QUOTED = re.compile(r"[«“\"]([^«»“”\"]{2,40})[»”\"]")


def _question_sentence(text: str) -> str:
    """In a message of several sentences, the (last) one that asks something; "" otherwise."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    if len(parts) < 2:
        return ""
    asked = [p for p in parts if p.endswith("?")]
    last = asked[-1] if asked else ""
    # "..., but nobody explains it, what is a checkpoint?": the question after the story.
    if "," in last and len(last.split()) > 12:
        last = last.rsplit(",", 1)[-1]
    return last if 0 < len(words(last)) <= 20 else ""


def key_words(
    groups: tuple[Group, ...],
    known: Callable[[str], bool],
    salience: Callable[[str], float] | None,
    focus: tuple[Group, ...] = (),
    together: Callable[[tuple[Group, ...]], list[Group]] | None = None,
) -> tuple[Group, ...]:
    """A long, chatty question reduced to its key words: those of the question it ends with
    (``focus``), then what the rest of the message names (the names of the course's pages),
    at most ``KEY_WORDS`` in all. When neither the question nor the story names a page
    ("Is there a way to keep working on my own machine?" after a story of refused prompts and
    monthly bills), the story's rarest words the course uses say what it is about: those
    the passage that best matches the story also has (``together``), not the learner's
    trade or the name of their shop."""
    kept = [g for g in groups if any(known(s) for s in g) and g not in focus]
    room = max(KEY_WORDS - len(focus), 2)
    if salience is not None:

        def weight(g: Group) -> float:
            return max(salience(s) for s in g)

        kept.sort(key=lambda g: -weight(g))
        named = [g for g in kept if weight(g) >= NAMED]
        if named or any(weight(g) >= NAMED for g in focus):
            kept = named
        elif focus:
            shared = together(tuple(kept)) if together is not None else kept
            kept = [g for g in kept if g in shared][:3]
    return tuple(dict.fromkeys([*focus, *kept[:room]])) or groups


def _after_how(ws: list[str], i: int) -> bool:
    return i > 0 and ws[i - 1] == "how" and ws[i] in _HOW
