"""Per-language translations of a term, slide or section (``NN-id.<lang>.md`` beside it)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from aula.content import builtin_course_path, check_course, load_course
from aula.content.localize import localized
from aula.content.translations import stamp


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_translations_load_beside_their_items(mini_course: Path) -> None:
    write(
        mini_course / "glossary/02-vram.es.md",
        "---\nterm: VRAM (memoria de vídeo)\naliases: [memoria de la GPU]\n---\n"
        "La memoria de tu *tarjeta gráfica*.\n",
    )
    write(
        mini_course / "lessons/basics/sections/01-talk.es.md",
        "---\ntitle: Una charla\ncards:\n  - {title: Cerrado, quote: 'No.', points: [Cuesta dinero.]}\n"
        "  - {title: Abierto, points: [Funciona sin conexión.]}\n---\nUnas palabras.\n",
    )
    write(mini_course / "lessons/basics/slides/01-hello.es.md", "---\ntitle: Hola\n---\nHola.\n")
    course = load_course(mini_course)
    vram = course.term("vram")
    assert vram is not None and vram.translation("en") is None
    es = vram.translation("es")
    assert es is not None
    assert es.title == "VRAM (memoria de vídeo)" and es.aliases == ("memoria de la GPU",)
    assert "<em>tarjeta gráfica</em>" in es.body.html
    lesson = course.lessons[0]
    section = lesson.sections[0].translation("es")
    assert section is not None and [c.title for c in section.cards] == ["Cerrado", "Abierto"]
    assert lesson.slides[0].translation("es") is not None
    assert [s.id for s in lesson.slides] == ["hello", "second"]  # no new items


def test_aula_check_reports_bad_translations_at_their_file(mini_course: Path) -> None:
    write(mini_course / "glossary/09-nope.es.md", "---\nterm: Nada\n---\nNada.\n")
    write(mini_course / "glossary/01-weights.en.md", "---\nterm: Weights\n---\nSame.\n")
    write(mini_course / "glossary/02-vram.es.md", "---\ntitle: VRAM\n---\nLa memoria.\n")
    write(
        mini_course / "lessons/basics/sections/01-talk.es.md",
        "---\ncards:\n  - {title: Solo una}\n---\nUnas palabras.\n",
    )
    write(mini_course / "lessons/basics/slides/02-second.es.md", "---\ntitle: Vacía\n---\n")
    write(mini_course / "lessons/basics/slides/01-hello.es.md", "---\ntitel: Hola\n---\nHola.\n")
    report = check_course(mini_course)
    messages = {f"{f.file}: {f.message}" for f in report.errors}
    text = "\n".join(sorted(messages))
    assert "glossary/09-nope.es.md: a translation of '09-nope.md', which does not exist" in text
    assert "glossary/01-weights.en.md: 'en' is the course's own language" in text
    assert "glossary/02-vram.es.md: a term's translation takes only: term, aliases" in text
    assert "01-talk.es.md: 1 cards, but '01-talk.md' has 2: translate each, in order" in text
    assert "02-second.es.md: a translation needs the translated text" in text
    assert "01-hello.es.md: unknown field 'titel'" in text
    assert not report.ok


def messages(root: Path) -> dict[str, str]:
    """``file:line: message`` -> severity, for every finding of ``aula check``."""
    report = check_course(root, run_snippets=False)
    return {str(f): f.severity for f in report.findings}


def test_check_finds_the_missing_and_the_stale_translation(bilingual_course: Path) -> None:
    found = messages(bilingual_course)
    assert found == {
        "bilingual-course/lessons/basics/nodes/02-second.yaml:1: "
        "no Spanish translation (02-second.es.yaml)": "warning",
        "bilingual-course/lessons/basics/slides/01-hello.es.md:2: "
        "stale: '01-hello.md' changed since this translation was made (source adfb220c3a81, "
        "now 193a2bc04ff6); update the text, then run "
        "`aula translations stamp 01-hello.es.md`": "warning",
    }
    assert check_course(bilingual_course, run_snippets=False).ok  # warnings only


def test_a_course_setting_makes_missing_translations_errors(bilingual_course: Path) -> None:
    course_file = bilingual_course / "course.yaml"
    write(course_file, course_file.read_text() + "missing_translations: error\n")
    report = check_course(bilingual_course, run_snippets=False)
    assert not report.ok
    assert [f.message for f in report.errors] == ["no Spanish translation (02-second.es.yaml)"]
    assert [f.message.split(":")[0] for f in report.warnings] == ["stale"]  # still a warning


def test_stamping_a_translation_clears_stale_and_keeps_the_file(bilingual_course: Path) -> None:
    path = bilingual_course / "lessons/basics/slides/01-hello.es.md"
    before = path.read_text(encoding="utf-8")
    assert stamp(path) == "193a2bc04ff6"
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("source: adfb220c3a81", "source: 193a2bc04ff6")
    assert not [m for m in messages(bilingual_course) if "stale" in m]
    # A translation without a hash gets one, as the first field of its front matter.
    section = bilingual_course / "lessons/basics/sections/01-talk.es.md"
    write(section, re.sub(r"source: \w+\n", "", section.read_text(encoding="utf-8")))
    assert any("no 'source: 647c5b05f83d'" in m for m in messages(bilingual_course))
    stamp(section)
    assert section.read_text(encoding="utf-8").startswith("---\nsource: 647c5b05f83d\ntitle:")


def test_changing_only_structure_does_not_make_a_translation_stale(
    bilingual_course: Path,
) -> None:
    node = bilingual_course / "lessons/basics/nodes/01-first.yaml"
    write(node, node.read_text().replace("terms: [weights]", "terms: [weights, vram]"))
    assert not [m for m in messages(bilingual_course) if "stale" in m and "01-first" in m]
    write(node, node.read_text().replace("Which one runs locally?", "Which one runs offline?"))
    assert [m for m in messages(bilingual_course) if "stale" in m and "01-first.es.yaml" in m]


NODE_ES = "lessons/basics/nodes/01-first.es.yaml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      - {id: c, text: Una falsa}\n",
            "      - {id: c, text: Una falsa}\n      - {id: d, text: Una cuarta}\n",
            "01-first.es.yaml:17: choice 'd' is not in question 'q-two': a translation cannot "
            "add choices",
        ),
        (
            "      - {id: b, text: También cierta}\n",
            "",
            "01-first.es.yaml:13: question 'q-two': choice 'b' missing: translate every "
            "choice, in order",
        ),
        (
            "  - id: q-one\n",
            "  - id: q-nine\n",
            "01-first.es.yaml:5: question 'q-nine' is not in the original: a translation "
            "cannot add questions",
        ),
        (
            "      - {id: a, text: Una cierta}\n",
            "      - {id: a, text: Una cierta, feedback: ¡Bien!}\n",
            "01-first.es.yaml:14: 'questions.q-two.choices.a.feedback': the original has no "
            "such text",
        ),
        (
            "      - {id: b, text: El local, feedback: Sí.}\n",
            "      - {id: b, text: El local, feedback: Sí., correct: false}\n",
            "01-first.es.yaml:9: unknown field 'questions.0.choices.1.correct'",
        ),
    ],
)
def test_a_node_translation_cannot_change_the_structure(
    bilingual_course: Path, old: str, new: str, expected: str
) -> None:
    path = bilingual_course / NODE_ES
    text = path.read_text(encoding="utf-8")
    assert old in text
    write(path, text.replace(old, new))
    report = check_course(bilingual_course, run_snippets=False)
    assert not report.ok
    assert any(str(f).endswith(expected) for f in report.errors), report.errors


def test_a_translation_into_an_unlisted_language_is_a_warning(bilingual_course: Path) -> None:
    write(bilingual_course / "glossary/02-vram.fr.md", "---\nterm: VRAM\n---\nLa mémoire.\n")
    found = messages(bilingual_course)
    assert any(
        m.startswith("bilingual-course/glossary/02-vram.fr.md:1: 'fr' is not one of the course's")
        and level == "warning"
        for m, level in found.items()
    )


def test_translated_code_runs_and_is_the_terminal_in_that_language(
    bilingual_course: Path,
) -> None:
    course = load_course(bilingual_course)
    es, en = localized(course, "es"), course
    slide, original = es.lessons[0].slides[0], en.lessons[0].slides[0]
    assert slide.code is not None and slide.code.output is not None
    assert original.code is not None and original.code.output is not None
    assert slide.code.output.stdout == "hola desde la primera diapositiva\n"
    assert original.code.output.stdout == "hello from the first slide\n"
    assert slide.code.file == original.code.file == "main.py"  # the tab keeps its name
    weights = es.term("weights")
    assert weights is not None and weights.snippet is not None
    assert weights.snippet.output is not None
    assert "bytes para 3 parámetros" in weights.snippet.output.stdout
    assert weights.analogy is not None and weights.analogy.label == "Tamaño: 6 GB o más"
    # Nothing untranslated falls through empty: the missing node is the English one.
    second = es.lessons[0].skill_tree.node("second")
    assert second is not None and second.title == "Second node"
    assert es.lessons[0].skill_tree.title == "Árbol de lo básico"


def test_languages_must_include_the_course_s_own(bilingual_course: Path) -> None:
    course_file = bilingual_course / "course.yaml"
    write(course_file, course_file.read_text().replace("languages: [en, es]", "languages: [es]"))
    report = check_course(bilingual_course, run_snippets=False)
    assert [str(f) for f in report.errors] == [
        "bilingual-course/course.yaml:7: 'languages' does not list the course's own language 'en'"
    ]


def test_a_catalog_translation_names_only_models_and_plans_that_exist(tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(builtin_course_path(), root)
    catalog = root / "catalog.es.yaml"
    text = catalog.read_text(encoding="utf-8")
    write(catalog, text.replace("models:\n", "models:\n  dall-e-9:\n    price: Gratis\n", 1))
    report = check_course(root, run_snippets=False)
    assert [str(f) for f in report.errors] == [
        "course/catalog.es.yaml:7: 'models.dall-e-9.price': the original has no such text"
    ]


def test_changing_the_code_a_translation_copied_makes_it_stale(bilingual_course: Path) -> None:
    code = bilingual_course / "glossary/code/weights.py"
    write(code, code.read_text().replace("3 parameters", "three parameters"))
    stale = [m for m in messages(bilingual_course) if "stale" in m]
    assert [m.split(":")[0] for m in stale] == [
        "bilingual-course/glossary/01-weights.es.md",
        "bilingual-course/lessons/basics/slides/01-hello.es.md",
    ]
    # A term without its own copy of the code does not care about it.
    assert not [m for m in stale if "02-vram" in m]


def test_stamping_a_yaml_translation_keeps_its_opening_comments(bilingual_course: Path) -> None:
    lesson = bilingual_course / "lessons/basics/lesson.es.yaml"
    body = re.sub(r"source: \w+\n", "", lesson.read_text(encoding="utf-8"))
    write(lesson, "# Lo básico, en español.\n" + body)
    digest = stamp(lesson)
    assert lesson.read_text(encoding="utf-8") == (
        f"# Lo básico, en español.\nsource: {digest}\n" + body
    )
    assert not [m for m in messages(bilingual_course) if "lesson.es.yaml" in m]
