"""The answer's text, by the kind of question: 1 to 4 whole sentences of the course that stand
alone, never program output, never a sentence that points at something not shown.

- definition ("what is a LoRA?"): the glossary's defining sentences of the term asked about;
- comparison ("difference between Midjourney and Stable Diffusion"): one defining sentence
  for each of the two things compared, from their glossary entries;
- how much/many, why/how, yes/no and the rest: the best sentence or two of the best teaching
  passages (``extract.best_quote``), preferring a number for "how much".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aula.instructor.extract import best_quote, dangles, is_row
from aula.instructor.index import CourseIndex
from aula.instructor.query import Query
from aula.instructor.search import Scored


@dataclass(frozen=True)
class Composed:
    text: str
    chunks: tuple[int, ...]  # the chunks quoted, first the main one


def _named_terms(index: CourseIndex, query: Query) -> list[int]:
    """Glossary entries whose name or alias the question uses, in the order it names them
    ("what is VRAM and why does it matter for Stable Diffusion?": VRAM, then SD)."""
    terms = [i for i, c in enumerate(index.chunks) if c.kind == "term"]
    found: list[int] = []
    for group in query.groups:
        named = [i for i in terms if group & index.names[i] and i not in found]
        found += named[:1]
    return found


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
    if query.shape in ("comparison", "definition"):
        terms = _named_terms(index, query)
        if query.shape == "comparison" and len(terms) >= 2:
            a, b = terms[:2]
            return Composed(
                f"{index.chunks[a].sentences[0]} {index.chunks[b].sentences[0]}", (a, b)
            )
        if query.shape == "definition" and terms:
            return Composed(_definition(index, terms[0]), (terms[0],))
    # The learner asked a knowledge check's own question: its explanation answers it.
    top = teaching[0] if teaching else None
    if top is not None and index.chunks[top].kind == "question" and scored.coverage[top] >= 0.9:
        return Composed(_definition(index, top), (top,))
    # A glossary term the question names is a candidate too ("who makes Stable Diffusion?").
    named = [i for i in _named_terms(index, query)[:1] if i not in teaching[:3]]
    quote = best_quote(index, query, scored, [*teaching[:3], *named])
    if quote is None:
        return None
    sentences = [index.chunks[quote.chunk].sentences[i] for i in quote.sentences]
    if all(dangles(s) for s in sentences):
        return None
    text = " ".join(sentences)
    if any(is_row(s) for s in sentences):  # a table row: say where it comes from
        title = index.chunks[quote.chunk].title
        text = f"{_ROW_INTRO[index.lang].format(title=title)} {text}"
    return Composed(text, (quote.chunk,))


_ROW_INTRO = {"en": "From the table in “{title}”:", "es": "Según la tabla de «{title}»:"}
