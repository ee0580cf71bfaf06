"""``aula lab``: the glossary's concepts as tools. Tables for people, ``--json`` for programs.

Each ``--json`` output is exactly ``json.dumps(result.to_dict())`` (one line per path for
``weights`` with several paths). Problems a user can fix are one line on stderr and exit 1;
click reports wrong options with exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from aula.content.catalog import Offload, Precision, Quantiser
from aula.labs.chart import cost_chart_svg
from aula.labs.compare import Comparison, Sourced, compare_models
from aula.labs.cost import CURRENCIES, HOURS_PER_MONTH, CostResult, Currency, cost_of_ownership
from aula.labs.errors import LabError
from aula.labs.planner import plan
from aula.labs.vram import OFFLOADS, PRECISIONS, QUANTISERS, VramPlan
from aula.labs.weights import WeightsReport, inspect_weights

# No markup: names such as "FLUX.1 [dev]" must print as written, not as style tags.
console = Console(highlight=False, markup=False)
_OPTIONS = {"board_power_w": "board-power", "resale_fraction": "resale"}


@contextmanager
def _user_errors() -> Iterator[None]:
    """A lab's ``LabError`` becomes click's one-line ``Error: ...`` with exit code 1."""
    try:
        yield
    except LabError as exc:
        raise click.ClickException(exc.message) from None


def _emit_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data))


def _count(n: float) -> str:
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:g}"


def _bytes(n: float) -> str:
    for size, unit in ((1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:g} bytes"


@click.group(name="lab", context_settings={"help_option_names": ["-h", "--help"]})
def lab() -> None:
    """Hands-on labs: inspect weights, plan VRAM, compare models, count the cost."""


# ---------------------------------------------------------------- weights


@lab.command(name="weights")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one line per path).")
@click.option("--variant", help="In a diffusers folder, read *.VARIANT.* files (e.g. fp16).")
@click.option(
    "--max-tensors",
    type=click.IntRange(0),
    default=200_000,
    show_default=True,
    help="Refuse a file listing more tensors than this (real checkpoints list a few "
    "thousand; parsing a million takes half a minute). 0: no limit.",
)
def weights_command(
    paths: tuple[Path, ...], as_json: bool, variant: str | None, max_tensors: int
) -> None:
    """What is inside a checkpoint: reads .safetensors headers only, never the tensor data.

    PATH is a .safetensors file, a *.safetensors.index.json (sharded) or a diffusers folder.
    Pickle checkpoints (.ckpt, .pt, .bin) are refused: loading them can run code.
    """
    failed = False
    for path in paths:
        try:
            report = inspect_weights(path, variant=variant, max_tensors=max_tensors or None)
        except LabError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            failed = True
            continue
        if as_json:
            _emit_json(report.to_dict())
        else:
            _print_weights(report)
    if failed:
        sys.exit(1)


def _print_weights(report: WeightsReport) -> None:
    arch = report.architecture
    name = arch.label + (f" ({arch.variant})" if arch.variant else "")
    console.print(Text(report.source, style="bold"))
    summary = Table.grid(padding=(0, 2))
    summary.add_row("Architecture", name)
    summary.add_row("Evidence", "; ".join(arch.evidence))
    summary.add_row("Tensors", f"{report.tensors:,}")
    summary.add_row("Parameters", f"{_count(report.parameters)} ({report.parameters:,})")
    dtypes = ", ".join(f"{d} {_bytes(b)}" for d, b in report.bytes_by_dtype.items())
    summary.add_row("Tensor data", f"{_bytes(report.data_bytes)} ({dtypes})")
    header = sum(f.header_bytes + 8 for f in report.files)
    summary.add_row("Read", f"{_bytes(header)} of headers from {len(report.files)} file(s)")
    console.print(summary)
    table = Table(title="Components", title_justify="left")
    for column in ("Component", "Role", "Tensors", "Parameters", "Size"):
        table.add_column(
            column, justify="right" if column in ("Tensors", "Parameters", "Size") else "left"
        )
    for c in report.components:
        table.add_row(c.name, c.role, f"{c.tensors:,}", _count(c.parameters), _bytes(c.bytes))
    console.print(table)
    if report.metadata:
        meta = Table(title="__metadata__", title_justify="left")
        meta.add_column("Key")
        meta.add_column("Value", overflow="fold")
        for key, value in report.metadata.items():
            meta.add_row(key, value if len(value) <= 200 else value[:200] + "…")
        console.print(meta)
    for note in report.notes:
        console.print(f"Note: {note}")


# ---------------------------------------------------------------- vram


@lab.command(name="vram")
@click.argument("model")
@click.option(
    "--gpu", required=True, help="A catalog name (rtx-4090), a size in GB (12) or 'auto'."
)
@click.option("--precision", type=click.Choice(PRECISIONS), help="Default: the model's usual one.")
@click.option(
    "--encoders",
    type=click.Choice(PRECISIONS),
    help="Text encoders' precision when they are quantised too; default 16-bit.",
)
@click.option(
    "--quantiser",
    type=click.Choice(QUANTISERS),
    help="The library quantising the weights; default: the precision's usual one.",
)
@click.option("--offload", type=click.Choice(OFFLOADS), default="none", show_default=True)
@click.option("--resolution", help="Side in pixels (1024) or WIDTHxHEIGHT; default: the model's.")
@click.option("--batch", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--slicing", is_flag=True, help="Decode the batch one image at a time.")
@click.option("--without", multiple=True, help="Leave a part out, e.g. --without t5.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def vram_command(
    model: str,
    gpu: str,
    precision: Precision | None,
    encoders: Precision | None,
    quantiser: Quantiser | None,
    offload: Offload,
    resolution: str | None,
    batch: int,
    slicing: bool,
    without: tuple[str, ...],
    as_json: bool,
) -> None:
    """Will MODEL fit on GPU? MODEL is a catalog name (sdxl, flux-dev) or a weights path."""
    with _user_errors():
        result = plan(
            model,
            gpu,
            precision=precision,
            encoders=encoders,
            quantiser=quantiser,
            offload=offload,
            resolution=resolution,
            batch=batch,
            slicing=slicing,
            without=without,
        )
    if as_json:
        _emit_json(result.to_dict())
    else:
        _print_vram(result)


def _bar(fraction: float, width: int = 30) -> str:
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def _print_vram(result: VramPlan) -> None:
    s = result.settings
    console.print(Text(f"{result.model} on {result.gpu} ({result.gpu_gb:.1f} GiB)", style="bold"))
    offload = "no offload" if s.offload == "none" else f"{s.offload} offload"
    extras = (", slicing" if s.slicing else "") + "".join(f", without {w}" for w in s.without)
    extras += f", text encoders {s.encoders}" if s.encoders else ""
    extras += f" ({s.library})" if s.library else ""
    console.print(f"{s.precision} · {s.width}×{s.height} · batch {s.batch} · {offload}{extras}")
    table = Table()
    for column in ("Step", "Weights on GPU", "Working memory", "Total"):
        table.add_column(column, justify="left" if column == "Step" else "right")
    for step in result.estimate.steps:
        table.add_row(
            step.name,
            f"{step.weights_gb:.1f} GiB",
            f"{step.working_gb:.1f} GiB",
            f"{step.total_gb:.1f} GiB",
        )
    console.print(table)
    low, high = result.range_gb
    line = Text(
        f"Peak ≈ {result.peak_gb:.1f} GiB (during {result.estimate.peak_step}, with "
        f"{result.estimate.overhead_gb} GiB overhead) + {result.reserve_gb} GiB kept free "
        f"= {result.needed_gb:.1f} GiB, likely {low:.1f}–{high:.1f} GiB, "
        f"of {result.gpu_gb:.1f} GiB: "
    )
    line.append(result.verdict, style="bold")
    console.print(line)
    if result.verdict == "may not fit":
        console.print(
            "The band comes from the planner's worst errors on published measurements "
            "(docs/labs.md): try it, or pick a change below that fits for sure."
        )
    usage = result.usage
    console.print(f"{_bar(usage.used_fraction)} {usage.label}")
    if result.suggestions:
        table = Table(title="What would make it fit", title_justify="left")
        for column in ("Change", "Peak", "Cost"):
            table.add_column(column, justify="right" if column == "Peak" else "left")
        for tip in result.suggestions:
            table.add_row(tip.change, f"{tip.peak_gb:.1f} GiB", tip.cost)
        console.print(table)
    elif not result.fits:
        console.print("No single change or pair of changes fits this GPU.")
    for note in result.notes:
        console.print(f"Note: {note}")


# ---------------------------------------------------------------- compare


@lab.command(name="compare")
@click.option("--kind", type=click.Choice(["open", "closed"]), help="Only open or closed models.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def compare_command(kind: Literal["open", "closed"] | None, as_json: bool) -> None:
    """The lesson's open and closed models side by side, every fact with its source."""
    with _user_errors():
        result = compare_models(kind=kind)
    if as_json:
        _emit_json(result.to_dict())
    else:
        _print_compare(result)


