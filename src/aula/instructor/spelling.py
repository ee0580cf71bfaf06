"""Typo tolerance: a learner's misspelt word is read as the nearest word the course uses.

The vocabulary is the course's own text (every language it is indexed in), its glossary's
names and aliases, the bilingual lexicon's phrases and the question words of English and
Spanish; nothing is a hand-kept list of misspellings. A word already in the vocabulary is left
alone; another is replaced by its nearest neighbour by Damerau-Levenshtein distance (rapidfuzz),
at most one edit for words of 4 to 7 letters and two for longer ones, so "midjurney" reads
"midjourney" and "stabel" reads "stable" while "console" does not become "control". Shorter
words are left alone (too many neighbours); the query drops those the course does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from aula.instructor.language import LANGS, question_words, words
from aula.instructor.lexicon import EN_SYNONYMS, ES_EN

_MIN_LENGTH = 4


def _max_edits(word: str) -> int:
    return 0 if len(word) < _MIN_LENGTH else 1 if len(word) <= 7 else 2


class Speller:
    """Maps words outside the course's vocabulary to their nearest word inside it."""

    def __init__(self, texts: Iterable[str]) -> None:
        vocab: set[str] = set()
        for text in texts:
            vocab.update(words(text))
        for table in (ES_EN, EN_SYNONYMS):
            for key, value in table.items():
                vocab.update(words(f"{key} {value}"))
        asking = {w for lang in LANGS for w in question_words(lang)}
        # Short words and numbers are never corrected, nor corrected into.
        self._choices = sorted(w for w in vocab - asking if len(w) >= _MIN_LENGTH)
        self._asking = sorted(w for w in asking if len(w) >= _MIN_LENGTH)
        self.vocab = frozenset(vocab | asking)
        self._cache: dict[str, str] = {}

    def word(self, word: str) -> str:
        """``word`` itself when the course knows it (or it is short or numeric), else its
        nearest vocabulary word within the allowed edits."""
        edits = _max_edits(word)
        if word in self.vocab or edits == 0 or any(ch.isdigit() for ch in word):
            return word
        if word in self._cache:
            return self._cache[word]
        # Course words first; a question word ("whats" → "what") only one edit away.
        found = process.extractOne(
            word, self._choices, scorer=DamerauLevenshtein.distance, score_cutoff=edits
        ) or process.extractOne(
            word, self._asking, scorer=DamerauLevenshtein.distance, score_cutoff=1
        )
        best = word if found is None else str(found[0])
        if len(self._cache) < 10_000:
            self._cache[word] = best
        return best

    def correct(self, ws: Sequence[str]) -> list[str]:
        return [self.word(w) for w in ws]
