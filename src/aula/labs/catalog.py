"""The labs' view of the course catalog: load it once, find things in it by forgiving names."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

import aula
from aula.content.catalog import Catalog, GpuEntry, ModelEntry, PlanEntry, load_catalog
from aula.content.findings import did_you_mean
from aula.labs.errors import LabError, NotInCatalog

BUILTIN_COURSE = Path(aula.__file__).parent / "courses" / "sintetografia-avanzada"
COURSE_DIR_ENV = "AULA_COURSE_DIR"

E = TypeVar("E", ModelEntry, GpuEntry, PlanEntry)


def course_dir() -> Path:
    """The course whose catalog the labs use: ``$AULA_COURSE_DIR`` or the built-in one."""
    return Path(os.environ.get(COURSE_DIR_ENV) or BUILTIN_COURSE)


def default_catalog() -> Catalog:
    """The course's ``catalog.yaml``, loaded and validated once per path."""
    return _load(course_dir().resolve() / "catalog.yaml")


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> Catalog:
    if not path.is_file():
        raise LabError(f"{path}: no catalog (set {COURSE_DIR_ENV} to a course folder that has one)")
    catalog, findings = load_catalog(path, str(path))
    if catalog is None:
        errors = [str(f) for f in findings if f.severity == "error"]
        raise LabError(
            f"the catalog has errors: {errors[0]}"
            + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")
        )
    return catalog


def _key(name: str) -> str:
    """Names compare without case, spaces, dots or underscores: 'RTX 4090' = 'rtx-4090'."""
    return re.sub(r"[\s._\-\[\]()]+", "", name.lower())


def _keys(entry: ModelEntry | GpuEntry | PlanEntry) -> set[str]:
    return {_key(entry.id), _key(entry.name), *(_key(a) for a in entry.aliases)}


def _find(candidates: Iterable[E], name: str, kind: str) -> E:
    entries = list(candidates)
    wanted = _key(name)
    for entry in entries:
        if wanted in _keys(entry):
            return entry
    hint = did_you_mean(name, [e.id for e in entries])
    known = ", ".join(e.id for e in entries)
    raise NotInCatalog(f"unknown {kind} '{name}'{hint or f' (known: {known})'}")


def find_model(name: str, catalog: Catalog | None = None) -> ModelEntry:
    return _find((catalog or default_catalog()).models, name, "model")


def find_gpu(name: str, catalog: Catalog | None = None) -> GpuEntry:
    return _find((catalog or default_catalog()).gpus, name, "GPU")


def find_plan(name: str, catalog: Catalog | None = None) -> PlanEntry:
    return _find((catalog or default_catalog()).plans, name, "plan")