def _cell(fact: Sourced[Any]) -> str:
    value = fact.value
    text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    return f"{text} {fact.marks}".strip()


def _print_compare(result: Comparison) -> None:
    table = Table(title="Closed vs open image models", title_justify="left")
    for column in ("Model", "Kind", "Local", "Licence", "Price"):
        table.add_column(column, overflow="fold")
    for r in result.rows:
        table.add_row(r.name, r.kind, _cell(r.runs_locally), _cell(r.license), _cell(r.price))
    console.print(table)
    sizes = Table(title="On your own hardware", title_justify="left")
    for column in ("Model", "Parameters", "Files", "VRAM needed*"):
        sizes.add_column(column, overflow="fold")
    for r in result.rows:
        if r.kind == "open":
            params = f"{r.parameters_b.value:g} B {r.parameters_b.marks}" if r.parameters_b else "–"
            files = "; ".join(f"{f.label}: {f.size_gb.value:g} GB" for f in r.files) or "–"
            vram = f"{r.vram.gb:.1f} GB" if r.vram else "–"
            sizes.add_row(r.name, params.strip(), files, vram)
    if sizes.rows:
        console.print(sizes)
        console.print("* estimated by `aula lab vram` at the model's usual precision and size.")
    control = Table(title="Privacy and control", title_justify="left")
    for column in ("Model", "Where prompts and images go", "LoRA", "ControlNet", "Fine-tune"):
        control.add_column(column, overflow="fold")
    for r in result.rows:
        control.add_row(
            r.name, _cell(r.privacy), _cell(r.lora), _cell(r.controlnet), _cell(r.fine_tuning)
        )
    console.print(control)
    console.print("(U) uncertain, (D) derived. Sources, by id and date checked:")
    console.print(", ".join(f"{k} ({v})" for k, v in result.sources.items()))


