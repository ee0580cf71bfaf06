"""Words in, stems out: tokenising, stop words, stemming and a cheap English/Spanish guess.

Accents are stripped before stemming so that a learner who types "vidéo", "video" or "vídeo"
gets the same stem; Snowball's Spanish stemmer drops acute accents itself, so nothing is lost.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Literal

import Stemmer

Lang = Literal["en", "es"]
LANGS: tuple[Lang, ...] = ("en", "es")

# Apostrophes split words ("what's" → "what", "s"; "vendor's" → "vendor", "s"): the pieces are
# stop words or stems already, and a clitic glued on would make an unknown word.
_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*")
_SNOWBALL = {"en": "english", "es": "spanish"}


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that make a sentence a question but say nothing about its topic.
_QUESTION_NOISE: dict[str, frozenset[str]] = {
    "en": _wordset(
        "actually also anyone anything bad best better called could everything exactly explain "
        "get good happen happens important kind know let like many matter matters mean meaning "
        "means mine much need needs "
        "one people please really said say says someone something sort stand tell thing things "
        "use used using want way ways would"
        # chatter and stance: they say how the learner feels about the topic, not which it is
        " advice care cares concern concerned friend hello hey hi honestly idea main nervous "
        "option options problem problems realistic recommend suggest thanks tired wonder "
        "wondering worried worry"
    ),
    "es": _wordset(
        "algo buena bueno como conseguir consigo conviene cosa cosas cual cuales cuanta cuantas "
        "cuanto cuantos deberia debo dice dicen dime donde exactamente explica explicame favor "
        "gente hace hacen hacer hago hay importa importan importante llama llaman mejor mia mio "
        "muy necesita necesitan "
        "necesitas necesito ocurre pasa pasaria podria puede pueden puedes puedo quien quiere "
        "quiero realmente saber significa sirve tambien tan usa usar uso"
        " consejo gracias hola idea opcion opciones preocupa preocupan problema problemas "
        "realista recomendarias recomiendas recomiendo sugieres"
    ),
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
    lists = _bm25s_stopwords()
    base = lists.STOPWORDS_EN_PLUS if lang == "en" else lists.STOPWORDS_SPANISH
    return frozenset(fold(w) for w in base)


def _bm25s_stopwords() -> ModuleType:
    """bm25s's stopword lists, from its data module alone: ``import bm25s.stopwords`` runs
    ``bm25s/__init__.py`` first, which imports SciPy, and searching needs neither."""
    if (loaded := sys.modules.get("bm25s.stopwords")) is not None:
        return loaded
    package = importlib.util.find_spec("bm25s")  # finds it without running it
    folders = package.submodule_search_locations if package else None
    if not folders:
        raise ModuleNotFoundError("bm25s is not installed")
    spec = importlib.util.spec_from_file_location(
        "aula_bm25s_stopwords", Path(next(iter(folders))) / "stopwords.py"
    )
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError("bm25s has no stopwords module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=4)
def _query_noise(lang: Lang) -> frozenset[str]:
    return _stopwords(lang) | frozenset(_QUESTION_NOISE[lang])


def question_words(lang: Lang) -> frozenset[str]:
    """Stop words and the words that only make a sentence a question."""
    return _query_noise(lang)


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
_ONLY_EN = _wordset(
    "and are can do does for have how i in is it many much my need of on run the to what when "
    "where which who why with you your"
)
_ONLY_ES = _wordset(
    "al como con cual cuanta cuanto de del donde el en entre es esta estan hay la las lo los mas "
    "mi necesito para pero por puedo que se sin son su sus tengo tiene un una y"
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


MAX_QUESTION_CHARS = 500  # longer input is cut: a question, not an essay, and latency stays flat
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]+")
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^<>]{0,200}>", re.IGNORECASE | re.DOTALL)
_FOLLOW_STARTS = frozenset({"and", "y", "also", "tambien", "e"})
_FOLLOW_PAIRS = frozenset({("what", "about"), ("how", "about"), ("que", "tal")})


def clean(question: str) -> str:
    """The question as searched: HTML tags (and scripts) and control characters out, spaces
    squeezed, at most 500 characters."""
    text = _MARKUP.sub(" ", question[: 4 * MAX_QUESTION_CHARS])  # tags are not the question
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_QUESTION_CHARS]


def follows_up(question: str) -> bool:
    """A short question that leans on the one before: "¿y para Flux?", "what about SDXL?"."""
    ws = words(question)
    if not ws or len(ws) > 6:
        return False
    return ws[0] in _FOLLOW_STARTS or tuple(ws[:2]) in _FOLLOW_PAIRS
