"""Cost of ownership against cases worked out by hand."""

from __future__ import annotations

import math

import pytest

from aula.labs.cost import cost_of_ownership
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


def test_a_per_image_api_that_pays_back_in_month_11() -> None:
    r = cost_of_ownership(images_per_month=2000, plan="dall-e-3-hd", gpu="rtx-4090", kwh_price=0.30)
    assert r.saas_monthly == pytest.approx(0.08 * 2000)  # $160 a month
    # 160 m ≥ 1599 + 0.75 m  ⇔  m ≥ 10.03
    assert r.break_even_month == 11
    assert r.series[10].saas < r.series[10].local
    assert r.series[11].saas >= r.series[11].local
    assert r.break_even_later is None


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
    r = cost_of_ownership(images_per_month=0, plan="imagen-4-fast", gpu="rtx-3060")
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
        images_per_month=10, plan="dall-e-3", gpu="a100", gpu_price=15000, board_power_w=400
    )
    assert r.local_upfront == 15000
