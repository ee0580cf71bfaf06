"""The labs on the web: every page and JSON twin, uploads both ways, and bad input as 4xx."""

from __future__ import annotations

import datetime as dt
import html
import json
import pickle
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import numpy as np
import numpy.typing as npt
import pytest
from click.testing import CliRunner
from safetensors.numpy import save_file
from starlette.testclient import TestClient

from aula.cli.lab import lab
from aula.content import Course
from aula.labs.compare import compare_models
from aula.labs.cost import CostResult, cost_of_ownership
from aula.labs.planner import plan
from aula.labs.weights import UPLOAD_HEADER_LIMIT, inspect_header_bytes, inspect_weights
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity
from aula.web.labs.format import money

from .conftest import SECRET, csrf_token

# ---------------------------------------------------------------- helpers


def checkpoint(folder: Path) -> Path:
    """A small SD-style checkpoint: a UNet tensor, a VAE tensor, metadata, ~260 KB of data."""
    path = folder / "tiny.safetensors"
    tensors: dict[str, npt.NDArray[Any]] = {
        "model.diffusion_model.input_blocks.0.0.weight": np.ones((256, 256), dtype=np.float32),
        "first_stage_model.decoder.conv_in.weight": np.zeros((8, 4), dtype=np.float16),
    }
    save_file(tensors, str(path), metadata={"format": "pt", "trained_by": "tests"})
    return path


def header_only(path: Path) -> bytes:
    data = path.read_bytes()
    n = int.from_bytes(data[:8], "little")
    return data[: 8 + n]


def post_header(client: TestClient, body: bytes, **headers: str) -> httpx2.Response:
    sent = {"x-csrf-token": csrf_token(client), "content-type": "application/octet-stream"}
    return client.post("/api/labs/weights", content=body, headers={**sent, **headers})


def upload(
    client: TestClient, name: str, data: bytes, token: str | None = "auto"
) -> httpx2.Response:
    fields = (
        {} if token is None else {"csrf_token": csrf_token(client) if token == "auto" else token}
    )
    return client.post("/labs/weights", data=fields, files={"file": (name, data)})


def text_of(page: str) -> str:
    """The page's text with tags removed and entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


class Booby:
    """Unpickling this creates ``marker``: a stand-in for a program hidden in a checkpoint."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


@pytest.fixture
def small_limit(course: Course, database_url: str) -> Iterator[TestClient]:
    """A server whose upload limit is 1 MB."""
    store = Store.open(database_url)
    app = create_app(Aula(Settings(upload_limit_mb=1), course, store, Identity(SECRET)))
    with TestClient(app, base_url="http://aula.test") as c:
        c.headers["accept"] = "text/html"
        yield c
    store.close()


# ---------------------------------------------------------------- index and nav


def test_labs_index_links_every_lab_and_the_nav_marks_it(client: TestClient) -> None:
    page = client.get("/labs")
    assert page.status_code == 200
    for slug in ("weights", "vram", "compare", "cost"):
        assert f'href="/labs/{slug}"' in page.text
    assert '<a href="/labs" aria-current="page">Labs</a>' in page.text
    assert '<a href="/labs" aria-current="page">Labs</a>' in client.get("/labs/vram").text


def test_only_the_weights_lab_loads_the_script(client: TestClient) -> None:
    assert "/static/labs.js" in client.get("/labs/weights").text
    assert "/static/labs.js" not in client.get("/labs/cost").text
    assert "/static/labs.css" in client.get("/labs/cost").text
    assert "/static/labs.css" not in client.get("/glossary").text


