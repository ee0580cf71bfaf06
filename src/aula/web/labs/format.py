"""Numbers as the lab pages print them (decimal units, as download pages show file sizes), in
the current language's way (Babel: "6.94 GB" in English, "6,94 GB" in Spanish)."""

from __future__ import annotations

from aula.i18n import _, format_money, format_number


def count(n: float) -> str:
    """2_567_000_000 -> '2.57 B'; small numbers as they are."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{format_number(n / size, digits=2)} {unit}"
    return format_number(round(n), digits=0)


def size(n: float) -> str:
    """Bytes in decimal units: '6.94 GB', '1.20 KB', '512 bytes'."""
    for unit_size, unit in ((1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if n >= unit_size:
            return f"{format_number(n / unit_size, digits=2)} {unit}"
    return _("%(count)s bytes", count=format_number(round(n), digits=0))


def gb(value: float) -> str:
    """GPU memory, in GiB (2³⁰ bytes), as the planner and nvidia-smi count it."""
    return f"{format_number(value, digits=1)} GiB"


def money(value: float, currency: str = "USD") -> str:
    """Cents under 100, whole units above: '$12.50', '$1,599', '€1,375', '£12.00' in English;
    '12,50 US$', '1375 €' in Spanish."""
    return format_money(value, currency)


def plain(value: float) -> str:
    """A number without trailing zeros: 0.3 -> '0.3', 2000.0 -> '2,000'."""
    if abs(value) >= 1e6:
        return format_number(round(value), digits=0)
    return format_number(float(f"{value:.6g}"))
