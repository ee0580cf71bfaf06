"""The teacher's pages: cohorts, the cohort x skill matrix, item analysis, the questions the
class asked; each with a JSON twin under ``/api/teach`` and a CSV download per table.

Only a cohort's owner (or an admin) reaches it: anyone else gets the same 404 as for a
cohort that does not exist, so cohort ids reveal nothing (``services.cohorts.visible_cohort``).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from aula.i18n import _
from aula.services.cohorts import (
    MATRIX_LABELS,
    MATRIX_STATES,
    TABLES,
    Dashboard,
    check_name,
    create_cohort,
    dashboard,
    visible_cohort,
    visible_cohorts,
)
from aula.store.account_store import CohortRecord, UserRecord
from aula.web.aula import Aula, aula_of
from aula.web.auth import require_teacher
from aula.web.charts import share_bars_svg, stacked_bars_svg
from aula.web.errors import InputError
from aula.web.forms import form_csrf, header_csrf, read_form, read_json, small_int
from aula.web.lookup import path_param

STATE_COLOURS = {
    "not_started": "var(--chart-none, #9aa1a9)",
    "in_progress": "var(--chart-mid, #c98a00)",
    "mastered": "var(--chart-good, #1b6e3a)",
}
NOT_YOURS = "No such cohort among yours."


class CohortBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)


def cohort_data(aula: Aula, c: CohortRecord) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "join_code": c.join_code,
        "join_url": aula.url("join-link", code=c.join_code),
        "created_at": c.created_at.isoformat(),
    }


async def _cohort(request: Request) -> tuple[Aula, UserRecord, CohortRecord]:
    aula = aula_of(request)
    user = require_teacher(request)
    number = small_int(path_param(request, "cohort_id"), digits=12)
    cohort = (
        await aula.read(visible_cohort, aula.store, user, number) if number is not None else None
    )
    if cohort is None:
        raise HTTPException(404, NOT_YOURS)
    return aula, user, cohort


async def _dashboard(request: Request) -> tuple[Aula, UserRecord, Dashboard]:
    aula, user, cohort = await _cohort(request)
    board = await aula.read(dashboard, aula.store, aula.localized(request), aula.settings, cohort)
    return aula, user, board


def matrix_data(board: Dashboard) -> dict[str, Any]:
    return {
        "cohort": {"id": board.cohort.id, "name": board.cohort.name},
        "nodes": [{"lesson_id": lesson, "id": n, "title": t} for lesson, n, t in board.nodes],
        "learners": [
            {
                "key": r.key,
                "label": r.label,
                "last_activity": r.last_activity.isoformat() if r.last_activity else None,
                "answers": r.answers,
                "stuck": list(r.stuck),
                "nodes": r.cells,
            }
            for r in board.learners
        ],
    }


def items_data(board: Dashboard) -> dict[str, Any]:
    return {
        "cohort": {"id": board.cohort.id, "name": board.cohort.name},
        "items": [
            {
                "question_id": i.question_id,
                "lesson_id": i.lesson_id,
                "node_id": i.node_id,
                "prompt": i.prompt,
                "learners": i.stats.learners,
                "right_first": i.stats.right_first,
                "share_right_first": i.stats.share_right_first,
                "top_distractor": i.stats.top_distractor,
                "top_distractor_text": i.distractor_text,
                "top_distractor_count": i.stats.top_distractor_count,
                "point_biserial": i.stats.point_biserial,
                "mean_tries": i.stats.mean_tries,
                "flags": list(i.stats.flags),
            }
            for i in board.items
        ],
    }


def questions_data(board: Dashboard) -> dict[str, Any]:
    return {
        "cohort": {"id": board.cohort.id, "name": board.cohort.name},
        "shown": board.questions_shown,
        "questions": [
            {
                "question": q.question,
                "refused": q.refused,
                "asked_at": q.asked_at.isoformat(),
                **({"learner": q.who} if board.questions_shown == "named" else {}),
            }
            for q in board.asked
        ],
    }


async def teach_page(request: Request) -> Response:
    aula = aula_of(request)
    user = require_teacher(request)
    cohorts = await aula.read(visible_cohorts, aula.store, user)
    context = {"title": _("Your cohorts"), "cohorts": [cohort_data(aula, c) for c in cohorts]}
    return aula.render(request, "teach.html", context)


async def cohorts_json(request: Request) -> Response:
    """
    summary: Your cohorts (twin of `/teach`); teachers and admins only.
    responses:
      200: {description: "`{cohorts: [{id, name, join_code, join_url, created_at}]}`"}
      401: {description: Not signed in.}
      403: {description: Not a teacher.}
    """
    aula = aula_of(request)
    user = require_teacher(request)
    cohorts = await aula.read(visible_cohorts, aula.store, user)
    return JSONResponse({"cohorts": [cohort_data(aula, c) for c in cohorts]})


async def create_post(request: Request) -> Response:
    """
    summary: Create a cohort (teachers and admins). Needs the X-CSRF-Token header.
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            required: [name]
            properties:
              name: {type: string, maxLength: 200}
    responses:
      201: {description: "`{id, name, join_code, join_url, created_at}`"}
      400: {description: The body is not JSON.}
      401: {description: Not signed in.}
      403: {description: Missing or wrong CSRF token, or not a teacher.}
      415: {description: The body is not sent as JSON.}
      422: {description: Invalid fields.}
    """
    aula = aula_of(request)
    api = request.url.path.startswith("/api/")
    if api:
        header_csrf(request)
        name: object = (await read_json(request, CohortBody)).name
    else:
        form = await read_form(request)
        form_csrf(request, form)
        name = form.get("name")
    user = require_teacher(request)
    try:
        checked = check_name(name)
    except ValueError as bad:
        raise InputError(str(bad), fields={"name": str(bad)}) from None
    cohort = await aula.db(create_cohort, aula.store, user, checked)
    if api:
        return JSONResponse(cohort_data(aula, cohort), status_code=201)
    return RedirectResponse(aula.url("teach-cohort", cohort_id=str(cohort.id)), status_code=303)


def _charts(board: Dashboard) -> dict[str, str]:
    series = [(_(MATRIX_LABELS[s]), STATE_COLOURS[s]) for s in MATRIX_STATES]
    rows = [(title, [c[s] for s in MATRIX_STATES]) for title, c in board.node_counts()]
    return {
        "matrix": stacked_bars_svg("chart-matrix", _("Learners per skill and state"), rows, series),
        "items": share_bars_svg(
            "chart-items",
            _("Share right on the first try, per question"),
            [(i.question_id, i.stats.share_right_first) for i in board.items],
        ),
    }


async def cohort_page(request: Request) -> Response:
    aula, _user, board = await _dashboard(request)
    context = {
        "title": board.cohort.name,
        "board": board,
        "cohort": cohort_data(aula, board.cohort),
        "labels": MATRIX_LABELS,
        "chart": _charts(board)["matrix"],
        "node_counts": board.node_counts(),
        "states": MATRIX_STATES,
    }
    return aula.render(request, "teach_cohort.html", context)


async def cohort_json(request: Request) -> Response:
    """
    summary: A cohort's learners x skill nodes (not_started / in_progress / mastered), who is
      stuck and their last activity (twin of `/teach/cohorts/{cohort_id}`).
    parameters:
      - {name: cohort_id, in: path, required: true, schema: {type: integer}}
    responses:
      200: {description: "`{cohort, nodes, learners}`"}
      401: {description: Not signed in.}
      403: {description: Not a teacher.}
      404: {description: No such cohort among yours.}
    """
    _aula, _user, board = await _dashboard(request)
    return JSONResponse(matrix_data(board))


async def items_page(request: Request) -> Response:
    aula, _user, board = await _dashboard(request)
    context = {
        "title": _("Item analysis · %(name)s", name=board.cohort.name),
        "board": board,
        "cohort": cohort_data(aula, board.cohort),
        "chart": _charts(board)["items"],
    }
    return aula.render(request, "teach_items.html", context)


async def items_json(request: Request) -> Response:
    """
    summary: Item analysis per question for a cohort (twin of its page).
    parameters:
      - {name: cohort_id, in: path, required: true, schema: {type: integer}}
    responses:
      200: {description: "`{cohort, items}`"}
      401: {description: Not signed in.}
      403: {description: Not a teacher.}
      404: {description: No such cohort among yours.}
    """
    _aula, _user, board = await _dashboard(request)
    return JSONResponse(items_data(board))


async def questions_page(request: Request) -> Response:
    aula, _user, board = await _dashboard(request)
    context = {
        "title": _("Questions asked · %(name)s", name=board.cohort.name),
        "board": board,
        "cohort": cohort_data(aula, board.cohort),
    }
    return aula.render(request, "teach_questions.html", context)


async def questions_json(request: Request) -> Response:
    """
    summary: What the cohort asked the instructor, refused questions included, anonymised
      per the class_questions setting (twin of its page).
    parameters:
      - {name: cohort_id, in: path, required: true, schema: {type: integer}}
    responses:
      200: {description: "`{cohort, shown, questions}`"}
      401: {description: Not signed in.}
      403: {description: Not a teacher.}
      404: {description: No such cohort among yours.}
    """
    _aula, _user, board = await _dashboard(request)
    return JSONResponse(questions_data(board))


async def csv_post(request: Request) -> Response:
    """A table as CSV: a POST, because every export is written in the audit log."""
    form = await read_form(request)
    form_csrf(request, form)
    aula, user, board = await _dashboard(request)
    table = path_param(request, "table")
    make = TABLES.get(table)
    if make is None:
        raise HTTPException(404, f"No such table: {', '.join(TABLES)}.")
    head, body = make(board)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    for row in body:
        writer.writerow([_safe_cell(v) for v in row])
    await aula.db(
        aula.store.accounts.audit, user.email, "export.csv", f"cohort:{board.cohort.id}", table
    )
    name = f"cohort-{board.cohort.id}-{table}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "no-store",
        },
    )


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


routes = [
    Route("/teach", teach_page, methods=["GET"], name="teach"),
    Route("/teach/cohorts", create_post, methods=["POST"], name="teach-create"),
    Route("/teach/cohorts/{cohort_id}", cohort_page, methods=["GET"], name="teach-cohort"),
    Route("/teach/cohorts/{cohort_id}/items", items_page, methods=["GET"], name="teach-items"),
    Route(
        "/teach/cohorts/{cohort_id}/questions",
        questions_page,
        methods=["GET"],
        name="teach-questions",
    ),
    Route(
        "/teach/cohorts/{cohort_id}/export/{table}.csv",
        csv_post,
        methods=["POST"],
        name="teach-csv",
    ),
    Route("/api/teach/cohorts", cohorts_json, methods=["GET"], name="api-teach"),
    Route("/api/teach/cohorts", create_post, methods=["POST"], name="api-teach-create"),
    Route("/api/teach/cohorts/{cohort_id}", cohort_json, methods=["GET"], name="api-teach-cohort"),
    Route(
        "/api/teach/cohorts/{cohort_id}/items", items_json, methods=["GET"], name="api-teach-items"
    ),
    Route(
        "/api/teach/cohorts/{cohort_id}/questions",
        questions_json,
        methods=["GET"],
        name="api-teach-questions",
    ),
]