def test_openapi_documents_the_lab_twins(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "post" in paths["/api/labs/weights"]
    for twin in ("/api/labs/vram", "/api/labs/compare", "/api/labs/cost"):
        assert "get" in paths[twin]
    vram = paths["/api/labs/vram"]["get"]["parameters"]
    assert [p["name"] for p in vram] == [
        "model", "gpu", "precision", "offload", "resolution", "batch", "slicing"
    ]  # fmt: skip
    assert all(set(p) <= {"name", "in", "required", "schema", "description"} for p in vram)


# ---------------------------------------------------------------- weights


def test_weights_page_without_javascript_uploads_a_form(client: TestClient) -> None:
    page = client.get("/labs/weights")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="csrf_token"' in page.text
    assert f'data-header-limit="{Settings().weights_header_kb * 1024}"' in page.text


def test_a_multipart_upload_shows_the_report(client: TestClient, tmp_path: Path) -> None:
    path = checkpoint(tmp_path)
    expected = inspect_weights(path)
    page = upload(client, path.name, path.read_bytes())
    assert page.status_code == 200
    text = text_of(page.text)
    assert f"Tensors {expected.tensors:,}" in text
    assert f"({expected.parameters:,})" in text
    assert f"Architecture {expected.architecture.label}" in text
    for component in expected.components:
        assert component.name in text
    assert "trained_by tests" in text
    assert f"of a {path.stat().st_size / 1e3:.2f} KB file" in text


def test_the_api_needs_only_the_header(client: TestClient, tmp_path: Path) -> None:
    path = checkpoint(tmp_path)
    body = header_only(path)
    assert len(body) < path.stat().st_size // 100  # the tensors stay behind
    response = post_header(
        client, body, **{"x-file-name": "tiny.safetensors", "x-file-size": str(path.stat().st_size)}
    )
    assert response.status_code == 200
    data = response.json()
    reference = inspect_header_bytes(body, name="tiny.safetensors", file_size=path.stat().st_size)
    assert data == reference.to_dict()
    assert data["layout"] == "header"
    assert data["parameters"] == inspect_weights(path).parameters
    assert data["files"][0]["file_size"] == path.stat().st_size


def test_the_file_size_checks_offsets_against_the_end(client: TestClient, tmp_path: Path) -> None:
    path = checkpoint(tmp_path)
    body = header_only(path)
    short = post_header(client, body, **{"x-file-size": str(path.stat().st_size - 1)})
    assert short.status_code == 422
    assert "MetadataIncompleteBuffer" in short.json()["error"]["message"]
    bad = post_header(client, body, **{"x-file-size": "lots"})
    assert bad.status_code == 422
    assert "X-File-Size" in bad.json()["error"]["fields"]


def test_a_percent_encoded_file_name_is_shown_decoded(client: TestClient, tmp_path: Path) -> None:
    body = header_only(checkpoint(tmp_path))
    response = post_header(client, body, **{"x-file-name": "mod%C3%A8le%2F..%2Fx.safetensors"})
    assert response.status_code == 200
    assert response.json()["source"] == "modèle..x.safetensors"  # no folders survive


def test_a_truncated_or_malformed_header_is_a_422(client: TestClient, tmp_path: Path) -> None:
    body = header_only(checkpoint(tmp_path))
    truncated = post_header(client, body[:-10])
    assert truncated.status_code == 422
    assert "InvalidHeaderLength" in truncated.json()["error"]["message"]
    broken = post_header(client, (7).to_bytes(8, "little") + b'{"a": 1')
    assert broken.status_code == 422
    assert "InvalidHeaderDeserialization" in broken.json()["error"]["message"]
    page = upload(client, "broken.safetensors", (7).to_bytes(8, "little") + b'{"a": 1')
    assert page.status_code == 422
    assert "InvalidHeaderDeserialization" in page.text
    assert 'aria-invalid="true"' in page.text
    assert "Traceback" not in page.text


@pytest.mark.parametrize("name", ["model.ckpt", "renamed.safetensors"])
def test_a_pickle_is_refused_and_never_loaded(
    client: TestClient, tmp_path: Path, name: str
) -> None:
    marker = tmp_path / "pwned"
    data = pickle.dumps(Booby(marker), protocol=4)
    response = post_header(client, data, **{"x-file-name": name})
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert "refused" in message
    assert re.search(r"would import \S*open", message)  # found without running it
    page = upload(client, name, data)
    assert page.status_code == 422
    assert "never unpickles" in page.text
    assert not marker.exists()


def test_a_pickle_named_bin_is_refused_by_its_name(client: TestClient, tmp_path: Path) -> None:
    body = header_only(checkpoint(tmp_path))
    response = post_header(client, body, **{"x-file-name": "pytorch_model.bin"})
    assert response.status_code == 422
    assert "refused" in response.json()["error"]["message"]


def test_uploads_need_the_csrf_token(client: TestClient, tmp_path: Path) -> None:
    path = checkpoint(tmp_path)
    assert upload(client, path.name, path.read_bytes(), token=None).status_code == 403
    assert upload(client, path.name, path.read_bytes(), token="forged").status_code == 403
    response = client.post(
        "/api/labs/weights",
        content=header_only(path),
        headers={"content-type": "application/octet-stream"},
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_a_multipart_upload_over_the_limit_is_a_413(small_limit: TestClient) -> None:
    big = b"\0" * 1_100_000
    page = upload(small_limit, "big.safetensors", big)
    assert page.status_code == 413
    assert "header" in page.text
    assert "/api/labs/weights" in page.text


def test_a_chunked_upload_is_counted_as_it_streams(small_limit: TestClient) -> None:
    boundary = "aulaboundary"
    token = csrf_token(small_limit)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.safetensors"'
        "\r\nContent-Type: application/octet-stream\r\n\r\n"
    ).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count
        yield head
        for _ in range(20):
            yield b"\0" * 100_000
        yield f"\r\n--{boundary}--\r\n".encode()

    response = small_limit.post(
        "/labs/weights",
        content=chunks(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413


def test_the_api_refuses_a_body_larger_than_a_header_can_be(client: TestClient) -> None:
    too_big = b"\0" * (8 + UPLOAD_HEADER_LIMIT + 1)
    response = post_header(client, too_big)
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(17):
            yield b"\0" * (1024 * 1024)

    token = csrf_token(client)
    response = client.post(  # no Content-Length: the server counts as it reads
        "/api/labs/weights",
        content=chunks(),
        headers={"x-csrf-token": token, "content-type": "application/octet-stream"},
    )
    assert response.status_code == 413


# ---------------------------------------------------------------- vram


def test_vram_twin_gives_the_same_numbers_as_the_cli(client: TestClient) -> None:
    cli = CliRunner().invoke(lab, ["vram", "sdxl", "--gpu", "rtx-3060", "--json"])
    assert cli.exit_code == 0, cli.output
    api = client.get("/api/labs/vram", params={"model": "sdxl", "gpu": "rtx-3060"})
    assert api.status_code == 200
    assert api.json() == json.loads(cli.stdout)


def test_vram_page_shows_the_plan_and_the_usage_bar(client: TestClient, course: Course) -> None:
    expected = plan("sdxl", "rtx-3060", catalog=course.catalog)
    page = client.get("/labs/vram", params={"model": "sdxl", "gpu": "rtx-3060"})
    assert page.status_code == 200
    usage = expected.usage
    assert '<meter id="usage-meter" min="0" max="1"' in page.text
    assert f'value="{usage.used_fraction:.3f}"' in page.text
    assert f">{usage.label}</label>" in page.text
    text = text_of(page.text)
    low, high = expected.range_gb
    assert expected.verdict == "may not fit"  # SDXL on 12 GiB: the band straddles the card
    assert (
        f"May not fit: it needs about {expected.needed_gb:.1f} GiB "
        f"(likely {low:.1f}–{high:.1f} GiB) of {expected.gpu_gb:.1f} GiB" in text
    )
    for step in expected.estimate.steps:
        assert f"{step.name}" in text
        assert f"{step.total_gb:.1f} GiB" in text


def test_vram_page_suggests_changes_when_it_does_not_fit(
    client: TestClient, course: Course
) -> None:
    expected = plan("flux-dev", "rtx-3060", catalog=course.catalog)
    assert not expected.fits and expected.suggestions
    page = client.get("/labs/vram", params={"model": "flux-dev", "gpu": "rtx-3060"})
    text = text_of(page.text)
    assert "Does not fit" in text
    assert "does not fit" in expected.usage.label
    for tip in expected.suggestions:
        assert tip.change in text


def test_vram_takes_a_size_in_gb(client: TestClient, course: Course) -> None:
    page = client.get("/labs/vram", params={"model": "sdxl", "gpu": "", "gpu_gb": "12"})
    assert page.status_code == 200
    assert "SDXL base 1.0 on 12 GiB GPU" in text_of(page.text)
    api = client.get("/api/labs/vram", params={"model": "sdxl", "gpu": "12"}).json()
    assert api == plan("sdxl", "12", catalog=course.catalog).to_dict()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"model": "sdxl", "gpu": "abc"}, "gpu"),
        ({"model": "sdxl", "gpu": "0"}, "gpu"),
        ({"model": "sdxl", "gpu_gb": "twelve"}, "gpu_gb"),
        ({"model": "sdxl", "gpu": "12", "batch": "x"}, "batch"),
        ({"model": "sdxl", "gpu": "12", "resolution": "10"}, "resolution"),
        ({"model": "sdxl", "gpu": "12", "precision": "fp64"}, "precision"),
        ({"model": "midjourney", "gpu": "12"}, "model"),
        ({"model": "/etc/passwd", "gpu": "12"}, "model"),  # never a path on the server
    ],
)
def test_bad_vram_input_is_a_422_naming_the_field(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    api = client.get("/api/labs/vram", params=params)
    assert api.status_code == 422
    error = api.json()["error"]
    assert field in error["fields"]
    page = client.get("/labs/vram", params=params)
    assert page.status_code == 422
    assert f'id="e-{field}"' in page.text
    assert "Traceback" not in page.text


def test_the_vram_api_asks_for_a_model_and_a_gpu(client: TestClient) -> None:
    response = client.get("/api/labs/vram")
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"model", "gpu"}
    assert client.get("/labs/vram").status_code == 200  # the page starts from an example


