"""Per-language translations of a term, slide or section (``NN-id.<lang>.md`` beside it)."""

from __future__ import annotations

from pathlib import Path

from aula.content import check_course, load_course


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
