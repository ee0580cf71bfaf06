"""The labs as the instructor's tools: a question about fitting a model on a GPU is answered
by the VRAM planner itself, and one weighing a subscription against buying a GPU by the cost
model, with their numbers, the assumptions in one line and a link to the lab pre-filled with
the learner's values (``/labs/vram?model=flux-dev&gpu=8``).

The instructor calls ``aula.labs`` (pure computation over the course's catalog, no I/O here:
"auto" GPU detection is never used) and nothing else of that layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aula.content.catalog import Catalog, ModelEntry
from aula.content.urls import lab_url
from aula.instructor.language import Lang, words
from aula.labs.catalog import default_catalog
from aula.labs.compare import ModelRow, compare_models
from aula.labs.cost import cost_of_ownership
from aula.labs.errors import LabError
from aula.labs.planner import plan
from aula.labs.vram import Suggestion, VramPlan

_SIZE = re.compile(
    r"(\d{1,4}(?:[.,]\d+)?)\s*(?:gb|gib|g\b|gigas?\b|gigabytes?\b|giga\b)", re.IGNORECASE
)
MAX_TOOL_WORDS = 30  # past this a message tells a story; the labs answer direct questions
_MEMORY_WORDS = frozenset(
    "vram memory memoria gb gpu card tarjeta grafica graphics fit fits cabe caber entra run "  # noqa: SIM905
    "running ejecutar correr corre ejecuto funciona need needs necesito necesita requiere "
    "require requires laptop portatil".split()
)


_NEED_WORDS = frozenset(
    "need needs require requires requirements necesito necesita necesitas requiere "  # noqa: SIM905
    "requisitos".split()
)
_HARDWARE_WORDS = frozenset(
    "gpu card graphics hardware tarjeta grafica home casa local locally run ejecutar "  # noqa: SIM905
    "correr".split()
)


@dataclass(frozen=True)
class ToolAnswer:
    """What a lab computed, already worded in the learner's language."""

    text: str
    title: str  # the lab's name, for the answer's sources
    url: str  # the lab, pre-filled
    facts: tuple[str, ...]  # the numbers and words the answer rests on (faithfulness check)


def _key(text: str) -> str:
    return re.sub(r"[\s._\-\[\]()]+", "", text.lower())


def _names(entry: ModelEntry) -> set[str]:
    return {_key(entry.id), _key(entry.name), *(_key(a) for a in entry.aliases)}


def mentioned_models(text: str, catalog: Catalog) -> list[ModelEntry]:
    """Catalog models named in ``text`` (by id, name or alias), in the order named."""
    ws = words(text)
    spans: list[tuple[int, int, ModelEntry]] = []  # (first word, words, model), longest name
    for entry in catalog.models:
        names = _names(entry)
        hits = [
            (i, n)
            for i in range(len(ws))
            for n in range(1, min(4, len(ws) - i) + 1)
            if _key("".join(ws[i : i + n])) in names
        ]
        if hits:
            start, size = max(hits, key=lambda h: (h[0] + h[1], h[1]))  # last, then longest
            spans.append((start, size, entry))

    def inside(a: tuple[int, int, ModelEntry], b: tuple[int, int, ModelEntry]) -> bool:
        return b[0] <= a[0] and a[0] + a[1] <= b[0] + b[1] and a[1] < b[1]

    # "Flux schnell" names FLUX.1 [schnell], not also FLUX.1 [dev] by its alias "flux".
    kept = [a for a in spans if not any(inside(a, b) for b in spans)]
    kept.sort(key=lambda x: x[0])  # for a follow-up, the last named is the one asked about
    return [e for _, _, e in kept]


def _gpu(text: str, catalog: Catalog) -> tuple[str, str] | None:
    """(what to pass the planner, what the learner called it): a size or a catalog GPU."""
    if match := _SIZE.search(text):
        size = match.group(1).replace(",", ".")
        return size, f"{size} GB"
    ws = words(text)
    for gpu in catalog.gpus:
        names = {_key(gpu.id), _key(gpu.name), *(_key(a) for a in gpu.aliases)}
        if any(_key("".join(ws[i : i + n])) in names for i in range(len(ws)) for n in (1, 2, 3)):
            return gpu.id, gpu.name
    return None


