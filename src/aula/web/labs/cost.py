"""The cost of ownership on the web: every assumption in a GET form, the result as a page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from markupsafe import Markup

from aula.content.catalog import Catalog, PlanEntry
from aula.content.model import Source
from aula.i18n import N_, _, format_money, format_number, format_percent
from aula.labs.catalog import find_gpu, find_plan
from aula.labs.chart import cost_chart_svg
from aula.labs.cost import (
    CURRENCIES,
    Assumption,
    Billing,
    CostResult,
    Currency,
    cost_of_ownership,
    current_plans,
)
from aula.labs.errors import LabError
from aula.web.errors import InputError
from aula.web.labs.fields import FieldView, Group, Inputs, Option, lab_error
from aula.web.labs.format import money, plain
from aula.web.labs.sources import Citations

DEFAULT_IMAGES = 2000  # the example in docs/labs.md
DEFAULTS = {"plan": "midjourney-standard", "gpu": "rtx-4090"}
# The lab's messages name CLI options; on the page the same value is a field.
_OPTION_FIELDS = {
    "--plan-price": ("plan_price", "enter the plan's price below"),
    "--gpu-price": ("gpu_price", "enter the GPU's price below"),
    "--board-power": ("board_power_w", "enter the board power below"),
    "--rate": ("rate", "enter the exchange rate below"),
}


@dataclass(frozen=True)
class CostQuery:
    images_per_month: int
    plan: str
    gpu: str
    months: int
    billing: Billing
    kwh_price: float | None
    seconds_per_image: float | None
    resale_fraction: float | None
    plan_price: float | None
    gpu_price: float | None
    board_power_w: float | None
    currency: Currency = "USD"
    rate: float | None = None
    rate_date: dt.date | None = None


def _entry_id(inputs: Inputs, name: str, catalog: Catalog, required: bool) -> str:
    ids = [p.id for p in current_plans(catalog)] if name == "plan" else [g.id for g in catalog.gpus]
    default = "" if required else (DEFAULTS[name] if DEFAULTS[name] in ids else ids[0])
    text = inputs.text(name, default)
    if not text:
        message = _("Choose a plan from the catalog.") if name == "plan" else None
        inputs.fail(name, message or _("Choose a GPU from the catalog."))
        return ""
    try:
        return (find_plan if name == "plan" else find_gpu)(text, catalog).id
    except LabError as exc:
        inputs.fail(name, exc.message)
        return text


def read_cost(inputs: Inputs, catalog: Catalog, *, required: bool) -> CostQuery:
    """The calculation's inputs; problems go to ``inputs.errors``. The API (``required``)
    needs images a month, a plan and a GPU; the page starts from the docs' example."""
    images = inputs.integer("images_per_month", 0, 10_000_000, "images a month")
    if images is None and not required and "images_per_month" not in inputs.errors:
        images = DEFAULT_IMAGES
    if images is None and "images_per_month" not in inputs.errors:
        inputs.fail("images_per_month", _("Enter how many images you make a month."))
    currency: Currency = inputs.choice("currency", CURRENCIES, "USD")  # type: ignore[assignment]
    rate_text = inputs.text("rate_date", "")
    rate_date = None
    if rate_text:
        try:
            rate_date = dt.date.fromisoformat(rate_text)
        except ValueError:
            inputs.fail("rate_date", _("Give the day the rate was quoted as YYYY-MM-DD."))
    return CostQuery(
        images_per_month=images or 0,
        plan=_entry_id(inputs, "plan", catalog, required),
        gpu=_entry_id(inputs, "gpu", catalog, required),
        months=inputs.integer("months", 1, 240, "a number of months") or 24,
        billing=inputs.choice("billing", ("monthly", "yearly"), "monthly"),  # type: ignore[arg-type]
        kwh_price=inputs.number("kwh_price", 0, 100, "a price per kWh in USD"),
        seconds_per_image=inputs.number("seconds_per_image", 0.01, 3600, "seconds"),
        resale_fraction=inputs.number("resale_fraction", 0, 0.99, "a fraction such as 0.4"),
        plan_price=inputs.number("plan_price", 0, 100_000, "a price in USD"),
        gpu_price=inputs.number("gpu_price", 0, 1_000_000, "a price in USD"),
        board_power_w=inputs.number("board_power_w", 1, 5000, "watts"),
        currency=currency,
        rate=inputs.number("rate", 0.0001, 999, "units of the currency per US dollar"),
        rate_date=rate_date,
    )


