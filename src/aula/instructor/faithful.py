"""The faithfulness check a generative model's answer must pass before a learner sees it.

Each sentence of the reply must be supported by the passages the model was given or by a lab's
result: most of its content words (stems, in the reply's language) appear there, and every
number in it appears there too. One unsupported sentence, a reply in another language than
the learner's, or anything that looks like markup or code, and the composed answer is shown
instead (``BackendError``, so the learner is told the model's reply was not used).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aula.instructor.generative import BackendError, Passage
from aula.instructor.language import Lang, content_stems, detect, fold
from aula.instructor.text import sentences

MIN_SUPPORT = 0.6  # share of a sentence's content words found in the sources
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_CITATION = re.compile(r"\[\d+\]")
_MARKUP = re.compile(r"<[a-zA-Z/!]|```|\bhttps?://")


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".").rstrip("0").rstrip(".") or "0" for n in _NUMBER.findall(text)}


_YES = frozenset({"yes", "si", "sure", "claro"})
_NO = frozenset({"no", "not", "nope"})


def _verdict(text: str) -> str | None:
    first = fold(text).lstrip("¿¡ ").split(" ", 1)[0].strip(".,:;!")
    return "yes" if first in _YES else "no" if first in _NO else None


def check_faithful(
    reply: str,
    lang: Lang,
    passages: Sequence[Passage],
    tool_results: Sequence[str] = (),
    composed: str = "",
) -> None:
    """Raise ``BackendError`` unless every sentence of ``reply`` is supported, and a yes or no
    agrees with the composed answer's (a lab's "Not as it is" is never turned into "Yes")."""
    if _MARKUP.search(reply):
        raise BackendError("the model's reply held markup or code; the course text answers")
    body = _CITATION.sub("", reply).strip()
    if not body:
        raise BackendError("the model's reply was empty")
    said, known = _verdict(body), _verdict(composed)
    if said is not None and known is not None and said != known:
        raise BackendError("the model's yes or no contradicts the course; the course text answers")
    if detect(body) != lang:
        raise BackendError("the model answered in another language; the course text answers")
    support_text = "\n".join([*(p.text for p in passages), *tool_results])
    stems = {lang: set(content_stems(support_text, lang)) for lang in ("en", "es")}
    numbers = _numbers(fold(support_text))
    for sentence in sentences(body):
        words = content_stems(sentence, lang)
        if not words:
            continue
        share = sum(w in stems[lang] for w in words) / len(words)
        missing = _numbers(fold(sentence)) - numbers
        if share < MIN_SUPPORT or missing:
            raise BackendError("a sentence of the model's reply is not in the sources")
