"""``aula translations stamp``, run as an author runs it."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_check import aula


def test_stamp_records_the_new_hash_and_check_stops_calling_it_stale(
    bilingual_course: Path,
) -> None:
    slide = bilingual_course / "lessons/basics/slides/01-hello.es.md"
    before = aula("check", "--no-run", str(bilingual_course))
    assert before.returncode == 0  # stale is a warning
    assert "01-hello.es.md:2: warning: stale: '01-hello.md' changed" in before.stderr
    result = aula("translations", "stamp", str(slide))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{slide}: source: 193a2bc04ff6"
    assert "source: 193a2bc04ff6\n" in slide.read_text(encoding="utf-8")
    after = aula("check", "--no-run", str(bilingual_course))
    assert "stale" not in after.stderr
    assert "02-second.yaml:1: warning: no Spanish translation (02-second.es.yaml)" in after.stderr


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
