"""The answer's text, by the kind of question: 1 to 4 whole sentences of the course that stand
alone, never program output, never a sentence that points at something not shown.

- definition ("what is a LoRA?"): the glossary's defining sentences of the term asked about;
- comparison ("difference between Midjourney and Stable Diffusion"): one defining sentence
  for each of the two things compared, from their glossary entries;
- how much/many, why/how, yes/no and the rest: the best sentence or two of the best teaching
  passages (``extract.best_quote``), preferring a number for "how much".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from aula.instructor.extract import best_quote, dangles, is_row
from aula.instructor.index import CourseIndex
from aula.instructor.language import content_stems, fold, words
from aula.instructor.query import Query
from aula.instructor.search import Scored


@dataclass(frozen=True)
class Composed:
    text: str
    chunks: tuple[int, ...]  # the chunks quoted, first the main one


def _term_names(index: CourseIndex, i: int) -> frozenset[str]:
    """How a question names glossary entry ``i``: its distinctive name words, and its name's
    words even when the whole course uses them ("Midjourney")."""
    subject = index.chunks[i].subject
    own = content_stems(subject[0].split(" (")[0], index.lang) if subject else []
    return index.names[i].union(own)


def named_terms(index: CourseIndex, query: Query) -> list[int]:
    """Glossary entries whose name or alias the question uses, in the order it names them
    ("what is VRAM and why does it matter for Stable Diffusion?": VRAM, then SD)."""
    terms = [i for i, c in enumerate(index.chunks) if c.kind == "term"]
    # A term the whole course talks about ("Midjourney") has no distinctive word: its name is
    # its subject then.
    names = {i: _term_names(index, i) for i in terms}
    found: list[int] = []
    for group in query.groups:
        named = [i for i in terms if group & names[i] and i not in found]
        found += named[:1]
    return found


_MAKERS = frozenset(
    "make makes made develop develops developed create creates created build builds built "  # noqa: SIM905
    "owns own behind hace hizo crea creo desarrolla desarrollo esta".split()
)


def _asks_maker(query: Query) -> bool:
    """ "Who makes Flux, and …?": the vendor, which the glossary entry names first."""
    ws = words(query.text)
    return len(ws) > 1 and ws[0] in ("who", "quien", "quienes") and ws[1] in _MAKERS


def _asks_only_name(index: CourseIndex, query: Query, term: int) -> bool:
    """ "What is a LoRA (in AI)?": the question is the term's name and at most one more word;
    "what are closed tools like Midjourney good at?" asks something about it instead."""
    named = frozenset().union(*(_term_names(index, i) for i in named_terms(index, query)))
    return sum(1 for g in query.groups if not g & named) <= 1


def _named(index: CourseIndex, chunk: int, text: str) -> str:
    """A glossary definition is a phrase without its subject ("The memory on your GPU."):
    standing alone it needs the term's name ("VRAM (Video RAM): The memory on your GPU.")."""
    name = index.chunks[chunk].subject[0]
    short = name.split(" (")[0]
    if fold(short) in fold(text.split(":")[0]) or fold(text).startswith(fold(short)):
        return text
    return f"{name}: {text}"


def _definition(index: CourseIndex, chunk: int) -> str:
    sentences = index.chunks[chunk].sentences
    text = sentences[0]
    if len(sentences) > 1 and len(text.split()) < 14 and not dangles(sentences[1]):
        text = f"{text} {sentences[1]}"
    return text


def compose(
    index: CourseIndex, query: Query, scored: Scored, order: Sequence[int]
) -> Composed | None:
    teaching = [i for i in order if index.chunks[i].kind != "terminal"]
    if query.shape == "comparison":
        compared = _comparison(index, query, scored, teaching)
        if compared is not None:
            return compared
    if query.shape in ("comparison", "definition"):
        terms = named_terms(index, query)
        if query.shape == "comparison" and len(terms) >= 2:
            a, b = terms[:2]
            first, second = (_stop(_named(index, t, index.chunks[t].sentences[0])) for t in (a, b))
            return Composed(f"{first} {second}", (a, b))
        if query.shape == "definition" and terms and _asks_only_name(index, query, terms[0]):
            return Composed(_named(index, terms[0], _definition(index, terms[0])), (terms[0],))
    if query.shape == "who":  # "who makes Flux?": its glossary entry says
        terms = named_terms(index, query)
        if terms and (_asks_maker(query) or _asks_only_name(index, query, terms[0])):
            return Composed(_named(index, terms[0], _definition(index, terms[0])), (terms[0],))
    # The learner asked a knowledge check's own question: its explanation answers it.
    top = teaching[0] if teaching else None
    if top is not None and index.chunks[top].kind == "question" and scored.coverage[top] >= 0.9:
        return Composed(_definition(index, top), (top,))
    # A glossary term the question names is a candidate too ("who makes Stable Diffusion?").
    named = [i for i in named_terms(index, query)[:1] if i not in teaching[:3]]
    quote = best_quote(index, query, scored, [*teaching[:3], *named])
    if quote is None:
        return None
    sentences = [index.chunks[quote.chunk].sentences[i] for i in quote.sentences]
    if all(dangles(s) for s in sentences):
        return None
    text = " ".join(_stop(x) for x in sentences)
    if index.chunks[quote.chunk].kind == "term" and quote.sentences[0] == 0:
        text = _named(index, quote.chunk, text)
    if any(is_row(s) for s in sentences):  # a table row: say where it comes from
        title = index.chunks[quote.chunk].title
        return Composed(f"{_ROW_INTRO[index.lang].format(title=title)} {text}", (quote.chunk,))
    more = _complement(index, query, scored, quote.chunk, quote.sentences, teaching[:4])
    if more is None:
        return Composed(text, (quote.chunk,))
    chunk, i = more
    return Composed(f"{_stop(text)} {index.chunks[chunk].sentences[i]}", (quote.chunk, chunk))


