"""Pure rules over the course and a learner's history: grading, mastery, unlocking, review.

No I/O here: no clock, no database, no files. ``docs/learning.md`` explains the model.
"""

from aula.learning.grading import ChoiceFeedback, Grade, InvalidAnswer, grade
from aula.learning.history import Attempt, chronological
from aula.learning.mastery import (
    DEFAULT_PARAMS,
    BKTParams,
    Needed,
    NodeMastery,
    answers_needed,
    default_guess,
    first_tries_to_master,
    guess_slip,
    mastery_rule,
    node_mastery,
    observe,
    progress_fraction,
)
from aula.learning.review import (
    Rating,
    ReviewCard,
    ReviewItem,
    card_for,
    due,
    items_to_schedule,
    new_card,
    rate,
    rating_from_answer,
    review_question,
)
from aula.learning.skillmap import Box, Edge, SkillMapLayout, layout, render_svg
from aula.learning.skills import (
    NODE_STATES,
    LessonProgress,
    NodeProgress,
    NodeState,
    lesson_progress,
    skill_states,
    summarise_lesson,
)

__all__ = [
    "DEFAULT_PARAMS",
    "NODE_STATES",
    "Attempt",
    "BKTParams",
    "Box",
    "ChoiceFeedback",
    "Edge",
    "Grade",
    "InvalidAnswer",
    "LessonProgress",
    "Needed",
    "NodeMastery",
    "NodeProgress",
    "NodeState",
    "Rating",
    "ReviewCard",
    "ReviewItem",
    "SkillMapLayout",
    "answers_needed",
    "card_for",
    "chronological",
    "default_guess",
    "due",
    "first_tries_to_master",
    "grade",
    "guess_slip",
    "items_to_schedule",
    "layout",
    "lesson_progress",
    "mastery_rule",
    "new_card",
    "node_mastery",
    "observe",
    "progress_fraction",
    "rate",
    "rating_from_answer",
    "render_svg",
    "review_question",
    "skill_states",
    "summarise_lesson",
]
