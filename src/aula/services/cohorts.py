"""Cohorts and the teacher's dashboard: who is in a class, where each learner stands, which
questions work, and what the class asked the instructor.

A teacher sees only their own cohorts (an admin sees all): ``visible_cohort`` is the one
place that decides. No HTTP here; every function blocks (call it from a thread).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aula.content.model import Course
from aula.i18n import N_
from aula.learning import Attempt, skill_states
from aula.learning.itemstats import ItemStats, Response, item_analysis
from aula.settings import Settings
from aula.store import AnswerRecord, Store
from aula.store.account_store import CohortRecord, MemberRole, UserRecord

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_NAME = 200
MATRIX_STATES = ("not_started", "in_progress", "mastered")
MATRIX_LABELS = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "mastered": N_("Mastered"),
}
"""Untranslated: the web translates them as it shows them (``_(label)``)."""


class JoinRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())[:32]


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("Give the cohort a name (a class, a team).")
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME or not cleaned.isprintable():
        raise ValueError(f"A cohort's name is at most {MAX_NAME} printable characters.")
    return cleaned


def create_cohort(store: Store, owner: UserRecord, name: str) -> CohortRecord:
    cohort = store.accounts.create_cohort(check_name(name), owner.id, new_code())
    store.accounts.audit(owner.email, "cohort.create", f"cohort:{cohort.id}", cohort.name)
    return cohort


def can_teach(user: UserRecord | None) -> bool:
    return user is not None and user.role in ("teacher", "admin")


def visible_cohorts(store: Store, user: UserRecord) -> list[CohortRecord]:
    if user.role == "admin":
        return store.accounts.cohorts_owned(None)
    if user.role == "teacher":
        return store.accounts.cohorts_owned(user.id)
    return []


def visible_cohort(store: Store, user: UserRecord, cohort_id: int) -> CohortRecord | None:
    """The cohort if this user may see it (its owner, or an admin); else None (a 404)."""
    if not can_teach(user):
        return None
    cohort = store.accounts.cohort(cohort_id)
    if cohort is None or (user.role != "admin" and cohort.owner_id != user.id):
        return None
    return cohort


def join(store: Store, code: str, learner_id: str) -> tuple[CohortRecord, bool]:
    """Join the cohort with this code; (cohort, False) if already in it."""
    cohort = store.accounts.cohort_by_code(normalise_code(code)) if code else None
    if cohort is None:
        raise JoinRefused(
            "No cohort has that join code. Check it with your teacher; nothing was changed."
        )
    return cohort, store.accounts.join_cohort(cohort.id, learner_id)


def sync_roster(
    store: Store,
    cohort_id: int,
    roster: Sequence[tuple[str, MemberRole]],
    remove_others: bool = False,
) -> None:
    """Make the cohort's members exactly (``remove_others``) or at least these
    (learner id, role) pairs, in one transaction: for an LMS roster (LTI) or a script."""
    store.accounts.sync_roster(cohort_id, roster, remove_others)


@dataclass(frozen=True)
class LearnerRow:
    key: str
    """A stable, opaque key for the row (never the learner id)."""
    label: str
    last_activity: datetime | None
    stuck: tuple[str, ...]
    cells: dict[str, str]
    """node id -> not_started / in_progress / mastered."""
    answers: int


@dataclass(frozen=True)
class ItemRow:
    lesson_id: str
    node_id: str
    question_id: str
    prompt: str
    stats: ItemStats
    distractor_text: str | None


@dataclass(frozen=True)
class AskedRow:
    who: str | None
    question: str
    refused: bool
    asked_at: datetime


@dataclass(frozen=True)
class Dashboard:
    cohort: CohortRecord
    nodes: list[tuple[str, str, str]]
    """(lesson id, node id, title) in course order: the matrix's columns."""
    learners: list[LearnerRow]
    items: list[ItemRow]
    asked: list[AskedRow]
    questions_shown: str

    def node_counts(self) -> list[tuple[str, dict[str, int]]]:
        """Per node title: how many learners are in each state (for the chart)."""
        out = []
        for _, node_id, title in self.nodes:
            counts = dict.fromkeys(MATRIX_STATES, 0)
            for row in self.learners:
                counts[row.cells.get(node_id, "not_started")] += 1
            out.append((title, counts))
        return out


def _cell(state: str, answers: int, mastered: bool) -> str:
    if mastered or state == "mastered":
        return "mastered"
    return "in_progress" if answers > 0 or state == "in_progress" else "not_started"


