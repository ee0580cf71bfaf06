"""A small BM25 index of the course for the browser, so the instructor can search offline.

The server exports it per course version (``/api/instructor/offline-index``); ``aula-offline.js``
scores a question against it with the same tokenizer (``tokens`` here and ``tokens`` there:
fold accents, lower-case, words of letters and digits, drop stop words, a final "s" off long
words). Offline answers are simpler: passages that share the question's words, without
stemming, embeddings, spelling correction, the labs or follow-ups (English and Spanish passages
are both indexed; the answer is in the passage's language). Knowledge-check chunks are
left out so that the offline copy never holds a check's answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from typing import Any

from aula.content.model import Course
from aula.instructor.chunks import course_chunks, translated_chunks

K1 = 1.5
B = 0.75
SNIPPET = 320

_STOP_TEXT = """a an and are as at be by can do does for from how i in is it its me my of on or so
    that the this to was what when where which who why will with you your
    el la los las un una unos unas y o de del en que es por para con se su sus como al lo
    mi me te tu qué cómo cuál"""
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


STOP_WORDS = frozenset(fold(word) for word in _STOP_TEXT.split())


def tokens(text: str) -> list[str]:
    out = []
    for word in _WORD.findall(fold(text)):
        if len(word) < 2 or word in STOP_WORDS:
            continue
        out.append(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return out


def offline_index(course: Course, version: str) -> dict[str, Any]:
    """The documents (title, link, a short passage) and, per term, ``[document, count]``
    pairs; the browser computes BM25 from these."""
    docs: list[dict[str, Any]] = []
    postings: dict[str, list[list[int]]] = {}
    for chunk in (*course_chunks(course), *translated_chunks(course, "es")):
        if chunk.kind == "question":
            continue
        words = tokens(chunk.text)
        if not words:
            continue
        number = len(docs)
        passage = " ".join(chunk.sentences)
        if len(passage) > SNIPPET:
            passage = passage[: SNIPPET - 1].rsplit(" ", 1)[0] + "…"
        docs.append({"title": chunk.title, "url": chunk.url, "text": passage, "length": len(words)})
        for word, count in sorted(Counter(words).items()):
            postings.setdefault(word, []).append([number, count])
    average = sum(d["length"] for d in docs) / len(docs) if docs else 0.0
    return {
        "version": version,
        "k1": K1,
        "b": B,
        "average_length": round(average, 3),
        "documents": docs,
        "postings": postings,
    }


def search(index: dict[str, Any], question: str, limit: int = 3) -> list[dict[str, Any]]:
    """BM25 over an exported index, as the browser does it (for tests and for parity)."""
    docs = index["documents"]
    scores: dict[int, float] = {}
    for word in set(tokens(question)):
        posting = index["postings"].get(word, [])
        if not posting:
            continue
        idf = math.log(1 + (len(docs) - len(posting) + 0.5) / (len(posting) + 0.5))
        for number, count in posting:
            norm = 1 - index["b"] + index["b"] * docs[number]["length"] / index["average_length"]
            gain = idf * count * (index["k1"] + 1) / (count + index["k1"] * norm)
            scores[number] = scores.get(number, 0.0) + gain
    ranked = sorted(scores, key=lambda n: (-scores[n], n))
    seen: set[str] = set()
    out = []
    for number in ranked:
        doc = docs[number]
        if doc["url"] in seen:
            continue
        seen.add(doc["url"])
        out.append({**doc, "score": round(scores[number], 4)})
        if len(out) == limit:
            break
    return out
