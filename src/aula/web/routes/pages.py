"""HTML pages: the course home, the slide player, a skill node, the glossary, about."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from aula.content.model import Lesson, Section, Slide, Term
from aula.content.urls import slide_url
from aula.learning import grade
from aula.services.continuity import learner_streak
from aula.services.guided import AnsweredRecord, slide_check
from aula.store import AnswerRecord
from aula.web.app import ZONE_COOKIE, aula_of, wants_fragment
from aula.web.lookup import lesson_or_404, node_or_404, path_param, slide_or_404
from aula.web.progress import LessonState
from aula.web.reviews import due_items, state_and_cards
from aula.web.routes.labs import LABS
from aula.web.summary import read_summary, step_url
from aula.web.views import sources_data

STATIC = Path(__file__).parents[1] / "static"
LAB_TITLES = {slug: title for slug, title, _text in LABS}


def _view(request: Request, slide: Slide | None = None) -> str:
    wanted = request.query_params.get("view")
    if wanted in ("code", "terminal"):
        return wanted
    return slide.code.opens if slide is not None and slide.code is not None else "code"


async def home(request: Request) -> Response:
    aula = aula_of(request)
    learner = aula.learner(request)
    lessons = []
    where: list[tuple[Lesson, int]] = []
    for lesson in aula.course.lessons:
        state = await aula.db(state_and_cards, aula.store, learner, aula.course, lesson.id)
        if state.position and lesson.slides:
            where.append((lesson, state.position))
        lessons.append(
            {
                "lesson": lesson,
                "url": f"/lessons/{lesson.id}",
                "position": state.position,
                "progress": state.summary,
                "nodes": list(state.nodes.values()),
            }
        )
    due = await aula.db(due_items, aula.store, learner, aula.course)
    carry_on = None
    if where:
        lesson, position = where[0]
        number = max(1, min(position, len(lesson.slides)))
        carry_on = {
            "url": slide_url(lesson.id, number),
            "text": f"{lesson.title}, slide {number}: {lesson.slides[number - 1].title}",
        }
    streak = await aula.db(
        learner_streak,
        aula.store,
        learner,
        request.cookies.get(ZONE_COOKIE),
        aula.settings.daily_goal,
    )
    context = {
        "title": "Home",
        "lessons": lessons,
        "reviews_due": len(due),
        "continue": carry_on,
        "streak": streak,
        "resumed": request.query_params.get("resumed") == "1",
    }
    return aula.render(request, "home.html", context)


async def lesson_start(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    position = await aula.db(aula.store.position, aula.learner(request), lesson.id)
    return RedirectResponse(slide_url(lesson.id, position or 1), status_code=303)


def _answer_param(request: Request, state: LessonState) -> AnswerRecord | None:
    raw = request.query_params.get("answer", "")
    if not raw.isdigit() or len(raw) > 12:
        return None
    return next((a for a in state.answers if a.id == int(raw)), None)


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


def check_context(lesson: Lesson, slide: Slide, state: LessonState, request: Request) -> Any:
    """The knowledge check under a slide, with its links: for the page and its fragment."""
    record = _answer_param(request, state)
    attempt = None
    if record is not None:
        attempt = next(
            (
                a
                for a in state.history
                if a.question_id == record.question_id and a.attempt == record.attempt
            ),
            None,
        )
    asked = request.query_params.get("question")
    check = slide_check(
        lesson,
        slide,
        state.states,
        state.history,
        aula_of(request).course.mastery_threshold,
        answer=AnsweredRecord(record.id, record.question_id, record.choice_ids) if record else None,
        answer_attempt=attempt,
        asked=asked,
    )
    if check is None:
        return None
    here = slide_url(lesson.id, slide.number)
    node_url = f"/lessons/{lesson.id}/nodes/{check.node.id}"
    if check.next_slide is not None:
        continue_url = slide_url(lesson.id, check.next_slide.number)
        continue_label = f"Continue to slide {check.next_slide.number}"
    else:
        continue_url = f"/lessons/{lesson.id}/summary"
        continue_label = "Finish: see your summary"
    unlock = check.unlock_slide
    return {
        "node": check.node,
        "view": state.nodes.get(check.node.id),
        "node_url": node_url,
        "question": check.question,
        "result": check.result,
        "moment": check.moment,
        "practice": check.practice,
        "locked": check.locked,
        "action": f"/lessons/{lesson.id}/questions/{check.question.id}" if check.question else "",
        "return_to": here,
        "next_question_url": (
            f"{here}?question={check.next_question.id}#check" if check.next_question else None
        ),
        "continue_url": continue_url,
        "continue_label": continue_label,
        "unlock_url": f"{slide_url(lesson.id, unlock.number)}#check" if unlock else node_url,
        "unlock_label": (
            f"Master {check.unlock_title} first, on slide {unlock.number}"
            if unlock
            else "See what this skill needs"
        ),
    }


async def slide_page(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    slide = slide_or_404(lesson, int(request.path_params["number"]))
    learner = aula.learner(request)
    fragment = wants_fragment(request)
    if not fragment:
        await aula.db(aula.store.record_slide_view, learner, lesson.id, slide.id, slide.number)
    state = await aula.db(state_and_cards, aula.store, learner, aula.course, lesson.id)
    check = check_context(lesson, slide, state, request)
    if fragment:
        context = {"check": check, "progress": state.summary}
        return aula.render(request, "_check_fragment.html", context)
    total = len(lesson.slides)
    placed = sections_of(lesson)
    context = {
        "title": f"{slide.title} ({slide.number}/{total})",
        "description": f"{lesson.title}, slide {slide.number} of {total}: {slide.title}.",
        "lesson": lesson,
        "slide": slide,
        "slide_url": slide_url(lesson.id, slide.number),
        "prev_url": slide_url(lesson.id, slide.number - 1) if slide.number > 1 else None,
        "next_url": slide_url(lesson.id, slide.number + 1) if slide.number < total else None,
        "finish_url": f"/lessons/{lesson.id}/summary",
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
        "slide_terms": [t for t in aula.course.glossary if t.id in slide.terms],
        "slide_sources": sources_data(aula.course, slide.sources),
    }
    return aula.render(request, "lesson.html", context)


async def summary_page(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    summary = await aula.db(read_summary, aula, aula.learner(request), lesson)
    steps = [{"text": step.text, "url": step_url(lesson, step)} for step in summary.next_steps]
    context = {
        "title": f"Summary: {lesson.title}",
        "description": f"What you did in {lesson.title}, and what to do next.",
        "lesson": lesson,
        "summary": summary,
        "steps": steps,
    }
    return aula.render(request, "summary.html", context)


async def node_page(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    node = node_or_404(lesson, path_param(request, "node_id"))
    learner = aula.learner(request)
    state = await aula.db(state_and_cards, aula.store, learner, aula.course, lesson.id)
    latest = {a.question_id: a for a in state.answers}  # answers come oldest first
    results = {
        qid: grade(q, latest[qid].choice_ids) for q in node.questions if (qid := q.id) in latest
    }
    slides = [s for s in lesson.slides if s.id in node.slides]
    context = {
        "title": node.title,
        "lesson": lesson,
        "node": node,
        "node_progress": state.nodes.get(node.id),
        "slides": slides,
        "results": results,
        "node_path": f"/lessons/{lesson.id}/nodes/{node.id}",
    }
    return aula.render(request, "node.html", context)


def _fold(text: str) -> str:
    # Accent- and case-insensitive, so "inferencia" finds "Inferencia" and "DALL·E" finds "dall".
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def term_search_text(term: Term) -> str:
    return _fold(" ".join([term.term, *term.aliases, term.definition.text]))


def search_terms(terms: tuple[Term, ...], query: str) -> list[Term]:
    """Terms containing every word of the query; those named by it come first."""
    words = _fold(query).split()
    found = [t for t in terms if all(w in term_search_text(t) for w in words)]
    named = [t for t in found if all(w in _fold(" ".join([t.term, *t.aliases])) for w in words)]
    return named + [t for t in found if t not in named]


async def glossary_page(request: Request) -> Response:
    aula = aula_of(request)
    query = request.query_params.get("q", "")[:200]
    matches = {t.id for t in search_terms(aula.course.glossary, query)}
    items = [
        {
            "id": t.id,
            "term": t,
            "match": t.id in matches,
            "search": term_search_text(t),
            "sources": sources_data(aula.course, t.sources),
            "lab_title": LAB_TITLES.get(t.lab or "", t.lab or ""),
        }
        for t in aula.course.glossary
    ]
    first = aula.course.lessons[0] if aula.course.lessons else None
    context = {
        "title": "Glossary",
        "glossary_title": first.glossary_title if first else "Glossary",
        "terms": items,
        "matches": len(matches),
        "q": query,
        "view": _view(request),
    }
    return aula.render(request, "glossary.html", context)


async def about_page(request: Request) -> Response:
    aula = aula_of(request)
    context = {
        "title": "About",
        "database": aula.store.engine_name,
        "counts": aula.course.counts(),
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
    Route("/lessons/{lesson_id}", lesson_start, name="lesson"),
    Route("/lessons/{lesson_id}/slides/{number:int}", slide_page, name="slide"),
    Route("/lessons/{lesson_id}/nodes/{node_id}", node_page, name="node"),
    Route("/lessons/{lesson_id}/summary", summary_page, name="summary"),
    Route("/glossary", glossary_page, name="glossary"),
    Route("/about", about_page, name="about"),
]
