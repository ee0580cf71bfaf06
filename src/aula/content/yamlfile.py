"""YAML and front-matter files read with the line of every key, so errors can point at it.

PyYAML builds a node graph that knows where each node starts; we construct plain Python
values from it ourselves and keep a map from each value's path (``("choices", 1, "text")``)
to its line. Pydantic errors carry the same paths, so every validation error gets a line.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, Union

import yaml
from pydantic import BaseModel, ValidationError

from aula.content.findings import Finding, did_you_mean

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass
class Document:
    """Data read from one file, with the line of each value and the file's Markdown body."""

    file: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    @property
    def text(self) -> str:
        """The Markdown body as it is rendered (and linted): without surrounding blank space."""
        return self.body.strip()

    @property
    def text_line(self) -> int:
        """The line ``text`` starts on."""
        return self.body_line + self.body[: len(self.body) - len(self.body.lstrip())].count("\n")

    def line_of(self, loc: Loc) -> int:
        """The line of the value at ``loc``, or of its nearest ancestor that has one."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, file: str, offset: int) -> None:
        self.loader = loader
        self.file = file
        self.offset = offset
        self.lines: dict[Loc, int] = {}
        self.findings: list[Finding] = []

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1 + self.offset)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1 + self.offset
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                self.findings.append(Finding(self.file, line, f"key {key!r} must be text"))
                continue
            if key in out:
                self.findings.append(Finding(self.file, line, f"duplicate key '{key}'"))
                continue
            self.lines[(*loc, key)] = line
            out[key] = self.build(value_node, (*loc, key))
        return out


# libyaml parses several times faster; PyYAML's own parser words errors more clearly ("expected
# ',' or ']', but got ':'") and the same on every machine. Parse fast, and when a file does not
# parse, parse it again slowly for the message.
_FAST: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _aliases(kind: type[yaml.SafeLoader], text: str, file: str, offset: int) -> list[Finding]:
    """Each anchor or alias (``&name``, ``*name``) in the text. Course files refuse them: a
    388-byte file of nested aliases expands to gigabytes (a "billion laughs"), and a course
    gains nothing from them. Only scanned when the text has an ``&``, so it costs nothing
    for ordinary files; a file that does not scan is left to the parser's own message."""
    if "&" not in text:
        return []
    found: list[Finding] = []
    try:
        for token in yaml.scan(text, Loader=kind):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                found.append(
                    Finding(
                        file,
                        token.start_mark.line + 1 + offset,
                        f"YAML anchors and aliases ('&{token.value}', '*{token.value}') are not "
                        "allowed in course files: write the value out where it is needed",
                    )
                )
                if len(found) >= 5:
                    break
    except yaml.YAMLError:
        return []
    return found


def parse_yaml(text: str, file: str, offset: int = 0) -> tuple[Document, list[Finding]]:
    """Parse YAML text; ``offset`` is how many lines precede it in its file."""
    if aliases := _aliases(_FAST, text, file, offset):
        return Document(file, None), aliases
    try:
        return _parse(_FAST, text, file, offset)
    except yaml.YAMLError:
        pass
    try:
        return _parse(yaml.SafeLoader, text, file, offset)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        return Document(file, None), [Finding(file, line, f"YAML syntax: {exc.problem}")]
    except yaml.YAMLError as exc:
        return Document(file, None), [Finding(file, 1 + offset, f"YAML syntax: {exc}")]


def _parse(
    kind: type[yaml.SafeLoader], text: str, file: str, offset: int
) -> tuple[Document, list[Finding]]:
    loader = kind(text)
    try:
        node = loader.get_single_node()
        builder = _Builder(loader, file, offset)
        data = builder.build(node, ()) if node is not None else None
    finally:
        loader.dispose()
    return Document(file, data, builder.lines), builder.findings


def read_yaml(path: Path, file: str) -> tuple[Document, list[Finding]]:
    """Read a ``.yaml`` file; ``file`` is the name errors will show."""
    return parse_yaml(_read_text(path), file)


def read_front_matter(path: Path, file: str) -> tuple[Document, list[Finding]]:
    """Read a Markdown file that starts with a ``---`` YAML block and continues with a body."""
    text = _read_text(path)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return Document(file, {}, {(): 1}, text, 1), [
            Finding(file, 1, "missing front matter: the file must start with a line '---'")
        ]
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        return Document(file, None), [
            Finding(file, 1, "front matter is not closed: add a line '---' after it")
        ]
    doc, findings = parse_yaml("".join(lines[1:end]), file, offset=1)
    doc.lines.setdefault((), 1)
    doc.body = "".join(lines[end + 1 :])
    doc.body_line = end + 2
    return doc, findings


def _read_text(path: Path) -> str:
    # Authors' editors vary; a BOM or CRLF must not change line numbers or parsing.
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def validate(
    model: type[M], doc: Document, context: dict[str, Any] | None = None
) -> tuple[M | None, list[Finding]]:
    """Validate a document against a pydantic model, each error mapped to its line."""
    data = doc.data if doc.data is not None else {}
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        return None, [_finding(model, doc, err) for err in exc.errors()]


def _finding(model: type[BaseModel], doc: Document, err: Any) -> Finding:
    loc: Loc = tuple(err["loc"])
    where = ".".join(str(part) for part in loc)
    kind = err["type"]
    if kind == "missing":
        parent = loc[:-1]
        return Finding(doc.file, doc.line_of(parent), f"missing field '{where}'")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        hint = did_you_mean(name, _field_names(model, loc[:-1]))
        return Finding(doc.file, doc.line_of(loc), f"unknown field '{where}'{hint}")
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "string_type" and isinstance(err.get("input"), bool | int | float):
        message += " (YAML read a bare yes/no/on/off/number here: put it in quotes)"
    prefix = f"{where}: " if where else ""
    return Finding(doc.file, doc.line_of(loc), f"{prefix}{message}")


def _field_names(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names (and aliases) of the model found at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else Any
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            current = info.annotation if info else Any
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> ``X``; other types unchanged."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp
