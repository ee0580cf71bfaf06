"""Streaks and the daily goal: days with at least one answer or review, in the learner's zone.

Pure: the caller passes the instants of the learner's activity, their time zone and ``now``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DAILY_GOAL = 5
"""Answers or reviews a day that count as the daily goal met, unless the course says otherwise."""


@dataclass(frozen=True)
class Streak:
    days: int
    """Consecutive days with activity, ending today (or yesterday, while today is still open)."""
    today: int
    """Answers and reviews so far today."""
    goal: int
    active_today: bool
    best: int
    """The longest run of consecutive active days ever."""
    today_date: date

    @property
    def goal_met(self) -> bool:
        return self.today >= self.goal

    @property
    def at_risk(self) -> bool:
        """The streak ends tonight unless the learner does something today."""
        return self.days > 0 and not self.active_today


def streak(
    activity: Iterable[datetime], zone: ZoneInfo, now: datetime, goal: int = DAILY_GOAL
) -> Streak:
    """The learner's streak at ``now``. Activity after ``now`` (a clock moved back) is ignored."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today = now.astimezone(zone).date()
    counts = Counter(
        at.astimezone(zone).date() for at in activity if at.tzinfo is not None and at <= now
    )
    days = sorted(counts)
    best = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    current = 0
    cursor = today if counts[today] else today - timedelta(days=1)
    while counts[cursor]:
        current += 1
        cursor -= timedelta(days=1)
    return Streak(current, counts[today], goal, counts[today] > 0, best, today)


def learner_zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone named (``Europe/Madrid``), or None if it is not one."""
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return None
