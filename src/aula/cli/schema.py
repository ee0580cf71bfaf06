"""``aula schema``: the course format as JSON Schema, for editors that validate YAML."""

from __future__ import annotations

import json

import click
from pydantic import BaseModel

from aula.content import schema

KINDS: dict[str, type[BaseModel]] = {
    "course": schema.CourseFile,
    "sources": schema.SourcesFile,
    "lesson": schema.LessonFile,
    "slide": schema.SlideFront,
    "section": schema.SectionFront,
    "node": schema.NodeFile,
    "term": schema.TermFront,
    # Translations (docs/course-format.md, "Translations"): NN-id.<lang>.md / .yaml beside each.
    "translation": schema.TranslationFront,  # a slide's, section's or term's front matter
    "node-translation": schema.NodeText,
    "lesson-translation": schema.LessonText,
    "course-translation": schema.CourseText,
    "catalog-translation": schema.CatalogText,
}


@click.command(name="schema")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
def schema_command(kind: str) -> None:
    """Print the JSON Schema of one kind of course file (front matter for .md files)."""
    click.echo(json.dumps(KINDS[kind].model_json_schema(), indent=2, ensure_ascii=False))
