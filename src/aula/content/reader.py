"""Reading a course folder into validated file entries, each still knowing its file and lines.

The layout (see docs/course-format.md)::

    course.yaml  sources.yaml  catalog.yaml
    glossary/NN-<id>.md
    lessons/<lesson>/lesson.yaml
    lessons/<lesson>/slides/NN-<id>.md  sections/NN-<id>.md  nodes/NN-<id>.yaml
    NN-<id>.<lang>.md beside a term, slide or section, NN-<id>.<lang>.yaml beside a node,
    course.<lang>.yaml and lesson.<lang>.yaml: their text in another language

Items are ordered by file name; an item's id is its ``id`` field or its file name without the
``NN-`` prefix. Cross-file rules (references, cycles, duplicates) live in ``rules.py``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from aula.content import schema
from aula.content.catalog import Catalog, load_catalog
from aula.content.findings import Finding, did_you_mean, relative
from aula.content.yamlfile import Document, read_front_matter, read_yaml, validate

E = TypeVar("E", bound=BaseModel)
E_co = TypeVar("E_co", bound=BaseModel, covariant=True)
_PREFIX = re.compile(r"^\d+[-_]")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TRANSLATION = re.compile(r"^(?P<base>.+)\.(?P<lang>[a-z]{2})$")  # stem of "03-vram.es.md"


@dataclass(frozen=True)
class Parsed(Generic[E_co]):
    """One validated file entry with the document it came from."""

    entry: E_co
    doc: Document
    id: str
    path: Path

    @property
    def file(self) -> str:
        return self.doc.file

    def line(self, *loc: str | int) -> int:
        return self.doc.line_of(loc)


@dataclass
class ParsedLesson:
    id: str
    folder: Path
    meta: Parsed[schema.LessonFile]
    slides: list[Parsed[schema.SlideFront]]
    sections: list[Parsed[schema.SectionFront]]
    nodes: list[Parsed[schema.NodeFile]]
    unreadable: frozenset[str] = frozenset()  # ids of items whose files did not validate


@dataclass
class ParsedCourse:
    root: Path
    meta: Parsed[schema.CourseFile]
    sources: Parsed[schema.SourcesFile] | None
    terms: list[Parsed[schema.TermFront]]
    lessons: list[ParsedLesson]
    fingerprint: str
    unreadable_terms: frozenset[str] = frozenset()
    catalog: Catalog | None = None
    # The original item's file -> its translations (``NN-id.<lang>.md`` beside it).
    translations: dict[Path, list[Parsed[schema.Translated]]] = field(default_factory=dict)


@dataclass
class Reader:
    """Reads files under ``root``, collecting findings instead of stopping at the first."""

    root: Path
    findings: list[Finding] = field(default_factory=list)
    # Items that exist but did not validate: references to them are not reported again.
    unreadable: set[str] = field(default_factory=set)
    translations: dict[Path, list[Parsed[schema.Translated]]] = field(default_factory=dict)
    _digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    def name(self, path: Path) -> str:
        return relative(path, self.root)

    def problem(self, path: Path, line: int, message: str, severity: str = "error") -> None:
        self.findings.append(Finding(self.name(path), line, message, severity))

    def fingerprint_file(self, path: Path) -> None:
        """Count the file's name and bytes in the course fingerprint."""
        self._digest.update(str(path.relative_to(self.root)).encode())
        self._digest.update(path.read_bytes())

    def inside(self, path: Path) -> bool:
        """Whether the file, symlinks followed, is inside the course folder; says so if not
        (a symlinked slide would publish whatever it points to)."""
        if path.resolve().is_relative_to(self.root.resolve()):
            return True
        self.problem(
            path,
            1,
            "this file resolves outside the course folder (a symlink?): a course may only "
            "publish files inside its own folder",
        )
        return False

    def _document(self, path: Path, front: bool) -> Document | None:
        if not self.inside(path):
            return None
        try:
            self.fingerprint_file(path)
            doc, found = (read_front_matter if front else read_yaml)(path, self.name(path))
        except UnicodeDecodeError as exc:
            self.problem(path, 1, f"not UTF-8 text (byte {exc.start}): save the file as UTF-8")
            return None
        except OSError as exc:
            self.problem(path, 1, f"cannot read file: {exc.strerror}")
            return None
        self.findings += found
        return None if doc.data is None and found else doc

    def read(self, path: Path, model: type[E], *, front: bool = False) -> Parsed[E] | None:
        doc = self._document(path, front)
        if doc is None:
            return None
        if doc.data is not None and not isinstance(doc.data, dict):
            self.problem(path, 1, f"expected a mapping of fields, found {type(doc.data).__name__}")
            return None
        entry, found = validate(model, doc)
        self.findings += found
        if entry is None:
            return None
        item_id = getattr(entry, "id", None) or _PREFIX.sub("", path.stem)
        if not _SLUG.match(item_id):
            self.problem(path, 1, f"id '{item_id}' must be lower-case letters, digits and dashes")
        return Parsed(entry, doc, item_id, path)

    def items(self, folder: Path, model: type[E], *, front: bool) -> list[Parsed[E]]:
        suffix = ".md" if front else ".yaml"
        if not folder.is_dir():
            return []
        out: list[Parsed[E]] = []
        translated: list[tuple[Path, Parsed[schema.Translated]]] = []
        kind: type[schema.Translated] = schema.TranslationFront if front else schema.NodeText
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix == suffix and _TRANSLATION.match(path.stem):
                if (t := self._translation(path, kind, front=front)) is not None:
                    translated.append((path.with_name(t.id + suffix), t))
                continue
            if path.is_file() and path.suffix == suffix:
                if (parsed := self.read(path, model, front=front)) is not None:
                    out.append(parsed)
                else:
                    self.unreadable.add(_PREFIX.sub("", path.stem))
            elif path.is_file() and path.suffix in {".yml", ".markdown"}:
                self.problem(path, 1, f"ignored: name the file with '{suffix}'", "warning")
        originals = {p for p in folder.iterdir() if p.suffix == suffix}  # valid or not
        for original, t in translated:
            if original not in originals:
                self.problem(t.path, 1, f"a translation of '{original.name}', which does not exist")
            else:
                self.translations.setdefault(original, []).append(t)
        return out

    def _translation(
        self, path: Path, kind: type[schema.Translated], *, front: bool
    ) -> Parsed[schema.Translated] | None:
        """``NN-id.<lang>.md`` (or ``.yaml``): its ``id`` is the original's file stem, the
        language in ``lang``."""
        match = _TRANSLATION.match(path.stem)
        assert match is not None
        doc = self._document(path, front)
        if doc is None:
            return None
        if doc.data is not None and not isinstance(doc.data, dict):
            self.problem(path, 1, f"expected a mapping of fields, found {type(doc.data).__name__}")
            return None
        entry, found = validate(kind, doc)
        self.findings += found
        if entry is None:
            return None
        if front and not doc.body.strip():
            self.problem(path, 1, "a translation needs the translated text below its front matter")
            return None
        return Parsed(entry, doc, match["base"], path)

    def beside(self, original: Path, kind: type[schema.Translated]) -> None:
        """The ``<name>.<lang>.yaml`` translations of ``course.yaml`` or ``lesson.yaml``."""
        for path in sorted(original.parent.glob(f"{original.stem}.*{original.suffix}")):
            if (
                path.is_file()
                and _TRANSLATION.match(path.stem)
                and (t := self._translation(path, kind, front=False)) is not None
            ):
                self.translations.setdefault(original, []).append(t)

    def fingerprint(self) -> str:
        return self._digest.hexdigest()


