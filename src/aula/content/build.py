"""Turning validated file entries into the immutable ``Course`` the rest of Aula reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import BaseModel

from aula.content import model, schema
from aula.content.findings import Finding, relative
from aula.content.markdown import highlight_code, render, render_inline
from aula.content.reader import Parsed, ParsedCourse, ParsedLesson, translation_lang
from aula.content.snippets import Snippet, SnippetRunner
from aula.content.translations import translated_texts

Loc = tuple[str | int, ...]


@dataclass
class _PendingCode:
    entry: schema.CodeEntry
    source: str
    file: str  # where a failure points: the code file, or the file holding inline code
    first_line: int
    snippet: Snippet | None
    output: model.RunResult | None = None


@dataclass
class CodeResolver:
    """Reads code panes and snippets, runs the runnable ones together, reports failures."""

    runner: SnippetRunner | None
    root: Path
    findings: list[Finding] = field(default_factory=list)
    pending: list[_PendingCode] = field(default_factory=list)

    def add(self, item: Parsed[BaseModel], loc: Loc, entry: schema.CodeEntry) -> _PendingCode:
        if entry.path is not None:
            path = (item.path.parent / entry.path).resolve()
            file = relative(path, self.root)
            line = item.line(*loc, "path")
            if not path.is_relative_to(self.root.resolve()):
                # Its contents would be shown to every learner: /etc/passwd, ../secret.key, or a
                # symlink pointing out of the course.
                message = (
                    f"code file '{entry.path}' is outside the course folder: a course may only "
                    "show files inside its own folder (symlinks included)"
                )
                self.findings.append(Finding(item.file, line, message))
                source, first_line, file = "", 1, item.file
            else:
                try:
                    source, first_line = path.read_text(encoding="utf-8"), 1
                except (OSError, UnicodeDecodeError):
                    message = f"code file '{entry.path}' not found"
                    self.findings.append(Finding(item.file, line, message))
                    source, first_line = "", 1
        else:
            source, file = entry.source or "", item.file
            first_line = item.line(*loc, "source") + 1
        runnable = entry.run and bool(source) and self.runner is not None
        snippet = Snippet(entry.file, source, entry.timeout) if runnable else None
        pending = _PendingCode(entry, source, file, first_line, snippet)
        self.pending.append(pending)
        return pending

    def run(self) -> None:
        todo = [p for p in self.pending if p.snippet is not None]
        if not todo or self.runner is None:
            return
        results = self.runner.run_all([p.snippet for p in todo if p.snippet is not None])
        for pending, result in zip(todo, results, strict=True):
            pending.output = result
            self.findings += _run_findings(pending, result)

    @staticmethod
    def code(pending: _PendingCode) -> model.Code:
        entry = pending.entry
        return model.Code(
            file=entry.file,
            language=entry.language,
            source=pending.source,
            html=highlight_code(pending.source, entry.language),
            run=entry.run,
            output=pending.output,
            opens=entry.opens,
        )


_TB_LINE = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def _run_findings(pending: _PendingCode, result: model.RunResult) -> list[Finding]:
    name = pending.entry.file
    lines = [int(m["line"]) for m in _TB_LINE.finditer(result.stderr) if m["file"] == name]
    line = pending.first_line + (lines[-1] - 1 if lines else 0)
    last = next((ln for ln in reversed(result.stderr.splitlines()) if ln.strip()), "")
    if result.timed_out:
        return [
            Finding(
                pending.file, line, f"snippet '{name}' timed out after {pending.entry.timeout:g} s"
            )
        ]
    if result.exit_code != 0:
        detail = f": {last}" if last else ""
        return [
            Finding(
                pending.file,
                line,
                f"snippet '{name}' failed (exit code {result.exit_code}){detail}",
            )
        ]
    if result.stderr.strip():
        return [Finding(pending.file, line, f"snippet '{name}' wrote to stderr: {last}", "warning")]
    return []


def build_course(
    parsed: ParsedCourse, runner: SnippetRunner | None
) -> tuple[model.Course, list[Finding]]:
    """Build the course; runnable code runs (or comes from the cache) along the way."""
    codes = CodeResolver(runner, parsed.root)
    pending_terms = [
        (t, codes.add(t, ("snippet",), t.entry.snippet) if t.entry.snippet else None)
        for t in parsed.terms
    ]
    pending_slides = [
        [
            (s, codes.add(s, ("code",), s.entry.code) if s.entry.code else None)
            for s in lesson.slides
        ]
        for lesson in parsed.lessons
    ]
    pending_translated = _pending_translated_code(parsed, codes)
    codes.run()
    translated_code = {k: CodeResolver.code(p) for k, p in pending_translated.items()}
    glossary = tuple(
        replace(
            _term(t, CodeResolver.code(p) if p else None),
            translations=_translations(parsed, t, translated_code),
        )
        for t, p in pending_terms
    )
    lessons = tuple(
        _lesson(
            lesson,
            [
                replace(
                    _slide(s, i, CodeResolver.code(p) if p else None),
                    translations=_translations(parsed, s, translated_code),
                )
                for i, (s, p) in enumerate(slides, 1)
            ],
            parsed,
        )
        for lesson, slides in zip(parsed.lessons, pending_slides, strict=True)
    )
    meta = parsed.meta.entry
    sources = parsed.sources.entry.sources if parsed.sources else []
    course = model.Course(
        id=meta.id,
        title=meta.title,
        language=meta.language,
        description=meta.description,
        mastery_threshold=meta.mastery_threshold,
        instructor=meta.instructor,
        lessons=lessons,
        glossary=glossary,
        sources={s.id: model.Source(s.id, s.title, s.url, s.publisher, s.checked) for s in sources},
        root=parsed.root,
        fingerprint=parsed.fingerprint,
        catalog=parsed.catalog,
        languages=tuple(meta.languages) or (meta.language,),
        translations=tuple(
            model.CourseTranslation(
                translation_lang(t), e.title, e.description, e.instructor, t.file
            )
            for t in parsed.translations.get(parsed.meta.path, [])
            if isinstance(e := t.entry, schema.CourseText)
        ),
        catalog_translations=tuple(
            model.CatalogTranslation(
                translation_lang(t), tuple(sorted(translated_texts(t).items())), t.file
            )
            for t in parsed.translations.get(parsed.root / "catalog.yaml", [])
            if isinstance(t.entry, schema.CatalogText)
        ),
    )
    return course, codes.findings


def _pending_translated_code(parsed: ParsedCourse, codes: CodeResolver) -> dict[Path, _PendingCode]:
    """A translation's own copy of its item's code (prose printed in its language): read and
    run like the original's, with the original's settings."""
    originals: dict[Path, schema.CodeEntry] = {}
    for item in parsed.terms:
        if item.entry.snippet is not None:
            originals[item.path] = item.entry.snippet
    for lesson in parsed.lessons:
        for slide in lesson.slides:
            if slide.entry.code is not None:
                originals[slide.path] = slide.entry.code
    out: dict[Path, _PendingCode] = {}
    for path, found in parsed.translations.items():
        entry = originals.get(path)
        for t in found:
            e = t.entry
            if entry is None or not isinstance(e, schema.TranslationFront):
                continue
            field_name = "code" if e.code is not None else "snippet"
            text = e.code or e.snippet
            if text is None:
                continue
            mine = entry.model_copy(update={"path": text.path, "source": text.source})
            out[t.path] = codes.add(t, (field_name,), mine)
    return out


def _maybe(text: str | None) -> model.Rich | None:
    return render(text) if text else None


def _translations(
    parsed: ParsedCourse, item: Parsed[BaseModel], code: dict[Path, model.Code]
) -> tuple[model.Translation, ...]:
    """The item's ``NN-id.<lang>.md`` files, rendered like the original."""
    out = []
    for t in parsed.translations.get(item.path, []):
        e = t.entry
        if not isinstance(e, schema.TranslationFront):
            continue
        cards = tuple(
            model.CardText(
                c.title,
                render_inline(c.quote) if c.quote else None,
                tuple(render_inline(p) for p in c.points),
            )
            for c in e.cards
        )
        out.append(
            model.Translation(
                lang=translation_lang(t),
                title=e.title or e.term,
                aliases=tuple(e.aliases),
                body=render(t.doc.body.strip()),
                guide=_maybe(e.guide),
                cards=cards,
                file=t.file,
                visual=tuple(v.label for v in e.visual.items) if e.visual else (),
                joiner=e.visual.joiner if e.visual else None,
                analogy=e.analogy.label if e.analogy else None,
                code=code.get(t.path),
                source=e.source,
            )
        )
    return tuple(out)


