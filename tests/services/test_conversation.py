from __future__ import annotations

from aula.content import Course
from aula.instructor import Instructor
from aula.services import conversation
from aula.store import Store


def test_a_follow_up_uses_the_last_question_and_only_three_turns_are_kept(
    store: Store, course: Course
) -> None:
    instructor = Instructor.for_course(course, embeddings=False, backend=None, use_cache=False)
    first = conversation.ask(store, instructor, "ana", "Can I run SDXL on a 12 GB card?")
    assert first.sources[0].url == "/labs/vram?model=sdxl&gpu=12"
    then = conversation.ask(store, instructor, "ana", "and for Flux?")
    assert then.sources[0].url == "/labs/vram?model=flux-dev&gpu=12"
    for q in ("What is VRAM?", "What is a LoRA?"):
        conversation.ask(store, instructor, "ana", q)
    assert [t.question for t in conversation.recent(store, "ana")] == [
        "and for Flux?",
        "What is VRAM?",
        "What is a LoRA?",
    ]
    assert conversation.recent(store, "ben") == []
