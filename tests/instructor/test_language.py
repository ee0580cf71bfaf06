from __future__ import annotations

import pytest

from aula.instructor.language import content_stems, detect, fold, stem, words


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("How much VRAM does SDXL need?", "en"),
        ("What is a LoRA?", "en"),
        ("¿Cuánta memoria de vídeo necesita SDXL?", "es"),
        ("Si dejo de pagar la suscripción, qué me queda", "es"),  # no ¿, still Spanish
        ("que es la inferencia", "es"),  # no accents either
        ("VRAM SDXL", "en"),  # names alone: the course's language
    ],
)
def test_detect_tells_english_from_spanish(text: str, lang: str) -> None:
    assert detect(text) == lang


def test_folding_makes_accents_and_case_irrelevant() -> None:
    assert fold("Vídeo MEMORIA") == "video memoria"
    assert words("¿Qué es SD3.5?") == ["que", "es", "sd3.5"]


def test_apostrophes_split_words_so_no_clitic_makes_an_unknown_word() -> None:
    assert words("What's the vendor's GPU?") == ["what", "s", "the", "vendor", "s", "gpu"]


def test_stems_join_inflections_in_both_languages() -> None:
    assert stem("licences", "en") == stem("licence", "en")
    assert stem("pesos", "es") == stem("peso", "es")


def test_content_stems_drop_stop_words() -> None:
    assert content_stems("The weights of the model", "en") == ["weight", "model"]
