"""Checking a course's translations: each fits its original, none is missing or stale.

Every text-bearing file can have a translation beside it (``NN-id.<lang>.md``,
``NN-id.<lang>.yaml``, ``course.<lang>.yaml``, ``lesson.<lang>.yaml``). Both the original and
the translation are flattened into ``{"questions.q1.choices.a.feedback": text, …}``: a key the
original lacks is an error, a key the translation lacks is a missing translation (a warning or
an error, as ``course.yaml``'s ``missing_translations`` says). The translation's ``source:``
is the hash of the original's texts it was made from; when they differ, it is stale.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from aula.content import schema
from aula.content.catalog import Catalog
from aula.content.findings import Finding, relative
from aula.content.localize import primary
from aula.content.reader import Parsed, ParsedCourse, translation_lang
from aula.content.yamlfile import Document

Kind = Literal["course", "lesson", "slide", "section", "node", "term", "catalog"]
Texts = dict[str, str]
_ALLOWED: dict[Kind, tuple[str, ...]] = {
    "course": ("title", "description", "instructor"),
    "lesson": ("title", "tagline", "skill_tree", "glossary_title"),
    "slide": ("title", "guide", "visual", "code"),
    "section": ("title", "cards"),
    "term": ("term", "aliases", "analogy", "snippet"),
    "node": ("title", "summary", "questions"),
    "catalog": ("models", "plans"),
}
# Texts a translation may give but need not (a licence's name is often the same everywhere).
_OPTIONAL = re.compile(r"^(models\.[^.]+\.(license|name)|plans\.[^.]+\.name)$")
_NAMES = {"es": "Spanish", "en": "English", "pt": "Portuguese", "fr": "French", "de": "German"}


@dataclass(frozen=True)
class Original:
    kind: Kind
    item: Parsed[BaseModel]


def originals(parsed: ParsedCourse) -> dict[Path, Original]:
    """Every item that holds text, by its file, in course order."""
    out: dict[Path, Original] = {parsed.meta.path: Original("course", parsed.meta)}
    for lesson in parsed.lessons:
        out[lesson.meta.path] = Original("lesson", lesson.meta)
        out |= {s.path: Original("slide", s) for s in lesson.slides}
        out |= {s.path: Original("section", s) for s in lesson.sections}
        out |= {n.path: Original("node", n) for n in lesson.nodes}
    out |= {t.path: Original("term", t) for t in parsed.terms}
    if parsed.catalog is not None:
        path = parsed.root / "catalog.yaml"
        doc = Document(relative(path, parsed.root), None)
        out[path] = Original("catalog", Parsed(parsed.catalog, doc, "catalog", path))
    return out


def _put(out: Texts, key: str, value: str | None) -> None:
    if value is not None and value.strip():
        out[key] = value.strip()


def original_texts(original: Original) -> Texts:
    """The words of an original item, by key."""
    e, out = original.item.entry, Texts()
    if isinstance(e, schema.CourseFile):
        _put(out, "title", e.title)
        _put(out, "description", e.description)
        _put(out, "instructor", e.instructor)
    elif isinstance(e, schema.LessonFile):
        _put(out, "title", e.title)
        _put(out, "tagline", e.tagline)
        _put(out, "skill_tree.title", e.skill_tree.title)
        _put(out, "skill_tree.subtitle", e.skill_tree.subtitle)
        _put(out, "glossary_title", e.glossary_title)
    elif isinstance(e, schema.SlideFront):
        _put(out, "title", e.title)
        _put(out, "body", original.item.doc.text)
        _put(out, "guide", e.guide)
        for i, v in enumerate(e.visual.items if e.visual else []):
            _put(out, f"visual.items.{i}.label", v.label)
    elif isinstance(e, schema.SectionFront):
        _put(out, "title", e.title)
        _put(out, "body", original.item.doc.text)
        for i, c in enumerate(e.cards):
            _put(out, f"cards.{i}.title", c.title)
            _put(out, f"cards.{i}.quote", c.quote)
            for j, p in enumerate(c.points):
                _put(out, f"cards.{i}.points.{j}", p)
    elif isinstance(e, schema.TermFront):
        _put(out, "term", e.term)
        _put(out, "body", original.item.doc.text)
        _put(out, "analogy.label", e.analogy.label if e.analogy else None)
    elif isinstance(e, schema.NodeFile):
        _put(out, "title", e.title)
        _put(out, "summary", e.summary)
        for q in e.questions:
            _put(out, f"questions.{q.id}.prompt", q.prompt)
            for ch in q.choices:
                _put(out, f"questions.{q.id}.choices.{ch.id}.text", ch.text)
                _put(out, f"questions.{q.id}.choices.{ch.id}.feedback", ch.feedback)
            _put(out, f"questions.{q.id}.explanation", q.explanation)
    elif isinstance(e, Catalog):
        for m in e.models:
            _put(out, f"models.{m.id}.name", m.name)
            for name in ("license", "price", "privacy", "content_policy"):
                _put(out, f"models.{m.id}.{name}", getattr(m, name).value)
        for plan in e.plans:
            _put(out, f"plans.{plan.id}.name", plan.name)
            _put(out, f"plans.{plan.id}.note", plan.note)
    return out


def translated_texts(t: Parsed[schema.Translated]) -> Texts:
    """The words a translation gives, keyed like ``original_texts``."""
    e, out = t.entry, Texts()
    if isinstance(e, schema.CourseText):
        _put(out, "title", e.title)
        _put(out, "description", e.description)
        _put(out, "instructor", e.instructor)
    elif isinstance(e, schema.LessonText):
        _put(out, "title", e.title)
        _put(out, "tagline", e.tagline)
        _put(out, "skill_tree.title", e.skill_tree.title if e.skill_tree else None)
        _put(out, "skill_tree.subtitle", e.skill_tree.subtitle if e.skill_tree else None)
        _put(out, "glossary_title", e.glossary_title)
    elif isinstance(e, schema.TranslationFront):
        _put(out, "title", e.title)
        _put(out, "term", e.term)
        _put(out, "body", t.doc.text)
        _put(out, "guide", e.guide)
        for i, v in enumerate(e.visual.items if e.visual else []):
            _put(out, f"visual.items.{i}.label", v.label)
        for i, c in enumerate(e.cards):
            _put(out, f"cards.{i}.title", c.title)
            _put(out, f"cards.{i}.quote", c.quote)
            for j, p in enumerate(c.points):
                _put(out, f"cards.{i}.points.{j}", p)
        _put(out, "analogy.label", e.analogy.label if e.analogy else None)
    elif isinstance(e, schema.NodeText):
        _put(out, "title", e.title)
        _put(out, "summary", e.summary)
        for q in e.questions:
            _put(out, f"questions.{q.id}.prompt", q.prompt)
            for ch in q.choices:
                _put(out, f"questions.{q.id}.choices.{ch.id}.text", ch.text)
                _put(out, f"questions.{q.id}.choices.{ch.id}.feedback", ch.feedback)
            _put(out, f"questions.{q.id}.explanation", q.explanation)
    elif isinstance(e, schema.CatalogText):
        for model_id, m in e.models.items():
            for name in ("name", "license", "price", "privacy", "content_policy"):
                _put(out, f"models.{model_id}.{name}", getattr(m, name))
        for plan_id, plan_text in e.plans.items():
            _put(out, f"plans.{plan_id}.name", plan_text.name)
            _put(out, f"plans.{plan_id}.note", plan_text.note)
    return out


def _code_source(original: Original) -> str:
    """The original's code (a slide's pane, a term's snippet): a translated copy of it goes
    stale when it changes."""
    e = original.item.entry
    code = getattr(e, "code", None) or getattr(e, "snippet", None)
    if not isinstance(code, schema.CodeEntry):
        return ""
    if code.source is not None:
        return code.source
    try:
        return (original.item.path.parent / (code.path or "")).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _translates_code(t: Parsed[schema.Translated]) -> bool:
    e = t.entry
    return isinstance(e, schema.TranslationFront) and (e.code or e.snippet) is not None


def source_hash(original: Original, t: Parsed[schema.Translated]) -> str:
    """The hash a translation records as ``source:``: of the original's words (and of its code
    when the translation has its own copy of the code)."""
    data: dict[str, object] = {"texts": original_texts(original)}
    if _translates_code(t):
        data["code"] = _code_source(original)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def _fields_set(t: Parsed[schema.Translated]) -> set[str]:
    return {k for k in t.entry.model_fields_set if k != "source"}


def _structure(original: Original, t: Parsed[schema.Translated]) -> list[tuple[int, str]]:
    """Questions and choices in a node's translation: the original's ids, in its order."""
    e, o = t.entry, original.item.entry
    if not isinstance(e, schema.NodeText) or not isinstance(o, schema.NodeFile):
        return []
    out: list[tuple[int, str]] = []
    want = [q.id for q in o.questions]
    have = [q.id for q in e.questions]
    if e.questions and have != want:
        extra = [i for i in have if i not in want]
        gone = [i for i in want if i not in have]
        if extra:
            i = have.index(extra[0])
            out.append(
                (
                    t.line("questions", i, "id"),
                    f"question '{extra[0]}' is not in the original: a "
                    "translation cannot add questions",
                )
            )
        if gone:
            out.append(
                (
                    t.line("questions"),
                    f"question{'s' if len(gone) > 1 else ''} "
                    f"{', '.join(repr(g) for g in gone)} missing: a translation gives every "
                    "question of the original",
                )
            )
        if not extra and not gone:
            out.append((t.line("questions"), f"questions out of order: the original has {want}"))
    originals_by_id = {q.id: q for q in o.questions}
    for qi, q in enumerate(e.questions):
        oq = originals_by_id.get(q.id)
        if oq is None or not q.choices:
            continue
        want_c = [c.id for c in oq.choices]
        have_c = [c.id for c in q.choices]
        if have_c == want_c:
            continue
        extra = [c for c in have_c if c not in want_c]
        gone = [c for c in want_c if c not in have_c]
        if extra:
            ci = have_c.index(extra[0])
            message = (
                f"choice '{extra[0]}' is not in question '{q.id}': a translation cannot add choices"
            )
            out.append((t.line("questions", qi, "choices", ci, "id"), message))
        if gone:
            message = (
                f"question '{q.id}': choice{'s' if len(gone) > 1 else ''} "
                f"{', '.join(repr(g) for g in gone)} missing: translate every choice, in order"
            )
            out.append((t.line("questions", qi, "choices"), message))
        if not extra and not gone:
            message = f"question '{q.id}': choices out of order: the original has {want_c}"
            out.append((t.line("questions", qi, "choices"), message))
    return out


def _line_of_key(t: Parsed[schema.Translated], key: str) -> int:
    """The line of a flattened key in the translation (question and choice ids resolved)."""
    parts: list[str | int] = []
    e = t.entry
    bits = key.split(".")
    if isinstance(e, schema.NodeText) and bits[0] == "questions":
        qi = next((i for i, q in enumerate(e.questions) if q.id == bits[1]), None)
        if qi is None:
            return t.line("questions")
        parts = ["questions", qi]
        if len(bits) > 3 and bits[2] == "choices":
            ci = next((i for i, c in enumerate(e.questions[qi].choices) if c.id == bits[3]), None)
            parts += ["choices"] + ([ci] if ci is not None else [])
            parts += bits[4:] if ci is not None else []
        else:
            parts += bits[2:]
        return t.line(*parts)
    if bits[0] == "body":
        return t.doc.text_line
    return t.line(*(int(b) if b.isdigit() else b for b in bits))


def check_translations(parsed: ParsedCourse) -> list[Finding]:
    """Translations fit their originals; none is missing (per language) or stale."""
    meta = parsed.meta.entry
    own = primary(meta.language)
    wanted = [primary(lang) for lang in meta.languages if primary(lang) != own]
    severity = meta.missing_translations
    items = originals(parsed)
    out: list[Finding] = []

    def problem(path: Path, line: int, message: str, level: str = "error") -> None:
        out.append(Finding(relative(path, parsed.root), line, message, level))

    if meta.languages and own not in {primary(lang) for lang in meta.languages}:
        problem(
            parsed.meta.path,
            parsed.meta.line("languages"),
            f"'languages' does not list the course's own language '{meta.language}'",
        )
    for path, found in parsed.translations.items():
        original = items.get(path)
        for t in found:
            lang = translation_lang(t)
            if lang == own:
                problem(t.path, 1, f"'{lang}' is the course's own language")
                continue
            if original is None:
                continue  # an item that did not validate: its own errors say why
            allowed = _ALLOWED[original.kind]
            if wrong := sorted(_fields_set(t) - set(allowed)):
                problem(
                    t.path,
                    t.line(wrong[0]),
                    f"a {original.kind}'s translation takes only: {', '.join(allowed)}",
                )
                continue
            if lang not in wanted:
                listed_text = ", ".join(meta.languages) if meta.languages else meta.language
                problem(
                    t.path,
                    1,
                    f"'{lang}' is not one of the course's languages ({listed_text}): add it to "
                    "'languages' in course.yaml",
                    "warning",
                )
            out.extend(_fit(original, t))
            mine, theirs = original_texts(original), translated_texts(t)
            for key in theirs.keys() - mine.keys():
                if not key.startswith("questions.") or not _structure(original, t):
                    problem(t.path, _line_of_key(t, key), f"'{key}': the original has no such text")
            name = _NAMES.get(lang, f"'{lang}'")
            missing = [k for k in mine if k not in theirs and not _OPTIONAL.match(k)]
            if missing:
                shown = ", ".join(missing[:4]) + (
                    f" and {len(missing) - 4} more" if len(missing) > 4 else ""
                )
                problem(t.path, 1, f"not translated into {name}: {shown}", severity)
            recorded = t.entry.source
            current = source_hash(original, t)
            if recorded is None:
                problem(
                    t.path,
                    1,
                    f"no 'source: {current}': record the hash of the original it translates "
                    f"(aula translations stamp {t.path.name})",
                    "warning",
                )
            elif recorded != current:
                problem(
                    t.path,
                    t.line("source"),
                    f"stale: '{path.name}' changed since this translation was made (source "
                    f"{recorded}, now {current}); update the text, then run "
                    f"`aula translations stamp {t.path.name}`",
                    "warning",
                )
    for lang in wanted:
        name = _NAMES.get(lang, f"'{lang}'")
        for path, original in items.items():
            if not original_texts(original):
                continue
            if not any(translation_lang(t) == lang for t in parsed.translations.get(path, [])):
                suffix = ".md" if path.suffix == ".md" else path.suffix
                expected = path.with_name(f"{path.stem}.{lang}{suffix}").name
                problem(path, 1, f"no {name} translation ({expected})", severity)
    return out


def coverage(parsed: ParsedCourse) -> dict[str, dict[str, int]]:
    """Per language the course is offered in (besides its own): how many of its text-bearing
    items are translated, and how many of those translations are stale or leave texts out."""
    meta = parsed.meta.entry
    own = primary(meta.language)
    out: dict[str, dict[str, int]] = {}
    items = {p: o for p, o in originals(parsed).items() if original_texts(o)}
    for lang in dict.fromkeys(primary(x) for x in meta.languages if primary(x) != own):
        row = {"items": len(items), "translated": 0, "stale": 0, "incomplete": 0}
        for path, original in items.items():
            t = next(
                (t for t in parsed.translations.get(path, []) if translation_lang(t) == lang),
                None,
            )
            if t is None:
                continue
            row["translated"] += 1
            if t.entry.source is not None and t.entry.source != source_hash(original, t):
                row["stale"] += 1
            mine, theirs = original_texts(original), translated_texts(t)
            if any(k not in theirs and not _OPTIONAL.match(k) for k in mine):
                row["incomplete"] += 1
        out[lang] = row
    return out


def _fit(original: Original, t: Parsed[schema.Translated]) -> list[Finding]:
    """Cards one for one, visual labels one per item, questions and choices by id."""
    out: list[Finding] = []
    e, o = t.entry, original.item.entry
    file = t.file

    def add(line: int, message: str) -> None:
        out.append(Finding(file, line, message))

    if isinstance(e, schema.TranslationFront):
        if isinstance(o, schema.SectionFront) and e.cards and len(e.cards) != len(o.cards):
            add(
                t.line("cards"),
                f"{len(e.cards)} cards, but '{original.item.path.name}' has {len(o.cards)}: "
                "translate each, in order",
            )
        if isinstance(o, schema.SlideFront) and e.visual and e.visual.items:
            n = len(o.visual.items) if o.visual else 0
            if len(e.visual.items) != n:
                add(
                    t.line("visual", "items"),
                    f"{len(e.visual.items)} visual items, but '{original.item.path.name}' has "
                    f"{n}: give one label per item, in order",
                )
    for line, message in _structure(original, t):
        add(line, message)
    return out


_SOURCE_LINE = re.compile(r"^source:.*$", re.MULTILINE)


def stamp(path: Path, root: Path | None = None) -> str:
    """Write the current ``source:`` hash into the translation at ``path`` and return it.

    Run it after updating a translation to its original's new text. The rest of the file is
    kept byte for byte."""
    from aula.content.reader import read_course

    path = path.resolve()
    root = (root or _course_root(path)).resolve()
    parsed, _ = read_course(root)
    if parsed is None:
        raise ValueError(f"{root}: not a course folder")
    items = originals(parsed)
    for original_path, found in parsed.translations.items():
        for t in found:
            if t.path.resolve() == path and original_path in items:
                digest = source_hash(items[original_path], t)
                _write_source(path, digest)
                return digest
    raise ValueError(f"{path.name}: not a readable translation of an item in {root.name}")


def _course_root(path: Path) -> Path:
    for folder in path.parents:
        if (folder / "course.yaml").is_file():
            return folder
    raise ValueError(f"{path}: not inside a course folder (no course.yaml above it)")


def _write_source(path: Path, digest: str) -> None:
    text = path.read_text(encoding="utf-8")
    line = f"source: {digest}"
    front = text.startswith("---")
    head, sep, rest = text[3:].partition("\n---") if front else (text, "", "")
    if _SOURCE_LINE.search(head):
        head = _SOURCE_LINE.sub(line, head, count=1)
    elif front:
        head = "\n" + line + head
    else:  # after the comments that open the file
        lines = head.splitlines(keepends=True)
        at = next((i for i, x in enumerate(lines) if not x.startswith("#")), len(lines))
        head = "".join([*lines[:at], line + "\n", *lines[at:]])
    path.write_text(("---" + head + sep + rest) if front else head, encoding="utf-8")