def _gb(value: float, lang: Lang, unit: str = "GiB") -> str:
    """GPU memory as the VRAM planner counts it (GiB, 2³⁰ bytes, like nvidia-smi)."""
    text = f"{value:.1f}"
    return (text.replace(".", ",") if lang == "es" else text) + f" {unit}"


_OFFLOAD_ES = {"model": "por componentes", "sequential": "capa a capa, muy lento"}


def _change_es(p: VramPlan, fix: Suggestion) -> str:
    parts = []
    if fix.settings.precision != p.settings.precision:
        parts.append(f"con los pesos en {fix.settings.precision}")
    if fix.settings.offload != "none":
        parts.append(f"descargando partes a la RAM ({_OFFLOAD_ES[fix.settings.offload]})")
    if fix.settings.slicing and not p.settings.slicing:
        parts.append("por trozos (slicing)")
    if fix.settings.batch != p.settings.batch:
        parts.append(f"con lotes de {fix.settings.batch}")
    return " y ".join(parts) or "con otros ajustes"


def _vram_text(p: VramPlan, asked_gpu: bool, lang: Lang) -> str:
    s = p.settings
    res = f"{s.width}×{s.height}"
    low, high = (_gb(x, lang) for x in p.range_gb)
    need, gpu = _gb(p.needed_gb, lang), _gb(p.gpu_gb, lang)
    fix = next((x for x in p.suggestions if x.fits and x.model == p.model), None)
    if lang == "es":
        needs = (
            f"{p.model} necesita unos {need} de VRAM en su pico (entre {low} y {high}; "
            f"{s.precision}, {res}, lote de {s.batch}, sin offloading)"
        )
        if not asked_gpu:
            out = needs + "."
        elif p.verdict == "fits":
            out = f"Sí: {needs}, y tu GPU de {gpu} los tiene."
        elif p.verdict == "may not fit":
            out = f"Quizá no: {needs}, muy cerca de los {gpu} de tu GPU."
        else:
            out = f"No tal cual: {needs}, más de los {gpu} de tu GPU."
        if asked_gpu and not p.fits and fix is not None:
            how = _change_es(p, fix)
            out += (
                f" Cabría {how} (pico de {_gb(fix.peak_gb, lang)}), a costa de velocidad o calidad."
            )
        return (
            out + " Cálculo del planificador de VRAM del curso; ábrelo para probar otros ajustes."
        )
    needs = (
        f"{p.model} needs about {need} of VRAM at its peak (between {low} and {high}; "
        f"{s.precision}, {res}, batch of {s.batch}, no offloading)"
    )
    if not asked_gpu:
        out = needs + "."
    elif p.verdict == "fits":
        out = f"Yes: {needs}, and your {gpu} GPU has that."
    elif p.verdict == "may not fit":
        out = f"Maybe not: {needs}, close to the {gpu} your GPU has."
    else:
        out = f"Not as it is: {needs}, more than your {gpu} GPU has."
    if asked_gpu and not p.fits and fix is not None:
        peak = _gb(fix.peak_gb, lang)
        out += f" It would fit with this change: {fix.change} (peak {peak}; the price: {fix.cost})."
    return out + " Computed by the course's VRAM planner; open it to try other settings."


