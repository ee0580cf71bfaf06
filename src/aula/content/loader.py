"""The content layer's front door: ``check_course`` reports, ``load_course`` loads or raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import aula
from aula.content import cache
from aula.content.findings import CourseError, Finding
from aula.content.model import Course
from aula.content.snippets import default_cache_dir

BUILTIN_COURSE = "sintetografia-avanzada"


def builtin_course_path() -> Path:
    return Path(aula.__file__).parent / "courses" / BUILTIN_COURSE


@dataclass(frozen=True)
class CheckReport:
    course: Course | None
    findings: list[Finding]
    snippets_run: int = 0
    containment: str = ""  # how snippets were contained (snippets.containment()); "" if not run
    # Per language besides the course's own: items, translated, stale, incomplete.
    translations: dict[str, dict[str, int]] = field(default_factory=dict)

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

    With ``max_age_days``, every source or fact checked longer ago than that is a warning.

    With ``use_cache`` (and no ``max_age_days``: those warnings depend on the day), a course
    built before from the very same files comes from the cache (``content/cache.py``); the
    parsers, Markdown and Pygments are then not even imported."""
    root = (root or builtin_course_path()).resolve()
    keep = use_cache and max_age_days is None
    folder = (cache_dir or default_cache_dir()) / "courses"
    key = cache.course_key(root, run_snippets=run_snippets) if keep else ""
    if keep and (cached := cache.read(folder, key)) is not None:
        return CheckReport(cached.course, cached.findings, 0, translations=cached.translations)
    report = _build(
        root,
        run_snippets=run_snippets,
        use_cache=use_cache,
        cache_dir=cache_dir,
        max_age_days=max_age_days,
        today=today,
    )
    if keep and report.ok:
        cache.write(folder, key, report)
    return report


def _build(
    root: Path,
    *,
    run_snippets: bool,
    use_cache: bool,
    cache_dir: Path | None,
    max_age_days: int | None,
    today: dt.date | None,
) -> CheckReport:
    from aula.content.build import build_course
    from aula.content.freshness import stale_facts
    from aula.content.reader import read_course
    from aula.content.rules import check_rules
    from aula.content.snippets import SnippetRunner
    from aula.content.translations import check_translations, coverage

    parsed, findings = read_course(root)
    if parsed is None:
        return CheckReport(None, sorted(findings))
    findings += check_rules(parsed)
    findings += check_translations(parsed)
    if max_age_days is not None:
        findings += stale_facts(parsed, max_age_days, today)
    runner = SnippetRunner(root, cache_dir, use_cache=use_cache) if run_snippets else None
    course, more = build_course(parsed, runner)
    findings += more
    return CheckReport(
        course,
        sorted(set(findings)),
        runner.executed if runner else 0,
        runner.containment if runner else "",
        coverage(parsed),
    )


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
