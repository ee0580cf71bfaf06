"""The content layer's front door: ``check_course`` reports, ``load_course`` loads or raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import aula
from aula.content.build import build_course
from aula.content.findings import CourseError, Finding
from aula.content.freshness import stale_facts
from aula.content.model import Course
from aula.content.reader import read_course
from aula.content.rules import check_rules
from aula.content.snippets import SnippetRunner

BUILTIN_COURSE = "sintetografia-avanzada"


def builtin_course_path() -> Path:
    return Path(aula.__file__).parent / "courses" / BUILTIN_COURSE


@dataclass(frozen=True)
class CheckReport:
    course: Course | None
    findings: list[Finding]
    snippets_run: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "error"]

    @property
    def ok(self) -> bool:
        return self.course is not None and not self.errors


def check_course(
    root: Path | None = None,
    *,
    run_snippets: bool = True,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    max_age_days: int | None = None,
    today: dt.date | None = None,
) -> CheckReport:
    """Read, validate and build a course, collecting every problem rather than the first.

    With ``max_age_days``, every source or fact checked longer ago than that is a warning."""
    root = (root or builtin_course_path()).resolve()
    parsed, findings = read_course(root)
    if parsed is None:
        return CheckReport(None, sorted(findings))
    findings += check_rules(parsed)
    if max_age_days is not None:
        findings += stale_facts(parsed, max_age_days, today)
    runner = SnippetRunner(root, cache_dir, use_cache=use_cache) if run_snippets else None
    course, more = build_course(parsed, runner)
    findings += more
    return CheckReport(course, sorted(set(findings)), runner.executed if runner else 0)


def load_course(
    root: Path | None = None,
    *,
    run_snippets: bool = True,
    use_cache: bool = True,
    cache_dir: Path | None = None,
) -> Course:
    """The course at ``root`` (default: the built-in one), or ``CourseError`` with every problem."""
    report = check_course(root, run_snippets=run_snippets, use_cache=use_cache, cache_dir=cache_dir)
    if not report.ok or report.course is None:
        raise CourseError(report.errors)
    return report.course
