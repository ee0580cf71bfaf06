"""HTML pages: the course home, the slide player, a skill node, the glossary, about.

Every page here is a GET and only reads: the learner's state comes from one store call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from aula.content.model import Lesson, Section, Slide
from aula.content.urls import (
    GLOSSARY_PATH,
    LESSON_PATH,
    NODE_PATH,
    SLIDE_PATH,
    lesson_url,
    node_url,
    slide_url,
)
from aula.i18n import _
from aula.learning import grade
from aula.services.continuity import learner_streak
from aula.services.glossary import search_terms, term_search_text
from aula.services.guided import SlideCheck, guided_slide, read_summary
from aula.services.progress import LessonState, course_states, lesson_state
from aula.services.reviews import due_items
from aula.web.aula import ZONE_COOKIE, aula_of, wants_fragment
from aula.web.labs import LABS
from aula.web.lookup import answer_id_param, lesson_or_404, node_or_404, path_param, slide_or_404
from aula.web.pagecache import cacheable
from aula.web.summary import step_url
from aula.web.views import sources_data

STATIC = Path(__file__).parents[1] / "static"
LAB_TITLES = {slug: title for slug, title, _text in LABS}


def _view(request: Request, slide: Slide | None = None) -> str:
    wanted = request.query_params.get("view")
    if wanted in ("code", "terminal"):
        return wanted
    return slide.code.opens if slide is not None and slide.code is not None else "code"


@cacheable
async def home(request: Request) -> Response:
    aula = aula_of(request)
    learner = aula.learner(request)
    states = await aula.read(course_states, aula.history(request), aula.localized(request), learner)
    lessons = [
        {
            "lesson": state.lesson,
            "url": lesson_url(state.lesson.id),
            "position": state.position,
            "started": bool(state.position or state.answers),
            "progress": state.summary,
            "nodes": list(state.nodes.values()),
        }
        for state in states
    ]
    due = await aula.read(due_items, aula.store, aula.localized(request), learner)
    where = [(s.lesson, s.position) for s in states if s.position and s.lesson.slides]
    carry_on = None
    if where:
        lesson, position = where[0]
        number = max(1, min(position, len(lesson.slides)))
        carry_on = {
            "url": slide_url(lesson.id, number),
            "text": f"{lesson.title}, slide {number}: {lesson.slides[number - 1].title}",
        }
    streak = await aula.read(
        learner_streak,
        aula.history(request),
        learner,
        request.cookies.get(ZONE_COOKIE),
        aula.settings.daily_goal,
    )
    context = {
        "title": _("Home"),
        "lessons": lessons,
        "reviews_due": len(due),
        "continue": carry_on,
        "streak": streak,
        "resumed": request.query_params.get("resumed") == "1",
    }
    return aula.render(request, "home.html", context)


async def lesson_start(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    position = await aula.read(aula.store.position, aula.learner(request), lesson.id)
    return RedirectResponse(slide_url(lesson.id, position or 1), status_code=303)


def sections_of(lesson: Lesson) -> dict[str, tuple[Section, Slide]]:
    """Each instructor section, on one slide: the first slide of the first node that lists it
    (the last slide for a section no node lists). Shown once per lesson, never under all."""
    placed: dict[str, tuple[Section, Slide]] = {}
    for node in lesson.skill_tree.nodes:
        slides = [s for s in lesson.slides if s.id in node.slides]
        for section_id in node.sections:
            section = next((x for x in lesson.sections if x.id == section_id), None)
            if section is not None and slides and section_id not in placed:
                placed[section_id] = (section, slides[0])
    if lesson.slides:
        for section in lesson.sections:
            placed.setdefault(section.id, (section, lesson.slides[-1]))
    return placed


def check_context(
    request: Request, lesson: Lesson, slide: Slide, check: SlideCheck | None, state: LessonState
) -> dict[str, Any] | None:
    """The knowledge check under a slide with its links: for the page and its fragment."""
    if check is None:
        return None
    aula = aula_of(request)
    here = slide_url(lesson.id, slide.number)
    node_link = node_url(lesson.id, check.node.id)
    # Continue records this slide as seen, then goes on (the summary after the last slide).
    continue_action = aula.url("next-slide", lesson_id=lesson.id, number=slide.number)
    if check.next_slide is not None:
        continue_label = _("Continue to slide %(number)s", number=check.next_slide.number)
    else:
        continue_label = _("Finish: see your summary")
    unlock = check.unlock_slide
    action = (
        aula.url("answer", lesson_id=lesson.id, question_id=check.question.id)
        if check.question
        else ""
    )
    return {
        "node": check.node,
        "view": state.nodes.get(check.node.id),
        "node_url": node_link,
        "question": check.question,
        "result": check.result,
        "moment": check.moment,
        "practice": check.practice,
        "locked": check.locked,
        "action": action,
        "return_to": here,
        "slide_number": slide.number,
        "next_question_url": (
            f"{here}?question={check.next_question.id}#check" if check.next_question else None
        ),
        "continue_action": continue_action,
        "continue_label": continue_label,
        "unlock_url": f"{slide_url(lesson.id, unlock.number)}#check" if unlock else node_link,
        "unlock_label": (
            _(
                "Master %(title)s first, on slide %(number)s",
                title=check.unlock_title,
                number=unlock.number,
            )
            if unlock
            else _("See what this skill needs")
        ),
    }


@cacheable
async def slide_page(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    slide = slide_or_404(lesson, request.path_params["number"])
    learner = aula.learner(request)
    asked = request.query_params.get("question", "")[:128] or None
    guided = await aula.read(
        guided_slide,
        aula.history(request),
        aula.localized(request),
        learner,
        lesson,
        slide,
        answer_id_param(request),
        asked,
    )
    state = guided.state
    check = check_context(request, lesson, slide, guided.check, state)
    if wants_fragment(request):
        fragment: dict[str, Any] = {"check": check, "progress": state.summary}
        return aula.render(request, "_check_fragment.html", fragment)
    total = len(lesson.slides)
    placed = sections_of(lesson)
    context = {
        "title": f"{slide.title} ({slide.number}/{total})",
        "description": _(
            "%(lesson)s, slide %(number)s of %(total)s: %(title)s.",
            lesson=lesson.title,
            number=slide.number,
            total=total,
            title=slide.title,
        ),
        "lesson": lesson,
        "slide": slide,
        "slide_url": slide_url(lesson.id, slide.number),
        "prev_url": slide_url(lesson.id, slide.number - 1) if slide.number > 1 else None,
        "next_url": slide_url(lesson.id, slide.number + 1) if slide.number < total else None,
        "finish_url": aula.url("summary", lesson_id=lesson.id),
        "view": _view(request, slide),
        "seen": state.seen,
        "progress": state.summary,
        "check": check,
        "slide_sections": [sec for sec, where in placed.values() if where.id == slide.id],
        "other_sections": [
            {"section": sec, "number": where.number, "url": slide_url(lesson.id, where.number)}
            for sec, where in placed.values()
            if where.id != slide.id
        ],
        "slide_terms": [t for t in aula.localized(request).glossary if t.id in slide.terms],
        "slide_sources": sources_data(aula.localized(request), slide.sources),
    }
    return aula.render(request, "lesson.html", context)


@cacheable
async def summary_page(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    summary = await aula.read(
        read_summary, aula.store, aula.localized(request), aula.learner(request), lesson
    )
    steps = [
        {"text": step.text, "url": step_url(lesson, step, aula.url("review"))}
        for step in summary.next_steps
    ]
    context = {
        "title": _("Summary: %(lesson)s", lesson=lesson.title),
        "description": _("What you did in %(lesson)s, and what to do next.", lesson=lesson.title),
        "lesson": lesson,
        "summary": summary,
        "steps": steps,
    }
    return aula.render(request, "summary.html", context)


@cacheable
async def node_page(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.localized(request), path_param(request, "lesson_id"))
    node = node_or_404(lesson, path_param(request, "node_id"))
    learner = aula.learner(request)
    state = await aula.read(
        lesson_state, aula.history(request), aula.localized(request), learner, lesson
    )
    latest = state.replay.latest
    results = {q.id: grade(q, latest[q.id]) for q in node.questions if q.id in latest}
    slides = [s for s in lesson.slides if s.id in node.slides]
    context = {
        "title": node.title,
        "lesson": lesson,
        "node": node,
        "node_progress": state.nodes.get(node.id),
        "slides": slides,
        "results": results,
        "node_path": node_url(lesson.id, node.id),
    }
    return aula.render(request, "node.html", context)


@cacheable
async def glossary_page(request: Request) -> Response:
    aula = aula_of(request)
    query = request.query_params.get("q", "")[:200]
    matches = {t.id for t in search_terms(aula.localized(request).glossary, query)}
    items = [
        {
            "id": t.id,
            "term": t,
            "match": t.id in matches,
            "search": term_search_text(t),
            "sources": sources_data(aula.localized(request), t.sources),
            "lab_title": _(LAB_TITLES[t.lab]) if t.lab in LAB_TITLES else t.lab or "",
        }
        for t in aula.localized(request).glossary
    ]
    first = aula.localized(request).lessons[0] if aula.localized(request).lessons else None
    context = {
        "title": _("Glossary"),
        "glossary_title": first.glossary_title if first else _("Glossary"),
        "terms": items,
        "matches": len(matches),
        "q": query,
        "view": _view(request),
    }
    return aula.render(request, "glossary.html", context)


async def about_page(request: Request) -> Response:
    aula = aula_of(request)
    context = {
        "title": _("About"),
        "database": aula.store.engine_name,
        "counts": aula.localized(request).counts(),
    }
    return aula.render(request, "about.html", context)


async def favicon(request: Request) -> Response:
    return FileResponse(
        STATIC / "favicon.svg",
        media_type="image/svg+xml",
        headers={"cache-control": "public, max-age=86400"},
    )


routes = [
    Route("/", home, name="home"),
    Route("/favicon.ico", favicon, name="favicon"),
    Route(LESSON_PATH, lesson_start, name="lesson"),
    Route(SLIDE_PATH, slide_page, name="slide"),
    Route(NODE_PATH, node_page, name="node"),
    Route("/lessons/{lesson_id}/summary", summary_page, name="summary"),
    Route(GLOSSARY_PATH, glossary_page, name="glossary"),
    Route("/about", about_page, name="about"),
]