def test_vram_auto_means_the_servers_gpu(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("aula.labs.gpu.shutil.which", lambda _name: None)
    api = client.get("/api/labs/vram", params={"model": "sdxl", "gpu": "auto"})
    assert api.status_code == 422
    message = api.json()["error"]["fields"]["gpu"]
    assert "server" in message
    assert "nvidia-smi is not installed" in message
    page = client.get("/labs/vram", params={"model": "sdxl", "gpu": "auto"})
    assert "the GPU of the server running Aula" in html.unescape(page.text)


# ---------------------------------------------------------------- compare


def test_compare_twin_is_the_labs_comparison(client: TestClient, course: Course) -> None:
    response = client.get("/api/labs/compare")
    assert response.status_code == 200
    assert response.json() == compare_models(course.catalog).to_dict()


def test_compare_page_lists_every_model_with_source_links(
    client: TestClient, course: Course
) -> None:
    assert course.catalog is not None
    page = client.get("/labs/compare")
    assert page.status_code == 200
    for model in course.catalog.models:
        assert f'id="model-{model.id}"' in page.text
        assert html.escape(model.name) in page.text
        assert html.escape(model.license.value) in page.text
    cited = compare_models(course.catalog).sources
    for source_id in cited:
        assert f'href="{html.escape(course.sources[source_id].url)}"' in page.text
    text = text_of(page.text)
    assert "(uncertain)" in text and "(derived)" in text
    assert "checked 2026-11-01" in text or "checked " in text


# ---------------------------------------------------------------- cost


COST = {
    "images_per_month": "500",
    "plan": "gemini-3-pro-image-2k",
    "gpu": "rtx-3060",
    "months": "36",
    "kwh_price": "0.2",
    "seconds_per_image": "6",
    "resale_fraction": "0.3",
}


def expected_cost(course: Course) -> CostResult:
    return cost_of_ownership(
        images_per_month=500,
        plan="gemini-3-pro-image-2k",
        gpu="rtx-3060",
        months=36,
        kwh_price=0.2,
        seconds_per_image=6,
        resale_fraction=0.3,
        catalog=course.catalog,
    )


def test_cost_twin_equals_the_library(client: TestClient, course: Course) -> None:
    response = client.get("/api/labs/cost", params=COST)
    assert response.status_code == 200
    assert response.json() == expected_cost(course).to_dict()


def test_cost_page_shows_the_same_numbers(client: TestClient, course: Course) -> None:
    result = expected_cost(course)
    page = client.get("/labs/cost", params=COST)
    assert page.status_code == 200
    assert f'<strong id="saas-total">{money(result.saas_total)}</strong>' in page.text
    assert f'<strong id="local-total">{money(result.local_total)}</strong>' in page.text
    text = text_of(page.text)
    if result.break_even_month is not None:
        assert f"pays for itself in month {result.break_even_month}" in text
    else:
        assert "Not within 36 months" in text or "Never" in text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text
    assert 'role="img"' in page.text
    for assumption in result.assumptions:
        assert assumption.label in text
    assert 'value="0.2"' in page.text  # the form shows what was asked


def test_cost_page_says_when_the_gpu_never_pays_off(client: TestClient) -> None:
    page = client.get(
        "/labs/cost",
        params={"images_per_month": "0", "plan": "gemini-2-5-flash-image", "gpu": "rtx-4090"},
    )
    assert page.status_code == 200
    assert "Never at these rates" in text_of(page.text)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kwh_price": "cheap"}, "kwh_price"),
        ({"images_per_month": "lots"}, "images_per_month"),
        ({"images_per_month": "-5"}, "images_per_month"),
        ({"months": "0"}, "months"),
        ({"resale_fraction": "1.5"}, "resale_fraction"),
        ({"seconds_per_image": "nan"}, "seconds_per_image"),
        ({"plan": "midjurney-standard"}, "plan"),
        ({"gpu": "a100-80gb"}, "gpu_price"),  # no purchase price in the catalog
        ({"billing": "weekly"}, "billing"),
    ],
)
def test_bad_cost_input_is_a_422_naming_the_field(
    client: TestClient, change: dict[str, str], field: str
) -> None:
    params = {**COST, **change}
    api = client.get("/api/labs/cost", params=params)
    assert api.status_code == 422
    assert field in api.json()["error"]["fields"]
    page = client.get("/labs/cost", params=params)
    assert page.status_code == 422
    assert f'id="e-{field}"' in page.text
    assert 'role="alert"' in page.text


