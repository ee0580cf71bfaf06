"""Course objects built directly (no files), and hypothesis strategies for lessons and histories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

from hypothesis import strategies as st

from aula.content.model import Choice, Lesson, Node, Question, Rich, SkillTree, Slide
from aula.learning import Attempt

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def rich(text: str) -> Rich:
    return Rich(md=text, html=text, text=text)


def question(
    qid: str,
    node: str = "n0",
    choices: int = 4,
    kind: Literal["single", "multiple"] = "single",
    correct: Sequence[int] = (0,),
    guess: float | None = None,
    slip: float | None = None,
) -> Question:
    return Question(
        id=qid,
        node=node,
        lesson="l",
        prompt=rich(f"Question {qid}?"),
        kind=kind,
        choices=tuple(
            Choice(f"c{i}", rich(f"choice {i}"), i in correct, rich(f"feedback {i}"))
            for i in range(choices)
        ),
        explanation=rich("Because."),
        guess=guess,
        slip=slip,
        file="nodes/x.yaml",
    )


def node(
    nid: str,
    questions: Sequence[Question] = (),
    prerequisites: Sequence[str] = (),
    title: str | None = None,
    slides: Sequence[str] = (),
    terms: Sequence[str] = (),
) -> Node:
    return Node(
        id=nid,
        title=title or f"Node {nid}",
        summary=rich("Summary."),
        prerequisites=tuple(prerequisites),
        slides=tuple(slides),
        sections=(),
        terms=tuple(terms),
        questions=tuple(questions),
        file=f"nodes/{nid}.yaml",
    )


def slide(sid: str, number: int, terms: Sequence[str] = ()) -> Slide:
    return Slide(
        id=sid,
        number=number,
        title=sid,
        body=rich("Body."),
        guide=None,
        visual=None,
        code=None,
        terms=tuple(terms),
        sources=(),
        file=f"slides/{sid}.md",
    )


def lesson(nodes: Sequence[Node], slides: Sequence[Slide] = (), title: str = "Tree") -> Lesson:
    return Lesson(
        id="l",
        title="Lesson",
        tagline=None,
        editor_tab="main.py",
        slides=tuple(slides),
        sections=(),
        skill_tree=SkillTree(title=title, subtitle=None, nodes=tuple(nodes)),
        glossary_title="Glossary",
    )


def chain_lesson(length: int = 3, questions: int = 4) -> Lesson:
    """n0 <- n1 <- n2 ...: each node needs the one before, each with 4-choice questions."""
    return lesson(
        [
            node(
                f"n{i}",
                [question(f"q{i}-{j}", f"n{i}") for j in range(questions)],
                [f"n{i - 1}"] if i else [],
            )
            for i in range(length)
        ]
    )


class History:
    """Answers appended in time order, numbering attempts per question as the store does."""

    def __init__(self, start: datetime = T0) -> None:
        self.attempts: list[Attempt] = []
        self.now = start

    def answer(self, q: Question, correct: bool, attempt: int | None = None) -> Attempt:
        self.now += timedelta(minutes=1)
        number = attempt or 1 + sum(1 for a in self.attempts if a.question_id == q.id)
        chosen = q.correct_ids if correct else frozenset({"wrong"})
        a = Attempt(q.id, q.node, chosen, correct, number, self.now)
        self.attempts.append(a)
        return a


@st.composite
def lessons(draw: st.DrawFn, max_nodes: int = 6) -> Lesson:
    """DAG-shaped lessons: prerequisites only point to earlier nodes; 2-4 choices a question."""
    count = draw(st.integers(1, max_nodes))
    nodes = []
    for i in range(count):
        prereqs = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        qs = []
        for j in range(draw(st.integers(1, 4))):
            n = draw(st.integers(2, 4))
            kinds: list[Literal["single", "multiple"]] = ["single", "multiple"]
            kind = draw(st.sampled_from(kinds))
            correct = (
                [draw(st.integers(0, n - 1))]
                if kind == "single"
                else sorted(draw(st.sets(st.integers(0, n - 1), min_size=1)))
            )
            rate = st.none() | st.none() | st.floats(0.0, 0.3) | st.floats(0.0, 0.49)
            qs.append(question(f"q{i}-{j}", f"n{i}", n, kind, correct, draw(rate), draw(rate)))
        nodes.append(node(f"n{i}", qs, [f"n{p}" for p in sorted(prereqs)]))
    return lesson(nodes)


@st.composite
def histories(draw: st.DrawFn, lesson: Lesson, max_size: int = 60) -> list[Attempt]:
    """Answers in time order, some the way a learner goes (node by node, mostly right, then
    revisits that are often wrong), some at random (locked nodes included)."""
    qs = lesson.questions
    picks: list[tuple[Question, bool]] = []
    if draw(st.booleans()):
        for n in lesson.skill_tree.nodes:
            size = len(n.questions) + draw(st.integers(0, 6))
            rights = draw(st.lists(_mostly(9), min_size=size, max_size=size))
            picks += [(n.questions[i % len(n.questions)], r) for i, r in enumerate(rights)]
        revisits = draw(st.lists(st.tuples(st.sampled_from(qs), _mostly(4)), max_size=10))
        picks += revisits
    else:
        picks = draw(st.lists(st.tuples(st.sampled_from(qs), _mostly(8)), max_size=max_size))
    h = History()
    for q, correct in picks:
        h.answer(q, correct)
    return h.attempts


def _mostly(right_in_ten: int) -> st.SearchStrategy[bool]:
    return st.integers(0, 9).map(lambda d: d < right_in_ten)
