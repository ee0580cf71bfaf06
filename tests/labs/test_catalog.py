"""The labs' catalog: the built-in one, a course's own, and forgiving names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aula.labs.catalog import BUILTIN_COURSE, default_catalog, find_gpu, find_model, find_plan
from aula.labs.errors import LabError, NotInCatalog


def test_the_built_in_catalog_is_loaded_once() -> None:
    assert default_catalog() is default_catalog()
    assert default_catalog().model("sdxl") is not None


def test_a_course_of_ones_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(BUILTIN_COURSE / "sources.yaml", course)
    text = (BUILTIN_COURSE / "catalog.yaml").read_text(encoding="utf-8")
    (course / "catalog.yaml").write_text(text.replace("{value: 1599,", "{value: 1499,"))
    monkeypatch.setenv("AULA_COURSE_DIR", str(course))
    assert find_gpu("rtx-4090").launch_price_usd is not None
    assert find_gpu("rtx-4090").launch_price_usd.value == 1499  # type: ignore[union-attr]


def test_a_broken_catalog_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(BUILTIN_COURSE / "sources.yaml", course)
    (course / "catalog.yaml").write_text("gpus:\n  - id: x\n    name: X\n    kind: consumer\n")
    monkeypatch.setenv("AULA_COURSE_DIR", str(course))
    with pytest.raises(LabError, match=r"catalog.yaml:2: missing field 'gpus.0.vram_gb'"):
        default_catalog()
    monkeypatch.setenv("AULA_COURSE_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(LabError, match="no catalog"):
        default_catalog()


@pytest.mark.parametrize(
    ("finder", "name", "found"),
    [
        (find_model, "Stable Diffusion 1.5", "sd15"),
        (find_model, "FLUX.1 [schnell]", "flux-schnell"),
        (find_model, "sd_xl_base_1.0", "sdxl"),
        (find_gpu, "RTX 4090", "rtx-4090"),
        (find_gpu, "3060", "rtx-3060"),
        (find_plan, "Midjourney Standard", "midjourney-standard"),
        (find_plan, "gpt-image-1", "gpt-image-1-medium"),
    ],
)
def test_names_are_forgiving(finder: object, name: str, found: str) -> None:
    assert finder(name).id == found  # type: ignore[operator]


def test_an_unknown_name_lists_or_hints() -> None:
    with pytest.raises(NotInCatalog, match="did you mean 'sdxl'"):
        find_model("sdlx")
    with pytest.raises(NotInCatalog, match=r"known: .*rtx-3060"):
        find_gpu("voodoo")