_CONTRAST = re.compile(
    r"(;|\bbut\b|\bwhile\b|\bwhereas\b|\bthe other\b|\binstead\b|\bvs\.?\b|\bversus\b|"
    r"\bpero\b|\bmientras\b|\ben cambio\b|\bel otro\b|\bla otra\b|\ben vez de\b|"
    r"\bfrente a\b|\bsin embargo\b|\bhowever\b)",
    re.IGNORECASE,
)


def _sides(index: CourseIndex, query: Query, stems: frozenset[str]) -> int:
    """How many of the question's words (the things compared among them) ``stems`` has."""
    return sum(1 for g in query.groups if g & stems)


def _comparison(
    index: CourseIndex, query: Query, scored: Scored, teaching: Sequence[int]
) -> Composed | None:
    """A comparison answered by the course's own contrast: the sentence of the best teaching
    passages that holds both sides of the question and sets them against each other ("One
    offers ease of use, the other offers control"), with its neighbour when that names the
    sides; then, if the question asks more, the sentence of another passage that adds it."""
    best: tuple[float, int, tuple[int, ...]] | None = None
    for rank, c in enumerate(teaching[:4]):
        chunk = index.chunks[c]
        if chunk.kind == "question":
            continue
        stems = index.sentence_stems[c]
        for i, sentence in enumerate(chunk.sentences):
            if dangles(sentence) or is_row(sentence) or not _CONTRAST.search(sentence):
                continue
            picked: tuple[int, ...] = (i,)
            have = stems[i]
            if i > 0 and _sides(index, query, stems[i]) < 2 and not dangles(chunk.sentences[i - 1]):
                picked, have = (i - 1, i), stems[i - 1] | stems[i]
            sides = _sides(index, query, have | index.subject_stems[c])
            if sides < 2:
                continue
            value = _covered(index, query, scored, have | index.subject_stems[c]) * (
                1.0 - 0.1 * rank
            )
            if best is None or value > best[0]:
                best = (value, c, picked)
    if best is None or best[0] < 0.25:
        return None
    _, c, picked = best
    sentences = index.chunks[c].sentences
    if sum(len(sentences[i].split()) for i in picked) > _MAX_WORDS:
        return None
    text = " ".join(_stop(sentences[i]) for i in picked)
    have = frozenset().union(index.subject_stems[c], *(index.sentence_stems[c][i] for i in picked))
    more = None
    if _covered(index, query, scored, have) < 0.6:
        more = _complement(index, query, scored, c, picked, teaching[:4])
    if more is None:
        return Composed(text, (c,))
    other, j = more
    return Composed(f"{_stop(text)} {index.chunks[other].sentences[j]}", (c, other))


def _stop(sentence: str) -> str:
    """A sentence ends with a full stop when another follows ("…: fine-tune the model.")."""
    return sentence if sentence[-1:] in ".!?…»”)\"'" else f"{sentence}."


_MIN_GAIN = 0.25  # share of the question a second passage's sentence must add
_MAX_WORDS = 80


def _covered(index: CourseIndex, query: Query, scored: Scored, stems: frozenset[str]) -> float:
    total = sum(scored.group_idf)
    got = sum(w for g, w in zip(query.groups, scored.group_idf, strict=True) if g & stems)
    return got / total if total else 0.0


def _complement(
    index: CourseIndex,
    query: Query,
    scored: Scored,
    chunk: int,
    picked: Sequence[int],
    candidates: Sequence[int],
) -> tuple[int, int] | None:
    """A sentence from another top passage that covers what the first answer left out of
    the question (a comparison's other side, the "why" after the "what"), if one adds enough."""
    have = frozenset().union(
        index.subject_stems[chunk], *(index.sentence_stems[chunk][i] for i in picked)
    )
    base = _covered(index, query, scored, have)
    words = sum(len(index.chunks[chunk].sentences[i].split()) for i in picked)
    best: tuple[float, int, int] | None = None
    for c in candidates:
        if c == chunk or index.chunks[c].kind in ("terminal", "question"):
            continue
        for i, sentence in enumerate(index.chunks[c].sentences):
            if dangles(sentence) or is_row(sentence) or words + len(sentence.split()) > _MAX_WORDS:
                continue
            if i > 0 and _STARTS_WITH_REFERENCE.match(sentence):
                continue  # "It ...", "They ...": its subject is in a sentence not shown
            gain = _covered(index, query, scored, have | index.sentence_stems[c][i]) - base
            if gain >= _MIN_GAIN and (best is None or gain > best[0]):
                best = (gain, c, i)
    return None if best is None else (best[1], best[2])


_STARTS_WITH_REFERENCE = re.compile(
    r"(it|it's|its|this|that|they|these|those|both|so|but|however|instead|there|"
    r"eso|esto|ese|esa|estos|esas|ambos|pero|sin embargo|así)\b",
    re.IGNORECASE,
)


_ROW_INTRO = {"en": "From the table in “{title}”:", "es": "Según la tabla de «{title}»:"}
