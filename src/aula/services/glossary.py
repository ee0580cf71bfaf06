"""Searching the glossary: accent- and case-insensitive, every word must match."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from aula.content.model import Term


def fold(text: str) -> str:
    # Accent- and case-insensitive, so "inferencia" finds "Inferencia" and "DALL·E" finds "dall".
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def term_search_text(term: Term) -> str:
    return fold(" ".join([term.term, *term.aliases, term.definition.text]))


def search_terms(terms: Sequence[Term], query: str) -> list[Term]:
    """Terms containing every word of the query; those named by it come first."""
    words = fold(query).split()
    found = [t for t in terms if all(w in term_search_text(t) for w in words)]
    named = [t for t in found if all(w in fold(" ".join([t.term, *t.aliases])) for w in words)]
    return named + [t for t in found if t not in named]