def _node_translations(
    parsed: ParsedCourse, item: Parsed[schema.NodeFile]
) -> tuple[model.NodeTranslation, ...]:
    out = []
    for t in parsed.translations.get(item.path, []):
        e = t.entry
        if not isinstance(e, schema.NodeText):
            continue
        questions = tuple(
            model.QuestionText(
                q.id,
                render_inline(q.prompt) if q.prompt else None,
                tuple(
                    model.ChoiceText(
                        c.id,
                        render_inline(c.text) if c.text else None,
                        render_inline(c.feedback) if c.feedback else None,
                    )
                    for c in q.choices
                ),
                _maybe(q.explanation),
            )
            for q in e.questions
        )
        out.append(
            model.NodeTranslation(
                translation_lang(t), e.title, _maybe(e.summary), questions, t.file
            )
        )
    return tuple(out)


def _lesson_translations(
    parsed: ParsedCourse, lesson: ParsedLesson
) -> tuple[model.LessonTranslation, ...]:
    return tuple(
        model.LessonTranslation(
            translation_lang(t),
            e.title,
            e.tagline,
            e.skill_tree.title if e.skill_tree else None,
            e.skill_tree.subtitle if e.skill_tree else None,
            e.glossary_title,
            t.file,
        )
        for t in parsed.translations.get(lesson.meta.path, [])
        if isinstance(e := t.entry, schema.LessonText)
    )


