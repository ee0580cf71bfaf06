"""Cost of ownership against cases worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from aula.labs.catalog import default_catalog
from aula.labs.cost import HOURS_PER_MONTH, cost_of_ownership, current_plans
from aula.labs.errors import LabError


def test_a_subscription_that_never_pays_back_within_two_years() -> None:
    r = cost_of_ownership(
        images_per_month=2000, plan="midjourney-standard", gpu="rtx-4090", kwh_price=0.30, months=24
    )
    # 450 W × 10 s × 2000 images = 9,000,000 J = 2.5 kWh a month, × $0.30 = $0.75.
    assert r.energy_kwh_per_month == pytest.approx(2.5)
    assert r.energy_monthly == pytest.approx(0.75)
    assert r.saas_total == pytest.approx(30 * 24)
    assert r.local_total == pytest.approx(1599 + 0.75 * 24)
    assert r.break_even_month is None
    assert r.break_even_later == math.ceil(1599 / (30 - 0.75))  # month 55
    data = r.to_dict()
    assert (data["saas_total"], data["local_total"], data["break_even_month"]) == (
        720.0,
        1617.0,
        None,
    )


def test_a_per_image_api_that_pays_back_in_month_6() -> None:
    r = cost_of_ownership(
        images_per_month=2000, plan="gemini-3-pro-image-2k", gpu="rtx-4090", kwh_price=0.30
    )
    assert r.saas_monthly == pytest.approx(0.134 * 2000)  # $268 a month
    # 268 m ≥ 1599 + 0.75 m  ⇔  m ≥ 5.98
    assert r.break_even_month == 6
    assert r.series[5].saas < r.series[5].local
    assert r.series[6].saas >= r.series[6].local
    assert r.break_even_later is None


def test_retired_plans_are_history_not_options() -> None:
    with pytest.raises(LabError, match=r"retired on 2026-05-12.*gemini-3-1-flash-image-1k"):
        cost_of_ownership(images_per_month=10, plan="dall-e-3-hd", gpu="rtx-4090")
    with pytest.raises(LabError, match="retired on 2026-08-17"):
        cost_of_ownership(images_per_month=10, plan="imagen-4-fast", gpu="rtx-4090")
    today = {p.id for p in current_plans(default_catalog())}
    assert "gemini-3-1-flash-image-1k" in today and "gpt-image-1-high" not in today


def test_another_currency_converts_catalog_prices_at_a_dated_rate() -> None:
    usd = cost_of_ownership(images_per_month=2000, plan="midjourney-standard", gpu="rtx-4090")
    eur = cost_of_ownership(
        images_per_month=2000,
        plan="midjourney-standard",
        gpu="rtx-4090",
        currency="EUR",
        rate=0.86,
        rate_date=dt.date(2026, 11, 27),
        kwh_price=0.30,  # typed by the learner: already in EUR
    )
    assert eur.saas_monthly == pytest.approx(30 * 0.86)
    assert eur.local_upfront == pytest.approx(1599 * 0.86)
    assert eur.energy_monthly == pytest.approx(usd.energy_monthly)
    rate = next(a for a in eur.assumptions if a.key == "rate")
    assert (rate.value, rate.unit, rate.origin, rate.checked) == (
        0.86,
        "EUR/USD",
        "you",
        dt.date(2026, 11, 27),
    )
    assert eur.to_dict()["currency"] == "EUR"
    assert eur.money(1234.5) == "1,234.50 €"
    with pytest.raises(LabError, match="--rate"):
        cost_of_ownership(images_per_month=1, plan="midjourney-pro", gpu="rtx-4090", currency="EUR")
    with pytest.raises(LabError, match="only applies"):
        cost_of_ownership(images_per_month=1, plan="midjourney-pro", gpu="rtx-4090", rate=0.9)


def test_more_gpu_hours_than_a_month_has_is_said() -> None:
    r = cost_of_ownership(
        images_per_month=100_000,
        plan="gemini-3-1-flash-image-1k",
        gpu="rtx-4090",
        seconds_per_image=30,
    )
    assert r.gpu_hours_per_month == pytest.approx(100_000 * 30 / 3600)  # 833.3 h
    assert pytest.approx(730.5) == HOURS_PER_MONTH
    assert not r.fits_in_a_month and r.gpus_needed == 2
    assert "833 GPU-hours" in r.notes[0] and "730 hours" in r.notes[0]
    small = cost_of_ownership(images_per_month=2000, plan="midjourney-pro", gpu="rtx-4090")
    assert small.fits_in_a_month and not any("GPU-hours" in n for n in small.notes)


def test_yearly_billing_and_resale() -> None:
    r = cost_of_ownership(
        images_per_month=500,
        plan="midjourney-standard",
        gpu="rtx-4090",
        months=36,
        kwh_price=0.30,
        billing="yearly",
        resale_fraction=0.5,
    )
    energy = 450 * 10 * 500 / 3.6e6 * 0.30  # $0.1875 a month
    assert r.saas_monthly == 24
    assert r.local_upfront == pytest.approx(1599 * 0.5)
    # 24 m ≥ 799.5 + 0.1875 m  ⇔  m ≥ 33.58
    assert r.break_even_month == 34
    assert r.local_total == pytest.approx(799.5 + energy * 36)
    assert any("yearly" in n for n in r.notes)


def test_every_assumption_can_be_overridden_and_says_who_set_it() -> None:
    r = cost_of_ownership(
        images_per_month=1000,
        plan="midjourney-pro",
        gpu="rtx-3060",
        plan_price=50,
        gpu_price=250,
        board_power_w=200,
        seconds_per_image=36,
        kwh_price=0.0,
    )
    origins = {a.key: (a.value, a.origin) for a in r.assumptions}
    assert origins["plan_price"] == (50, "you")
    assert origins["gpu_price"] == (250, "you")
    assert origins["board_power_w"] == (200, "you")
    assert origins["seconds_per_image"] == (36, "you")
    assert origins["kwh_price"] == (0.0, "you")  # zero is a price, not "missing"
    assert origins["resale_fraction"] == (0.0, "default (edit it)")
    assert r.energy_kwh_per_month == pytest.approx(200 * 36 * 1000 / 3.6e6)
    assert r.energy_monthly == 0
    assert r.break_even_month == 5  # 50 m ≥ 250


def test_catalog_facts_carry_their_source_and_date() -> None:
    r = cost_of_ownership(images_per_month=100, plan="midjourney-basic", gpu="rtx-5090")
    price = next(a for a in r.assumptions if a.key == "plan_price")
    assert (price.value, price.origin, price.checked is not None) == (10, "midjourney-plans", True)
    gpu = next(a for a in r.assumptions if a.key == "gpu_price")
    assert gpu.uncertain
    assert any("capped" in n for n in r.notes)  # Basic has no Relax mode


def test_no_images_no_break_even() -> None:
    r = cost_of_ownership(images_per_month=0, plan="gemini-2-5-flash-image", gpu="rtx-3060")
    assert (r.saas_total, r.break_even_month, r.break_even_later) == (0, None, None)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"gpu": "h100"}, "no purchase price"),
        ({"images_per_month": -1}, "negative"),
        ({"months": 0}, "between 1 and 240"),
        ({"resale_fraction": 1.0}, "resale"),
        ({"seconds_per_image": 0}, "more than 0"),
        ({"plan": "midjurney-pro"}, "did you mean 'midjourney-pro'"),
    ],
)
def test_user_errors(kwargs: dict[str, object], words: str) -> None:
    args: dict[str, object] = {"images_per_month": 10, "plan": "midjourney-pro", "gpu": "rtx-4090"}
    with pytest.raises(LabError, match=words):
        cost_of_ownership(**{**args, **kwargs})  # type: ignore[arg-type]


def test_a_data_centre_gpu_with_a_price_given() -> None:
    r = cost_of_ownership(
        images_per_month=10,
        plan="gemini-3-pro-image",
        gpu="a100",
        gpu_price=15000,
        board_power_w=400,
    )
    assert r.local_upfront == 15000
