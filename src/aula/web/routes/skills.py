"""The skill tree: a map of the lesson's nodes, drawn as SVG on the server, and its JSON twin."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from aula.content.urls import node_url
from aula.learning import layout, render_svg
from aula.services.progress import LessonState, lesson_state
from aula.web.aula import Aula, aula_of
from aula.web.lookup import lesson_or_404, path_param
from aula.web.pagecache import cacheable


async def _lesson_state(request: Request) -> tuple[Aula, LessonState]:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    state = await aula.read(
        lesson_state, aula.history(request), aula.localized(request), aula.learner(request), lesson
    )
    return aula, state


def skills_data(state: LessonState) -> dict[str, Any]:
    tree = state.lesson.skill_tree
    progress = state.to_dict()
    return {
        "lesson_id": state.lesson.id,
        "title": tree.title,
        "subtitle": tree.subtitle,
        "nodes": [
            {
                **n,
                "prerequisites": list(node.prerequisites),
                "url": node_url(state.lesson.id, node.id),
            }
            for n, node in zip(progress["nodes"], tree.nodes, strict=True)
        ],
        "nodes_mastered": progress["nodes_mastered"],
        "nodes_total": progress["nodes_total"],
        "percent": progress["percent"],
    }


@cacheable
async def skills_page(request: Request) -> Response:
    aula, state = await _lesson_state(request)
    lesson = state.lesson
    svg = render_svg(
        layout(lesson.skill_tree),
        state.states,
        lambda node_id: node_url(lesson.id, node_id),
    )
    context = {
        "title": lesson.skill_tree.title,
        "lesson": lesson,
        "tree": lesson.skill_tree,
        "map_svg": Markup(svg),  # noqa: S704 - built by render_svg, which escapes every text
        "nodes": list(state.nodes.values()),
        "progress": state.summary,
    }
    return aula.render(request, "skills.html", context)


@cacheable
async def skills_json(request: Request) -> Response:
    """
    summary: The skill tree with each node's state for this learner (twin of the skills page).
    parameters:
      - {name: lesson_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: "Nodes with state (locked, available, in_progress, mastered), mastery,
        the prerequisites still missing, and the rule to master them."}
      404: {description: No such lesson.}
    """
    _aula, state = await _lesson_state(request)
    return JSONResponse(skills_data(state))


async def first_lesson_skills(request: Request) -> Response:
    aula = aula_of(request)
    first = aula.localized(request).lessons[0].id
    return RedirectResponse(aula.url("skills", lesson_id=first), status_code=303)


routes = [
    Route("/skills", first_lesson_skills, name="skills-home"),
    Route("/lessons/{lesson_id}/skills", skills_page, name="skills"),
    Route("/api/lessons/{lesson_id}/skills", skills_json, methods=["GET"]),
]
