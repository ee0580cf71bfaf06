"""Cost of ownership: a SaaS plan or per-image API against buying a GPU, month by month.

    SaaS, month m    = monthly price × m               (subscription)
                     = price per image × images × m    (per-image API)
    local, month m   = GPU price × (1 − resale fraction) + energy per month × m
    energy per month = board power (W) × seconds per image × images ÷ 3,600,000 × price per kWh

The break-even month is the first month when the SaaS total reaches the local total. Only the
GPU is counted on the local side (the rest of the computer, cooling and your time are not), and
a yearly subscription is spread over its months. Every input is shown with where it comes from,
and every one can be changed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

from aula.content.catalog import Catalog, Fact, GpuEntry, PlanEntry
from aula.labs.catalog import default_catalog, find_gpu, find_plan
from aula.labs.errors import LabError

# Not sourced facts but the learner's own situation; the defaults are starting points to edit.
DEFAULT_KWH_PRICE = 0.30
DEFAULT_SECONDS_PER_IMAGE = 10.0
Billing = Literal["monthly", "yearly"]


@dataclass(frozen=True)
class Assumption:
    """One input of the calculation, with its origin: a catalog fact, the learner, or a default."""

    key: str  # the option that changes it, e.g. "kwh_price"
    label: str
    value: float
    unit: str
    origin: str  # a source id, "you" (given) or "default (edit it)"
    checked: dt.date | None = None
    uncertain: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "origin": self.origin,
            "checked": self.checked.isoformat() if self.checked else None,
            "uncertain": self.uncertain,
        }


@dataclass(frozen=True)
class Month:
    month: int
    saas: float
    local: float


@dataclass(frozen=True)
class CostResult:
    plan: str
    gpu: str
    images_per_month: int
    months: int
    assumptions: tuple[Assumption, ...]
    saas_monthly: float
    energy_kwh_per_month: float
    energy_monthly: float
    local_upfront: float
    series: tuple[Month, ...]  # month 0 (the purchase) to ``months``
    break_even_month: int | None  # within ``months``
    break_even_later: int | None  # when it is beyond ``months`` at the same rates, if ever
    notes: tuple[str, ...]

    @property
    def saas_total(self) -> float:
        return self.series[-1].saas

    @property
    def local_total(self) -> float:
        return self.series[-1].local

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "gpu": self.gpu,
            "images_per_month": self.images_per_month,
            "months": self.months,
            "saas_monthly": round(self.saas_monthly, 4),
            "energy_kwh_per_month": round(self.energy_kwh_per_month, 4),
            "energy_monthly": round(self.energy_monthly, 4),
            "local_upfront": round(self.local_upfront, 2),
            "saas_total": round(self.saas_total, 2),
            "local_total": round(self.local_total, 2),
            "break_even_month": self.break_even_month,
            "break_even_later": self.break_even_later,
            "assumptions": [a.to_dict() for a in self.assumptions],
            "series": [
                {"month": m.month, "saas": round(m.saas, 2), "local": round(m.local, 2)}
                for m in self.series
            ],
            "notes": list(self.notes),
        }


def _fact(key: str, label: str, fact: Fact[float], unit: str) -> Assumption:
    return Assumption(key, label, fact.value, unit, fact.source, fact.checked, fact.uncertain)


def _given(key: str, label: str, value: float, unit: str, default: bool) -> Assumption:
    return Assumption(key, label, value, unit, "default (edit it)" if default else "you")


def _plan_price(plan: PlanEntry, billing: Billing, override: float | None) -> Assumption:
    if plan.billing == "per-image":
        key, label, unit, fact = (
            "plan_price",
            f"{plan.name}: price",
            "USD/image",
            plan.per_image_usd,
        )
    elif billing == "yearly":
        key, label, unit, fact = (
            "plan_price",
            f"{plan.name}, paid yearly",
            "USD/month",
            (plan.yearly_monthly_usd),
        )
        if fact is None and override is None:
            raise LabError(f"{plan.name} has no yearly price in the catalog; pass --plan-price")
    else:
        key, label, unit, fact = "plan_price", plan.name, "USD/month", plan.monthly_usd
    if override is not None:
        return _given(key, label, override, unit, default=False)
    assert fact is not None  # the catalog schema requires the price for the plan's billing
    return _fact(key, label, fact, unit)


def _gpu_inputs(
    gpu: GpuEntry, price: float | None, watts: float | None
) -> tuple[Assumption, Assumption]:
    if price is not None:
        buy = _given("gpu_price", f"{gpu.name}: purchase", price, "USD", default=False)
    elif gpu.launch_price_usd is not None:
        buy = _fact("gpu_price", f"{gpu.name}: launch price", gpu.launch_price_usd, "USD")
    else:
        raise LabError(f"{gpu.name} has no purchase price in the catalog; pass --gpu-price")
    if watts is not None:
        power = _given("board_power_w", f"{gpu.name}: board power", watts, "W", default=False)
    elif gpu.board_power_w is not None:
        power = _fact("board_power_w", f"{gpu.name}: board power", gpu.board_power_w, "W")
    else:
        raise LabError(f"{gpu.name} has no board power in the catalog; pass --board-power")
    return buy, power


def cost_of_ownership(
    *,
    images_per_month: int,
    plan: str,
    gpu: str,
    months: int = 24,
    kwh_price: float | None = None,
    seconds_per_image: float | None = None,
    resale_fraction: float | None = None,
    billing: Billing = "monthly",
    plan_price: float | None = None,
    gpu_price: float | None = None,
    board_power_w: float | None = None,
    catalog: Catalog | None = None,
) -> CostResult:
    """Month-by-month totals of a plan and a local GPU, with every assumption listed."""
    _check_inputs(images_per_month, months, kwh_price, seconds_per_image, resale_fraction or 0)
    catalog = catalog or default_catalog()
    plan_entry, gpu_entry = find_plan(plan, catalog), find_gpu(gpu, catalog)
    price = _plan_price(plan_entry, billing, plan_price)
    buy, power = _gpu_inputs(gpu_entry, gpu_price, board_power_w)
    kwh = _given(
        "kwh_price",
        "electricity",
        DEFAULT_KWH_PRICE if kwh_price is None else kwh_price,
        "USD/kWh",
        default=kwh_price is None,
    )
    seconds = _given(
        "seconds_per_image",
        "generation time",
        DEFAULT_SECONDS_PER_IMAGE if seconds_per_image is None else seconds_per_image,
        "s/image",
        default=seconds_per_image is None,
    )
    resale = _given(
        "resale_fraction",
        "resale value",
        resale_fraction or 0.0,
        "of the price",
        default=resale_fraction is None,
    )
    per_image = plan_entry.billing == "per-image"
    saas_monthly = price.value * images_per_month if per_image else price.value
    kwh_month = power.value * seconds.value * images_per_month / 3_600_000
    energy = kwh_month * kwh.value
    upfront = buy.value * (1 - resale.value)
    series = tuple(Month(m, saas_monthly * m, upfront + energy * m) for m in range(months + 1))
    even = next((m.month for m in series[1:] if m.saas >= m.local), None)
    later = _months_to_even(upfront, saas_monthly - energy) if even is None else None
    return CostResult(
        plan=plan_entry.name,
        gpu=gpu_entry.name,
        images_per_month=images_per_month,
        months=months,
        assumptions=(price, buy, power, seconds, kwh, resale),
        saas_monthly=saas_monthly,
        energy_kwh_per_month=kwh_month,
        energy_monthly=energy,
        local_upfront=upfront,
        series=series,
        break_even_month=even,
        break_even_later=later,
        notes=_notes(plan_entry, billing, resale.value),
    )


def _months_to_even(upfront: float, saving_per_month: float) -> int | None:
    """The first month the SaaS total reaches the local one, at these monthly rates."""
    if saving_per_month <= 0:
        return None  # the GPU's power costs more each month than the plan: never
    months = math.ceil(upfront / saving_per_month)
    return max(months, 1)


def _check_inputs(
    images: int, months: int, kwh: float | None, seconds: float | None, resale: float
) -> None:
    if images < 0:
        raise LabError("images per month cannot be negative")
    if not 1 <= months <= 240:
        raise LabError("months must be between 1 and 240")
    if kwh is not None and kwh < 0:
        raise LabError("the electricity price cannot be negative")
    if seconds is not None and seconds <= 0:
        raise LabError("seconds per image must be more than 0")
    if not 0 <= resale < 1:
        raise LabError("the resale fraction must be at least 0 and below 1 (e.g. 0.4 for 40%)")


def _notes(plan: PlanEntry, billing: Billing, resale: float) -> tuple[str, ...]:
    notes = ["Local side: the GPU only (not the rest of the computer, cooling or your time)."]
    if plan.relax is not None and not plan.relax.value and plan.fast_gpu_hours is not None:
        notes.append(
            f"{plan.name} includes {plan.fast_gpu_hours.value:g} fast GPU hours a month and no "
            "Relax mode, so the number of images is capped; how many depends on the GPU time "
            "each image takes, which the course's sources do not give."
        )
    if billing == "yearly":
        notes.append("Paid yearly: shown as its monthly equivalent.")
    if resale:
        notes.append("Resale: assumes you could sell the GPU at that fraction in any month.")
    if plan.note:
        notes.append(plan.note)
    return tuple(notes)
