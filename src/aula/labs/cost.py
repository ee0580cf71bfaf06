"""Cost of ownership: a SaaS plan or per-image API against buying a GPU, month by month.

    SaaS, month m    = monthly price × m               (subscription)
                     = price per image × images × m    (per-image API)
    local, month m   = GPU price × (1 − resale fraction) + energy per month × m
    energy per month = board power (W) × seconds per image × images ÷ 3,600,000 × price per kWh

The break-even month is the first month when the SaaS total reaches the local total. Only the
GPU is counted on the local side (the rest of the computer, cooling and your time are not), and
a yearly subscription is spread over its months. Every input is shown with where it comes from,
and every one can be changed.

Prices in the catalog are USD. With another currency, every catalog price is converted at an
exchange rate that is itself an assumption with a date (the catalog's, or the one you give);
the prices you type (electricity, overrides) are taken as already in that currency. Retired
plans are history: the lab refuses them and names what can be bought today. One GPU works at
most the hours a month has (365.25 × 24 ÷ 12 ≈ 730.5): when the images need more GPU-hours,
the result says so, because one GPU cannot make them.
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
HOURS_PER_MONTH = 365.25 * 24 / 12  # 730.5
Billing = Literal["monthly", "yearly"]
Currency = Literal["USD", "EUR", "GBP"]
CURRENCIES: tuple[Currency, ...] = ("USD", "EUR", "GBP")


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
    currency: Currency = "USD"
    gpu_hours_per_month: float = 0.0

    def money(self, value: float, decimals: int = 2) -> str:
        """An amount in the result's currency: '$1,234.00', '1,234.00 €', '£1,234.00'."""
        amount = f"{value:,.{decimals}f}"
        return {"USD": f"${amount}", "GBP": f"£{amount}"}.get(self.currency, f"{amount} €")

    @property
    def fits_in_a_month(self) -> bool:
        """Whether one GPU has the hours a month to make the images."""
        return self.gpu_hours_per_month <= HOURS_PER_MONTH

    @property
    def gpus_needed(self) -> int:
        return max(1, math.ceil(self.gpu_hours_per_month / HOURS_PER_MONTH))

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
            "currency": self.currency,
            "gpu_hours_per_month": round(self.gpu_hours_per_month, 1),
            "hours_per_month": HOURS_PER_MONTH,
            "fits_in_a_month": self.fits_in_a_month,
            "gpus_needed": self.gpus_needed,
            "assumptions": [a.to_dict() for a in self.assumptions],
            "series": [
                {"month": m.month, "saas": round(m.saas, 2), "local": round(m.local, 2)}
                for m in self.series
            ],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class _Money:
    """Converts the catalog's USD into the chosen currency, and names the units."""

    currency: Currency
    rate: Assumption | None  # None for USD

    @property
    def factor(self) -> float:
        return self.rate.value if self.rate else 1.0

    def unit(self, per: str = "") -> str:
        return f"{self.currency}/{per}" if per else self.currency


def _fact(
    key: str, label: str, fact: Fact[float], unit: str, money: _Money | None = None
) -> Assumption:
    value = fact.value * (money.factor if money else 1.0)
    note = f" (USD {fact.value:g} at the rate below)" if money and money.rate else ""
    return Assumption(key, label + note, value, unit, fact.source, fact.checked, fact.uncertain)


def _given(key: str, label: str, value: float, unit: str, default: bool) -> Assumption:
    return Assumption(key, label, value, unit, "default (edit it)" if default else "you")


def _rate(
    currency: Currency, rate: float | None, rate_date: dt.date | None, catalog: Catalog
) -> Assumption | None:
    if currency == "USD":
        if rate is not None:
            raise LabError("an exchange rate only applies with --currency EUR or GBP")
        return None
    label = f"exchange rate, {currency} per USD"
    if rate is not None:
        if not 0 < rate < 1000:
            raise LabError(f"exchange rate {rate:g}: give {currency} per US dollar, e.g. 0.86")
        when = f" on {rate_date.isoformat()}" if rate_date else " (date not given)"
        return Assumption("rate", label + when, rate, f"{currency}/USD", "you", rate_date)
    entry = next((r for r in catalog.rates if r.currency == currency), None)
    if entry is None:
        raise LabError(
            f"the catalog has no USD→{currency} rate: pass --rate ({currency} per US dollar) "
            "and --rate-date (the day it was quoted)"
        )
    fact = entry.per_usd
    when = f" on {fact.checked.isoformat()}" if fact.checked else ""
    return Assumption(
        "rate", label + when, fact.value, f"{currency}/USD", fact.source, fact.checked, True
    )


