"""docs/labs.md shows the planner's real constants and its real error on each measurement."""

from __future__ import annotations

import re
from pathlib import Path

from aula.labs import vram
from aula.labs.calibration import calibrate, markdown_table, mean_absolute_error
from aula.labs.catalog import default_catalog

DOC = Path(__file__).parents[2] / "docs" / "labs.md"


def block(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"docs/labs.md has no {name} block"
    return match.group(1)


def test_the_calibration_table_is_what_the_code_computes() -> None:
    assert block("calibration") == markdown_table(calibrate(default_catalog()))


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
        "RESERVE_GB": vram.RESERVE_GB,
    }


def test_the_planner_stays_close_to_the_measurements() -> None:
    rows = calibrate(default_catalog())
    assert len(rows) >= 10
    assert mean_absolute_error(rows) < 0.10
    for row in rows:
        assert abs(row.error) < 0.30, row  # the worst documented miss is 25%
        if row.bound == "at-most":
            assert row.estimate_gb <= row.measured_gb
