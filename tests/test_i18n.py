"""The interface catalogs are complete and current, and Babel formats for the language.

``make messages`` re-extracts, updates and compiles; these fail when someone marked or changed
a string and did not run it (or left a Spanish string untranslated or fuzzy)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from aula import i18n

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "aula" / "locale"
TRANSLATED = [lang for lang in i18n.interface_languages() if lang != i18n.SOURCE_LANGUAGE]


def po(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def test_spanish_is_offered() -> None:
    assert "es" in i18n.interface_languages()


def test_the_template_is_what_extraction_gives_now(tmp_path: Path) -> None:
    out = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "-q",
            "extract",
            "-F",
            ROOT / "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "--no-wrap",
            "-o",
            out,
            ROOT / "src" / "aula",
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    fresh = out.read_text(encoding="utf-8")
    kept = (LOCALE / "messages.pot").read_text(encoding="utf-8")
    assert fresh == kept, "messages.pot is stale: run `make messages` and translate"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    with (LOCALE / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    catalog = po(lang)
    assert ids(catalog) == ids(template), "the .po does not match messages.pot: make messages"
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated in {lang}: {untranslated}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, f"placeholders differ in {lang}: {problems}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_catalog_is_the_po(lang: str) -> None:
    with (LOCALE / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    source = po(lang)

    def pairs(catalog: Catalog, *, skip_fuzzy: bool) -> dict[object, object]:
        return {
            (tuple(m.id) if isinstance(m.id, list | tuple) else m.id): (
                tuple(m.string) if isinstance(m.string, list | tuple) else m.string
            )
            for m in catalog
            if m.id and not (skip_fuzzy and m.fuzzy)
        }

    assert pairs(compiled, skip_fuzzy=False) == pairs(source, skip_fuzzy=True), (
        "messages.mo is stale: run `make messages`"
    )


def test_a_string_in_spanish_and_back() -> None:
    with i18n.use_language("es"):
        assert i18n._("Glossary") == "Glosario"
    assert i18n._("Glossary") == "Glossary"
    assert i18n.current_language() == "en"


def test_an_unknown_language_says_it_as_written() -> None:
    with i18n.use_language("xx"):
        assert i18n._("Glossary") == "Glossary"


def test_numbers_money_and_dates_follow_the_language() -> None:
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    with i18n.use_language("es"):
        assert i18n.format_number(1234.5) == "1.234,5"
        assert i18n.format_money(1234.5, "EUR", cents=True) == "1.234,50\xa0€"
        assert i18n.format_money(12345, "EUR") == "12.345\xa0€"
        assert i18n.format_percent(0.8) == "80\xa0%"
        assert i18n.format_ago(now - dt.timedelta(days=3), now) == "hace 3 días"
    assert i18n.format_number(1234.5) == "1,234.5"
    assert i18n.format_money(12.5) == "$12.50"
    assert i18n.format_money(1599) == "$1,599"
    assert i18n.format_ago(now - dt.timedelta(days=3), now) == "3 days ago"
    assert i18n.format_ago(dt.datetime(2026, 12, 2, 12), now) == "in 2 days"  # naive is UTC


def test_language_names_are_written_in_themselves() -> None:
    assert i18n.language_name("es") == "Español"
    assert i18n.language_name("en") == "English"


def test_every_template_parses_for_extraction() -> None:
    # Babel's Jinja extractor skips a template it cannot parse without a word: every template
    # must parse with the extensions babel.cfg names, or its strings would never be translated.
    from configparser import ConfigParser
    from importlib import import_module

    from jinja2 import Environment

    config = ConfigParser()
    config.read(ROOT / "babel.cfg")
    section = next(s for s in config.sections() if s.startswith("jinja2:"))
    extensions = []
    for name in config[section]["extensions"].split(","):
        module, _, attr = name.strip().rpartition(".")
        extensions.append(getattr(import_module(module), attr))
    env = Environment(extensions=extensions, trim_blocks=True, lstrip_blocks=True)
    templates = sorted((ROOT / "src" / "aula" / "web" / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        env.parse(path.read_text(encoding="utf-8"), name=str(path))


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANGUAGE": "es:en", "LANG": "en_GB.UTF-8"}, "es"),
        ({"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, "en"),  # the first one set decides
        ({"LC_MESSAGES": "es_MX"}, "es"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_cli_language_comes_from_the_environment(
    environ: dict[str, str], expected: str
) -> None:
    assert i18n.language_from_environment(environ) == expected
