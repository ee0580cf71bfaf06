"""The cost lab's chart as an SVG string: two cumulative lines and the break-even month.

Plain SVG, no script: it is readable without JavaScript, has a ``<title>`` and ``<desc>`` for
screen readers (``role="img"``), and every text in it is escaped. Colours come from CSS
custom properties with fallbacks, so a page can restyle it.
"""

from __future__ import annotations

import math
from html import escape

from aula.labs.cost import CostResult

_SAAS = "var(--chart-saas, #b3261e)"
_LOCAL = "var(--chart-local, #1b6e3a)"
_INK = "var(--chart-ink, #222)"
_GRID = "var(--chart-grid, #ddd)"


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round axis values from 0 to ``top`` or past it (up to float rounding): steps of 1, 2
    or 5 × a power of ten."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def cost_chart_svg(
    result: CostResult, *, width: int = 640, height: int = 320, id_prefix: str = "cost"
) -> str:
    """An accessible line chart of ``result``; ``id_prefix`` keeps ids unique on a page."""
    left, right, top, bottom = 64, 16, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(m.saas, m.local) for m in result.series)
    ticks = nice_ticks(peak)
    y_max = ticks[-1] or 1.0

    def x(month: float) -> float:
        return left + plot_w * month / max(result.months, 1)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    def line(values: list[float], colour: str, dash: str = "") -> str:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{extra} points="{points}"/>'
        )

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" class="cost-chart">',
        f'<title id="{escape(title_id)}">{escape(_title(result))}</title>',
        f'<desc id="{escape(desc_id)}">{escape(_description(result))}</desc>',
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{_GRID}"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{_INK}">{escape(result.money(tick, 0))}</text>'
        )
    for month in _month_ticks(result.months):
        parts.append(
            f'<text x="{x(month):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="{_INK}">{month}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="12" '
        f'fill="{_INK}">month</text>'
    )
    parts.append(line([m.saas for m in result.series], _SAAS))
    parts.append(line([m.local for m in result.series], _LOCAL, "6 4"))
    if result.break_even_month is not None:
        bx = x(result.break_even_month)
        parts.append(
            f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{top}" y2="{top + plot_h}" stroke="{_INK}" '
            f'stroke-dasharray="2 3"/>'
            f'<text x="{bx + 4:.1f}" y="{top + 12}" font-size="11" fill="{_INK}">'
            f"break-even: month {result.break_even_month}</text>"
        )
    parts.append(_legend(result, left, width - right))
    parts.append("</svg>")
    return "\n".join(parts)


def _month_ticks(months: int) -> list[int]:
    step = max(1, math.ceil(months / 12))
    return list(range(0, months + 1, step))


def _legend(result: CostResult, left: int, right: int) -> str:
    saas = escape(f"{result.plan}: {result.money(result.saas_total, 0)}")
    local = escape(f"{result.gpu}: {result.money(result.local_total, 0)}")
    middle = (left + right) / 2
    return (
        f'<line x1="{left}" x2="{left + 24}" y1="14" y2="14" stroke="{_SAAS}" stroke-width="2.5"/>'
        f'<text x="{left + 30}" y="18" font-size="12" fill="{_INK}">{saas}</text>'
        f'<line x1="{middle:.0f}" x2="{middle + 24:.0f}" y1="14" y2="14" stroke="{_LOCAL}" '
        f'stroke-width="2.5" stroke-dasharray="6 4"/>'
        f'<text x="{middle + 30:.0f}" y="18" font-size="12" fill="{_INK}">{local}</text>'
    )


def _title(result: CostResult) -> str:
    return f"Cost over {result.months} months: {result.plan} vs {result.gpu}"


def _description(result: CostResult) -> str:
    totals = (
        f"After {result.months} months at {result.images_per_month:,} images a month, "
        f"{result.plan} costs {result.money(result.saas_total, 0)} in total and "
        f"{result.gpu} {result.money(result.local_total, 0)}."
    )
    if result.break_even_month is not None:
        return f"{totals} The GPU pays for itself in month {result.break_even_month}."
    if result.break_even_later is not None:
        later = result.break_even_later
        return f"{totals} At these rates the GPU would pay for itself in month {later}."
    return f"{totals} At these rates the GPU never pays for itself."
