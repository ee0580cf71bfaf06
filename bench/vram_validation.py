"""The VRAM planner out of sample: fit on the calibration sources, score on the others.

Refits the planner's four constants on the catalog's calibration measurements (a grid search,
``aula.labs.calibration.fit``), then reports the mean absolute error and the wrong verdicts on
8/12/16/24 GiB cards for both splits, in and out of sample, plus the error of the old
single-number planner (no band, "fits" when the estimate plus the reserve fits) on the same
validation rows as the baseline, so the result is a comparison made in this run. Accuracy, not
speed: nothing here is timed. ``--json`` prints the figures for other tools.

    .venv/bin/python bench/vram_validation.py [--json]

Targets (issue 13): validation MAE at most 12%; no "fits" where the measurement exceeds the card.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from aula.labs.calibration import (
    CARDS_GB,
    Constants,
    calibrate,
    fit,
    margins,
    mean_absolute_error,
    settings_of,
    verdicts,
    with_constants,
)
from aula.labs.catalog import default_catalog
from aula.labs.vram import RESERVE_GB, estimate, spec_from_catalog

TARGET_MAE = 0.12


def point_verdict_errors(split: str) -> tuple[int, int]:
    """(wrong fits, wrong does-not-fit) of a planner that trusts its point estimate."""
    catalog = default_catalog()
    wrong_fits = wrong_no = 0
    for m in catalog.measurements:
        if m.split != split or m.bound != "equal":
            continue
        entry = catalog.model(m.model)
        assert entry is not None
        peak = estimate(spec_from_catalog(entry), settings_of(m)).peak_gb
        for card in CARDS_GB:
            truth = m.peak_gb.value + RESERVE_GB <= card
            said = peak + RESERVE_GB <= card
            wrong_fits += said and not truth
            wrong_no += truth and not said
    return wrong_fits, wrong_no


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    catalog = default_catalog()
    fitted, fit_error = fit(catalog)
    with with_constants(fitted):
        cal = calibrate(catalog, "calibration")
        val = calibrate(catalog, "validation")
        under, over = margins(cal)
        val_count = verdicts(catalog, "validation")
        cal_count = verdicts(catalog, "calibration")
        point_fits, point_no = point_verdict_errors("validation")
    result: dict[str, Any] = {
        "constants": fitted.__dict__,
        "constants_in_code": Constants.current() == fitted,
        "margins": {"under": under, "over": over},
        "calibration": {
            "rows": sum(r.bound == "equal" for r in cal),
            "mae": round(mean_absolute_error(cal), 4),
            "wrong_fits": cal_count.wrong_fits,
            "wrong_no_fit": cal_count.wrong_no_fit,
            "may_not_fit": cal_count.unsure,
            "verdicts": cal_count.checked,
        },
        "validation": {
            "rows": sum(r.bound == "equal" for r in val),
            "mae": round(mean_absolute_error(val), 4),
            "inside_band": sum(r.in_band for r in val if r.bound == "equal"),
            "wrong_fits": val_count.wrong_fits,
            "wrong_no_fit": val_count.wrong_no_fit,
            "may_not_fit": val_count.unsure,
            "verdicts": val_count.checked,
            "wrong": list(val_count.wrong),
        },
        "baseline_point_estimate_on_validation": {
            "wrong_fits": point_fits,
            "wrong_no_fit": point_no,
        },
        "fit_error": round(fit_error, 4),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        v, c = result["validation"], result["calibration"]
        print(
            f"constants fitted on calibration: {fitted} (same as the code: "
            f"{result['constants_in_code']}); band margins under {under}, over {over}"
        )
        print(
            f"calibration: {c['rows']} rows, MAE {100 * c['mae']:.1f}%, "
            f"{c['wrong_fits']} wrong fits / {c['verdicts']} verdicts"
        )
        print(
            f"validation:  {v['rows']} rows, MAE {100 * v['mae']:.1f}% (target ≤ "
            f"{100 * TARGET_MAE:.0f}%), {v['inside_band']}/{v['rows']} inside the band, "
            f"{v['wrong_fits']} wrong fits, {v['wrong_no_fit']} wrong does-not-fit, "
            f"{v['may_not_fit']} may-not-fit of {v['verdicts']} verdicts"
        )
        print(
            f"baseline (point estimate, no band) on validation: {point_fits} wrong fits, "
            f"{point_no} wrong does-not-fit of {v['verdicts']} verdicts"
        )
    ok = result["validation"]["mae"] <= TARGET_MAE and result["validation"]["wrong_fits"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
