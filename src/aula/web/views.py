"""Course objects as plain data: what the templates show and the JSON twins return.

Questions are published without their answers: which choices are right, and the feedback,
only come back from grading a submitted answer.
"""

from __future__ import annotations

from typing import Any

from aula.content.model import (
    Code,
    Course,
    Lesson,
    Node,
    Question,
    Rich,
    Section,
    Slide,
    Term,
)
from aula.content.urls import lab_url, lesson_url, node_url, slide_url, term_url
from aula.learning import Grade


def grade_data(result: Grade) -> dict[str, Any]:
    """A graded answer: verdict, per-choice feedback and the explanation."""
    return {
        "correct": result.correct,
        "chosen": list(result.chosen),
        "feedback": [
            {
                "choice_id": f.choice_id,
                "verdict": f.verdict,
                "text": rich(f.text),
                "feedback": rich(f.feedback),
            }
            for f in result.feedback
        ],
        "explanation": rich(result.explanation),
    }


def rich(value: Rich | None) -> dict[str, str] | None:
    return {"html": value.html, "text": value.text} if value else None


def code_data(code: Code | None) -> dict[str, Any] | None:
    if code is None:
        return None
    output = None
    if code.output is not None:
        output = {
            "stdout": code.output.stdout,
            "stderr": code.output.stderr,
            "exit_code": code.output.exit_code,
            "timed_out": code.output.timed_out,
        }
    return {
        "file": code.file,
        "language": code.language,
        "source": code.source,
        "run": code.run,
        "output": output,
    }


def slide_data(lesson: Lesson, slide: Slide) -> dict[str, Any]:
    visual = None
    if slide.visual:
        visual = {
            "items": [{"icon": i.icon, "label": i.label} for i in slide.visual.items],
            "joiner": slide.visual.joiner,
        }
    return {
        "id": slide.id,
        "number": slide.number,
        "url": slide_url(lesson.id, slide.number),
        "title": slide.title,
        "body": rich(slide.body),
        "guide": rich(slide.guide),
        "visual": visual,
        "code": code_data(slide.code),
        "terms": list(slide.terms),
        "sources": list(slide.sources),
    }


def question_data(lesson: Lesson, question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "node": question.node,
        "url": node_url(lesson.id, question.node) + f"#question-{question.id}",
        "kind": question.kind,
        "prompt": rich(question.prompt),
        "choices": [{"id": c.id, "text": rich(c.text)} for c in question.choices],
    }


def node_data(lesson: Lesson, node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "title": node.title,
        "url": node_url(lesson.id, node.id),
        "summary": rich(node.summary),
        "prerequisites": list(node.prerequisites),
        "slides": list(node.slides),
        "sections": list(node.sections),
        "terms": list(node.terms),
        "questions": [q.id for q in node.questions],
    }


def section_data(section: Section) -> dict[str, Any]:
    return {
        "id": section.id,
        "title": section.title,
        "voiced": section.voiced,
        "body": rich(section.body),
        "cards": [
            {
                "icon": c.icon,
                "title": c.title,
                "tone": c.tone,
                "quote": rich(c.quote),
                "points": [rich(p) for p in c.points],
            }
            for c in section.cards
        ],
    }


def term_data(term: Term) -> dict[str, Any]:
    analogy = None
    if term.analogy:
        a = term.analogy
        analogy = {"kind": a.kind, "label": a.label, "icon": a.icon, "value": a.value}
    return {
        "id": term.id,
        "term": term.term,
        "url": term_url(term.id),
        "aliases": list(term.aliases),
        "definition": rich(term.definition),
        "snippet": code_data(term.snippet),
        "analogy": analogy,
        "lab": lab_url(term.lab) if term.lab else None,
        "sources": list(term.sources),
    }


def course_data(course: Course) -> dict[str, Any]:
    return {
        "id": course.id,
        "title": course.title,
        "language": course.language,
        "description": course.description,
        "mastery_threshold": course.mastery_threshold,
        "lessons": [
            {
                "id": lesson.id,
                "title": lesson.title,
                "tagline": lesson.tagline,
                "url": lesson_url(lesson.id),
                "slides": len(lesson.slides),
                "nodes": len(lesson.skill_tree.nodes),
                "questions": len(lesson.questions),
            }
            for lesson in course.lessons
        ],
        "glossary": [{"id": t.id, "term": t.term, "url": term_url(t.id)} for t in course.glossary],
    }


def lesson_data(course: Course, lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "title": lesson.title,
        "tagline": lesson.tagline,
        "editor_tab": lesson.editor_tab,
        "slides": [slide_data(lesson, s) for s in lesson.slides],
        "sections": [section_data(s) for s in lesson.sections],
        "skill_tree": {
            "title": lesson.skill_tree.title,
            "subtitle": lesson.skill_tree.subtitle,
            "nodes": [node_data(lesson, n) for n in lesson.skill_tree.nodes],
        },
        "questions": [question_data(lesson, q) for q in lesson.questions],
        "glossary": [term_data(t) for t in course.glossary],
    }


def sources_data(course: Course, ids: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
    out = []
    for source_id in ids:
        if (src := course.sources.get(source_id)) is not None:
            out.append(
                {
                    "id": src.id,
                    "title": src.title,
                    "url": src.url,
                    "publisher": src.publisher or "",
                    "checked": src.checked.isoformat(),
                }
            )
    return out