def vram_answer(
    text: str, lang: Lang, catalog: Catalog | None = None, *, follow_up: bool = False
) -> ToolAnswer | None:
    """The VRAM planner's answer when ``text`` asks whether a named open model fits on a GPU
    (or how much memory it needs); None for any other question. ``follow_up``: ``text`` is the
    previous question and then this one ("... on 8 GB? ¿y para Flux?"): the last model named
    is the one asked about."""
    catalog = catalog or default_catalog()
    if len(words(text)) > MAX_TOOL_WORDS:
        return None
    models = [m for m in mentioned_models(text, catalog) if m.components and m.family]
    if follow_up:
        models = models[-1:]
    ws = set(words(text))
    gpu = _gpu(text, catalog)
    # "What GPU do I need for Flux?", "¿Qué necesito para ejecutar SDXL en casa?": the
    # planner's figure is the answer too.
    needs_hardware = bool(ws & _NEED_WORDS) and bool(ws & _HARDWARE_WORDS)
    if len(models) != 1 or not (gpu or ws & {"vram", "memoria", "memory"} or needs_hardware):
        return None
    if not ws & _MEMORY_WORDS and gpu is None:
        return None
    model = models[0]
    try:
        result = plan(model.id, gpu[0] if gpu else "1024", catalog=catalog)
    except (LabError, ValueError):
        return None
    params = {"model": model.id, **({"gpu": gpu[0]} if gpu else {})}
    title = "Planificador de VRAM" if lang == "es" else "VRAM planner"
    facts = (
        f"{result.needed_gb:.1f}",
        *(f"{x:.1f}" for x in result.range_gb),
        f"{result.gpu_gb:g}",
        *(f"{x.peak_gb:.1f}" for x in result.suggestions),
    )
    return ToolAnswer(
        _vram_text(result, gpu is not None, lang), title, lab_url("vram", **params), facts
    )


# ---------------------------------------------------------------- cost over time

_COST_WORDS = frozenset(
    "cheaper cheap expensive cost costs worth pay paying save saving money "  # noqa: SIM905
    "barato barata caro cara cuesta cuestan compensa pagar pago ahorro ahorrar dinero "
    "sale rentable".split()
)
_OWN_WORDS = frozenset(  # hardware of one's own ("do I own Midjourney?" is not a sum)
    "gpu buy buying local locally card comprar compro local tarjeta "  # noqa: SIM905
    "grafica equipo ordenador pc hardware".split()
)
_IMAGES = re.compile(r"(\d[\d.,]*)\s*(?:images|imagenes|imágenes|pictures|fotos|renders)", re.I)
DEFAULT_PLAN, DEFAULT_GPU, DEFAULT_IMAGES = "midjourney-standard", "rtx-4090", 2000  # the lab's


def _plan(text: str, catalog: Catalog) -> str | None:
    """A plan named in ``text`` (its name or alias), or the service's default plan."""
    ws = words(text)
    keys = {_key("".join(ws[i : i + n])) for i in range(len(ws)) for n in (1, 2, 3)}
    for entry in catalog.plans:
        names = {_key(entry.id), _key(entry.name), *(_key(a) for a in entry.aliases)}
        if names & keys:
            return entry.id
    if "midjourney" in ws:
        return DEFAULT_PLAN
    return None


def _money(value: float, lang: Lang) -> str:
    text = f"{value:,.0f}"
    return f"{text.replace(',', '.')} $" if lang == "es" else f"${text}"