def test_the_cost_api_asks_for_what_it_needs(client: TestClient) -> None:
    response = client.get("/api/labs/cost")
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"images_per_month", "plan", "gpu"}


def test_cost_page_converts_to_euros_with_the_rate_and_refuses_retired_plans(
    client: TestClient, course: Course
) -> None:
    params = {**COST, "currency": "EUR", "rate": "0.86", "rate_date": "2026-11-27"}
    page = client.get("/labs/cost", params=params)
    assert page.status_code == 200
    result = cost_of_ownership(
        images_per_month=500,
        plan="gemini-3-pro-image-2k",
        gpu="rtx-3060",
        months=36,
        kwh_price=0.2,
        seconds_per_image=6,
        resale_fraction=0.3,
        currency="EUR",
        rate=0.86,
        rate_date=dt.date(2026, 11, 27),
        catalog=course.catalog,
    )
    assert f'<strong id="saas-total">{money(result.saas_total, "EUR")}</strong>' in page.text
    assert "exchange rate, EUR per USD on 2026-11-27" in text_of(page.text)
    twin = client.get("/api/labs/cost", params={**params, "rate": ""})
    assert twin.status_code == 422
    assert "rate" in twin.json()["error"]["fields"]
    retired = client.get("/api/labs/cost", params={**COST, "plan": "dall-e-3-hd"})
    assert retired.status_code == 422
    assert "retired on 2026-05-12" in retired.json()["error"]["message"]


def test_vram_page_takes_quantised_encoders_and_the_library(
    client: TestClient, course: Course
) -> None:
    params = {
        "model": "flux-dev",
        "gpu": "rtx-4090",
        "precision": "nf4",
        "encoders": "nf4",
        "quantiser": "bitsandbytes",
        "offload": "model",
    }
    expected = plan(
        "flux-dev",
        "rtx-4090",
        precision="nf4",
        encoders="nf4",
        quantiser="bitsandbytes",
        offload="model",
        catalog=course.catalog,
    )
    twin = client.get("/api/labs/vram", params=params)
    assert twin.status_code == 200
    assert twin.json()["settings"]["encoders"] == "nf4"
    assert twin.json()["verdict"] == expected.verdict
    bad = client.get("/api/labs/vram", params={**params, "quantiser": "magic"})
    assert bad.status_code == 422