# ---------------------------------------------------------------- cost


@lab.command(name="cost")
@click.option("--images-per-month", type=click.IntRange(min=0), required=True)
@click.option(
    "--plan",
    "plan_name",
    required=True,
    help="e.g. midjourney-standard, gemini-3-1-flash-image-1k.",
)
@click.option("--gpu", required=True, help="A catalog GPU, e.g. rtx-4090.")
@click.option("--months", type=click.IntRange(1, 240), default=24, show_default=True)
@click.option("--currency", type=click.Choice(CURRENCIES), default="USD", show_default=True)
@click.option("--rate", type=float, help="Units of --currency per US dollar, e.g. 0.86.")
@click.option("--rate-date", type=click.DateTime(["%Y-%m-%d"]), help="The day the rate was quoted.")
@click.option("--kwh-price", type=float, help="Electricity per kWh, in --currency (default 0.30).")
@click.option("--seconds-per-image", type=float, help="GPU time per image (default 10).")
@click.option("--resale", type=float, help="Fraction of the GPU price you get back (e.g. 0.4).")
@click.option("--billing", type=click.Choice(["monthly", "yearly"]), default="monthly")
@click.option("--plan-price", type=float, help="Override the plan's price (per month or image).")
@click.option("--gpu-price", type=float, help="Override the GPU's purchase price, in --currency.")
@click.option("--board-power", type=float, help="Override the GPU's board power, W.")
@click.option("--svg", type=click.Path(path_type=Path, dir_okay=False), help="Write the chart.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cost_command(
    images_per_month: int,
    plan_name: str,
    gpu: str,
    months: int,
    currency: Currency,
    rate: float | None,
    rate_date: dt.datetime | None,
    kwh_price: float | None,
    seconds_per_image: float | None,
    resale: float | None,
    billing: Literal["monthly", "yearly"],
    plan_price: float | None,
    gpu_price: float | None,
    board_power: float | None,
    svg: Path | None,
    as_json: bool,
) -> None:
    """A SaaS plan or per-image API against buying a GPU, month by month."""
    with _user_errors():
        result = cost_of_ownership(
            images_per_month=images_per_month,
            plan=plan_name,
            gpu=gpu,
            months=months,
            kwh_price=kwh_price,
            seconds_per_image=seconds_per_image,
            resale_fraction=resale,
            billing=billing,
            plan_price=plan_price,
            gpu_price=gpu_price,
            board_power_w=board_power,
            currency=currency,
            rate=rate,
            rate_date=rate_date.date() if rate_date else None,
        )
        if svg is not None:
            try:
                svg.write_text(cost_chart_svg(result), encoding="utf-8")
            except OSError as exc:
                raise LabError(f"{svg}: cannot write: {exc.strerror}") from None
    if as_json:
        _emit_json(result.to_dict())
    else:
        _print_cost(result)