def run_cost(query: CostQuery, catalog: Catalog) -> CostResult:
    """``cost_of_ownership(...)`` with the query's values; a lab's message as a 422."""
    try:
        return cost_of_ownership(**asdict(query), catalog=catalog)
    except LabError as exc:
        for option, (name, instead) in _OPTION_FIELDS.items():
            if option in exc.message:
                message = exc.message.replace(f"pass {option}", instead)
                raise InputError(message, fields={name: message}) from None
        raise lab_error(exc) from None


def _plan_label(plan: PlanEntry) -> str:
    if plan.per_image_usd is not None:
        price = format_money(plan.per_image_usd.value, cents=True)
        return _("%(plan)s (%(price)s an image)", plan=plan.name, price=price)
    price = format_money(plan.monthly_usd.value if plan.monthly_usd else 0)
    return _("%(plan)s (%(price)s a month)", plan=plan.name, price=price)


def _now(result: CostResult | None, key: str) -> str:
    found = next((a for a in result.assumptions if a.key == key), None) if result else None
    if found is None:
        return _("Empty: the catalog's value or the default.")
    return _("Empty: %(value)s (%(origin)s).", value=_value(found), origin=_(_origin_word(found)))


def cost_fields(
    inputs: Inputs, query: CostQuery, catalog: Catalog, result: CostResult | None
) -> list[Group]:
    """The form in three groups; each override says what is used when it is left empty."""
    e = inputs.errors

    def number(name: str, label: str, low: str, high: str, step: str, hint: str = "") -> FieldView:
        return FieldView(
            name,
            label,
            "number",
            inputs.raw(name),
            hint=hint or _now(result, name),
            error=e.get(name, ""),
            min=low,
            max=high,
            step=step,
        )

    plans = tuple(Option(p.id, _plan_label(p)) for p in current_plans(catalog))
    currencies = tuple(Option(c, c) for c in CURRENCIES)
    gpus = tuple(Option(g.id, g.name) for g in catalog.gpus)
    billing = (Option("monthly", _("monthly")), Option("yearly", _("yearly (subscriptions)")))
    use = [
        FieldView(
            "currency",
            _("Currency"),
            "select",
            query.currency,
            currencies,
            hint=_("Catalog prices are USD; other currencies convert them at the rate below."),
            error=e.get("currency", ""),
        ),
        number(
            "rate",
            _("Exchange rate, units per US dollar"),
            "0.0001",
            "999",
            "any",
            hint=_("Needed for EUR or GBP: an assumption, so give its date too."),
        ),
        FieldView(
            "rate_date",
            _("Date of the rate (YYYY-MM-DD)"),
            "text",
            inputs.raw("rate_date"),
            error=e.get("rate_date", ""),
        ),
        FieldView(
            "images_per_month",
            _("Images a month"),
            "number",
            inputs.raw("images_per_month") or str(query.images_per_month),
            error=e.get("images_per_month", ""),
            min="0",
            max="10000000",
            step="1",
        ),
        FieldView(
            "months",
            _("Months to compare"),
            "number",
            inputs.raw("months") or str(query.months),
            error=e.get("months", ""),
            min="1",
            max="240",
            step="1",
        ),
    ]
    service = [
        FieldView("plan", _("Plan or API"), "select", query.plan, plans, error=e.get("plan", "")),
        FieldView(
            "billing", _("Billing"), "select", query.billing, billing, error=e.get("billing", "")
        ),
        number("plan_price", _("Plan price (a month, or an image)"), "0", "100000", "any"),
    ]
    local = [
        FieldView("gpu", _("GPU"), "select", query.gpu, gpus, error=e.get("gpu", "")),
        number("gpu_price", _("GPU price"), "0", "1000000", "any"),
        number("board_power_w", _("Board power, W"), "1", "5000", "any"),
        number("seconds_per_image", _("Seconds per image"), "0.01", "3600", "any"),
        number("kwh_price", _("Electricity, per kWh"), "0", "100", "any"),
        number("resale_fraction", _("Resale value, fraction of the price"), "0", "0.99", "0.01"),
    ]
    return [
        Group(_("Your use"), use),
        Group(_("The service"), service),
        Group(_("Your own GPU"), local),
    ]


