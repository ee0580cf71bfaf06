"""``catalog.yaml``: every fact sourced and dated, every problem reported at its line."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

import aula
from aula.content.catalog import load_catalog

BUILTIN = Path(aula.__file__).parent / "courses" / "sintetografia-avanzada"

SOURCES = """\
sources:
  - id: vendor-page
    title: A vendor page
    url: https://example.com/prices
    checked: 2026-10-01
  - id: model-card
    title: A model card
    url: https://example.com/card
    checked: 2026-09-15
"""

GOOD = """\
models:
  - id: tiny
    name: Tiny Diffusion
    kind: open
    vendor: Someone
    license: {value: Apache-2.0, source: model-card}
    runs_locally: {value: true, source: model-card}
    components:
      - {id: unet, name: UNet, role: denoiser, parameters_b: {value: 0.5, source: model-card}}
    family: sd1
    price: {value: free, source: model-card, checked: 2026-11-20}
    privacy: {value: stays local, source: model-card, derived: true}
    control:
      lora: {value: true, source: model-card}
      controlnet: {value: true, source: model-card}
      fine_tuning: {value: true, source: model-card}
    content_policy: {value: none, source: model-card, uncertain: true}
gpus:
  - id: card
    name: A card
    kind: consumer
    vram_gb: {value: 12, source: vendor-page}
plans:
  - id: monthly
    name: Monthly
    model: tiny
    billing: subscription
    monthly_usd: {value: 10, source: vendor-page}
measurements:
  - id: m1
    model: tiny
    setup: fp16
    precision: fp16
    resolution: 512
    peak_gb: {value: 2.0, source: model-card}
