"""Typo tolerance: a learner's misspelt word is read as the nearest word the course uses.

The vocabulary is the course's own text in each language it is indexed in (its glossary's
names and aliases included), the bilingual lexicon's phrases and the question words of English
and Spanish; nothing is a hand-kept list of misspellings. A word found in any language's
vocabulary is left alone; another is replaced by its nearest neighbour, by Damerau-Levenshtein
distance (rapidfuzz), in the question's language only: one edit for words of 6 to 8 letters,
two for longer ones ("midjurney" → "midjourney", "stabel" → "stable", "inferensia" →
"inferencia"). Words of 4 or 5 letters are only read as question words ("whats" → "what",
"sirbe" → "sirve"): among short words too many real ones are one edit from a course word
("fundó" is not "mundo"), and a wrong correction would make a question the course does not
cover look covered. Shorter words are left alone; the query drops those the course does not
know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from aula.instructor.language import LANGS, Lang, question_words, words
from aula.instructor.lexicon import EN_SYNONYMS, ES_EN

_SHORT = 5  # up to this length, only question words are corrected into


def _max_edits(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) <= 8 else 2


def _lexicon_words(lang: Lang) -> set[str]:
    out: set[str] = set()
    for es, en in ES_EN.items():
        out.update(words(es if lang == "es" else en))
    if lang == "en":
        for key, value in EN_SYNONYMS.items():
            out.update(words(f"{key} {value}"))
    return out


class Speller:
    """Maps words outside the course's vocabulary to their nearest word inside it."""

    def __init__(self, texts: Mapping[Lang, Iterable[str]]) -> None:
        asking = {lang: set(question_words(lang)) for lang in LANGS}
        content: dict[Lang, set[str]] = {lang: _lexicon_words(lang) for lang in LANGS}
        for lang, chunk_texts in texts.items():
            for text in chunk_texts:
                content[lang].update(words(text))
        self.vocab = frozenset(w for lang in LANGS for w in content[lang] | asking[lang])
        self._content = {
            lang: sorted(w for w in content[lang] - asking[lang] if len(w) >= 4) for lang in LANGS
        }
        self._asking = {lang: sorted(w for w in asking[lang] if len(w) >= 4) for lang in LANGS}
        self._cache: dict[tuple[str, Lang], str] = {}

    def word(self, word: str, lang: Lang = "en") -> str:
        """``word`` itself when the course knows it (or it is short or has digits), else its
        nearest word in ``lang`` within the allowed edits."""
        edits = _max_edits(word)
        if word in self.vocab or edits == 0 or any(ch.isdigit() for ch in word):
            return word
        key = (word, lang)
        if key in self._cache:
            return self._cache[key]
        score = DamerauLevenshtein.distance
        found = None
        if len(word) > _SHORT:
            found = process.extractOne(word, self._content[lang], scorer=score, score_cutoff=edits)
        found = found or process.extractOne(word, self._asking[lang], scorer=score, score_cutoff=1)
        best = word if found is None else str(found[0])
        if len(self._cache) < 10_000:
            self._cache[key] = best
        return best

    def correct(self, ws: Sequence[str], lang: Lang = "en") -> list[str]:
        return [self.word(w, lang) for w in ws]
