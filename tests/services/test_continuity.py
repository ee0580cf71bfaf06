from __future__ import annotations

from aula.content import Course
from aula.services.continuity import export, format_code, practice_groups


def test_practice_is_listed_by_skill_each_term_once(course: Course) -> None:
    lesson = course.lessons[0]
    first, second = lesson.skill_tree.nodes[0], lesson.skill_tree.nodes[1]
    cards = [("node", first.id), ("term", "saas"), ("term", "lora"), ("term", "nope")]
    groups = practice_groups(course, cards)
    assert [g.node_id for g in groups] == [first.id, second.id]
    assert groups[0].node_card and [i for i, _ in groups[0].terms] == ["saas"]
    assert not groups[1].node_card and [i for i, _ in groups[1].terms] == ["lora"]


def test_codes_read_in_fours() -> None:
    assert format_code("ABCDEFGHJKLM") == "ABCD-EFGH-JKLM"


def test_an_export_of_nobody_is_empty_but_well_formed(store: object, course: Course) -> None:
    from aula.store import Store

    assert isinstance(store, Store)
    data = export(store, course, "nobody")
    assert data["format"] == "aula-progress/1" and data["answers"] == []
    assert [lesson["lesson_id"] for lesson in data["lessons"]] == [course.lessons[0].id]
