"""A learner's answer history: the only input the mastery rules read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Attempt:
    """One answer a learner gave. ``attempt`` is 1 for the first try at that question, then 2, …

    The store's ``AnswerRecord`` has these same fields; ``answered_at`` is timezone-aware UTC.
    """

    question_id: str
    node_id: str
    choice_ids: frozenset[str]
    correct: bool
    attempt: int
    answered_at: datetime

    @property
    def first_try(self) -> bool:
        return self.attempt <= 1


def chronological(attempts: Iterable[Attempt]) -> list[Attempt]:
    """The attempts oldest first, in one total order that ignores the order they were given in.

    Sorting on every field makes the rules a function of the *set* of answers: two callers
    that fetched the same history in different orders get the same states.
    """
    return sorted(
        attempts,
        key=lambda a: (
            a.answered_at,
            a.attempt,
            a.question_id,
            a.node_id,
            tuple(sorted(a.choice_ids)),
            a.correct,
        ),
    )
