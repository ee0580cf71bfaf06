"""Mastery of a skill-tree node: Bayesian Knowledge Tracing over the learner's answers.

BKT (Corbett & Anderson, 1995) keeps one number per node, P(known): the probability that the
learner knows what the node teaches. Each answer to one of the node's questions updates it by
Bayes' rule, given the question's chance of a lucky right answer (guess) and of a careless wrong
one (slip); then the learner may have learnt from the attempt (learn). The node is mastered
while P(known) is at least the course's threshold. ``docs/learning.md`` explains the defaults.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from aula.content.model import Node, Question
from aula.i18n import N_, _, current_language
from aula.learning.history import Attempt, chronological

# Guess and slip are kept inside these bounds so that no single answer is ever conclusive
# (a guess of 0 would make one right answer prove knowledge forever) and a right answer is
# always evidence *for* knowing (guess < 1 - slip).
_MIN_RATE = 0.001
_MAX_GUESS = 0.5
_MAX_SLIP = 0.499
_MAX_PRACTICE = 200


@dataclass(frozen=True)
class BKTParams:
    """The model's parameters; the defaults are argued for in ``docs/learning.md``."""

    prior: float = 0.25
    """P(L0): chance the learner already knows the node before answering anything."""
    learn: float = 0.15
    """P(T): chance the learner comes to know it through one attempt and its feedback."""
    slip: float = 0.1
    """Default P(S): chance a learner who knows it still answers wrong."""
    guess_floor: float = 0.1
    """The lowest default guess: partial knowledge and elimination beat blind chance."""
    retry_weight: float = 0.2
    """How much a retry (after seeing feedback) counts, as a fraction of a first try's
    evidence in log-odds: a retry's likelihood ratios are the first try's raised to this power."""

    def __post_init__(self) -> None:
        checks = {
            "prior": 0 < self.prior < 1,
            "learn": 0 <= self.learn < 1,
            "slip": 0 < self.slip < 0.5,
            "guess_floor": 0 < self.guess_floor <= 0.5,
            "retry_weight": 0 <= self.retry_weight <= 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"BKT parameter out of range: {', '.join(bad)}")


DEFAULT_PARAMS = BKTParams()


@dataclass(frozen=True)
class NodeMastery:
    p_known: float
    first_try_correct: int
    """Distinct questions answered right on the first try."""
    answered: int
    """Distinct questions answered at least once."""
    questions: int
    mastered: bool
    answers: int = 0
    """Answers that counted, retries included."""


@dataclass(frozen=True)
class Needed:
    """Right answers still needed to reach mastery, in the worst case the learner can meet."""

    first_tries: int
    """Right first-try answers, to questions not answered yet."""
    practice: int
    """Then right answers on questions already tried."""


def check_threshold(threshold: float) -> float:
    if not 0 < threshold < 1:
        raise ValueError(f"mastery threshold must be between 0 and 1, not {threshold}")
    return threshold


def default_guess(question: Question, params: BKTParams = DEFAULT_PARAMS) -> float:
    """Blind chance of a right answer: 1 in n for single choice, 1 in 2ⁿ-1 non-empty subsets
    for multiple choice, never below ``params.guess_floor``."""
    n = len(question.choices)
    outcomes = n if question.kind == "single" else 2**n - 1
    return min(_MAX_GUESS, max(params.guess_floor, 1 / max(outcomes, 1)))


def guess_slip(
    question: Question, first_try: bool = True, params: BKTParams = DEFAULT_PARAMS
) -> tuple[float, float]:
    """The (guess, slip) an answer to this question is read with.

    The author's ``guess``/``slip`` win over the defaults. A retry comes after the learner saw
    feedback that all but gives the answer away, so it is weaker evidence both ways: its
    likelihood ratios, A = (1-slip)/guess for a right answer and B = slip/(1-guess) for a wrong
    one, are raised to ``retry_weight``, and the (guess, slip) pair with those ratios is used.
    """
    g = question.guess if question.guess is not None else default_guess(question, params)
    s = question.slip if question.slip is not None else params.slip
    g = min(_MAX_GUESS, max(_MIN_RATE, g))
    s = min(_MAX_SLIP, max(_MIN_RATE, s))
    if first_try or params.retry_weight == 1:
        return g, s
    a = ((1 - s) / g) ** params.retry_weight
    b = (s / (1 - g)) ** params.retry_weight
    if a - b <= 1e-12:  # retry_weight 0: a retry says nothing either way
        return 0.5, 0.5
    return (1 - b) / (a - b), b * (a - 1) / (a - b)


def observe(
    p_known: float,
    question: Question,
    correct: bool,
    first_try: bool,
    params: BKTParams = DEFAULT_PARAMS,
) -> float:
    """P(known) after one answer: Bayes' rule on the answer, then the chance of learning."""
    g, s = guess_slip(question, first_try, params)
    if correct:
        known = p_known * (1 - s)
        posterior = known / (known + (1 - p_known) * g)
    else:
        known = p_known * s
        posterior = known / (known + (1 - p_known) * (1 - g))
    return posterior + (1 - posterior) * params.learn


