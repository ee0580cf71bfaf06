"""The cost chart: valid, accessible SVG with escaped text."""

from __future__ import annotations

import dataclasses
import itertools
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from aula.labs.chart import cost_chart_svg, nice_ticks
from aula.labs.cost import cost_of_ownership

SVG = "{http://www.w3.org/2000/svg}"


def test_an_accessible_chart() -> None:
    result = cost_of_ownership(images_per_month=2000, plan="gemini-3-pro-image-2k", gpu="rtx-4090")
    root = ET.fromstring(cost_chart_svg(result, id_prefix="c1"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "c1-title"
    assert desc is not None and desc.get("id") == "c1-desc"
    assert "month 6" in (desc.text or "")
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2
    for line in lines:
        assert len((line.get("points") or "").split()) == result.months + 1
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "break-even: month 6" in texts


def test_text_is_escaped() -> None:
    result = cost_of_ownership(images_per_month=10, plan="midjourney-pro", gpu="rtx-4090")
    hostile = dataclasses.replace(result, plan='<script>alert("x")</script> & Co', gpu="<b>")
    svg = cost_chart_svg(hostile)
    root = ET.fromstring(svg)  # still well-formed
    assert "<script>" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert '<script>alert("x")</script> & Co' in (root.findtext(f"{SVG}title") or "")


def test_no_break_even_line_when_there_is_none() -> None:
    result = cost_of_ownership(images_per_month=10, plan="midjourney-basic", gpu="rtx-5090")
    svg = cost_chart_svg(result)
    assert "break-even: month" not in svg
    assert "would pay for itself in month" in svg


@given(st.floats(min_value=0.01, max_value=1e7))
def test_axis_ticks_cover_the_data(top: float) -> None:
    ticks = nice_ticks(top)
    assert ticks[0] == 0
    assert ticks[-1] >= top * (1 - 1e-9)  # up to floating-point rounding
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    assert 2 <= len(ticks) <= 12
