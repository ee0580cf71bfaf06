"""The planner's constants are fitted on calibration sources only and tested on the others."""

from __future__ import annotations

from aula.content.catalog import Catalog
from aula.labs import vram
from aula.labs.calibration import (
    Constants,
    calibrate,
    fit,
    margins,
    mean_absolute_error,
    verdicts,
    with_constants,
)
from aula.labs.catalog import default_catalog


def test_each_source_is_on_one_side_of_the_split() -> None:
    sides: dict[str, set[str]] = {}
    for m in default_catalog().measurements:
        sides.setdefault(m.peak_gb.source, set()).add(m.split)
    assert all(len(s) == 1 for s in sides.values()), sides
    assert {"calibration", "validation"} == set().union(*sides.values())


def test_the_constants_are_the_fit_on_the_calibration_rows() -> None:
    fitted, error = fit(default_catalog())
    assert fitted == Constants.current()
    assert error == mean_absolute_error(calibrate(default_catalog(), "calibration"))


def test_the_fit_never_sees_the_validation_rows() -> None:
    catalog = default_catalog()
    moved = [
        m.model_copy(update={"peak_gb": m.peak_gb.model_copy(update={"value": 99.0})})
        if m.split == "validation"
        else m
        for m in catalog.measurements
    ]
    changed = Catalog.model_validate(
        {**catalog.model_dump(), "measurements": [m.model_dump() for m in moved]}
    )
    assert fit(changed) == fit(catalog)


def test_the_bands_come_from_the_worst_calibration_errors() -> None:
    rows = calibrate(default_catalog(), "calibration")
    assert margins(rows) == (vram.UNDER_MARGIN, vram.OVER_MARGIN)
    assert all(r.in_band for r in rows if r.bound == "equal")


def test_the_issue_targets_hold_out_of_sample() -> None:
    catalog = default_catalog()
    rows = calibrate(catalog, "validation")
    assert len(rows) >= 16
    assert mean_absolute_error(rows) <= 0.12
    count = verdicts(catalog, "validation")
    assert count.checked == 4 * len(rows)
    assert count.wrong_fits == 0, count.wrong


def test_with_constants_restores_the_planner() -> None:
    before = Constants.current()
    with with_constants(Constants(9.0, 9.0, 9.0, 9.0)):
        assert vram.OVERHEAD_GB == 9.0
    assert Constants.current() == before
