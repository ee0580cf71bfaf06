"""docs/labs.md shows the planner's real constants and its real error on each measurement."""

from __future__ import annotations

import re
from pathlib import Path

from aula.labs import vram
from aula.labs.calibration import (
    calibrate,
    markdown_table,
    mean_absolute_error,
    verdict_summary,
    verdicts,
)
from aula.labs.catalog import default_catalog

DOC = Path(__file__).parents[2] / "docs" / "labs.md"


def block(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"docs/labs.md has no {name} block"
    return match.group(1)


def test_the_calibration_and_validation_tables_are_what_the_code_computes() -> None:
    catalog = default_catalog()
    assert block("calibration") == markdown_table(calibrate(catalog, "calibration"))
    validation = markdown_table(calibrate(catalog, "validation"))
    summary = verdict_summary(verdicts(catalog, "validation"))
    assert block("validation") == f"{validation}\n\n{summary}"


def test_the_documented_constants_are_the_code_s() -> None:
    documented = {
        name: float(value)
        for name, value in re.findall(
            r"^\| `([A-Z_a-z\[\]\"]+)` \| ([\d.]+) \|", block("constants"), re.M
        )
    }
    assert documented == {
        "OVERHEAD_GB": vram.OVERHEAD_GB,
        'WORK_PER_SAMPLE_GB["unet"]': vram.WORK_PER_SAMPLE_GB["unet"],
        'WORK_PER_SAMPLE_GB["transformer"]': vram.WORK_PER_SAMPLE_GB["transformer"],
        "VAE_WORK_GB": vram.VAE_WORK_GB,
        "UNDER_MARGIN": vram.UNDER_MARGIN,
        "OVER_MARGIN": vram.OVER_MARGIN,
        "RESERVE_GB": vram.RESERVE_GB,
    }


def test_the_numbers_quoted_in_the_prose_are_the_code_s() -> None:
    catalog = default_catalog()
    text = DOC.read_text(encoding="utf-8")
    cal = mean_absolute_error(calibrate(catalog, "calibration"))
    val = mean_absolute_error(calibrate(catalog, "validation"))
    count = verdicts(catalog, "validation")
    quoted = re.search(r"<!-- summary:start -->\n(.*?)\n<!-- summary:end -->", text, re.DOTALL)
    assert quoted
    assert f"calibration MAE {100 * cal:.1f}%" in quoted.group(1)
    assert f"validation MAE {100 * val:.1f}%" in quoted.group(1)
    assert f'{count.wrong_fits} wrong "fits" of {count.checked}' in quoted.group(1)