def summarise(
    node: Node,
    attempts: Iterable[Attempt],
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
) -> NodeMastery:
    """Mastery of ``node`` from the attempts given (those on other questions are ignored).

    Every attempt given counts; ``skill_states`` decides which ones do (none while locked).
    A node without questions is never mastered: nothing could show it is understood.
    """
    check_threshold(threshold)
    by_id = {q.id: q for q in node.questions}
    p = params.prior
    answered: set[str] = set()
    first_right: set[str] = set()
    count = 0
    for a in chronological(attempts):
        question = by_id.get(a.question_id)
        if question is None:
            continue
        p = observe(p, question, a.correct, a.first_try, params)
        count += 1
        answered.add(question.id)
        if a.first_try and a.correct:
            first_right.add(question.id)
    return NodeMastery(
        p_known=p,
        first_try_correct=len(first_right),
        answered=len(answered),
        questions=len(node.questions),
        mastered=bool(node.questions) and p >= threshold,
        answers=count,
    )


def node_mastery(
    node: Node,
    attempts: Iterable[Attempt],
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
) -> NodeMastery:
    """Mastery of one node from a history (alias of ``summarise``, ignoring the tree's locks)."""
    return summarise(node, attempts, threshold, params)


def answers_needed(
    p_known: float,
    fresh: Sequence[Question],
    tried: Sequence[Question],
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
) -> Needed | None:
    """How many right answers take ``p_known`` to the threshold, whichever the learner picks.

    ``fresh`` are questions not answered yet (their first try is strong evidence), ``tried``
    the ones already answered (only retries are left). The count holds for *any* choice and
    order of questions: each right answer raises P(known) by more when its likelihood ratio is
    higher, and the order that helps least puts the weakest answer last, so we reckon with the
    k weakest fresh questions, strongest first, then retries of the weakest question.
    None if practice never gets there (only when ``learn`` is 0).
    """
    check_threshold(threshold)
    if p_known >= threshold:
        return Needed(0, 0)
    weakest_first = sorted(fresh, key=lambda q: _ratio(q, True, params))
    for k in range(1, len(weakest_first) + 1):
        p = p_known
        for q in reversed(weakest_first[:k]):
            p = observe(p, q, True, True, params)
        if p >= threshold:
            return Needed(k, 0)
    p = p_known
    for q in reversed(weakest_first):
        p = observe(p, q, True, True, params)
    pool = [*fresh, *tried]
    if not pool:
        return None
    weakest_retry = min(pool, key=lambda q: _ratio(q, False, params))
    for r in range(1, _MAX_PRACTICE + 1):
        p = observe(p, weakest_retry, True, False, params)
        if p >= threshold:
            return Needed(len(fresh), r)
    return None


def first_tries_to_master(
    node: Node, threshold: float, params: BKTParams = DEFAULT_PARAMS
) -> Needed | None:
    """Right answers that master ``node`` from scratch: the numbers in its learner-facing rule."""
    return answers_needed(params.prior, node.questions, (), threshold, params)


def progress_fraction(
    p_known: float, threshold: float, params: BKTParams = DEFAULT_PARAMS
) -> float:
    """How far P(known) has come from the prior to the threshold, in log-odds, from 0 to 1.

    Log-odds is the scale Bayes' rule adds evidence on, so each right first-try answer moves
    the bar by about the same step, and the bar starts empty rather than at P(L0).
    """
    check_threshold(threshold)
    if p_known >= threshold:
        return 1.0
    start, end = _logit(params.prior), _logit(threshold)
    if end <= start:
        return 0.0
    return min(1.0, max(0.0, (_logit(p_known) - start) / (end - start)))


def guided_question(node: Node, attempts: Iterable[Attempt]) -> Question | None:
    """The question the guided lesson asks next about ``node``: the first, in the node's order,
    not yet answered right; once every one has been, the one answered longest ago (practice).

    The player, the rule text and ``next_step`` all follow this order, so what the text asks
    is exactly what the learner is asked.
    """
    ids = {q.id for q in node.questions}
    mine = [a for a in chronological(attempts) if a.question_id in ids]
    right = {a.question_id for a in mine if a.correct}
    return guided_question_from(node, right, {a.question_id: i for i, a in enumerate(mine)})


def guided_question_from(
    node: Node, right: Collection[str], last_seen: Mapping[str, int]
) -> Question | None:
    """``guided_question`` from what it reads of a history: the questions answered right at
    least once, and each question's latest position in the history."""
    if not node.questions:
        return None
    pending = next((q for q in node.questions if q.id not in right), None)
    if pending is not None:
        return pending
    order = {q.id: i for i, q in enumerate(node.questions)}
    return min(node.questions, key=lambda q: (last_seen.get(q.id, -1), order[q.id]))


