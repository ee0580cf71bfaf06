"""aula check warns about facts whose checked date is older than the allowed age."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aula.cli.check import check
from aula.content import check_course
from aula.content.freshness import stale_facts
from aula.content.loader import builtin_course_path
from aula.content.reader import read_course


def test_old_sources_and_facts_are_warnings_at_their_lines(tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(builtin_course_path(), root)
    catalog = root / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    old = (
        'price: {value: "Subscription: $10–$120 a month ($8–$96 paid yearly)", '
        "source: midjourney-plans"
    )
    assert old in text
    catalog.write_text(text.replace(old, old + ", checked: 2020-01-01"), encoding="utf-8")
    parsed, _ = read_course(root)
    assert parsed is not None
    today = dt.date(2026, 11, 29)
    found = stale_facts(parsed, 10, today)
    assert all(f.severity == "warning" for f in found)
    sources = [f for f in found if f.file.endswith("sources.yaml")]
    expected = "'midjourney-plans' was last checked on 2026-11-01, 28 days ago"
    assert any(expected in f.message for f in sources)
    assert not any("'sd3-blog'" in f.message for f in sources)  # checked 2026-11-29
    line = next(i for i, s in enumerate(catalog.read_text().splitlines(), 1) if "2020-01-01" in s)
    facts = [f for f in found if f.file.endswith("catalog.yaml")]
    assert [(f.line, f.message.split(",")[0]) for f in facts] == [
        (line, "this fact was last checked on 2020-01-01")
    ]
    assert stale_facts(parsed, 10_000, today) == []


def test_check_reports_them_without_failing() -> None:
    report = check_course(run_snippets=False, max_age_days=1, today=dt.date(2027, 1, 1))
    assert report.ok and report.warnings
    assert not check_course(run_snippets=False).warnings  # off unless asked for


def test_the_cli_takes_the_age_from_the_option_or_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = CliRunner()
    result = runner.invoke(check, ["--no-run", "--max-age", "1"])
    assert result.exit_code == 0
    assert "warning: source" in result.output
    monkeypatch.setenv("AULA_FACTS_MAX_AGE_DAYS", "100000")
    quiet = runner.invoke(check, ["--no-run"])
    assert quiet.exit_code == 0 and "warning: source" not in quiet.output
    monkeypatch.setenv("AULA_FACTS_MAX_AGE_DAYS", "0")
    assert runner.invoke(check, ["--no-run"]).exit_code != 0  # a bad setting is refused