def read_course(root: Path) -> tuple[ParsedCourse | None, list[Finding]]:
    """Read and validate every file of the course at ``root``."""
    reader = Reader(root)
    course_file = root / "course.yaml"
    if not root.is_dir():
        return None, [Finding(str(root), 1, "course folder not found")]
    if not course_file.is_file():
        return None, [
            Finding(reader.name(course_file), 1, "missing course.yaml: every course needs one")
        ]
    meta = reader.read(course_file, schema.CourseFile)
    reader.beside(course_file, schema.CourseText)
    sources_path = root / "sources.yaml"
    sources = reader.read(sources_path, schema.SourcesFile) if sources_path.exists() else None
    terms = reader.items(root / "glossary", schema.TermFront, front=True)
    unreadable_terms = frozenset(reader.unreadable)
    lessons = _read_lessons(reader, meta) if meta else []
    if meta is None:
        return None, reader.findings
    catalog = _read_catalog(reader, sources)
    parsed = ParsedCourse(
        root,
        meta,
        sources,
        terms,
        lessons,
        reader.fingerprint(),
        unreadable_terms,
        catalog,
        reader.translations,
    )
    return parsed, reader.findings


def translation_lang(parsed: Parsed[schema.Translated]) -> str:
    match = _TRANSLATION.match(parsed.path.stem)
    assert match is not None
    return match["lang"]


def _read_catalog(reader: Reader, sources: Parsed[schema.SourcesFile] | None) -> Catalog | None:
    """The optional ``catalog.yaml``: data the labs and their snippets use."""
    path = reader.root / "catalog.yaml"
    if not path.is_file() or not reader.inside(path):
        return None
    known = {s.id: s.checked for s in sources.entry.sources} if sources else {}
    reader.fingerprint_file(path)
    catalog, findings = load_catalog(path, reader.name(path), known)
    reader.beside(path, schema.CatalogText)
    reader.findings += findings
    return catalog


def _read_lessons(reader: Reader, meta: Parsed[schema.CourseFile]) -> list[ParsedLesson]:
    lessons_dir = reader.root / "lessons"
    present = (
        sorted(p.name for p in lessons_dir.iterdir() if p.is_dir()) if lessons_dir.is_dir() else []
    )
    out: list[ParsedLesson] = []
    for i, lesson_id in enumerate(meta.entry.lessons):
        folder = lessons_dir / lesson_id
        if lesson_id not in present:
            hint = did_you_mean(lesson_id, present)
            reader.problem(
                meta.path,
                meta.line("lessons", i),
                f"lesson folder 'lessons/{lesson_id}/' not found{hint}",
            )
            continue
        if (lesson := _read_lesson(reader, lesson_id, folder)) is not None:
            out.append(lesson)
    for name in sorted(set(present) - set(meta.entry.lessons)):
        reader.problem(
            meta.path,
            meta.line("lessons"),
            f"lesson folder 'lessons/{name}/' is not listed in 'lessons'",
            "warning",
        )
    return out


def _read_lesson(reader: Reader, lesson_id: str, folder: Path) -> ParsedLesson | None:
    lesson_file = folder / "lesson.yaml"
    if not lesson_file.is_file():
        reader.problem(lesson_file, 1, "missing lesson.yaml: every lesson folder needs one")
        return None
    meta = reader.read(lesson_file, schema.LessonFile)
    reader.beside(lesson_file, schema.LessonText)
    reader.unreadable.clear()
    slides = reader.items(folder / "slides", schema.SlideFront, front=True)
    sections = reader.items(folder / "sections", schema.SectionFront, front=True)
    nodes = reader.items(folder / "nodes", schema.NodeFile, front=False)
    if meta is None:
        return None
    unreadable = frozenset(reader.unreadable)
    return ParsedLesson(lesson_id, folder, meta, slides, sections, nodes, unreadable)
