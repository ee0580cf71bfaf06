"""``aula check``: validate a course folder and report every problem as ``file:line: message``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from aula.content import check_course
from aula.content.loader import CheckReport
from aula.i18n import _, ngettext
from aula.settings import SettingsError, load_settings


def _summary(report: CheckReport) -> str:
    assert report.course is not None
    counts = report.course.counts()
    parts = ", ".join(_count(name, n) for name, n in counts.items())
    ran = (
        "; " + ngettext("%(num)d snippet run", "%(num)d snippets run", report.snippets_run)
        if report.snippets_run
        else ""
    )
    if report.snippets_run:
        contained = " " + _("(contained by %(how)s)", how=report.containment)
    elif report.containment:  # all cached: say what a run would use
        contained = " " + _("(snippets contained by %(how)s)", how=report.containment)
    else:
        contained = ""
    summary = _("ok: %(course)s: %(parts)s", course=report.course.id, parts=parts)
    return summary + ran + contained + _languages(report)


def _languages(report: CheckReport) -> str:
    """``; es: 27/27 translated`` (with stale and incomplete ones when there are any)."""
    out = ""
    for lang, row in report.translations.items():
        out += "; " + _(
            "%(lang)s: %(done)s/%(items)s translated",
            lang=lang,
            done=row["translated"],
            items=row["items"],
        )
        if row["stale"]:
            out += ", " + _("%(count)s stale", count=row["stale"])
        if row["incomplete"]:
            out += ", " + _("%(count)s incomplete", count=row["incomplete"])
    return out


def _count(name: str, n: int) -> str:
    if name == "lessons":
        return ngettext("%(num)d lesson", "%(num)d lessons", n)
    if name == "slides":
        return ngettext("%(num)d slide", "%(num)d slides", n)
    if name == "nodes":
        return ngettext("%(num)d node", "%(num)d nodes", n)
    if name == "questions":
        return ngettext("%(num)d question", "%(num)d questions", n)
    if name == "terms":
        return ngettext("%(num)d term", "%(num)d terms", n)
    return f"{n} {name if n != 1 else name.rstrip('s')}"


@click.command(name="check", help=_("Validate a course folder (default: the built-in course)."))
@click.argument(
    "path", required=False, type=click.Path(path_type=Path, file_okay=False, exists=False)
)
@click.option("--json", "as_json", is_flag=True, help=_("Print the findings as JSON."))
@click.option("--no-run", is_flag=True, help=_("Do not run runnable code (skips its checks)."))
@click.option("--rerun", is_flag=True, help=_("Ignore cached snippet output and run again."))
@click.option(
    "--max-age",
    type=click.IntRange(min=1),
    help=_(
        "Warn about facts checked longer ago than this many days "
        "(default: AULA_FACTS_MAX_AGE_DAYS, 180)."
    ),
)
def check(path: Path | None, as_json: bool, no_run: bool, rerun: bool, max_age: int | None) -> None:
    """Validate a course folder (default: the built-in course)."""
    if max_age is None:
        try:
            max_age = load_settings(environ=os.environ).facts_max_age_days
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from None
    report = check_course(path, run_snippets=not no_run, use_cache=not rerun, max_age_days=max_age)
    if as_json:
        data = {
            "ok": report.ok,
            "counts": report.course.counts() if report.course else None,
            "snippets_run": report.snippets_run,
            "containment": report.containment or None,
            "translations": report.translations,
            "findings": [f.as_dict() for f in report.findings],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for finding in report.findings:
            label = "" if finding.severity == "error" else _("warning: ")
            click.echo(f"{finding.file}:{finding.line}: {label}{finding.message}", err=True)
        if report.ok:
            click.echo(_summary(report))
        else:
            n = len(report.errors)
            click.echo(ngettext("%(num)d problem found", "%(num)d problems found", n), err=True)
    if not report.ok:
        raise SystemExit(1)
