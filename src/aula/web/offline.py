"""What a browser keeps to work offline: the web app manifest, the service worker's settings,
and each lesson's pack (every address to cache once the lesson has been opened).

The service worker (``web/worker/sw.js``) is served from ``/sw.js`` so that its scope is the
whole site; its first line names the course version, so a new course version is a new worker,
which replaces the old caches when it takes over. See ``docs/offline.md``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from aula.content.model import Lesson
from aula.content.urls import lesson_url, node_url, slide_url
from aula.services.sync import offline_version
from aula.web.aula import Aula

WORKER = Path(__file__).parent / "worker" / "sw.js"
ICONS = (("icon-192.png", "192x192"), ("icon-512.png", "512x512"))
SHELL_ASSETS = ("aula.css", "aula.js", "aula-offline.js", "favicon.svg", *(i for i, _ in ICONS))


@cache
def worker_source() -> str:
    return WORKER.read_text(encoding="utf-8")


def manifest_data(aula: Aula) -> dict[str, Any]:
    course = aula.course
    first = course.lessons[0].id if course.lessons else None
    return {
        "name": course.title,
        "short_name": course.title[:12],
        "description": course.description or course.title,
        "lang": course.language,
        "id": aula.url("home"),
        "start_url": lesson_url(first) if first else aula.url("home"),
        "scope": aula.url("home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b57d0",
        "icons": [
            {"src": aula.static_url(name), "sizes": sizes, "type": "image/png", "purpose": "any"}
            for name, sizes in ICONS
        ]
        + [{"src": aula.static_url("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }


def worker_script(aula: Aula) -> str:
    """The service worker with this server's settings on its first lines."""
    config = {
        "version": offline_version(aula.course),
        "queueScript": aula.static_url("aula-offline.js"),
        "shell": [aula.static_url(name) for name in SHELL_ASSETS],
        "sessionUrl": aula.url("api-session"),
        "syncUrl": aula.url("api-sync"),
        "offlinePage": aula.url("home"),
        "staticPrefix": aula.static_url("").split("?", 1)[0],
    }
    return f"const AULA = {json.dumps(config)};\n{worker_source()}"


def lesson_pack(aula: Aula, lesson: Lesson) -> dict[str, Any]:
    """Every page and JSON twin a learner needs for the lesson offline, and the assets."""
    pages = [aula.url("home"), lesson_url(lesson.id)]
    for slide in lesson.slides:
        pages.append(slide_url(lesson.id, slide.number))
        if slide.code is not None:
            pages.append(f"{slide_url(lesson.id, slide.number)}?view=terminal")
    pages += [node_url(lesson.id, node.id) for node in lesson.skill_tree.nodes]
    pages += [
        aula.url("skills", lesson_id=lesson.id),
        aula.url("skills-home"),
        aula.url("glossary"),
        aula.url("instructor"),
        aula.url("review"),
        aula.url("manifest"),
        aula.url("api-lesson", lesson_id=lesson.id),
        aula.url("api-glossary"),
        aula.url("api-offline-index"),
    ]
    assets = [aula.static_url(name) for name in sorted(aula.assets.versions)]
    return {
        "version": offline_version(aula.course),
        "lesson": lesson.id,
        "urls": pages + assets,
    }
