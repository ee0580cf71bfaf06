"""Every figure the course's prose quotes is recomputed from the catalog it comes from.

The catalog (catalog.yaml) holds each fact once, with its source and date; the glossary, slides
and questions quote some of them in words. These tests rebuild each quoted figure from the
catalog and look for it in the text, so a fact updated in the catalog but not in the prose (or
the other way round) fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aula.content.catalog import Catalog
from aula.content.loader import builtin_course_path
from aula.labs.catalog import default_catalog

ROOT = builtin_course_path()
LESSON = ROOT / "lessons" / "open-vs-closed"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


def text(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())  # line breaks as spaces


def plan(catalog: Catalog, plan_id: str) -> float:
    p = catalog.plan(plan_id)
    assert p is not None
    value = p.per_image_usd or p.monthly_usd
    assert value is not None
    return value.value


def peak(catalog: Catalog, measurement_id: str) -> float:
    return next(m.peak_gb.value for m in catalog.measurements if m.id == measurement_id)


def params(catalog: Catalog, model_id: str) -> float:
    m = catalog.model(model_id)
    assert m is not None and m.parameters_b is not None
    return m.parameters_b.value


def file_gb(catalog: Catalog, model_id: str, label_start: str) -> float:
    m = catalog.model(model_id)
    assert m is not None
    return next(f.size_gb.value for f in m.files if f.label.startswith(label_start))


def test_the_dall_e_entry_quotes_its_retired_prices_and_date(catalog: Catalog) -> None:
    body = text(ROOT / "glossary" / "11-dall-e.md")
    for plan_id in ("dall-e-3-standard", "dall-e-3-standard-wide", "dall-e-3-hd-wide"):
        assert f"${plan(catalog, plan_id):.2f}" in body
    dalle = catalog.model("dall-e-3")
    assert dalle is not None and dalle.retired is not None
    assert dalle.retired.value.strftime("%-d %B %Y") in body  # 12 May 2026
    gpt = catalog.model("gpt-image")
    assert gpt is not None and "$30 per 1M image-output tokens" in gpt.price.value
    assert "$30 per million image-output tokens" in body


def test_the_saas_entry_quotes_the_price_ranges(catalog: Catalog) -> None:
    body = text(ROOT / "glossary" / "04-saas.md")
    monthly = [plan(catalog, p.id) for p in catalog.plans if p.model == "midjourney"]
    assert f"${min(monthly):g} to ${max(monthly):g}" in body
    gemini = [plan(catalog, p.id) for p in catalog.plans if p.model == "gemini-image"]
    assert f"${min(gemini):.3f} to ${max(gemini):.2f}" in body
    dalle = [plan(catalog, p.id) for p in catalog.plans if p.model == "dall-e-3"]
    assert f"${min(dalle):.2f} to ${max(dalle):.2f}" in body


def test_the_vram_and_flux_entries_quote_the_measured_peaks(catalog: Catalog) -> None:
    bf16, nf4 = peak(catalog, "flux-dev-bf16"), peak(catalog, "flux-dev-nf4")
    rtx4090 = catalog.gpu("rtx-4090")
    rtx5090 = catalog.gpu("rtx-5090")
    assert rtx4090 is not None and rtx5090 is not None
    for name in ("02-vram.md", "09-flux.md"):
        body = text(ROOT / "glossary" / name)
        assert f"{bf16:.1f} GiB" in body and f"{nf4:.1f} GiB" in body
    assert f"{rtx4090.vram_gb.value:g} GiB card" in text(ROOT / "glossary" / "02-vram.md")
    flux = text(ROOT / "glossary" / "09-flux.md")
    assert f"{rtx5090.vram_gb.value:g} GiB RTX 5090" in flux
    assert f"{params(catalog, 'flux-dev'):g}-billion" in flux
    assert f"{file_gb(catalog, 'flux-dev', 'bf16'):g} GB in bf16" in flux
    t5 = next(c for c in catalog.model("flux-dev").components if c.id == "t5")  # type: ignore[union-attr]
    assert f"{t5.parameters_b.value:g}B parameters, {2 * t5.parameters_b.value:.2f} GB" in flux
    for model_id, words in (
        ("flux1-kontext-dev", "FLUX.1 Kontext [dev] ({:g}B"),
        ("flux2-dev", "FLUX.2 [dev] ({:g}B)"),
        ("flux2-klein-4b", "FLUX.2 [klein] {:g}B"),
    ):
        assert words.format(params(catalog, model_id)) in flux


def test_the_stable_diffusion_table_is_the_catalog_s(catalog: Catalog) -> None:
    body = text(ROOT / "glossary" / "08-stable-diffusion.md")
    assert f"about {params(catalog, 'sd15'):g}B | {file_gb(catalog, 'sd15', 'fp16'):g} GB" in body
    assert f"| {params(catalog, 'sdxl'):g}B | {file_gb(catalog, 'sdxl', 'fp16'):g} GB" in body
    sd3 = catalog.model("sd3-medium")
    assert sd3 is not None
    sizes = [f.size_gb.value for f in sd3.files]
    assert (
        f"{sizes[0]:g} GB with no text encoders; {sizes[1]:g} GB with the two CLIPs; "
        f"{sizes[2]:g} GB with T5 too" in body
    )
    assert f"| {params(catalog, 'sd35-large'):g}B |" in body
    assert f"about {params(catalog, 'sd35-medium'):.1f}B" in body
    assert f"{file_gb(catalog, 'sd35-medium', 'bf16'):g} GB (bf16 transformer)" in body


def test_the_running_locally_question_quotes_the_measurements(catalog: Catalog) -> None:
    body = text(LESSON / "nodes" / "06-running-locally.yaml")
    bf16, nf4 = peak(catalog, "flux-dev-bf16"), peak(catalog, "flux-dev-nf4")
    card = catalog.gpu("rtx-4090")
    assert card is not None
    spare = card.vram_gb.value - nf4
    assert f"{bf16:.1f} GiB of GPU memory in bf16 and at {nf4:.1f} GiB in 4-bit NF4" in body
    assert f"{nf4:.1f} GiB leaves {spare:.1f} GiB free" in body


def test_the_api_budget_question_is_priced_with_a_plan_on_sale(catalog: Catalog) -> None:
    body = text(LESSON / "nodes" / "03-walled-gardens.yaml")
    flash = catalog.plan("gemini-3-1-flash-image-1k")
    assert flash is not None and flash.retired is None
    price = flash.per_image_usd.value  # type: ignore[union-attr]
    assert f"about ${price:.3f}" in body
    assert f"250 × ${price:.4f} = ${250 * price:.2f}" in body
    standard = plan(catalog, "midjourney-standard")
    assert f"A flat ${standard:g}, like Midjourney's Standard plan" in body
    assert f"DALL-E 3's ${plan(catalog, 'dall-e-3-standard'):.2f} per image" in body


def test_the_running_locally_slide_quotes_the_download_sizes(catalog: Catalog) -> None:
    body = text(LESSON / "slides" / "07-running-locally.md")
    assert f"from {file_gb(catalog, 'sd15', 'fp16'):g} GB (SD 1.5, fp16)" in body
    assert f"to {file_gb(catalog, 'flux-dev', 'bf16'):g} GB (the FLUX.1 transformer" in body
