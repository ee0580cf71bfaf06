"""The labs: weights inspector, VRAM planner, model comparison and cost of ownership.

Each page is a form that works without JavaScript, and each has a JSON twin under /api/labs
that returns the lab's own ``to_dict()``, as ``aula lab ... --json`` prints it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aula.content.catalog import Catalog
from aula.content.urls import lab_url
from aula.i18n import _
from aula.labs.catalog import default_catalog
from aula.labs.compare import compare_models
from aula.web.aula import Aula, aula_of
from aula.web.errors import InputError
from aula.web.forms import form_csrf, header_csrf
from aula.web.labs import LABS
from aula.web.labs.compare import compare_view
from aula.web.labs.cost import cost_fields, cost_view, read_cost, run_cost
from aula.web.labs.fields import Inputs, error_summary
from aula.web.labs.uploads import (
    PREFIX,
    file_size_header,
    read_capped,
    safe_name,
    upload_form,
    upload_prefix,
)
from aula.web.labs.vram import plan_view, read_vram, run_plan, vram_fields
from aula.web.labs.weights import HeaderCaps, inspect, weights_view


def _catalog(aula: Aula) -> Catalog:
    return aula.course.catalog or default_catalog()


def _errors(exc: InputError) -> dict[str, str]:
    return exc.fields or {"form": str(exc.detail)}


async def labs_index(request: Request) -> Response:
    labs = [{"href": lab_url(slug), "title": _(t), "text": _(text)} for slug, t, text in LABS]
    return aula_of(request).render(request, "labs/index.html", {"title": _("Labs"), "labs": labs})


# ---------------------------------------------------------------- weights


def _upload_limit(aula: Aula) -> int:
    return aula.settings.upload_limit_mb * 1_000_000


def _caps(aula: Aula) -> HeaderCaps:
    return HeaderCaps(aula.settings.weights_header_kb * 1024, aula.settings.weights_max_tensors)


def _weights_page(
    request: Request, report: dict[str, Any] | None, error: InputError | None = None
) -> Response:
    aula = aula_of(request)
    message = str(error.detail) if error else ""
    beside = error.fields.get("file", "") if error else ""
    context = {
        "title": _("Weights inspector"),
        "report": report,
        "message": "" if message == beside else message,  # said once, beside the field if it can
        "file_error": beside,
        "header_limit": _caps(aula).size,
        "upload_limit": f"{aula.settings.upload_limit_mb:,} MB",
    }
    status = error.status_code if error else 200
    return aula.render(request, "labs/weights.html", context, status_code=status)


async def weights_page(request: Request) -> Response:
    return _weights_page(request, None)


async def weights_upload(request: Request) -> Response:
    """The form without JavaScript: the whole file is uploaded, and only its header read."""
    try:
        async with upload_form(request, _upload_limit(aula_of(request))) as form:
            form_csrf(request, form)
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InputError(
                    _("Choose a .safetensors file."), fields={"file": _("Choose a file.")}
                )
            data = await upload_prefix(upload)
            name, size = safe_name(upload.filename), upload.size
        report = await inspect(data, name, size, _caps(aula_of(request)))
    except InputError as exc:
        return _weights_page(request, None, exc)
    return _weights_page(request, weights_view(report))


async def weights_json(request: Request) -> Response:
    """
    summary: Inspect a .safetensors file from its header alone. Send the file's first 8 + N
      bytes (N is the little-endian u64 in the first 8) as the raw body, with X-CSRF-Token,
      X-File-Name (percent-encoded) and X-File-Size (the whole file's size, so offsets are
      checked against its end). Pickle checkpoints are refused, never loaded.
    requestBody:
      required: true
      content:
        application/octet-stream:
          schema: {type: string, format: binary}
    responses:
      200: {description: "The weights report: architecture, tensors, parameters, bytes by
        dtype, components, __metadata__, notes (as `aula lab weights --json`)."}
      403: {description: Missing or wrong CSRF token.}
      413: {description: "A body or header over the weights_header_kb setting (4 MiB)."}
      422: {description: "A malformed header, a pickle, or a bad X-File-Size; the message says
        which."}
    """
    header_csrf(request)
    name = safe_name(unquote(request.headers.get("x-file-name", "")))
    size = file_size_header(request)
    caps = _caps(aula_of(request))
    data = await read_capped(request, PREFIX + caps.size)
    report = await inspect(data, name, size, caps)
    return JSONResponse(report.to_dict())


# ---------------------------------------------------------------- vram


async def vram_page(request: Request) -> Response:
    aula = aula_of(request)
    catalog = _catalog(aula)
    inputs = Inputs(request.query_params)
    query = read_vram(inputs, catalog, required=False)
    result = None
    try:
        inputs.check()
        plan = await run_in_threadpool(run_plan, query, catalog)
        result = plan_view(plan, query)
    except InputError as exc:
        inputs.errors.update(_errors(exc))
    groups = vram_fields(inputs, query, catalog)
    context = {
        "title": _("VRAM planner"),
        "groups": groups,
        "summary": error_summary(inputs.errors, groups),
        "plan": result,
    }
    return aula.render(request, "labs/vram.html", context, 422 if inputs.errors else 200)


async def vram_json(request: Request) -> Response:
    """
    summary: Will a model fit on a GPU? (twin of the VRAM planner page, as `aula lab vram
      --json`).
    parameters:
      - {name: model, in: query, required: true, schema: {type: string}, description: "a
        catalog model, e.g. sdxl"}
      - {name: gpu, in: query, required: true, schema: {type: string}, description: "a
        catalog GPU (rtx-4090), a size in GB (12), or auto: the server's GPU"}
      - {name: precision, in: query, schema: {type: string, enum: [fp32, fp16, bf16, fp8,
        int8, nf4]}}
      - {name: offload, in: query, schema: {type: string, enum: [none, model, sequential]}}
      - {name: resolution, in: query, schema: {type: string}, description: "1024 or
        1216x832"}
      - {name: batch, in: query, schema: {type: integer, minimum: 1, maximum: 64}}
      - {name: slicing, in: query, schema: {type: boolean}}
    responses:
      200: {description: "The plan: steps, peak, needed, fits, usage bar, suggestions."}
      422: {description: "An unknown model or GPU, or a value out of range (see `fields`)."}
    """
    catalog = _catalog(aula_of(request))
    inputs = Inputs(request.query_params)
    query = read_vram(inputs, catalog, required=True)
    inputs.check()
    plan = await run_in_threadpool(run_plan, query, catalog)
    return JSONResponse(plan.to_dict())


# ---------------------------------------------------------------- compare


async def compare_page(request: Request) -> Response:
    aula = aula_of(request)
    view = compare_view(compare_models(_catalog(aula)), aula.localized(request).sources)
    return aula.render(request, "labs/compare.html", {"title": _("Model comparison"), **view})


async def compare_json(request: Request) -> Response:
    """
    summary: The catalog's open and closed models side by side, each fact with its source id,
      checked date and whether it is uncertain or derived (as `aula lab compare --json`).
    responses:
      200: {description: "`{models: [...], sources: {id: checked}}`"}
    """
    return JSONResponse(compare_models(_catalog(aula_of(request))).to_dict())


# ---------------------------------------------------------------- cost


async def cost_page(request: Request) -> Response:
    aula = aula_of(request)
    catalog = _catalog(aula)
    inputs = Inputs(request.query_params)
    query = read_cost(inputs, catalog, required=False)
    result = None
    try:
        inputs.check()
        result = run_cost(query, catalog)
    except InputError as exc:
        inputs.errors.update(_errors(exc))
    groups = cost_fields(inputs, query, catalog, result)
    context = {
        "title": _("Cost of ownership"),
        "groups": groups,
        "summary": error_summary(inputs.errors, groups),
        "cost": cost_view(result, aula.localized(request).sources) if result else None,
    }
    return aula.render(request, "labs/cost.html", context, 422 if inputs.errors else 200)


async def cost_json(request: Request) -> Response:
    """
    summary: A plan or API against buying a GPU, month by month (twin of the cost page, as
      `aula lab cost --json`). Empty values use the catalog's facts or the defaults.
    parameters:
      - {name: images_per_month, in: query, required: true, schema: {type: integer}}
      - {name: plan, in: query, required: true, schema: {type: string}}
      - {name: gpu, in: query, required: true, schema: {type: string}}
      - {name: months, in: query, schema: {type: integer, minimum: 1, maximum: 240}}
      - {name: billing, in: query, schema: {type: string, enum: [monthly, yearly]}}
      - {name: kwh_price, in: query, schema: {type: number}}
      - {name: seconds_per_image, in: query, schema: {type: number}}
      - {name: resale_fraction, in: query, schema: {type: number}}
      - {name: plan_price, in: query, schema: {type: number}}
      - {name: gpu_price, in: query, schema: {type: number}}
      - {name: board_power_w, in: query, schema: {type: number}}
    responses:
      200: {description: "Totals, break-even month, assumptions with origins, the series."}
      422: {description: "A missing, unknown or out-of-range value (see `fields`)."}
    """
    catalog = _catalog(aula_of(request))
    inputs = Inputs(request.query_params)
    query = read_cost(inputs, catalog, required=True)
    inputs.check()
    return JSONResponse(run_cost(query, catalog).to_dict())


routes = [
    Route("/labs", labs_index, name="labs"),
    Route(lab_url("weights"), weights_page, methods=["GET"], name="lab-weights"),
    Route(lab_url("weights"), weights_upload, methods=["POST"], name="lab-weights-upload"),
    Route("/api/labs/weights", weights_json, methods=["POST"], name="api-lab-weights"),
    Route(lab_url("vram"), vram_page, name="lab-vram"),
    Route("/api/labs/vram", vram_json, methods=["GET"]),
    Route(lab_url("compare"), compare_page, name="lab-compare"),
    Route("/api/labs/compare", compare_json, methods=["GET"]),
    Route(lab_url("cost"), cost_page, name="lab-cost"),
    Route("/api/labs/cost", cost_json, methods=["GET"]),
]
