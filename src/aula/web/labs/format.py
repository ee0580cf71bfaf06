"""Numbers as the lab pages print them (decimal units, as download pages show file sizes)."""

from __future__ import annotations


def count(n: float) -> str:
    """2_567_000_000 -> '2.57 B'; small numbers as they are."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:,.0f}"


def size(n: float) -> str:
    """Bytes in decimal units: '6.94 GB', '1.20 KB', '512 bytes'."""
    for unit_size, unit in ((1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if n >= unit_size:
            return f"{n / unit_size:.2f} {unit}"
    return f"{n:,.0f} bytes"


def gb(value: float) -> str:
    """GPU memory, in GiB (2³⁰ bytes), as the planner and nvidia-smi count it."""
    return f"{value:.1f} GiB"


def money(value: float, currency: str = "USD") -> str:
    """Cents under 100, whole units above: '$12.50', '$1,599', '1,375 €', '£12.00'."""
    amount = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return {"USD": f"${amount}", "GBP": f"£{amount}"}.get(currency, f"{amount} €")


def plain(value: float) -> str:
    """A number without trailing zeros: 0.3 -> '0.3', 2000.0 -> '2,000'."""
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