def _value(a: Assumption) -> str:
    if a.unit == "USD":
        return money(a.value)
    if a.unit.startswith("USD/"):
        per = a.unit.removeprefix("USD/")
        return _("%(price)s per %(unit)s", price=format_money(a.value, cents=True), unit=per)
    if a.unit in ("EUR", "GBP"):
        return format_money(a.value, a.unit, cents=True)
    if a.unit.startswith(("EUR/", "GBP/")):
        currency, per = a.unit.split("/", 1)
        price = format_money(a.value, currency, cents=True)
        return _("%(price)s per %(unit)s", price=price, unit=per)
    if a.key == "resale_fraction":
        return _("%(share)s of the price", share=format_percent(a.value))
    return f"{plain(a.value)} {a.unit}"


def _origin_word(a: Assumption) -> str:
    return a.origin if a.origin in _ORIGINS else N_("catalog")


_ORIGINS = (N_("you"), N_("default (edit it)"))
"""Where an assumption comes from when not from the catalog; shown through ``_``."""


def _break_even(result: CostResult) -> str:
    if result.break_even_month is not None:
        return _("The GPU pays for itself in month %(month)s.", month=result.break_even_month)
    if result.break_even_later is not None:
        return _(
            "Not within %(months)s months. At these rates the GPU pays for itself in "
            "month %(month)s.",
            months=result.months,
            month=result.break_even_later,
        )
    return _("Never at these rates: the plan costs no more each month than the GPU's electricity.")


def cost_view(result: CostResult, sources: Mapping[str, Source]) -> dict[str, Any]:
    """The result as the page shows it, with each assumption's origin as a link."""
    citations = Citations(sources)
    assumptions = []
    for a in result.assumptions:
        sourced = _origin_word(a) == "catalog"
        cited = citations.cite(a.origin, a.checked, uncertain=a.uncertain) if sourced else None
        assumptions.append(
            {
                "key": a.key,
                "label": a.label,
                "value": _value(a),
                "origin": a.origin if sourced else _(a.origin),
                "cited": cited,
            }
        )
    return {
        "plan": result.plan,
        "gpu": result.gpu,
        "months": result.months,
        "images": format_number(result.images_per_month, digits=0),
        "saas_total": money(result.saas_total, result.currency),
        "local_total": money(result.local_total, result.currency),
        "saas_monthly": money(result.saas_monthly, result.currency),
        "upfront": money(result.local_upfront, result.currency),
        "energy_monthly": money(result.energy_monthly, result.currency),
        "gpu_hours": format_number(result.gpu_hours_per_month, digits=0),
        "fits_in_a_month": result.fits_in_a_month,
        "energy_kwh": f"{format_number(result.energy_kwh_per_month, digits=1)} kWh",
        "break_even": _break_even(result),
        "break_even_month": result.break_even_month,
        # Safe: cost_chart_svg escapes every text it draws (names, totals, the description).
        "chart": Markup(cost_chart_svg(result, id_prefix="cost-chart")),  # noqa: S704
        "assumptions": assumptions,
        "series": [
            {
                "month": m.month,
                "saas": money(m.saas, result.currency),
                "local": money(m.local, result.currency),
            }
            for m in result.series
        ],
        "notes": list(result.notes),
        "sources": citations.listed(),
    }
