"""Every address the course's URL helpers build is served by a route of the app."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.routing import Match

from aula.content import Course
from aula.content.urls import lab_url, lesson_url, node_url, section_url, slide_url, term_url
from aula.web.labs import LABS


def served(app: Starlette, url: str) -> bool:
    scope = {"type": "http", "method": "GET", "path": urlsplit(url).path}
    return any(route.matches(scope)[0] == Match.FULL for route in app.router.routes)


def test_helpers_build_paths_the_app_serves(app: Starlette, course: Course) -> None:
    lesson = course.lessons[0]
    urls = [
        lesson_url(lesson.id),
        *(slide_url(lesson.id, s.number) for s in lesson.slides),
        *(node_url(lesson.id, n.id) for n in lesson.skill_tree.nodes),
        *(section_url(lesson.id, s.id) for s in lesson.sections),
        *(term_url(t.id) for t in course.glossary),
        *(lab_url(slug, gpu=8) for slug, _title, _text in LABS),
    ]
    assert all(served(app, url) for url in urls), [u for u in urls if not served(app, u)]
    assert not served(app, "/nowhere")