def _print_cost(result: CostResult) -> None:
    console.print(
        Text(
            f"{result.plan} vs {result.gpu}: {result.images_per_month:,} images a month, "
            f"{result.months} months",
            style="bold",
        )
    )
    table = Table(title="Assumptions (change any with its option)", title_justify="left")
    for column in ("Input", "Value", "From"):
        table.add_column(column, overflow="fold")
    for a in result.assumptions:
        origin = (
            a.origin + (f", {a.checked}" if a.checked else "") + (" (U)" if a.uncertain else "")
        )
        option = _OPTIONS.get(a.key, a.key.replace("_", "-"))
        table.add_row(f"{a.label} (--{option})", f"{a.value:,g} {a.unit}", origin)
    console.print(table)
    m = result.money
    console.print(
        f"SaaS: {m(result.saas_monthly)} a month → {m(result.saas_total)} in total\n"
        f"Local: {m(result.local_upfront)} up front + {m(result.energy_monthly)} a month "
        f"of electricity ({result.energy_kwh_per_month:.1f} kWh) → {m(result.local_total)}\n"
        f"GPU time: {result.gpu_hours_per_month:,.0f} hours a month of the "
        f"{HOURS_PER_MONTH:.0f} a month has"
    )
    if result.break_even_month is not None:
        console.print(f"Break-even: month {result.break_even_month}")
    elif result.break_even_later is not None:
        console.print(
            f"Break-even: not within {result.months} months "
            f"(month {result.break_even_later} at these rates)"
        )
    else:
        console.print("Break-even: never at these rates")
    for note in result.notes:
        console.print(f"Note: {note}")


def run(args: Sequence[str]) -> int:
    """Run ``aula lab ARGS`` in this process and return its exit code (for course snippets)."""
    try:
        lab.main(list(args), prog_name="aula lab", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":
    lab(prog_name="aula lab")
