from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from aula.learning import learner_zone, streak

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_consecutive_days_count_and_a_gap_breaks_the_run() -> None:
    days = [NOW - timedelta(days=d) for d in (0, 1, 2, 4, 5, 6, 7)]
    s = streak(days, MADRID, NOW, goal=2)
    assert (s.days, s.best, s.today, s.active_today, s.goal_met) == (3, 4, 1, True, False)


def test_today_still_open_keeps_yesterdays_streak_at_risk() -> None:
    s = streak([NOW - timedelta(days=1), NOW - timedelta(days=2)], MADRID, NOW)
    assert s.days == 2 and not s.active_today and s.at_risk


def test_days_are_the_learners_days() -> None:
    # 23:30 UTC on the 9th is already the 10th in Madrid: one day there, not two
    late = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    assert streak([late, NOW], MADRID, NOW).days == 1
    assert streak([late, NOW], ZoneInfo("UTC"), NOW).days == 2


def test_activity_after_now_is_ignored() -> None:
    assert streak([NOW + timedelta(days=1)], MADRID, NOW).days == 0


@given(st.lists(st.integers(0, 30), max_size=40))
def test_the_streak_never_exceeds_the_best_run(offsets: list[int]) -> None:
    s = streak([NOW - timedelta(days=d) for d in offsets], MADRID, NOW)
    assert 0 <= s.days <= s.best <= len(set(offsets))


def test_zone_names_are_checked() -> None:
    assert learner_zone("Europe/Madrid") == MADRID
    for bad in (None, "", "Mars/Olympus", "../etc/passwd", "/etc/localtime", "x" * 80):
        assert learner_zone(bad) is None
