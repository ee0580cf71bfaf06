"""``aula export scorm|cmi5 LESSON -o lesson.zip``: a lesson as a package an LMS imports."""

from __future__ import annotations

from pathlib import Path

import click

from aula.content import CourseError, load_course
from aula.content.model import Course
from aula.services.packages import Standard, UnknownLesson, build_package

COURSE = click.option(
    "--course",
    "course_path",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Course folder (default: the built-in course).",
)
OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    required=True,
    help="The zip file to write.",
)
SERVER = click.option(
    "--server",
    metavar="URL",
    help="This course's Aula server (https://aula.example.org): the package links the AI "
    "instructor and the labs there. Without it they are left out.",
)


def _course(path: Path | None) -> Course:
    try:
        return load_course(path)
    except CourseError as exc:
        for finding in exc.findings[:5]:
            click.echo(f"{finding.file}:{finding.line}: {finding.message}", err=True)
        raise SystemExit(1) from None


def _write(
    course: Course, lesson: str, standard: Standard, output: Path, server: str | None
) -> None:
    if server and not server.startswith(("http://", "https://")):
        raise click.BadParameter("must start with http:// or https://", param_hint="--server")
    try:
        data = build_package(course, lesson, standard, server)
    except UnknownLesson as exc:
        click.echo(f"aula export: {exc.message}", err=True)
        raise SystemExit(2) from None
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    click.echo(f"{output}: {standard} package of '{lesson}', {len(data) // 1024 + 1} KiB")


@click.group(name="export")
def export() -> None:
    """Export a lesson as a SCORM or cmi5 package for an LMS."""


@export.command(name="scorm")
@click.argument("lesson")
@OUTPUT
@click.option(
    "--version",
    "version",
    type=click.Choice(["1.2", "2004"]),
    default="2004",
    show_default=True,
    help="SCORM 1.2, or SCORM 2004 4th Edition.",
)
@SERVER
@COURSE
def scorm(
    lesson: str, output: Path, version: str, server: str | None, course_path: Path | None
) -> None:
    """A SCORM package of LESSON: completion, score and each answer reach the LMS."""
    standard: Standard = "scorm12" if version == "1.2" else "scorm2004"
    _write(_course(course_path), lesson, standard, output, server)


@export.command(name="cmi5")
@click.argument("lesson")
@OUTPUT
@SERVER
@COURSE
def cmi5(lesson: str, output: Path, server: str | None, course_path: Path | None) -> None:
    """A cmi5 package of LESSON (course structure cmi5.xml and the lesson as its AU)."""
    _write(_course(course_path), lesson, "cmi5", output, server)
