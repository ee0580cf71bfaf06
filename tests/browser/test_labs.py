"""The labs in a real browser: from the glossary to a plan, a checkpoint inspected from its
header alone, the cost chart, and every lab page accessible and phone-sized."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from playwright.sync_api import Browser, Page, expect
from safetensors.numpy import save_file

from aula.labs.cost import cost_of_ownership
from aula.labs.planner import plan
from aula.labs.weights import inspect_weights

from .conftest import assert_accessible

PHONE = {"width": 360, "height": 800}
LAB_PAGES = [
    "/labs",
    "/labs/weights",
    "/labs/vram",
    "/labs/vram?model=flux-dev&gpu=rtx-3060",
    "/labs/vram?model=sdxl&gpu_gb=twelve",
    "/labs/compare",
    "/labs/cost",
    "/labs/cost?gpu=a100-80gb&kwh_price=cheap",
]


def checkpoint(folder: Path) -> Path:
    """An SDXL-like file: a 4 MB UNet tensor behind a header of a few hundred bytes."""
    path = folder / "tiny-sdxl.safetensors"
    tensors: dict[str, npt.NDArray[Any]] = {
        "model.diffusion_model.input_blocks.0.0.weight": np.ones((1024, 1024), dtype=np.float32),
        "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight": np.ones(
            768, dtype=np.float16
        ),
        "first_stage_model.decoder.conv_in.weight": np.zeros((8, 4), dtype=np.float16),
    }
    save_file(tensors, str(path), metadata={"format": "pt"})
    return path


def header_length(path: Path) -> int:
    with path.open("rb") as f:
        return int.from_bytes(f.read(8), "little")


def no_sideways_scroll(page: Page) -> None:
    root = "document.documentElement"
    scroll, visible = page.evaluate(f"[{root}.scrollWidth, {root}.clientWidth]")
    assert scroll <= visible, f"{page.url} is {scroll} px wide in a {visible} px window"


def test_from_the_glossary_plan_sdxl_on_a_12_gb_gpu(page: Page, server: str) -> None:
    page.goto(server + "/glossary")
    page.locator("#term-vram").get_by_role("link", name="Try it: VRAM planner").click()
    expect(page).to_have_url(server + "/labs/vram")
    expect(page.get_by_role("heading", level=1)).to_have_text("VRAM planner")

    page.get_by_label("Model").select_option("sdxl")
    page.get_by_label("GPU", exact=True).select_option("")
    page.get_by_label("Or any GPU: its memory in GiB").fill("12")
    page.get_by_role("button", name="Plan").click()

    expected = plan("sdxl", "12")
    low, high = expected.range_gb
    expect(page.locator("#vram-verdict")).to_contain_text(
        f"{expected.verdict.capitalize()}: it needs about {expected.needed_gb:.1f} GiB "
        f"(likely {low:.1f}–{high:.1f} GiB) of 12.0 GiB"
    )
    meter = page.locator("#usage-meter")
    expect(meter).to_have_attribute("value", f"{expected.usage.used_fraction:.3f}")
    expect(page.get_by_label(expected.usage.label)).to_have_count(1)  # the bar's name
    assert page.evaluate("document.getElementById('usage-meter').value") == pytest.approx(
        expected.usage.used_fraction, abs=1e-3
    )
    assert_accessible(page)


def test_a_checkpoint_is_inspected_from_its_header_alone(
    page: Page, server: str, tmp_path: Path
) -> None:
    path = checkpoint(tmp_path)
    expected = inspect_weights(path)
    page.goto(server + "/labs/weights")
    page.get_by_label("A .safetensors file").set_input_files(str(path))
    with page.expect_request("**/api/labs/weights") as sent:
        page.get_by_role("button", name="Inspect").click()
    request = sent.value
    body = request.post_data_buffer
    assert body is not None
    assert len(body) == 8 + header_length(path)  # not the 4 MB of tensors
    assert request.headers["x-file-size"] == str(path.stat().st_size)

    report = page.locator("#weights-report")
    expect(report).to_be_visible()
    expect(report.locator('[data-key="layout"]')).to_have_text("header")
    expect(report.locator('[data-key="architecture"]')).to_have_text(
        expected.architecture.label + (f" ({v})" if (v := expected.architecture.variant) else "")
    )
    expect(report.locator('[data-key="tensors"]')).to_have_text(str(expected.tensors))
    expect(report.locator('[data-key="parameters"]')).to_contain_text(f"{expected.parameters:,}")
    expect(page.locator("#weights-status")).to_contain_text("the header only")
    expect(page).to_have_url(server + "/labs/weights")  # no page load
    assert_accessible(page)


def test_a_pickle_is_refused_in_the_browser(page: Page, server: str, tmp_path: Path) -> None:
    path = tmp_path / "model.ckpt"
    path.write_bytes(pickle.dumps({"state_dict": {}}, protocol=4))
    page.goto(server + "/labs/weights")
    page.get_by_label("A .safetensors file").set_input_files(str(path))
    page.get_by_role("button", name="Inspect").click()
    expect(page.locator("#weights-error")).to_contain_text("refused")
    expect(page.locator("#weights-report")).to_be_hidden()
    assert_accessible(page)


def test_without_the_script_the_form_uploads_the_file(
    page: Page, server: str, tmp_path: Path
) -> None:
    # labs.js blocked rather than JavaScript off: axe-core needs JavaScript to scan the page.
    page.route("**/static/labs.js*", lambda route: route.abort())
    path = checkpoint(tmp_path)
    page.goto(server + "/labs/weights")
    page.get_by_label("A .safetensors file").set_input_files(str(path))
    with page.expect_request("**/labs/weights") as sent:
        page.get_by_role("button", name="Inspect").click()
    assert sent.value.method == "POST"
    assert "multipart/form-data" in sent.value.headers["content-type"]
    expect(page.locator('#weights-report [data-key="tensors"]')).to_have_text("3")
    expect(page.locator('#weights-report [data-key="read"]')).to_contain_text(
        f"{8 + header_length(path):,} bytes"
    )
    assert_accessible(page)


def test_the_cost_lab_with_edited_inputs(page: Page, server: str) -> None:
    page.goto(server + "/labs/cost")
    page.get_by_label("Images a month", exact=True).fill("5000")
    page.get_by_label("Plan or API", exact=True).select_option("midjourney-pro")
    page.get_by_label("GPU", exact=True).select_option("rtx-4090")
    page.get_by_label("Electricity, per kWh", exact=True).fill("0.15")
    page.get_by_label("Months to compare", exact=True).fill("36")
    page.get_by_role("button", name="Compare costs").click()

    expected = cost_of_ownership(
        images_per_month=5000, plan="midjourney-pro", gpu="rtx-4090", kwh_price=0.15, months=36
    )
    assert expected.break_even_month is not None
    expect(page.locator("#break-even")).to_have_text(
        f"The GPU pays for itself in month {expected.break_even_month}."
    )
    chart = page.locator("svg.cost-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_contain_text(f"month {expected.break_even_month}")
    expect(chart).to_contain_text(f"break-even: month {expected.break_even_month}")
    expect(page.get_by_label("Electricity, per kWh", exact=True)).to_have_value("0.15")
    assert_accessible(page)


@pytest.mark.parametrize("path", LAB_PAGES)
def test_lab_pages_are_accessible_and_fit_a_phone(browser: Browser, server: str, path: str) -> None:
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        try:
            page = context.new_page()
            page.goto(server + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            no_sideways_scroll(page)
            assert_accessible(page)
        finally:
            context.close()