def _term(item: Parsed[schema.TermFront], snippet: model.Code | None) -> model.Term:
    e = item.entry
    analogy = (
        model.Analogy(e.analogy.kind, e.analogy.label, e.analogy.icon, e.analogy.value)
        if e.analogy
        else None
    )
    return model.Term(
        id=item.id,
        term=e.term,
        aliases=tuple(e.aliases),
        definition=render(item.doc.text),
        snippet=snippet,
        analogy=analogy,
        lab=e.lab,
        sources=tuple(e.sources),
        file=item.file,
    )


def _slide(item: Parsed[schema.SlideFront], number: int, code: model.Code | None) -> model.Slide:
    e = item.entry
    visual = None
    if e.visual:
        items = tuple(model.VisualItem(v.icon, v.label) for v in e.visual.items)
        visual = model.Visual(items, e.visual.joiner)
    return model.Slide(
        id=item.id,
        number=number,
        title=e.title,
        body=render(item.doc.text),
        guide=_maybe(e.guide),
        visual=visual,
        code=code,
        terms=tuple(e.terms),
        sources=tuple(e.sources),
        file=item.file,
    )


def _section(item: Parsed[schema.SectionFront]) -> model.Section:
    e = item.entry
    cards = tuple(
        model.Card(
            icon=c.icon,
            title=c.title,
            tone=c.tone,
            quote=render_inline(c.quote) if c.quote else None,
            points=tuple(render_inline(p) for p in c.points),
        )
        for c in e.cards
    )
    return model.Section(
        item.id,
        e.title,
        e.voiced,
        render(item.doc.text),
        cards,
        tuple(e.sources),
        item.file,
    )


def _question(q: schema.QuestionEntry, node: str, lesson: str, file: str) -> model.Question:
    choices = tuple(
        model.Choice(
            c.id,
            render_inline(c.text),
            c.correct,
            render_inline(c.feedback) if c.feedback else None,
        )
        for c in q.choices
    )
    return model.Question(
        id=q.id,
        node=node,
        lesson=lesson,
        prompt=render_inline(q.prompt),
        kind=q.kind,
        choices=choices,
        explanation=render(q.explanation),
        guess=q.guess,
        slip=q.slip,
        file=file,
    )


def _node(item: Parsed[schema.NodeFile], lesson: str) -> model.Node:
    e = item.entry
    return model.Node(
        id=item.id,
        title=e.title,
        summary=render(e.summary),
        prerequisites=tuple(e.prerequisites),
        slides=tuple(e.slides),
        sections=tuple(e.sections),
        terms=tuple(e.terms),
        questions=tuple(_question(q, item.id, lesson, item.file) for q in e.questions),
        file=item.file,
    )


def _lesson(lesson: ParsedLesson, slides: list[model.Slide], parsed: ParsedCourse) -> model.Lesson:
    meta = lesson.meta.entry
    tree = model.SkillTree(
        title=meta.skill_tree.title,
        subtitle=meta.skill_tree.subtitle,
        nodes=tuple(
            replace(_node(n, lesson.id), translations=_node_translations(parsed, n))
            for n in lesson.nodes
        ),
    )
    return model.Lesson(
        id=lesson.id,
        title=meta.title,
        tagline=meta.tagline,
        editor_tab=meta.editor_tab,
        slides=tuple(slides),
        sections=tuple(
            replace(_section(s), translations=_translations(parsed, s, {})) for s in lesson.sections
        ),
        skill_tree=tree,
        glossary_title=meta.glossary_title,
        translations=_lesson_translations(parsed, lesson),
    )
