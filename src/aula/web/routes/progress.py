"""Progress that belongs to the learner: the Progress page, resume codes, export, preferences,
the lesson summary's and the streak's JSON twins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from aula.i18n import _
from aula.learning import LessonSummary, Streak
from aula.services.continuity import (
    export,
    format_code,
    issue_resume_code,
    learner_streak,
    redeem_resume_code,
)
from aula.services.guided import read_summary
from aula.store import ResumeRefused
from aula.web.aula import THEME_COOKIE, ZONE_COOKIE, Aula, aula_of, wants_fragment
from aula.web.auth import current_user
from aula.web.errors import InputError
from aula.web.forms import form_csrf, local_path, read_form
from aula.web.language import LANGUAGE_COOKIE, LANGUAGE_MAX_AGE
from aula.web.lookup import lesson_or_404, path_param
from aula.web.summary import step_url

MAX_CODE = 64
THEME_MAX_AGE = 365 * 24 * 3600


def streak_data(s: Streak) -> dict[str, Any]:
    return {
        "days": s.days,
        "best": s.best,
        "today": s.today,
        "goal": s.goal,
        "goal_met": s.goal_met,
        "active_today": s.active_today,
        "at_risk": s.at_risk,
        "date": s.today_date.isoformat(),
    }


async def streak_of(aula: Aula, request: Request) -> Streak:
    zone = request.cookies.get(ZONE_COOKIE)
    return await aula.db(
        learner_streak, aula.history(request), aula.learner(request), zone, aula.settings.daily_goal
    )


async def progress_page(request: Request) -> Response:
    aula = aula_of(request)
    learner = aula.learner(request)
    retired = await aula.db(aula.store.is_retired, learner)
    context = {
        "title": _("Your progress"),
        "description": _("Your streak, a code to continue on another device, and your data."),
        "streak": await streak_of(aula, request),
        "zone": request.cookies.get(ZONE_COOKIE) or "UTC",
        "retired": retired,
        "code": None,
        "resume_hours": aula.settings.resume_hours,
    }
    return aula.render(request, "progress.html", context)


async def new_code(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    if current_user(request) is not None:
        # A code would move the account's progress to an anonymous browser and retire it.
        raise InputError(
            "You are signed in: sign in on the other device to continue there. No code was made.",
            status_code=409,
        )
    code, expires = await aula.db(
        issue_resume_code, aula.store, aula.learner(request), aula.settings.resume_hours
    )
    context = {
        "title": _("Your resume code"),
        "streak": await streak_of(aula, request),
        "zone": request.cookies.get(ZONE_COOKIE) or "UTC",
        "retired": False,
        "code": format_code(code),
        "link": str(request.url_for("resume-link", code=code)),
        "expires": expires,
        "resume_hours": aula.settings.resume_hours,
    }
    # Shown once, never stored: the page is not cached anywhere.
    response = aula.render(request, "progress.html", context)
    response.headers["cache-control"] = "no-store"
    return response


async def resume_page(request: Request) -> Response:
    """A resume link opened in the new browser: a confirmation form (a GET never moves data)."""
    aula = aula_of(request)
    code = path_param(request, "code")[:MAX_CODE]
    context = {"title": _("Continue your progress here"), "code": code}
    return aula.render(request, "resume.html", context)


async def resume(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    raw = form.get("code")
    code = raw.strip() if isinstance(raw, str) else ""
    if not code or len(code) > MAX_CODE:
        raise InputError(
            _("Type the resume code shown on your other device."), fields={"code": "?"}
        )
    try:
        await aula.db(redeem_resume_code, aula.store, code, aula.learner(request))
    except ResumeRefused as refused:
        raise InputError(_(refused.message), status_code=409) from None
    return RedirectResponse(f"{aula.url('home')}?resumed=1", status_code=303)


async def export_json(request: Request) -> Response:
    """
    summary: Everything stored about you (answers, slides seen, review cards and reviews).
    responses:
      200: {description: "`{format, course_id, exported_at, lessons, answers, reviews}` and cards"}
    """
    aula = aula_of(request)
    data = await aula.read(export, aula.store, aula.localized(request), aula.learner(request))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return JSONResponse(
        data,
        headers={
            "content-disposition": f'attachment; filename="aula-progress-{stamp}.json"',
            "cache-control": "no-store",
        },
    )


async def streak_json(request: Request) -> Response:
    """
    summary: Your streak (days in a row with an answer or a review) and today's daily goal,
      counted on the server's clock in your time zone (the `aula_tz` cookie, else UTC).
    responses:
      200: {description: "`{days, best, today, goal, goal_met, active_today, at_risk, date}`"}
      400: {description: A date was given; the server's clock decides what today is.}
    """
    aula = aula_of(request)
    forged = {"date", "today", "now", "day"} & set(request.query_params)
    if forged:
        raise InputError(
            _(
                "The streak is counted on the server's clock; a date cannot be given "
                "(%(names)s). Nothing was changed.",
                names=", ".join(sorted(forged)),
            ),
            status_code=400,
        )
    return JSONResponse(streak_data(await streak_of(aula, request)))


def summary_data(summary: LessonSummary, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "lesson_id": summary.lesson_id,
        "percent": summary.percent,
        "complete": summary.complete,
        "nodes_mastered": list(summary.nodes_mastered),
        "nodes_total": summary.nodes_total,
        "first_try_right": summary.first_try_right,
        "questions_answered": summary.questions_answered,
        "questions_total": summary.questions_total,
        "slides_seen": summary.slides_seen,
        "slides_total": summary.slides_total,
        "terms_met": [{"id": i, "term": t} for i, t in summary.terms_met],
        "reviews": [
            {
                "kind": r.kind,
                "id": r.id,
                "title": r.title,
                "due": r.due.isoformat(),
                "due_now": r.due_now,
            }
            for r in summary.reviews
        ],
        "next_steps": steps,
    }


async def summary_json(request: Request) -> Response:
    """
    summary: The lesson summary (twin of `/lessons/{lesson_id}/summary`).
    parameters:
      - {name: lesson_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The summary.}
      404: {description: No such lesson.}
    """
    aula = aula_of(request)
    lesson = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    summary = await aula.read(
        read_summary, aula.store, aula.localized(request), aula.learner(request), lesson
    )
    steps = [
        {"kind": s.kind, "text": s.text, "url": step_url(lesson, s, aula.url("review"))}
        for s in summary.next_steps
    ]
    return JSONResponse(summary_data(summary, steps))


async def theme(request: Request) -> Response:
    """Remember the learner's theme in a cookie (no database row)."""
    form = await read_form(request)
    form_csrf(request, form)
    chosen = form.get("theme")
    if chosen not in ("light", "dark", "system"):
        raise InputError(_("Choose light, dark or system."), fields={"theme": "unknown"})
    back = local_path(form.get("return_to"), "/")
    response: Response = (
        Response(status_code=204) if wants_fragment(request) else RedirectResponse(back, 303)
    )
    if chosen == "system":
        response.delete_cookie(THEME_COOKIE, path="/")
    else:
        response.set_cookie(
            THEME_COOKIE, str(chosen), max_age=THEME_MAX_AGE, path="/", samesite="lax"
        )
    return response


async def language(request: Request) -> Response:
    """Remember the learner's language in a cookie (no database row); back to the page, in it."""
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    chosen = str(form.get("lang") or "")
    if chosen not in aula.languages:
        names = ", ".join(aula.languages)
        raise InputError(
            _("Choose one of these languages: %(names)s.", names=names), fields={"lang": "unknown"}
        )
    back = local_path(form.get("return_to"), "/")  # the path only: no ``?lang=`` to override it
    response: Response = (
        Response(status_code=204) if wants_fragment(request) else RedirectResponse(back, 303)
    )
    response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=LANGUAGE_MAX_AGE, path="/", samesite="lax")
    return response


routes = [
    Route("/progress", progress_page, name="progress"),
    Route("/progress/resume-code", new_code, methods=["POST"], name="resume-code"),
    Route("/resume/{code}", resume_page, methods=["GET"], name="resume-link"),
    Route("/resume", resume, methods=["POST"], name="resume"),
    Route("/preferences/theme", theme, methods=["POST"], name="theme"),
    Route("/preferences/language", language, methods=["POST"], name="language"),
    Route("/api/progress/export", export_json, methods=["GET"], name="api-export"),
    Route("/api/progress/streak", streak_json, methods=["GET"], name="api-streak"),
    Route("/api/lessons/{lesson_id}/summary", summary_json, methods=["GET"], name="api-summary"),
]