def cost_answer(text: str, lang: Lang, catalog: Catalog | None = None) -> ToolAnswer | None:
    """The cost lab's answer when ``text`` weighs a subscription against buying a GPU over
    time; None otherwise. Unstated inputs take the lab's defaults, which the answer states."""
    catalog = catalog or default_catalog()
    if len(words(text)) > MAX_TOOL_WORDS:
        return None  # a long story mentions prices in passing; it is not a sum to do
    ws = set(words(text))
    plan_id = _plan(text, catalog)
    if plan_id is None or not ws & _COST_WORDS or not ws & _OWN_WORDS:
        return None
    gpu = _gpu(text, catalog)
    gpu_id = gpu[0] if gpu and not gpu[0][0].isdigit() else DEFAULT_GPU
    match = _IMAGES.search(text)
    images = int(re.sub(r"[.,]", "", match.group(1))) if match else DEFAULT_IMAGES
    try:
        r = cost_of_ownership(images_per_month=images, plan=plan_id, gpu=gpu_id, catalog=catalog)
    except (LabError, ValueError):
        return None
    a = {x.key: x.value for x in r.assumptions}
    saas, local, buy = (_money(v, lang) for v in (r.saas_total, r.local_total, a["gpu_price"]))
    if lang == "es":
        if r.break_even_month is not None:
            even = f"la GPU se amortiza en el mes {r.break_even_month}"
        elif r.break_even_later is not None:
            even = f"la GPU se amortizaría a los {r.break_even_later} meses"
        else:
            even = "con estos datos la GPU no llega a amortizarse"
        body = (
            f"En {r.months} meses, {r.plan} cuesta {saas} y una {r.gpu} unos {local} "
            f"(compra de {buy} más electricidad): {even}. "
            f"Supuestos: {images} imágenes al mes, {a['seconds_per_image']:g} s por imagen, "
            f"{a['board_power_w']:g} W, {a['kwh_price']:g} $/kWh y sin reventa. Cálculo del "
            "laboratorio de costes del curso; ábrelo para cambiar los supuestos."
        )
        title = "Coste de propiedad"
    else:
        if r.break_even_month is not None:
            even = f"the GPU pays for itself in month {r.break_even_month}"
        elif r.break_even_later is not None:
            even = f"the GPU would pay for itself after {r.break_even_later} months"
        else:
            even = "at these rates the GPU never pays for itself"
        body = (
            f"Over {r.months} months, {r.plan} costs {saas} and a {r.gpu} about {local} "
            f"(bought for {buy}, plus electricity): {even}. "
            f"Assumptions: {images} images a month, {a['seconds_per_image']:g} s per image, "
            f"{a['board_power_w']:g} W, ${a['kwh_price']:g}/kWh, no resale. Computed by the "
            "course's cost lab; open it to change them."
        )
        title = "Cost of ownership"
    url = lab_url("cost", plan=plan_id, gpu=gpu_id, images_per_month=str(images))
    facts = (f"{r.saas_total:.0f}", f"{r.local_total:.0f}", str(images))
    return ToolAnswer(body, title, url, facts)


def lab_answer(
    text: str, lang: Lang, catalog: Catalog | None = None, *, follow_up: bool = False
) -> ToolAnswer | None:
    """The first lab that answers ``text``: the VRAM planner, the cost model, the comparison."""
    return (
        vram_answer(text, lang, catalog, follow_up=follow_up)
        or cost_answer(text, lang, catalog)
        or compare_answer(text, lang, catalog)
        or kind_answer(text, lang, catalog)
    )


# ---------------------------------------------------------------- the model comparison

_COMPARE_WORDS = frozenset(
    "difference differences differ compare compared comparison versus vs better worse "  # noqa: SIM905
    "diferencia diferencias diferencian compara comparar comparacion frente mejor peor".split()
)
_KIND_ES = {"open": "abierto", "closed": "cerrado"}


def _row_text(row: ModelRow, lang: Lang) -> str:
    vram = f"{row.vram.gb:.1f}".replace(".", "," if lang == "es" else ".") if row.vram else ""
    if lang == "es":
        where = (
            "se ejecuta en tu máquina"
            if row.runs_locally.value
            else "se usa en los servidores del proveedor"
        )
        need = f", necesita unos {vram} GB de VRAM" if vram else ""
        licence = (
            f", con licencia «{row.license.value.split(':')[0]}»"  # its terms are in English
            if row.kind == "open"
            else " y no puedes descargar sus pesos"
        )
        return (
            f"{row.name} es un modelo {_KIND_ES[row.kind]} de {row.vendor}: {where}{need}{licence}."
        )
    where = "runs on your machine" if row.runs_locally.value else "runs on the vendor's servers"
    need = f", needs about {vram} GB of VRAM" if vram else ""
    return (
        f"{row.name} is {'an' if row.kind == 'open' else 'a'} {row.kind} model from "
        f"{row.vendor}: it {where}{need}; "
        f"{row.price.value[0].lower()}{row.price.value[1:]}."
    )


def compare_answer(text: str, lang: Lang, catalog: Catalog | None = None) -> ToolAnswer | None:
    """The model comparison's facts when ``text`` compares two catalog models by name."""
    catalog = catalog or default_catalog()
    ws = set(words(text))
    if len(words(text)) > MAX_TOOL_WORDS or not ws & _COMPARE_WORDS:
        return None
    named = mentioned_models(text, catalog)
    if len(named) != 2:
        return None
    rows = {r.id: r for r in compare_models(catalog).rows}
    if not all(m.id in rows for m in named):
        return None
    pair = [rows[m.id] for m in named]
    body = " ".join(_row_text(r, lang) for r in pair)
    tail = (
        " Datos de la comparación de modelos del curso, con sus fuentes."
        if lang == "es"
        else " From the course's model comparison, where every fact has its source."
    )
    title = "Comparación de modelos" if lang == "es" else "Model comparison"
    facts = tuple(r.name for r in pair)
    return ToolAnswer(body + tail, title, lab_url("compare"), facts)


