"""Item analysis of a class's answers: which questions work, and which mislead.

Pure functions over (learner, question, attempt, choices, correct) facts, as classical test
theory has them. The point-biserial is Pearson's r between the 0/1 item score and a score
(https://assess.com/the-point-biserial-item-discrimination/, which also reads a negative one
as a likely mis-keyed item); the formula below is WebAssign's
(https://webassign.net/manual/placeU/c_i_point_biserial_discrimination.html):

- **share right first time**: the item's difficulty index *p*, over first tries only (the
  feedback after a wrong try makes later tries a different question);
- **ability** of a learner: their share right first time on the *other* questions they
  answered (the rest score, so an item is not correlated with itself);
- **point-biserial discrimination** ``r = (M1 - M0) / s * sqrt(p * q)``: ``M1``/``M0`` the mean
  ability of those right/wrong first time, ``s`` the (population) standard deviation of
  ability over everyone who answered, ``q = 1 - p``; undefined when everyone or no one was
  right, or when abilities do not vary;
- **mean tries**: the attempts a learner needed to get it right (all their attempts if never);
- **flags**: a wrong choice picked first time by at least ``flag_share`` of the high-ability
  learners (ability at or above the median, at least ``min_high`` of them) marks the question
  as likely ambiguous or mis-keyed; a negative discrimination marks it too.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

FLAG_SHARE = 0.5
MIN_HIGH = 2


@dataclass(frozen=True)
class Response:
    """One attempt by one learner at one question."""

    learner: str
    question_id: str
    attempt: int
    choice_ids: tuple[str, ...]
    correct: bool


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    learners: int
    """Learners who answered the question at least once."""
    right_first: int
    share_right_first: float | None
    top_distractor: str | None
    """The wrong choice picked most often on first tries (ties: the first in id order)."""
    top_distractor_count: int
    point_biserial: float | None
    mean_tries: float | None
    flags: tuple[str, ...]


def _first_tries(responses: Iterable[Response]) -> dict[str, dict[str, Response]]:
    """question -> learner -> their first try."""
    out: dict[str, dict[str, Response]] = defaultdict(dict)
    for r in responses:
        mine = out[r.question_id].get(r.learner)
        if mine is None or r.attempt < mine.attempt:
            out[r.question_id][r.learner] = r
    return out


def abilities(
    firsts: dict[str, dict[str, Response]], leave_out: str | None = None
) -> dict[str, float]:
    """Each learner's share right first time over the questions but ``leave_out``."""
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for question_id, by_learner in firsts.items():
        if question_id == leave_out:
            continue
        for learner, r in by_learner.items():
            seen[learner] += 1
            right[learner] += r.correct
    return {learner: right[learner] / seen[learner] for learner in seen}


def point_biserial(scores: Sequence[bool], ability: Sequence[float]) -> float | None:
    """Pearson's r between 0/1 ``scores`` and ``ability`` (None when undefined)."""
    n = len(scores)
    if n < 2 or n != len(ability):
        return None
    p = sum(scores) / n
    if p in (0.0, 1.0):
        return None
    mean = sum(ability) / n
    s = math.sqrt(sum((a - mean) ** 2 for a in ability) / n)
    if s == 0:
        return None
    m1 = sum(a for a, ok in zip(ability, scores, strict=True) if ok) / sum(scores)
    m0 = sum(a for a, ok in zip(ability, scores, strict=True) if not ok) / (n - sum(scores))
    return (m1 - m0) / s * math.sqrt(p * (1 - p))


def tries_to_right(attempts: Sequence[Response]) -> int:
    """Attempts up to the first right one; all of them if none was right."""
    ordered = sorted(attempts, key=lambda r: r.attempt)
    for number, r in enumerate(ordered, start=1):
        if r.correct:
            return number
    return len(ordered)


def item_analysis(
    responses: Iterable[Response],
    correct_ids: dict[str, frozenset[str]],
    *,
    flag_share: float = FLAG_SHARE,
    min_high: int = MIN_HIGH,
) -> dict[str, ItemStats]:
    """Statistics per question answered (``correct_ids``: the key of each question)."""
    every = list(responses)
    firsts = _first_tries(every)
    by_pair: dict[tuple[str, str], list[Response]] = defaultdict(list)
    for r in every:
        by_pair[(r.question_id, r.learner)].append(r)
    out: dict[str, ItemStats] = {}
    for question_id in sorted(firsts):
        by_learner = firsts[question_id]
        key = correct_ids.get(question_id, frozenset())
        learners = sorted(by_learner)
        right = sum(by_learner[x].correct for x in learners)
        wrong_choices: Counter[str] = Counter()
        for x in learners:
            r = by_learner[x]
            if not r.correct:
                wrong_choices.update(c for c in r.choice_ids if c not in key)
        top, top_count = None, 0
        if wrong_choices:
            top_count = max(wrong_choices.values())
            top = min(c for c, n in wrong_choices.items() if n == top_count)
        rest = abilities(firsts, leave_out=question_id)
        scored = [x for x in learners if x in rest]
        r_pb = point_biserial([by_learner[x].correct for x in scored], [rest[x] for x in scored])
        tries = [tries_to_right(by_pair[(question_id, x)]) for x in learners]
        flags = _flags(by_learner, rest, key, r_pb, flag_share, min_high)
        out[question_id] = ItemStats(
            question_id=question_id,
            learners=len(learners),
            right_first=right,
            share_right_first=right / len(learners) if learners else None,
            top_distractor=top,
            top_distractor_count=top_count,
            point_biserial=r_pb,
            mean_tries=sum(tries) / len(tries) if tries else None,
            flags=flags,
        )
    return out


def _flags(
    by_learner: dict[str, Response],
    rest: dict[str, float],
    key: frozenset[str],
    r_pb: float | None,
    flag_share: float,
    min_high: int,
) -> tuple[str, ...]:
    flags = []
    scored = {x: a for x, a in rest.items() if x in by_learner}
    if scored:
        cut = median(scored.values())
        high = [x for x, a in scored.items() if a >= cut]
        if len(high) >= min_high:
            picked: Counter[str] = Counter()
            for x in high:
                r = by_learner[x]
                if not r.correct:
                    picked.update(c for c in r.choice_ids if c not in key)
            for choice, n in sorted(picked.items()):
                if n / len(high) >= flag_share:
                    flags.append(f"high-ability learners chose '{choice}'")
    if r_pb is not None and r_pb < 0:
        flags.append("negative discrimination")
    return tuple(flags)
