"""HTML pages: the course home, the slide player, a skill node, the glossary, about.

Every page here is a GET and only reads: the learner's state comes from one store call.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from aula.content.model import Node, Question
from aula.content.urls import (
    GLOSSARY_PATH,
    LESSON_PATH,
    NODE_PATH,
    SLIDE_PATH,
    lesson_url,
    node_url,
    slide_url,
)
from aula.learning import Grade, grade
from aula.services.glossary import search_terms, term_search_text
from aula.services.progress import LessonState, course_states, lesson_state
from aula.services.reviews import due_items
from aula.web.aula import aula_of
from aula.web.labs import LABS
from aula.web.lookup import answer_id_param, lesson_or_404, node_or_404, path_param, slide_or_404
from aula.web.views import sources_data

LAB_TITLES = {slug: title for slug, title, _text in LABS}


def _view(request: Request) -> str:
    return "terminal" if request.query_params.get("view") == "terminal" else "code"


async def home(request: Request) -> Response:
    aula = aula_of(request)
    learner = aula.learner(request)
    states = await aula.db(course_states, aula.history(request), aula.course, learner)
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
    due = await aula.db(due_items, aula.store, aula.course, learner)
    context = {"title": "Home", "lessons": lessons, "reviews_due": len(due)}
    return aula.render(request, "home.html", context)


async def lesson_start(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    position = await aula.db(aula.store.position, aula.learner(request), lesson.id)
    return RedirectResponse(slide_url(lesson.id, position or 1), status_code=303)


@dataclass(frozen=True)
class Check:
    """What a page's knowledge check shows for a node."""

    question: Question | None
    result: Grade | None = None
    following: Question | None = None
    practice: bool = False  # every question was answered right once, yet not mastered


def pick_question(request: Request, node: Node, state: LessonState) -> Check:
    """The question to show for a node: the one just answered (with its result), one asked
    for by ``?question=``, the first not yet answered right, or, while the node is not
    mastered, the one answered longest ago for practice."""
    done = state.correct_ids
    pending = [q for q in node.questions if q.id not in done]
    view = state.nodes.get(node.id)
    mastered = view is not None and view.state == "mastered"
    practice = None if mastered or pending else state.practice_question(node.id)
    record = state.answer
    question = next((q for q in node.questions if record and q.id == record.question_id), None)
    result = grade(question, record.choice_ids) if question and record else None
    if question is None:
        wanted = request.query_params.get("question")
        question = next((q for q in node.questions if q.id == wanted), None)
    if question is None:
        question = pending[0] if pending else practice
    following = next((q for q in pending if question is None or q.id != question.id), None)
    if following is None and practice is not None and practice != question:
        following = practice
    return Check(question, result, following, practice=not pending and not mastered)


async def slide_page(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    slide = slide_or_404(lesson, request.path_params["number"])
    learner = aula.learner(request)
    state = await aula.db(
        lesson_state, aula.history(request), aula.course, learner, lesson, answer_id_param(request)
    )
    node_id = state.node_of_slide(slide.id)
    node = lesson.skill_tree.node(node_id) if node_id else None
    check = pick_question(request, node, state) if node else Check(None)
    total = len(lesson.slides)
    context = {
        "title": f"{slide.title} ({slide.number}/{total})",
        "lesson": lesson,
        "slide": slide,
        "slide_url": slide_url(lesson.id, slide.number),
        "prev_url": slide_url(lesson.id, slide.number - 1) if slide.number > 1 else None,
        "next_url": slide_url(lesson.id, slide.number + 1) if slide.number < total else None,
        "view": _view(request),
        "seen": state.seen,
        "progress": state.summary,
        "node": node,
        "node_progress": state.nodes.get(node.id) if node else None,
        "check": check,
        "slide_terms": [t for t in aula.course.glossary if t.id in slide.terms],
        "slide_sources": sources_data(aula.course, slide.sources),
    }
    return aula.render(request, "lesson.html", context)


async def node_page(request: Request) -> Response:
    aula = aula_of(request)
    lesson = lesson_or_404(aula.course, path_param(request, "lesson_id"))
    node = node_or_404(lesson, path_param(request, "node_id"))
    learner = aula.learner(request)
    state = await aula.db(lesson_state, aula.history(request), aula.course, learner, lesson)
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


routes = [
    Route("/", home, name="home"),
    Route(LESSON_PATH, lesson_start, name="lesson"),
    Route(SLIDE_PATH, slide_page, name="slide"),
    Route(NODE_PATH, node_page, name="node"),
    Route(GLOSSARY_PATH, glossary_page, name="glossary"),
    Route("/about", about_page, name="about"),
]