_OPEN_WORDS = frozenset(
    "open closed source locally local offline download downloaded weights own home "  # noqa: SIM905
    "computer machine pc laptop internet "
    "abierto abierta cerrado cerrada codigo local localmente descargar descargo pesos casa "
    "propio propia conexion ordenador equipo portatil maquina".split()
)
# "Do I need a subscription for Flux?": yes for a closed service, no for an open model.
_PAY_WORDS = frozenset(
    "subscription subscriptions monthly fee fees pay paying suscripcion cuota cuotas mensual "  # noqa: SIM905
    "pagar pago gratis".split()
)
_FREE_WORDS = frozenset("without free sin gratis gratuito gratuita".split())  # noqa: SIM905
_WH = frozenset("what que how como cual which why porque where donde when cuando who quien".split())  # noqa: SIM905
# "¿Midjourney funciona sin internet?": the model named first, then the verb.
_VERB_SECOND = frozenset("funciona corre se es puede tiene runs works is can needs".split())  # noqa: SIM905
_ASKS_OPEN = frozenset("open abierto abierta download descargar descargo".split())  # noqa: SIM905
_OTHER_TOPICS = frozenset(
    "train training trained entrenar entreno entrenarlo fine tune lora loras controlnet "  # noqa: SIM905
    "commercial comercial client cliente price cost precio".split()
)
_YES_NO_START = frozenset(
    "is are can could does do puedo puede se es son hay tiene need necesito tengo".split()  # noqa: SIM905
)


def kind_answer(text: str, lang: Lang, catalog: Catalog | None = None) -> ToolAnswer | None:
    """ "Is Midjourney open source?", "Can I run DALL-E 3 locally?": a yes or no from the model
    comparison's facts for one catalog model, with the facts."""
    catalog = catalog or default_catalog()
    ws = words(text)
    named_first = len(ws) > 1 and ws[1] in _VERB_SECOND and ws[0] not in _WH
    asks = bool(ws) and (ws[0] in _YES_NO_START or named_first)
    # "Do I need a subscription / to pay…?", "¿sin pagar?": not "do I own it when I pay?"
    paying = bool(set(ws) & {"pay", "paying", "pagar", "pago"})
    must = bool(set(ws) & (_NEED_WORDS | _FREE_WORDS | {"tengo", "hay", "have"}))
    pays = bool(set(ws) & (_PAY_WORDS - {"pay", "paying", "pagar", "pago"})) or (paying and must)
    if len(ws) > 14 or not asks or not set(ws) & (_OPEN_WORDS | _PAY_WORDS):
        return None
    if set(ws) & _OTHER_TOPICS and not pays:  # "can I train Midjourney on my photos?"
        return None
    named = mentioned_models(text, catalog)
    rows = {r.id: r for r in compare_models(catalog).rows}
    if len(named) != 1 or named[0].id not in rows:
        return None
    row = rows[named[0].id]
    asks_closed = bool({"closed", "cerrado", "cerrada"} & set(ws))
    free = bool(set(ws) & _FREE_WORDS)  # "without paying", "gratis": asks the opposite
    if pays and free:
        yes = row.kind == "open"
    elif pays or asks_closed:
        yes = row.kind == "closed"
    elif set(ws) & _ASKS_OPEN:
        yes = row.kind == "open"
    else:
        yes = bool(row.runs_locally.value)
    if lang == "es":
        verdict = "Sí." if yes else "No."
        tail = " Datos de la comparación de modelos del curso."
        title = "Comparación de modelos"
    else:
        verdict = "Yes." if yes else "No."
        tail = " From the course's model comparison."
        title = "Model comparison"
    body = f"{verdict} {_row_text(row, lang)}{tail}"
    return ToolAnswer(body, title, lab_url("compare"), (row.name,))
