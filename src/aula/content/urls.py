"""Where each item of a course lives on the web: its address, shared by the web app's links
and JSON and by the instructor's sources (which may not import the web layer)."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def slide_url(lesson_id: str, number: int) -> str:
    return f"/lessons/{quote(lesson_id)}/slides/{number}"


def section_url(lesson_id: str, section_id: str) -> str:
    return f"/lessons/{quote(lesson_id)}#section-{quote(section_id)}"


def term_url(term_id: str) -> str:
    return f"/glossary#term-{quote(term_id)}"


def node_url(lesson_id: str, node_id: str) -> str:
    return f"/lessons/{quote(lesson_id)}/nodes/{quote(node_id)}"


def lab_url(slug: str, **params: str) -> str:
    """A lab's page, optionally pre-filled: ``lab_url("vram", model="flux-dev", gpu="8")``."""
    query = urlencode({k: v for k, v in params.items() if v})
    return f"/labs/{quote(slug)}" + (f"?{query}" if query else "")
