"""Words in, stems out: tokenising, stop words, stemming and a cheap English/Spanish guess.

Accents are stripped before stemming so that a learner who types "vidéo", "video" or "vídeo"
gets the same stem; Snowball's Spanish stemmer drops acute accents itself, so nothing is lost.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Literal

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_SPANISH

Lang = Literal["en", "es"]
LANGS: tuple[Lang, ...] = ("en", "es")

# Apostrophes split words ("what's" → "what", "s"; "vendor's" → "vendor", "s"): the pieces are
# stop words or stems already, and a clitic glued on would make an unknown word.
_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*")
_SNOWBALL = {"en": "english", "es": "spanish"}

# Words that make a sentence a question but say nothing about its topic.
_QUESTION_NOISE = {
    "en": {
        "tell",
        "explain",
        "mean",
        "means",
        "meaning",
        "please",
        "would",
        "could",
        "need",
        "needs",
        "get",
        "use",
        "using",
        "used",
        "want",
        "know",
        "also",
        "like",
        "much",
        "many",
        "one",
        "thing",
        "things",
        "way",
        "ways",
        "something",
        "anything",
        "really",
        "actually",
        "exactly",
        "happens",
        "happen",
        "called",
        "kind",
        "sort",
        "say",
        "says",
        "said",
        "mine",
        "let",
        "stand",
        "good",
        "bad",
        "best",
        "better",
        "people",
        "someone",
        "anyone",
        "everything",
    },
    "es": {
        "cuanto",
        "cuanta",
        "cuantos",
        "cuantas",
        "cual",
        "cuales",
        "como",
        "donde",
        "quien",
        "necesito",
        "necesita",
        "necesitas",
        "necesitan",
        "puedo",
        "puede",
        "pueden",
        "podria",
        "quiero",
        "quiere",
        "saber",
        "significa",
        "explica",
        "explicame",
        "dime",
        "hace",
        "hacen",
        "hacer",
        "favor",
        "algo",
        "cosa",
        "cosas",
        "usar",
        "uso",
        "tambien",
        "exactamente",
        "realmente",
        "llama",
        "sirve",
        "mio",
        "mia",
        "hay",
        "debo",
        "deberia",
        "conviene",
        "pasa",
        "pasaria",
        "ocurre",
        "dicen",
        "dice",
        "llaman",
        "consigo",
        "conseguir",
        "usa",
        "tan",
        "muy",
        "hago",
        "puedes",
        "bueno",
        "buena",
        "mejor",
        "gente",
    },
}


def fold(text: str) -> str:
    """Lower case without accents: "Vídeo" → "video" (ñ becomes n, which stemming tolerates)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of ``text``; dotted numbers and names ("1.5", "sd3.5") stay whole."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4)
def _stopwords(lang: Lang) -> frozenset[str]:
    base = STOPWORDS_EN_PLUS if lang == "en" else STOPWORDS_SPANISH
    return frozenset(fold(w) for w in base)


@lru_cache(maxsize=4)
def _query_noise(lang: Lang) -> frozenset[str]:
    return _stopwords(lang) | frozenset(_QUESTION_NOISE[lang])


def is_stopword(word: str, lang: Lang, *, query: bool = False) -> bool:
    return word in (_query_noise(lang) if query else _stopwords(lang))


# PyStemmer objects are not thread-safe; the web server may ask from several threads.
_STEM_LOCK = threading.Lock()
_STEMMERS: dict[str, Stemmer.Stemmer] = {}


@lru_cache(maxsize=65536)
def stem(word: str, lang: Lang) -> str:
    with _STEM_LOCK:
        stemmer = _STEMMERS.get(lang)
        if stemmer is None:
            stemmer = _STEMMERS[lang] = Stemmer.Stemmer(_SNOWBALL[lang])
        return str(stemmer.stemWord(word))


def content_stems(text: str, lang: Lang) -> list[str]:
    """The stems an index keeps for ``text``: stop words out, every other word stemmed."""
    return [stem(w, lang) for w in words(text) if not is_stopword(w, lang)]


# Marks that only Spanish uses; one is enough to decide.
_SPANISH_MARKS = re.compile(r"[¿¡ñÑ]|ción\b|ciones\b")
_ONLY_EN = frozenset(
    {
        "the",
        "what",
        "how",
        "does",
        "is",
        "are",
        "do",
        "my",
        "i",
        "of",
        "and",
        "which",
        "can",
        "why",
        "when",
        "where",
        "who",
        "need",
        "much",
        "many",
        "it",
        "to",
        "you",
        "your",
        "in",
        "on",
        "with",
        "for",
        "run",
        "have",
    }
)
_ONLY_ES = frozenset(
    {
        "el",
        "la",
        "los",
        "las",
        "que",
        "de",
        "del",
        "es",
        "un",
        "una",
        "y",
        "como",
        "por",
        "para",
        "con",
        "mi",
        "se",
        "cual",
        "cuanto",
        "cuanta",
        "donde",
        "puedo",
        "necesito",
        "son",
        "en",
        "al",
        "lo",
        "su",
        "sus",
        "hay",
        "esta",
        "estan",
        "tiene",
        "tengo",
        "sin",
        "mas",
        "entre",
        "pero",
    }
)


def detect(text: str) -> Lang:
    """English or Spanish, from function words: cheap, and right for a sentence-long question.

    Ties (a bare "LoRA?" or "VRAM SDXL") go to English, the course's language, which changes
    nothing for such questions: names and acronyms are the same in both.
    """
    if _SPANISH_MARKS.search(text):
        return "es"
    ws = words(text)
    en = sum(w in _ONLY_EN for w in ws)
    es = sum(w in _ONLY_ES for w in ws)
    return "es" if es > en else "en"
