"""What the instructor returns, and its JSON form (the body of ``POST /api/instructor/ask``).

``Answer.to_dict()`` is exactly ``{"answer", "sources", "backend"}``:

- ``answer``: the text shown to the learner.
- ``sources``: ``[{"title", "url", "score"}]``, best first; empty exactly when the course does
  not cover the question. ``score`` is the confidence (0 to 1) that the page covers it.
- ``backend``: who wrote the answer and where the question went::

    {"name": "Course search (offline)",   # shown to the learner
     "kind": "extractive" | "local-llm" | "remote-llm",   # who wrote the answer text
     "left_machine": false,   # true when the question was sent to another machine,
                              # even if that machine then failed and we fell back
     "model": null,           # the generative model asked, if one was
     "fell_back": false,      # true when that model failed and the course text answered
     "error": null,           # why it failed, in a few words
     "retrieval": "bm25" | "bm25+e5"}   # how passages were found
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Kind = Literal["extractive", "local-llm", "remote-llm"]

EXTRACTIVE_NAME = "Course search (offline)"


@dataclass(frozen=True)
class SourceRef:
    title: str
    url: str
    score: float

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "url": self.url, "score": self.score}


@dataclass(frozen=True)
class BackendInfo:
    name: str
    kind: Kind
    left_machine: bool
    model: str | None = None
    fell_back: bool = False
    error: str | None = None
    retrieval: str = "bm25"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    answer: str
    sources: tuple[SourceRef, ...]
    backend: BackendInfo

    @property
    def covered(self) -> bool:
        """False when the instructor said the course does not cover the question."""
        return bool(self.sources)

    def to_dict(self) -> dict[str, object]:
        return {
            "answer": self.answer,
            "sources": [s.to_dict() for s in self.sources],
            "backend": self.backend.to_dict(),
        }
