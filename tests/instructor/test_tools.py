from __future__ import annotations

from aula.instructor.language import detect
from aula.instructor.tools import (
    compare_answer,
    cost_answer,
    kind_answer,
    lab_answer,
    vram_answer,
)


def test_the_vram_planner_answers_whether_a_model_fits_with_a_prefilled_link() -> None:
    answer = vram_answer("Can I run Flux on an 8 GB card?", "en")
    assert answer is not None
    assert answer.url == "/labs/vram?model=flux-dev&gpu=8"
    assert answer.text.startswith("Not as it is: FLUX.1 [dev] needs about 36")
    assert "bf16, 1024×1024, batch of 1, no offloading)" in answer.text  # the assumptions


def test_a_named_gpu_and_a_spanish_question() -> None:
    answer = vram_answer("¿Cabe SD 1.5 en una RTX 3060?", "es")
    assert answer is not None and answer.url == "/labs/vram?model=sd15&gpu=rtx-3060"
    assert answer.text.startswith("Sí: Stable Diffusion 1.5 necesita unos 3,7 GiB")
    assert detect(answer.text) == "es"


def test_a_follow_up_takes_the_last_model_named() -> None:
    answer = vram_answer("Can I run SDXL on 8 GB? ¿y para Flux?", "es", follow_up=True)
    assert answer is not None and "model=flux-dev" in answer.url


def test_questions_that_are_not_sums_get_no_lab() -> None:
    assert vram_answer("What is Flux?", "en") is None
    assert lab_answer("Who founded Midjourney?", "en") is None
    story = "I use Flux at work " * 10 + "on 8 GB, what do you think?"
    assert vram_answer(story, "en") is None


def test_the_cost_model_weighs_a_plan_against_a_gpu_with_its_assumptions() -> None:
    text = "Is it cheaper to buy an RTX 3060 than pay Midjourney Pro for 500 images a month?"
    answer = cost_answer(text, "en")
    assert answer is not None
    assert answer.url == "/labs/cost?plan=midjourney-pro&gpu=rtx-3060&images_per_month=500"
    assert "Over 24 months, Midjourney Pro costs $1,440" in answer.text
    assert "Assumptions: 500 images a month" in answer.text


def test_the_comparison_uses_the_catalogs_facts() -> None:
    answer = compare_answer("What's the difference between SDXL and Flux?", "en")
    assert answer is not None and answer.url == "/labs/compare"
    assert "SDXL base 1.0 is an open model from Stability AI" in answer.text
    spanish = compare_answer("¿Qué diferencia hay entre Midjourney y SDXL?", "es")
    assert spanish is not None and "no puedes descargar sus pesos" in spanish.text
    assert "Vendor terms" not in spanish.text  # no English inside a Spanish answer


def test_yes_or_no_about_a_model_being_open_comes_from_the_comparison() -> None:
    closed = kind_answer("Is Midjourney open source?", "en")
    assert closed is not None and closed.text.startswith("No. Midjourney is a closed model")
    assert kind_answer("Is Midjourney closed?", "en").text.startswith("Yes.")  # type: ignore[union-attr]
    local = kind_answer("¿Puedo ejecutar Flux en local?", "es")
    assert local is not None and local.text.startswith("Sí. FLUX.1 [dev] es un modelo abierto")
    assert kind_answer("Can I train Midjourney on my own photos?", "en") is None


def test_what_hardware_a_named_model_needs_is_the_planners_figure() -> None:
    answer = vram_answer("¿Qué tarjeta gráfica necesito para Flux?", "es")
    assert answer is not None
    assert answer.url == "/labs/vram?model=flux-dev"
    assert detect(answer.text) == "es"


def test_a_subscription_or_offline_question_is_a_yes_or_no_from_the_comparison() -> None:
    flux = kind_answer("¿Necesito pagar una suscripción para usar Flux?", "es")
    assert flux is not None and flux.text.startswith("No.")
    assert "Non-Commercial License:" not in flux.text  # the licence's English terms stay out
    mj = kind_answer("Do I need a subscription for Midjourney?", "en")
    assert mj is not None and mj.text.startswith("Yes.")
    offline = kind_answer("¿Midjourney funciona sin internet?", "es")
    assert offline is not None and offline.text.startswith("No.")
    dalle = kind_answer("Does DALL-E run on my computer?", "en")
    assert dalle is not None and dalle.text.startswith("No.")
    # "what is …" is not a yes-or-no question even with a model and "weights" in it
    assert kind_answer("What is the file size of the SDXL weights?", "en") is None


def test_the_longest_model_name_wins_over_an_alias_inside_it() -> None:
    answer = vram_answer("My GPU has 12GB, can I use Flux schnell?", "en")
    assert answer is not None
    assert answer.url == "/labs/vram?model=flux-schnell&gpu=12"


def test_using_a_model_without_paying_is_the_opposite_question() -> None:
    flux = kind_answer("Can I use Flux without paying?", "en")
    assert flux is not None and flux.text.startswith("Yes.")
    mj = kind_answer("¿Puedo usar Midjourney gratis?", "es")
    assert mj is not None and mj.text.startswith("No.")
