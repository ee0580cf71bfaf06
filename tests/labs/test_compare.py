"""The comparison: every fact of every model carries a known source and a date."""

from __future__ import annotations

import json

from aula.content.schema import SourcesFile
from aula.content.yamlfile import read_yaml, validate
from aula.labs.catalog import course_dir, default_catalog
from aula.labs.compare import compare_models


def known_sources() -> set[str]:
    doc, _ = read_yaml(course_dir() / "sources.yaml", "sources.yaml")
    parsed, _ = validate(SourcesFile, doc)
    assert parsed is not None
    return {s.id for s in parsed.sources}


def test_the_lesson_models_are_all_there() -> None:
    ids = {r.id for r in compare_models().rows}
    wanted = {
        "sd15",
        "sd21",
        "sdxl",
        "sd3-medium",
        "sd35-large",
        "flux-dev",
        "flux-schnell",
        "midjourney",
        "dall-e-3",
        "gpt-image-1",
        "imagen-4",
    }
    assert wanted <= ids


def test_every_fact_is_sourced_and_dated() -> None:
    result = compare_models()
    known = known_sources()
    data = result.to_dict()
    json.dumps(data)
    facts = 0
    for row in data["models"]:
        for value in (
            row["license"],
            row["runs_locally"],
            row["price"],
            row["privacy"],
            row["content_policy"],
            *row["control"].values(),
        ):
            assert value["source"] in known
            assert value["checked"]
            facts += 1
    assert facts == 8 * len(data["models"])
    assert set(result.sources) <= known


def test_closed_models_run_elsewhere_and_open_ones_get_a_vram_estimate() -> None:
    catalog = default_catalog()
    for row in compare_models().rows:
        assert row.runs_locally.value == (row.kind == "open")
        entry = catalog.model(row.id)
        assert entry is not None
        planned = row.kind == "open" and bool(entry.components)
        assert (row.vram is not None) == planned
        if row.vram is not None:
            assert row.vram.low_gb < row.vram.gb < row.vram.high_gb


def test_filter_by_kind_and_retired_services_come_last_as_history() -> None:
    assert {r.kind for r in compare_models(kind="closed").rows} == {"closed"}
    rows = compare_models().rows
    current = [r for r in rows if r.retired is None]
    assert rows[: len(current)] == tuple(current)
    assert [r.kind for r in current] == sorted(
        (r.kind for r in current), key=lambda k: k != "closed"
    )
    retired = {r.id: r.retired.value.isoformat() for r in rows if r.retired}
    assert retired == {
        "dall-e-3": "2026-05-12",
        "gpt-image-1": "2026-10-23",
        "imagen-4": "2026-08-17",
    }
    assert all(r.retired is None for r in compare_models(retired=False).rows)
    data = compare_models().to_dict()
    json.dumps(data)  # dates are written as text
    assert {m["id"] for m in data["models"] if m["retired"]} == set(retired)


def test_the_comparison_has_the_models_a_learner_choosing_in_late_2026_expects() -> None:
    ids = {r.id for r in compare_models(retired=False).rows}
    assert {
        "qwen-image",
        "hidream-i1",
        "flux2-dev",
        "flux2-klein-4b",
        "flux1-kontext-dev",
        "gpt-image",
        "gemini-image",
        "midjourney",
    } <= ids
    sizes = {r.id: r.parameters_b.value for r in compare_models().rows if r.parameters_b}
    assert sizes["qwen-image"] == 20
    assert sizes["hidream-i1"] == 17
    assert sizes["flux2-dev"] == 32
    assert sizes["flux2-klein-4b"] == 4
    assert sizes["flux1-kontext-dev"] == 12