"""


def course(tmp_path: Path, catalog: str, sources: str | None = SOURCES) -> Path:
    root = tmp_path / "course"
    root.mkdir()
    if sources is not None:
        (root / "sources.yaml").write_text(sources)
    path = root / "catalog.yaml"
    path.write_text(textwrap.dedent(catalog))
    return path


def messages(tmp_path: Path, catalog: str) -> list[str]:
    result, findings = load_catalog(course(tmp_path, catalog), "catalog.yaml")
    assert result is None
    return [str(f) for f in findings]


def test_the_built_in_catalog_is_clean() -> None:
    catalog, findings = load_catalog(BUILTIN / "catalog.yaml", "catalog.yaml")
    assert findings == []
    assert catalog is not None
    assert {m.kind for m in catalog.models} == {"open", "closed"}
    assert all(m.license.checked is not None for m in catalog.models)


def test_facts_inherit_their_source_date_unless_they_have_one(tmp_path: Path) -> None:
    catalog, findings = load_catalog(course(tmp_path, GOOD), "catalog.yaml")
    assert findings == []
    assert catalog is not None
    model = catalog.models[0]
    assert model.license.checked == dt.date(2026, 9, 15)
    assert model.price.checked == dt.date(2026, 11, 20)
    assert catalog.gpus[0].vram_gb.checked == dt.date(2026, 10, 1)
    assert model.privacy.derived and model.content_policy.uncertain


def test_sources_can_be_given_by_the_caller(tmp_path: Path) -> None:
    path = course(tmp_path, GOOD, sources=None)
    known = {"model-card": dt.date(2026, 1, 1), "vendor-page": dt.date(2026, 2, 2)}
    catalog, findings = load_catalog(path, "catalog.yaml", sources=known)
    assert findings == []
    assert catalog is not None and catalog.gpus[0].vram_gb.checked == dt.date(2026, 2, 2)


def test_without_sources_nothing_can_be_checked(tmp_path: Path) -> None:
    path = course(tmp_path, GOOD, sources=None)
    catalog, findings = load_catalog(path, "catalog.yaml")
    assert catalog is None
    assert [str(f) for f in findings] == [
        "catalog.yaml:1: cannot check source ids: no sources.yaml beside the catalog"
    ]


DUPLICATE = (
    "  - id: card\n    name: B\n    kind: consumer\n    vram_gb: {value: 8, source: vendor-page}\n"
)


@pytest.mark.parametrize(
    ("old", "new", "at", "expected"),
    [
        (
            "12, source: vendor-page",
            "12, source: vendor-pages",
            "vram_gb:",
            "gpus.0.vram_gb: unknown source 'vendor-pages'; did you mean 'vendor-page'?",
        ),
        (
            "    name: A card\n",
            "    name: A card\n    colour: red\n",
            "colour:",
            "unknown field 'gpus.0.colour'",
        ),
        (
            "    vram_gb: {value: 12, source: vendor-page}\n",
            "",
            "  - id: card",
            "missing field 'gpus.0.vram_gb'",
        ),
        (
            "    model: tiny\n",
            "    model: tinyy\n",
            "model: tinyy",
            "unknown model 'tinyy'; did you mean 'tiny'?",
        ),
        (
            "    monthly_usd: {value: 10, source: vendor-page}\n",
            "",
            "  - id: monthly",
            "plans.0: a subscription needs 'monthly_usd'",
        ),
        (
            "    resolution: 512\n",
            "    resolution: 512\n    without: [t5]\n",
            "without:",
            "unknown component 't5'",
        ),
        ("plans:\n", DUPLICATE + "plans:\n", "name: B", "duplicate id 'card'"),
        (
            "{value: 12,",
            "{value: -12,",
            "vram_gb:",
            "gpus.0.vram_gb.value: Input should be greater than 0",
        ),
        # an unclosed list is noticed on the next line, where the parser finds the ":"
        ("kind: consumer", "kind: [consumer", "vram_gb:", "YAML syntax"),
    ],
)
def test_each_problem_points_at_its_line(
    tmp_path: Path, old: str, new: str, at: str, expected: str
) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    lines = text.splitlines()
    line = next(i for i, s in enumerate(lines, 1) if at in s)
    if at == "name: B":
        line -= 1  # the duplicate's id is on the line before its name
    found = messages(tmp_path, text)
    assert any(m.startswith(f"catalog.yaml:{line}: {expected}") for m in found), (line, found)


def test_a_list_is_not_a_catalog(tmp_path: Path) -> None:
    assert messages(tmp_path, "- a\n- b\n") == ["catalog.yaml:1: expected a mapping of fields"]


def test_a_rent_range_must_be_ordered(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    vram_gb: {value: 12, source: vendor-page}\n",
        "    vram_gb: {value: 12, source: vendor-page}\n"
        "    rent_usd_per_hour: {value: {low: 2, high: 1}, source: vendor-page}\n",
    )
    assert any("low (2.0) is above high (1.0)" in m for m in messages(tmp_path, text))


def test_a_source_cannot_be_on_both_sides_of_the_split(tmp_path: Path) -> None:
    both = GOOD + (
        "  - id: m2\n"
        "    model: tiny\n"
        "    setup: fp16, batch of 2\n"
        "    precision: fp16\n"
        "    resolution: 512\n"
        "    batch: 2\n"
        "    peak_gb: {value: 2.5, source: model-card}\n"
        "    split: validation\n"
    )
    found = messages(tmp_path, both)
    assert any("'model-card' has measurements in both splits" in m for m in found), found


def test_retired_products_carry_a_sourced_date(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    monthly_usd: {value: 10, source: vendor-page}\n",
        "    monthly_usd: {value: 10, source: vendor-page}\n"
        "    retired: {value: 2026-05-12, source: vendor-page}\n",
    )
    catalog, findings = load_catalog(course(tmp_path, text), "catalog.yaml")
    assert findings == [] and catalog is not None
    retired = catalog.plans[0].retired
    assert retired is not None and retired.value == dt.date(2026, 5, 12)
    bad = text.replace("retired: {value: 2026-05-12", "retired: {value: last spring")
    (tmp_path / "b").mkdir()
    assert any("retired" in m for m in messages(tmp_path / "b", bad))
