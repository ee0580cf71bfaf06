"""Which learners' stored data changed since a moment: for caches of what was read.

Every write the store commits moves a counter on, after the commit: the learners it named get
that number, a write that names nobody (or several unknown ones, such as a resume code moving
rows between learners) moves everything on. Something read at moment ``stamp()`` is still what
the database holds for a learner while ``changed_since(stamp, learner)`` is False. Only writes
made through this ``Store`` object are seen: a cache built on this is right only while this
process is the one writer of its database (SQLite with one worker).
"""

from __future__ import annotations

import threading

MAX_LEARNERS = 100_000
"""Learners remembered one by one; past this, everything is moved on and the table restarts."""


class Generations:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now = 0
        self._everyone = 0
        self._learners: dict[str, int] = {}

    def stamp(self) -> int:
        """The current moment; take it before reading."""
        return self._now

    def moved(self, learners: tuple[str, ...] | None) -> None:
        """After a commit: ``learners`` changed, or everyone when None."""
        with self._lock:
            self._now += 1
            if learners is None or len(self._learners) >= MAX_LEARNERS:
                self._everyone = self._now
                self._learners.clear()
            else:
                for learner in learners:
                    self._learners[learner] = self._now

    def changed_since(self, stamp: int, learner: str) -> bool:
        """Whether anything the learner could see was committed after ``stamp``."""
        return self._everyone > stamp or self._learners.get(learner, 0) > stamp
