"""Spaced review: what is due, a glossary card or a question, and rescheduling with FSRS."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from aula.content.model import Question
from aula.i18n import _
from aula.learning import Grade, Rating, grade
from aula.services import reviews
from aula.services.continuity import practice_by_skill, practice_item
from aula.services.reviews import DueItem, due_now, rate_item, upcoming
from aula.store import ItemKind
from aula.web.aula import Aula, aula_of
from aula.web.forms import form_csrf, header_csrf, read_form, read_json
from aula.web.lookup import ID_PATTERN, answer_id_param, path_param, question_or_404
from aula.web.views import grade_data, rich

RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


def item_data(item: DueItem) -> dict[str, Any]:
    return {
        "kind": item.card.item_kind,
        "id": item.card.item_id,
        "title": item.title,
        "due": item.card.due.isoformat(),
    }


async def review_page(request: Request) -> Response:
    aula = aula_of(request)
    learner = aula.learner(request)
    due, question = await aula.read(due_now, aula.store, aula.localized(request), learner)
    current = due[0] if due else None
    practising = False
    wanted = request.query_params.get("practice", "")
    if wanted:
        item, asked = await aula.db(
            practice_item, aula.store, aula.localized(request), learner, wanted
        )
        if item is not None:
            current, question, practising = item, asked, True
    result, answered = await _answered(aula, request, learner)
    soon = (
        [] if due else (await aula.read(upcoming, aula.store, aula.localized(request), learner))[:5]
    )
    groups = await aula.read(practice_by_skill, aula.store, aula.localized(request), learner)
    context = {
        "practice_groups": groups,
        "practising": practising,
        "title": _("Review"),
        "due": due,
        "current": current,
        "question": question,
        "result": result,
        "answered": answered,
        "upcoming": soon,
    }
    return aula.render(request, "review.html", context)


async def _answered(
    aula: Aula, request: Request, learner: str
) -> tuple[Grade | None, Question | None]:
    answer_id = answer_id_param(request)
    if answer_id is None:
        return None, None
    record = await aula.read(aula.store.answer, learner, answer_id)
    question = aula.localized(request).question(record.question_id) if record else None
    if record is None or question is None:
        return None, None
    return grade(question, record.choice_ids), question


async def review_term(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    rating = RATINGS.get(str(form.get("rating", "")))
    if rating is None:
        raise HTTPException(422, _("Rate how well you remembered it: again, hard, good or easy."))
    term_id = path_param(request, "term_id")
    await aula.db(rate_item, aula.store, aula.learner(request), "term", term_id, rating)
    return RedirectResponse(aula.url("review"), status_code=303)


async def review_node(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    question = question_or_404(aula.localized(request), str(form.get("question_id", "")))
    node_id = request.path_params["node_id"]
    if question.node != node_id:
        raise HTTPException(
            404,
            _(
                "Question '%(question)s' is not in node '%(node)s'.",
                question=question.id,
                node=node_id,
            ),
        )
    learner = aula.learner(request)
    chosen = [c for c in form.getlist("choice") if isinstance(c, str)]
    done = await aula.db(
        reviews.review_node,
        aula.store,
        aula.localized(request),
        learner,
        question,
        chosen,
        aula.xapi,
    )
    return RedirectResponse(f"{aula.url('review')}?answer={done.answer_id}#result", 303)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ItemKind
    id: str = Field(pattern=ID_PATTERN)
    rating: str | None = Field(None, description="again | hard | good | easy (terms)")
    question_id: str | None = Field(None, description="the question answered (nodes)")
    choice_ids: list[str] = Field(default_factory=list, max_length=32)


async def review_json(request: Request) -> Response:
    """
    summary: What is due for review now (twin of the Review page).
    responses:
      200: {description: "`{due: [{kind, id, title, due}], next: {kind, id, question?}}`"}
    """
    aula = aula_of(request)
    learner = aula.learner(request)
    due, q = await aula.read(due_now, aula.store, aula.localized(request), learner)
    data: dict[str, Any] = {"due": [item_data(i) for i in due], "next": None}
    if due:
        first = item_data(due[0])
        if q is not None:
            first["question"] = {
                "id": q.id,
                "kind": q.kind,
                "prompt": rich(q.prompt),
                "choices": [{"id": c.id, "text": rich(c.text)} for c in q.choices],
            }
        data["next"] = first
    return JSONResponse(data)


async def review_post_json(request: Request) -> Response:
    """
    summary: Review an item. A term takes a `rating`; a node takes `question_id` and
      `choice_ids`, graded and rated from the answer. Needs the X-CSRF-Token header.
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [kind, id]
            properties:
              kind: {type: string, enum: [term, node]}
              id: {type: string}
              rating: {type: string, enum: [again, hard, good, easy]}
              question_id: {type: string}
              choice_ids: {type: array, items: {type: string}}
    responses:
      200: {description: "`{rating, due, grade?}`"}
      403: {description: Missing or wrong CSRF token.}
      404: {description: Nothing to review for that item.}
      422: {description: Invalid fields.}
    """
    aula = aula_of(request)
    header_csrf(request)
    body = await read_json(request, ReviewIn)
    learner = aula.learner(request)
    data: dict[str, Any] = {}
    if body.kind == "term":
        rating = RATINGS.get(body.rating or "")
        if rating is None:
            raise HTTPException(422, _("A term review needs a rating: again, hard, good or easy."))
        card = await aula.db(rate_item, aula.store, learner, "term", body.id, rating)
    else:
        question = question_or_404(aula.localized(request), body.question_id or "")
        if question.node != body.id:
            raise HTTPException(
                404,
                _(
                    "Question '%(question)s' is not in node '%(node)s'.",
                    question=question.id,
                    node=body.id,
                ),
            )
        done = await aula.db(
            reviews.review_node,
            aula.store,
            aula.localized(request),
            learner,
            question,
            body.choice_ids,
        )
        data["grade"] = grade_data(done.grade)
        rating, card = done.rating, done.card
    data.update(rating=rating.name.lower(), due=card.due.isoformat())
    return JSONResponse(data)


routes = [
    Route("/review", review_page, name="review"),
    Route("/review/terms/{term_id}", review_term, methods=["POST"], name="review-term"),
    Route("/review/nodes/{node_id}", review_node, methods=["POST"], name="review-node"),
    Route("/api/review", review_json, methods=["GET"]),
    Route("/api/review", review_post_json, methods=["POST"]),
]