def _plan_price(
    plan: PlanEntry, billing: Billing, override: float | None, money: _Money
) -> Assumption:
    if plan.billing == "per-image":
        key, label, unit, fact = (
            "plan_price",
            f"{plan.name}: price",
            money.unit("image"),
            plan.per_image_usd,
        )
    elif billing == "yearly":
        key, label, unit, fact = (
            "plan_price",
            f"{plan.name}, paid yearly",
            money.unit("month"),
            (plan.yearly_monthly_usd),
        )
        if fact is None and override is None:
            raise LabError(f"{plan.name} has no yearly price in the catalog; pass --plan-price")
    else:
        key, label, unit, fact = "plan_price", plan.name, money.unit("month"), plan.monthly_usd
    if override is not None:
        return _given(key, label, override, unit, default=False)
    assert fact is not None  # the catalog schema requires the price for the plan's billing
    return _fact(key, label, fact, unit, money)


def _gpu_inputs(
    gpu: GpuEntry, price: float | None, watts: float | None, money: _Money
) -> tuple[Assumption, Assumption]:
    if price is not None:
        buy = _given("gpu_price", f"{gpu.name}: purchase", price, money.unit(), default=False)
    elif gpu.launch_price_usd is not None:
        buy = _fact(
            "gpu_price", f"{gpu.name}: launch price", gpu.launch_price_usd, money.unit(), money
        )
    else:
        raise LabError(f"{gpu.name} has no purchase price in the catalog; pass --gpu-price")
    if watts is not None:
        power = _given("board_power_w", f"{gpu.name}: board power", watts, "W", default=False)
    elif gpu.board_power_w is not None:
        power = _fact("board_power_w", f"{gpu.name}: board power", gpu.board_power_w, "W")
    else:
        raise LabError(f"{gpu.name} has no board power in the catalog; pass --board-power")
    return buy, power


def current_plans(catalog: Catalog) -> list[PlanEntry]:
    """The plans a learner can buy today (retired ones are history)."""
    return [p for p in catalog.plans if p.retired is None]


def _refuse_retired(plan: PlanEntry, catalog: Catalog) -> None:
    if plan.retired is None:
        return
    today = ", ".join(p.id for p in current_plans(catalog))
    raise LabError(
        f"{plan.name} was retired on {plan.retired.value.isoformat()} "
        f"(source: {plan.retired.source}): it is history, not something to buy. "
        f"Plans on sale: {today}"
    )


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
    currency: Currency = "USD",
    rate: float | None = None,
    rate_date: dt.date | None = None,
    catalog: Catalog | None = None,
) -> CostResult:
    """Month-by-month totals of a plan and a local GPU, with every assumption listed."""
    _check_inputs(images_per_month, months, kwh_price, seconds_per_image, resale_fraction or 0)
    catalog = catalog or default_catalog()
    if currency not in CURRENCIES:
        raise LabError(f"currency '{currency}': choose one of {', '.join(CURRENCIES)}")
    plan_entry, gpu_entry = find_plan(plan, catalog), find_gpu(gpu, catalog)
    _refuse_retired(plan_entry, catalog)
    exchange = _rate(currency, rate, rate_date, catalog)
    money = _Money(currency, exchange)
    price = _plan_price(plan_entry, billing, plan_price, money)
    buy, power = _gpu_inputs(gpu_entry, gpu_price, board_power_w, money)
    kwh = _given(
        "kwh_price",
        "electricity",
        DEFAULT_KWH_PRICE if kwh_price is None else kwh_price,
        money.unit("kWh"),
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
    hours = seconds.value * images_per_month / 3600
    notes = list(_notes(plan_entry, billing, resale.value))
    if hours > HOURS_PER_MONTH:
        gpus = math.ceil(hours / HOURS_PER_MONTH)
        notes.insert(
            0,
            f"{images_per_month:,} images at {seconds.value:g} s each need {hours:,.0f} GPU-hours "
            f"a month, more than the {HOURS_PER_MONTH:.0f} hours a month has: one GPU cannot "
            f"make them. You would need {gpus} GPUs running day and night; the local totals "
            "count one.",
        )
    assumptions = (price, buy, power, seconds, kwh, resale) + ((exchange,) if exchange else ())
    return CostResult(
        plan=plan_entry.name,
        gpu=gpu_entry.name,
        images_per_month=images_per_month,
        months=months,
        assumptions=assumptions,
        saas_monthly=saas_monthly,
        energy_kwh_per_month=kwh_month,
        energy_monthly=energy,
        local_upfront=upfront,
        series=series,
        break_even_month=even,
        break_even_later=later,
        notes=tuple(notes),
        currency=currency,
        gpu_hours_per_month=hours,
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
