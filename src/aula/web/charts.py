"""Dashboard charts as SVG strings drawn on the server: no script, readable without
JavaScript, a ``<title>`` and ``<desc>`` for screen readers (``role="img"``), every text
escaped. Each chart has a table twin on its page holding the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from aula.i18n import _

_INK = "var(--chart-ink, #222)"
_GRID = "var(--chart-grid, #ddd)"
ROW = 26
LABEL_W = 220


def _head(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dash-chart" viewBox="0 0 {width} '
        f'{height}" width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stacked_bars_svg(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[tuple[str, str]],
    width: int = 640,
) -> str:
    """One horizontal bar per row, split into ``series`` (label, colour) by count."""
    height = 40 + ROW * max(1, len(rows))
    plot = width - LABEL_W - 16
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{n} {s[0].lower()}" for n, s in zip(counts, series, strict=True))
        for label, counts in rows
    )
    out = _head(chart_id, width, height, title, desc or _("No data yet."))
    x = LABEL_W
    for label, colour in series:  # legend
        out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="17" font-size="12" fill="{_INK}">{escape(label)}</text>')
        x += 20 + 8 * len(label) + 12
    for i, (label, counts) in enumerate(rows):
        y = 30 + i * ROW
        total = sum(counts) or 1
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="{_INK}">{escape(_short(label))}</text>'
        )
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{plot}" height="20" fill="{_GRID}"/>')
        left = float(LABEL_W)
        for n, (_label, colour) in zip(counts, series, strict=True):
            w = plot * n / total
            if w > 0:
                out.append(
                    f'<rect x="{left:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{colour}"/>'
                )
            left += w
    out.append("</svg>")
    return "\n".join(out)


def share_bars_svg(
    chart_id: str, title: str, rows: Sequence[tuple[str, float | None]], width: int = 640
) -> str:
    """One horizontal bar per row: a share from 0 to 1 (None: no data), labelled in %."""
    height = 20 + ROW * max(1, len(rows))
    plot = width - LABEL_W - 60
    desc = "; ".join(
        f"{label}: {_('no answers') if v is None else f'{round(v * 100)}%'}" for label, v in rows
    )
    out = _head(chart_id, width, height, title, desc or _("No data yet."))
    for i, (label, value) in enumerate(rows):
        y = 10 + i * ROW
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="{_INK}">{escape(_short(label))}</text>'
        )
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{plot}" height="20" fill="{_GRID}"/>')
        if value is not None:
            out.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{plot * value:.1f}" height="20" '
                f'fill="var(--chart-good, #1b6e3a)"/>'
            )
            out.append(
                f'<text x="{LABEL_W + plot + 6}" y="{y + 15}" font-size="12" '
                f'fill="{_INK}">{round(value * 100)}%</text>'
            )
    out.append("</svg>")
    return "\n".join(out)
