"""``localized(course, lang)``: the same course, its text in one language, field by field."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aula.content import Course, load_course
from aula.content.localize import available, localized, primary
from aula.content.model import ChoiceText, Code, Node, NodeTranslation, QuestionText, Rich


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


def test_spanish_edition_has_spanish_text_and_the_same_ids(course: Course) -> None:
    es = localized(course, "es")
    assert es.language == "es" and es.default_language == "en"
    assert es.edition_of is course
    assert es.description.startswith("Síntesis avanzada de imágenes")
    lesson, en_lesson = es.lessons[0], course.lessons[0]
    assert lesson.title == "Código abierto frente a modelos cerrados"
    assert lesson.skill_tree.title == "Ecosistemas de modelos de IA"
    assert [s.id for s in lesson.slides] == [s.id for s in en_lesson.slides]
    first = lesson.slides[0]
    assert first.title == "El panorama de la IA"
    assert first.visual is not None
    assert [(i.icon, i.label) for i in first.visual.items] == [
        ("🏰", "Jardines Amurallados"),
        ("🏕️", "Frontera Abierta"),
    ]
    vram = es.term("vram")
    assert vram is not None and vram.analogy is not None
    assert vram.analogy.label == "80 % en uso" and vram.analogy.value == 0.8
    assert "VRAM" in vram.aliases and "memoria de vídeo" in vram.aliases


def test_editions_are_made_once_and_the_own_language_is_the_course(course: Course) -> None:
    assert localized(course, "es") is localized(course, "es-MX")
    assert localized(course, "ES") is localized(localized(course, "es"), "es")
    assert localized(course, "en") is course
    assert localized(localized(course, "es"), "en") is course
    assert localized(course, "fr") is course  # not offered in French: the course as written
    assert available(course) == ("en", "es")
    assert primary("pt-BR") == "pt"


def test_a_missing_field_falls_back_to_the_original(mini_course: Path) -> None:
    (mini_course / "course.yaml").write_text(
        (mini_course / "course.yaml").read_text() + "languages: [en, es]\n"
    )
    (mini_course / "lessons/basics/slides/01-hello.es.md").write_text(
        "---\ntitle: Hola\n---\nEl texto.\n", encoding="utf-8"
    )
    course = load_course(mini_course)
    es = localized(course, "es")
    slide, original = es.lessons[0].slides[0], course.lessons[0].slides[0]
    assert slide.title == "Hola" and slide.body.text == "El texto."
    assert slide.guide == original.guide and slide.guide is not None  # no Spanish guide
    assert es.lessons[0].slides[1] == course.lessons[0].slides[1]  # not translated at all
    assert es.title == course.title  # no course.es.yaml


def skeleton(course: Course) -> object:
    """What a translation may never change: ids, order, answers, prerequisites, links."""
    return (
        course.id,
        course.languages,
        course.mastery_threshold,
        course.fingerprint,
        [
            (
                lesson.id,
                lesson.editor_tab,
                [(s.id, s.number, s.terms, s.sources) for s in lesson.slides],
                [(s.id, s.voiced, [c.tone for c in s.cards], s.sources) for s in lesson.sections],
                [
                    (
                        n.id,
                        n.prerequisites,
                        n.slides,
                        n.sections,
                        n.terms,
                        [
                            (
                                q.id,
                                q.node,
                                q.kind,
                                q.guess,
                                q.slip,
                                q.correct_ids,
                                [c.id for c in q.choices],
                            )
                            for q in n.questions
                        ],
                    )
                    for n in lesson.skill_tree.nodes
                ],
            )
            for lesson in course.lessons
        ],
        [(t.id, t.lab, t.sources, t.analogy and t.analogy.kind) for t in course.glossary],
    )


def test_spanish_and_english_editions_share_ids_answers_and_prerequisites(
    course: Course,
) -> None:
    es = localized(course, "es")
    assert skeleton(es) == skeleton(course)
    # … and every text is Spanish: nothing of the English skill tree is left.
    for en_node, es_node in zip(
        course.lessons[0].skill_tree.nodes, es.lessons[0].skill_tree.nodes, strict=True
    ):
        assert es_node.title != en_node.title
        for en_q, es_q in zip(en_node.questions, es_node.questions, strict=True):
            assert es_q.prompt != en_q.prompt and es_q.explanation != en_q.explanation
            for en_c, es_c in zip(en_q.choices, es_q.choices, strict=True):
                assert en_c.feedback is None or es_c.feedback != en_c.feedback
    for en_slide, es_slide in zip(course.lessons[0].slides, es.lessons[0].slides, strict=True):
        assert (es_slide.title, es_slide.body) != (en_slide.title, en_slide.body)
    for en_term, es_term in zip(course.glossary, es.glossary, strict=True):
        assert es_term.definition != en_term.definition


words = st.text(alphabet="abcñáéü ¿?¡!«»0123456789", min_size=1, max_size=8).filter(str.strip)


def rich(text: str) -> Rich:
    return Rich(text, f"<p>{text}</p>", text)


@st.composite
def node_translations(draw: st.DrawFn, node: Node) -> NodeTranslation:
    """Any Spanish for a node: any words, any fields left out (they fall back)."""
    questions = []
    for q in node.questions:
        if not draw(st.booleans()):
            continue
        choices = tuple(
            ChoiceText(
                c.id,
                draw(st.none() | words.map(rich)),
                draw(st.none() | words.map(rich)),
            )
            for c in q.choices
        )
        prompt = draw(st.none() | words.map(rich))
        questions.append(QuestionText(q.id, prompt, choices, draw(st.none() | words.map(rich))))
    return NodeTranslation("es", draw(st.none() | words), None, tuple(questions), "x.es.yaml")


@given(data=st.data())
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
def test_any_translation_keeps_the_structure_and_falls_back_field_by_field(
    course: Course, data: st.DataObject
) -> None:
    english = localized(course, "en")
    lesson = english.lessons[0]
    nodes = tuple(
        replace(n, translations=(data.draw(node_translations(n)),)) for n in lesson.skill_tree.nodes
    )
    tree = replace(lesson.skill_tree, nodes=nodes)
    base = replace(
        english, lessons=(replace(lesson, skill_tree=tree),), translations=(), editions={}
    )
    es = localized(base, "es")
    assert skeleton(es) == skeleton(base)
    for node, translated in zip(nodes, es.lessons[0].skill_tree.nodes, strict=True):
        t = node.translations[0]
        assert translated.title == (t.title or node.title)
        for q, tq in zip(node.questions, translated.questions, strict=True):
            qt = t.question(q.id)
            assert tq.prompt == ((qt.prompt if qt else None) or q.prompt)
            assert tq.explanation == ((qt.explanation if qt else None) or q.explanation)
            for c, tc in zip(q.choices, tq.choices, strict=True):
                ct = qt.choice(c.id) if qt else None
                assert tc.correct == c.correct
                assert tc.text == ((ct.text if ct else None) or c.text)
                assert tc.feedback == ((ct.feedback if ct else None) or c.feedback)


def test_spanish_terminal_output_is_spanish_and_ran_cleanly(course: Course) -> None:
    es = localized(course, "es")
    codes = [s.code for s in es.lessons[0].slides if s.code]
    codes += [t.snippet for t in es.glossary if t.snippet]
    translated = [
        c for c in codes if c.output and c.source not in {o.source for o in _english_codes(course)}
    ]
    assert len(translated) == 14  # every slide pane and glossary snippet
    for code in translated:
        assert code.output is not None and code.output.ok, code.output
    two_kingdoms = es.lessons[0].slides[1].code
    assert two_kingdoms is not None and two_kingdoms.output is not None
    assert "Uno ofrece facilidad de uso; el otro, control." in two_kingdoms.output.stdout
    assert two_kingdoms.file == "two_kingdoms.py"


def _english_codes(course: Course) -> list[Code]:
    codes = [s.code for s in course.lessons[0].slides if s.code]
    return codes + [t.snippet for t in course.glossary if t.snippet]


def test_the_labs_data_speaks_spanish_with_the_same_numbers(course: Course) -> None:
    es = localized(course, "es")
    assert course.catalog is not None and es.catalog is not None
    mj, mj_es = course.catalog.model("midjourney"), es.catalog.model("midjourney")
    assert mj is not None and mj_es is not None
    assert mj_es.privacy.value.startswith("Los prompts y las imágenes se procesan")
    assert mj_es.privacy.source == mj.privacy.source and mj_es.privacy.checked == mj.privacy.checked
    schnell = es.catalog.model("flux-schnell")
    assert schnell is not None and schnell.license.value == "Apache-2.0"  # a name, kept
    pro = es.catalog.plan("midjourney-pro")
    assert pro is not None and pro.note is not None and pro.note.startswith("Las empresas")

    def numbers(catalog: object) -> object:
        data = catalog.model_dump() if hasattr(catalog, "model_dump") else {}
        for m in data["models"]:
            m.pop("name"), m.pop("aliases")
            for name in ("license", "price", "privacy", "content_policy"):
                m[name].pop("value")
        for p in data["plans"]:
            p.pop("note"), p.pop("name"), p.pop("aliases")
        return data

    assert numbers(es.catalog) == numbers(course.catalog)
    assert es.catalog.model_dump() != course.catalog.model_dump()


def test_a_translated_name_keeps_the_original_as_an_alias(course: Course) -> None:
    es = localized(course, "es")
    assert es.catalog is not None
    dalle = es.catalog.model("dall-e-3")
    assert dalle is not None and dalle.name == "DALL-E 3 (API, retirado)"
    assert "DALL-E 3 (API, retired)" in dalle.aliases
    assert course.catalog is not None
    sdxl, original = es.catalog.model("sdxl"), course.catalog.model("sdxl")
    assert sdxl is not None and original is not None
    assert (sdxl.name, sdxl.aliases) == (original.name, original.aliases)  # nothing to translate