def guided_path(
    node: Node,
    p_known: float,
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
    *,
    answered: Collection[str] = (),
    right: Collection[str] = (),
    last_seen: Mapping[str, int] | None = None,
) -> Needed | None:
    """Right answers to the questions the guided lesson asks, in its order, that take the node
    from ``p_known`` to mastery: (first tries, retries). None if they never would.

    ``answered`` are the questions already tried (their next answer is a retry), ``right``
    those answered right at least once, ``last_seen`` each question's latest position.
    """
    check_threshold(threshold)
    if node.questions and p_known >= threshold:
        return Needed(0, 0)
    tried = set(answered)
    done = set(right)
    seen = dict(last_seen or {})
    clock = max(seen.values(), default=-1)
    p = p_known
    firsts = retries = 0
    for _step in range(_MAX_PRACTICE + len(node.questions)):
        q = guided_question_from(node, done, seen)
        if q is None:
            return None
        first = q.id not in tried
        p = observe(p, q, True, first, params)
        tried.add(q.id)
        done.add(q.id)
        clock += 1
        seen[q.id] = clock
        if first:
            firsts += 1
        else:
            retries += 1
        if p >= threshold:
            return Needed(firsts, retries)
    return None


_RULES: dict[tuple[int, float, BKTParams, str], tuple[Node, str]] = {}


def mastery_rule(node: Node, threshold: float, params: BKTParams = DEFAULT_PARAMS) -> str:
    """The rule as the learner reads it, computed from the model (never written by hand).

    It names exactly the answers that master the node when the questions come in the order
    the lesson asks them (``guided_question``): the node masters at the last one, not before.
    Memoised per node object: pages show it for every node on every request.
    """
    key = (id(node), threshold, params, current_language())  # the text is in that language
    found = _RULES.get(key)
    if found is not None and found[0] is node:
        return found[1]
    rule = _mastery_rule(node, threshold, params)
    if len(_RULES) > 100_000:
        _RULES.clear()
    _RULES[key] = (node, rule)  # keeping the node keeps its id from being reused
    return rule


def _mastery_rule(node: Node, threshold: float, params: BKTParams) -> str:
    if not node.questions:
        return _("This node has no questions yet, so it cannot be mastered.")
    needed = guided_path(node, params.prior, threshold, params)
    if needed is None:
        return _("Answer its questions right to master it.")
    n = len(node.questions)
    k, r = needed.first_tries, needed.practice
    if r == 0:
        if k == n:
            return _("Answer %(what)s right on the first try.", what=_all(n))
        if k == 1:
            return _("Answer its first question right on the first try.")
        return _("Answer its first %(count)s questions right on the first try.", count=_number(k))
    return _with_practice(_all(n), n, r)


def next_step(
    node: Node,
    mastery: NodeMastery,
    answered: Iterable[str],
    threshold: float,
    params: BKTParams = DEFAULT_PARAMS,
    *,
    right: Collection[str] = (),
    last_seen: Mapping[str, int] | None = None,
) -> str | None:
    """What would master the node from here, or None when it is mastered or cannot be.

    Exact, like the rule: the next that many questions the lesson asks, answered right,
    master the node on the last of them and not before.
    """
    if mastery.mastered or not node.questions:
        return None
    if not mastery.answers:
        return mastery_rule(node, threshold, params)
    needed = guided_path(
        node,
        mastery.p_known,
        threshold,
        params,
        answered=frozenset(answered),
        right=right,
        last_seen=last_seen,
    )
    if needed is None:
        return None
    m = needed.first_tries + needed.practice
    if m == 1:
        return _("Answer the next question right to master it.")
    return _("Answer the next %(count)s questions right to master it.", count=_number(m))


def _with_practice(what: str, n: int, r: int) -> str:
    if n == 1:
        return _(
            "Answer its question right on the first try, then answer it right %(times)s as it "
            "comes round again.",
            times=_more_times(r),
        )
    return _(
        "Answer %(what)s right on the first try, then answer them right %(times)s as they "
        "come round again.",
        what=what,
        times=_more_times(r),
    )


def _ratio(question: Question, first_try: bool, params: BKTParams) -> float:
    g, s = guess_slip(question, first_try, params)
    return (1 - s) / g


def _logit(p: float) -> float:
    p = min(1 - 1e-12, max(1e-12, p))
    return math.log(p / (1 - p))


_WORDS = (
    N_("zero"),
    N_("one"),
    N_("two"),
    N_("three"),
    N_("four"),
    N_("five"),
    N_("six"),
    N_("seven"),
    N_("eight"),
    N_("nine"),
    N_("ten"),
)


def _number(n: int) -> str:
    return _(_WORDS[n]) if 0 <= n < len(_WORDS) else str(n)


def _all(n: int) -> str:
    if n == 1:
        return _("its question")
    if n == 2:
        return _("both of its questions")
    return _("all %(count)s of its questions", count=_number(n))


def _more_times(n: int) -> str:
    if n == 1:
        return _("once more")
    if n == 2:
        return _("twice more")
    return _("%(count)s more times", count=_number(n))