def dashboard(
    store: Store,
    course: Course,
    settings: Settings,
    cohort: CohortRecord,
    now: datetime | None = None,
) -> Dashboard:
    """Everything the teacher's pages show about a cohort, from one read of its activity."""
    now = now or datetime.now(UTC)
    data = store.accounts.cohort_activity(cohort.id)
    people = [m for m in data.members if m.role == "learner"]
    ids = [m.learner_id for m in people]
    users = store.accounts.users_by_learner(ids)
    labels = {}
    for number, member in enumerate(people, start=1):
        user = users.get(member.learner_id)
        labels[member.learner_id] = user.email if user else f"Anonymous learner {number}"
    keys = {m.learner_id: f"m{n}" for n, m in enumerate(people, start=1)}
    by_learner: dict[str, list[AnswerRecord]] = defaultdict(list)
    for a in data.answers:
        by_learner[a.learner_id].append(a)
    nodes = [
        (lesson.id, n.id, n.title) for lesson in course.lessons for n in lesson.skill_tree.nodes
    ]
    rows = []
    for member in people:
        mine = by_learner.get(member.learner_id, [])
        cells: dict[str, str] = {}
        for lesson in course.lessons:
            attempts = [_attempt(a) for a in mine if a.lesson_id == lesson.id]
            states = skill_states(lesson, attempts, course.mastery_threshold)
            for node_id, progress in states.items():
                cells[node_id] = _cell(
                    progress.state, progress.mastery.answers, progress.mastery.mastered
                )
        last = data.last_activity.get(member.learner_id)
        rows.append(
            LearnerRow(
                key=keys[member.learner_id],
                label=labels[member.learner_id],
                last_activity=last,
                stuck=_stuck(mine, cells, last, now, settings),
                cells=cells,
                answers=len(mine),
            )
        )
    items = _items(course, data.answers)
    asked: list[AskedRow] = []
    if settings.class_questions != "off":
        named = settings.class_questions == "named"
        asked = [
            AskedRow(labels.get(q.learner_id) if named else None, q.question, q.refused, q.asked_at)
            for q in data.asked
        ]
    return Dashboard(cohort, nodes, rows, items, asked, settings.class_questions)


def _attempt(a: AnswerRecord) -> Attempt:
    return Attempt(
        question_id=a.question_id,
        node_id=a.node_id,
        choice_ids=frozenset(a.choice_ids),
        correct=a.correct,
        attempt=a.attempt,
        answered_at=a.answered_at,
    )


def _stuck(
    answers: list[AnswerRecord],
    cells: dict[str, str],
    last: datetime | None,
    now: datetime,
    settings: Settings,
) -> tuple[str, ...]:
    reasons = []
    right = {a.question_id for a in answers if a.correct}
    wrong = sum(1 for a in answers if not a.correct and a.question_id not in right)
    if wrong >= settings.stuck_wrong:
        reasons.append(f"{wrong} wrong tries at questions not yet answered right")
    finished = bool(cells) and all(v == "mastered" for v in cells.values())
    if not finished and last is not None and now - last > timedelta(days=settings.stuck_days):
        reasons.append(f"no activity for {(now - last).days} days")
    return tuple(reasons)


def _items(course: Course, answers: list[AnswerRecord]) -> list[ItemRow]:
    responses = [
        Response(a.learner_id, a.question_id, a.attempt, a.choice_ids, a.correct) for a in answers
    ]
    keys = {q.id: q.correct_ids for lesson in course.lessons for q in lesson.questions}
    stats = item_analysis(responses, keys)
    rows = []
    for lesson in course.lessons:
        for node in lesson.skill_tree.nodes:
            for question in node.questions:
                found = stats.get(question.id)
                if found is None:
                    continue
                texts = {c.id: c.text.text for c in question.choices}
                rows.append(
                    ItemRow(
                        lesson.id,
                        node.id,
                        question.id,
                        question.prompt.text,
                        found,
                        texts.get(found.top_distractor) if found.top_distractor else None,
                    )
                )
    return rows


# Tables, as the CSV exports and the JSON twins give them


def matrix_table(d: Dashboard) -> tuple[list[str], list[list[str]]]:
    head = ["learner", "last_activity", "stuck", *[n for _, n, _ in d.nodes]]
    body = [
        [
            r.label,
            r.last_activity.isoformat() if r.last_activity else "",
            "; ".join(r.stuck),
            *[r.cells.get(n, "not_started") for _, n, _ in d.nodes],
        ]
        for r in d.learners
    ]
    return head, body


def items_table(d: Dashboard) -> tuple[list[str], list[list[str]]]:
    head = [
        "question_id",
        "node_id",
        "learners",
        "share_right_first",
        "top_distractor",
        "top_distractor_count",
        "point_biserial",
        "mean_tries",
        "flags",
    ]
    body = [
        [
            i.question_id,
            i.node_id,
            str(i.stats.learners),
            _num(i.stats.share_right_first),
            i.stats.top_distractor or "",
            str(i.stats.top_distractor_count),
            _num(i.stats.point_biserial),
            _num(i.stats.mean_tries),
            "; ".join(i.stats.flags),
        ]
        for i in d.items
    ]
    return head, body


def asked_table(d: Dashboard) -> tuple[list[str], list[list[str]]]:
    head = [
        "asked_at",
        "question",
        "refused",
        *(["learner"] if d.questions_shown == "named" else []),
    ]
    body = [
        [
            q.asked_at.isoformat(),
            q.question,
            "yes" if q.refused else "no",
            *([q.who or ""] if d.questions_shown == "named" else []),
        ]
        for q in d.asked
    ]
    return head, body


def skills_table(d: Dashboard) -> tuple[list[str], list[list[str]]]:
    """The matrix chart's numbers: learners per skill and state."""
    head = ["skill", *MATRIX_STATES]
    body = [[title, *[str(c[s]) for s in MATRIX_STATES]] for title, c in d.node_counts()]
    return head, body


TABLES = {
    "matrix": matrix_table,
    "skills": skills_table,
    "items": items_table,
    "questions": asked_table,
}


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
