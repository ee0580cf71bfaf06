"""``aula translations stamp``, run as an author runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_check import aula


def test_stamp_records_the_new_hash_and_check_stops_calling_it_stale(
    bilingual_course: Path,
) -> None:
    slide = bilingual_course / "lessons/basics/slides/01-hello.es.md"
    before = aula("check", "--no-run", str(bilingual_course))
    assert before.returncode == 0  # stale is a warning
    assert "01-hello.es.md:2: warning: stale: '01-hello.md' changed" in before.stderr
    assert before.stdout.strip().endswith("2 terms; es: 8/9 translated, 1 stale")
    result = aula("translations", "stamp", str(slide))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{slide}: source: 193a2bc04ff6"
    assert "source: 193a2bc04ff6\n" in slide.read_text(encoding="utf-8")
    after = aula("check", "--no-run", str(bilingual_course))
    assert "stale" not in after.stderr
    assert "02-second.yaml:1: warning: no Spanish translation (02-second.es.yaml)" in after.stderr
    assert after.stdout.strip().endswith("2 terms; es: 8/9 translated")
    data = json.loads(aula("check", "--no-run", "--json", str(bilingual_course)).stdout)
    assert data["translations"] == {
        "es": {"items": 9, "translated": 8, "stale": 0, "incomplete": 0}
    }


def test_stamp_refuses_a_file_that_is_not_a_translation(bilingual_course: Path) -> None:
    original = bilingual_course / "lessons/basics/slides/01-hello.md"
    text = original.read_text(encoding="utf-8")
    result = aula("translations", "stamp", str(original))
    assert result.returncode == 1
    assert "01-hello.md: not a readable translation of an item in bilingual-course" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert original.read_text(encoding="utf-8") == text


def test_schema_describes_a_node_translation() -> None:
    result = aula("schema", "node-translation")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == {"source", "title", "summary", "questions"}
    assert set(schema["$defs"]["ChoiceText"]["properties"]) == {"id", "text", "feedback"}
