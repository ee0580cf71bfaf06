"""Grading one answer to a question: right or wrong, and what to tell the learner."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from aula.content.model import Question, Rich

ANSWER_FIELD = "choice"
"""The form field the answer arrives in; errors name it so the page can mark it."""


class InvalidAnswer(ValueError):
    """An answer that cannot be graded, with a message meant for the learner."""

    def __init__(self, message: str, field: str = ANSWER_FIELD) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ChoiceFeedback:
    """What to say about one choice: one the learner picked, or a right one they missed."""

    choice_id: str
    text: Rich
    chosen: bool
    correct: bool
    feedback: Rich | None

    @property
    def verdict(self) -> Literal["right", "wrong", "missed"]:
        if not self.chosen:
            return "missed"
        return "right" if self.correct else "wrong"


@dataclass(frozen=True)
class Grade:
    correct: bool
    chosen: tuple[str, ...]
    """The chosen choice ids, in the order the question lists its choices."""
    feedback: tuple[ChoiceFeedback, ...]
    """Each chosen choice, then (multiple choice only) each right choice that was not chosen."""
    explanation: Rich


def grade(question: Question, choice_ids: Collection[str]) -> Grade:
    """Grade an answer, or raise ``InvalidAnswer`` if it is not one the question can take.

    A multiple-choice answer is right only when the chosen set is exactly the right set.
    """
    picked = [choice_ids] if isinstance(choice_ids, str) else list(choice_ids)
    _check(question, picked)
    chosen = frozenset(picked)
    right = question.correct_ids
    feedback = [
        ChoiceFeedback(c.id, c.text, True, c.correct, c.feedback)
        for c in question.choices
        if c.id in chosen
    ]
    if question.kind == "multiple":
        feedback += [
            ChoiceFeedback(c.id, c.text, False, True, c.feedback)
            for c in question.choices
            if c.correct and c.id not in chosen
        ]
    return Grade(
        correct=chosen == right,
        chosen=tuple(c.id for c in question.choices if c.id in chosen),
        feedback=tuple(feedback),
        explanation=question.explanation,
    )


def _check(question: Question, picked: list[str]) -> None:
    single = question.kind == "single"
    if not picked:
        raise InvalidAnswer("Pick an answer first." if single else "Pick at least one answer.")
    known = {c.id for c in question.choices}
    if any(p not in known for p in picked):
        raise InvalidAnswer(
            "That answer is not one of this question's choices. Reload the page and try again."
        )
    if len(set(picked)) != len(picked):
        raise InvalidAnswer("Each answer can be picked only once.")
    if single and len(picked) > 1:
        raise InvalidAnswer("Pick just one answer: this question has a single right answer.")
