"""The comparison: every fact of every model carries a known source and a date."""

from __future__ import annotations

import json

from aula.content.schema import SourcesFile
from aula.content.yamlfile import read_yaml, validate
from aula.labs.catalog import course_dir
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
    for row in compare_models().rows:
        assert row.runs_locally.value == (row.kind == "open")
        assert (row.vram is not None) == (row.kind == "open")


def test_filter_by_kind() -> None:
    assert {r.kind for r in compare_models(kind="closed").rows} == {"closed"}
    rows = compare_models().rows
    assert [r.kind for r in rows] == sorted((r.kind for r in rows), key=lambda k: k != "closed")
