"""Where each item of a course lives on the web: its address, shared by the web app's links
and JSON and by the instructor's sources (which may not import the web layer)."""

from __future__ import annotations

from urllib.parse import quote


def slide_url(lesson_id: str, number: int) -> str:
    return f"/lessons/{quote(lesson_id)}/slides/{number}"


def section_url(lesson_id: str, section_id: str) -> str:
    return f"/lessons/{quote(lesson_id)}#section-{quote(section_id)}"


def term_url(term_id: str) -> str:
    return f"/glossary#term-{quote(term_id)}"


def node_url(lesson_id: str, node_id: str) -> str:
    return f"/lessons/{quote(lesson_id)}/nodes/{quote(node_id)}"
