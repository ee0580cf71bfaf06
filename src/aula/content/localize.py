"""A course in one of its languages: the same ids and structure, the text in that language.

``localized(course, "es")`` is what the web pages, JSON twins and the instructor read: a whole
``Course`` whose every text (titles, bodies, guides, visual labels, cards, terms and analogies,
nodes, questions, choices, feedback, explanations, program output that was translated) is the
Spanish one where the course has it and the course's own language's where it does not, field
by field. Ids, order, correct answers, prerequisites, code, links and sources never change, so
progress stored by ids is the same in every language. Editions are made once per course and
language, then kept on the course.
"""

from __future__ import annotations

from dataclasses import replace

from aula.content.catalog import Catalog
from aula.content.model import (
    Card,
    Choice,
    Course,
    Lesson,
    Node,
    Question,
    QuestionText,
    Section,
    SkillTree,
    Slide,
    Term,
    Visual,
    VisualItem,
    translation_of,
)

__all__ = ["available", "localized", "primary"]


def primary(lang: str) -> str:
    """``es`` for ``es-MX`` or ``ES``: languages are matched by their primary subtag."""
    return lang.strip().split("-")[0].split("_")[0].lower()


def available(course: Course) -> tuple[str, ...]:
    """The languages the course is offered in, its own first."""
    base = course.edition_of or course
    return base.languages or (base.language,)


def localized(course: Course, lang: str) -> Course:
    """``course`` in ``lang`` (``es``, ``es-MX``…), falling back field by field to the course's
    own language; the course itself for its own language or one it is not offered in."""
    base = course.edition_of or course
    want = primary(lang)
    if want == primary(base.language):
        return base
    tag = next((t for t in available(base) if primary(t) == want), None)
    if tag is None:
        return base
    if (edition := base.editions.get(tag)) is not None:
        return edition
    edition = _edition(base, tag)
    base.editions[tag] = edition
    return edition


def _edition(course: Course, lang: str) -> Course:
    key = primary(lang)
    t = course.translation(key)
    return replace(
        course,
        title=(t.title if t else None) or course.title,
        description=(t.description if t else None) or course.description,
        instructor=(t.instructor if t else None) or course.instructor,
        language=lang,
        lessons=tuple(_lesson(lesson, key) for lesson in course.lessons),
        glossary=tuple(_term(term, key) for term in course.glossary),
        catalog=_catalog(course, key),
        edition_of=course,
        editions={},
    )


def _lesson(lesson: Lesson, lang: str) -> Lesson:
    t = lesson.translation(lang)
    tree = lesson.skill_tree
    return replace(
        lesson,
        title=(t.title if t else None) or lesson.title,
        tagline=(t.tagline if t else None) or lesson.tagline,
        glossary_title=(t.glossary_title if t else None) or lesson.glossary_title,
        slides=tuple(_slide(s, lang) for s in lesson.slides),
        sections=tuple(_section(s, lang) for s in lesson.sections),
        skill_tree=SkillTree(
            title=(t.skill_tree_title if t else None) or tree.title,
            subtitle=(t.skill_tree_subtitle if t else None) or tree.subtitle,
            nodes=tuple(_node(n, lang) for n in tree.nodes),
        ),
    )


def _slide(slide: Slide, lang: str) -> Slide:
    t = slide.translation(lang)
    if t is None:
        return slide
    visual = slide.visual
    if visual is not None:
        labels = t.visual
        items = tuple(
            VisualItem(v.icon, (labels[i] if i < len(labels) else None) or v.label)
            for i, v in enumerate(visual.items)
        )
        visual = Visual(items, t.joiner or visual.joiner)
    return replace(
        slide,
        title=t.title or slide.title,
        body=t.body,
        guide=t.guide or slide.guide,
        visual=visual,
        code=t.code or slide.code,
    )


def _section(section: Section, lang: str) -> Section:
    t = section.translation(lang)
    if t is None:
        return section
    cards = tuple(
        Card(
            icon=c.icon,
            title=t.cards[i].title,
            tone=c.tone,
            quote=t.cards[i].quote or c.quote,
            points=t.cards[i].points or c.points,
        )
        if i < len(t.cards)
        else c
        for i, c in enumerate(section.cards)
    )
    return replace(section, title=t.title or section.title, body=t.body, cards=cards)


def _term(term: Term, lang: str) -> Term:
    t = term.translation(lang)
    if t is None:
        return term
    analogy = term.analogy
    if analogy is not None and t.analogy:
        analogy = replace(analogy, label=t.analogy)
    return replace(
        term,
        term=t.title or term.term,
        # Learners also use the original's names ("checkpoint"), so both are kept, theirs first.
        aliases=tuple(dict.fromkeys((*t.aliases, *term.aliases))),
        definition=t.body,
        analogy=analogy,
        snippet=t.code or term.snippet,
    )


def _node(node: Node, lang: str) -> Node:
    t = node.translation(lang)
    if t is None:
        return node
    return replace(
        node,
        title=t.title or node.title,
        summary=t.summary or node.summary,
        questions=tuple(_question(q, t.question(q.id)) for q in node.questions),
    )


def _question(question: Question, t: QuestionText | None) -> Question:
    if t is None:
        return question
    choices = []
    for c in question.choices:
        ct = t.choice(c.id)
        choices.append(
            Choice(
                c.id,
                (ct.text if ct else None) or c.text,
                c.correct,  # correctness always comes from the original
                (ct.feedback if ct else None) or c.feedback,
            )
        )
    return replace(
        question,
        prompt=t.prompt or question.prompt,
        choices=tuple(choices),
        explanation=t.explanation or question.explanation,
    )


def _catalog(course: Course, lang: str) -> Catalog | None:
    """The labs' data with its prose (prices, privacy, content policies, licences, plan notes)
    in ``lang``; every number, date and source stays the original's."""
    catalog = course.catalog
    t = translation_of(course.catalog_translations, lang)
    if catalog is None or t is None:
        return catalog
    texts = dict(t.texts)
    models = []
    for m in catalog.models:
        update: dict[str, object] = _renamed(m.name, m.aliases, texts.get(f"models.{m.id}.name"))
        for name in ("license", "price", "privacy", "content_policy"):
            if (text := texts.get(f"models.{m.id}.{name}")) is not None:
                update[name] = getattr(m, name).model_copy(update={"value": text})
        models.append(m.model_copy(update=update) if update else m)
    plans = []
    for p in catalog.plans:
        update = _renamed(p.name, p.aliases, texts.get(f"plans.{p.id}.name"))
        if (note := texts.get(f"plans.{p.id}.note")) is not None:
            update["note"] = note
        plans.append(p.model_copy(update=update) if update else p)
    return catalog.model_copy(update={"models": models, "plans": plans})


def _renamed(name: str, aliases: list[str], new: str | None) -> dict[str, object]:
    """A translated name; the original stays findable as an alias (the labs look names up)."""
    if new is None or new == name:
        return {}
    return {"name": new, "aliases": [*aliases, name]}
