from __future__ import annotations

import pytest

from aula.instructor.faithful import check_faithful
from aula.instructor.generative import BackendError, Passage

PASSAGES = (Passage("Glossary: VRAM", "/glossary#term-vram", "FLUX.1-dev peaked at 36.2 GB."),)


def test_a_supported_reply_passes() -> None:
    check_faithful("FLUX.1-dev peaked at 36.2 GB [1].", "en", PASSAGES)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("FLUX.1-dev peaked at 12 GB [1].", "not in the sources"),  # a number not there
        ("Bananas are rich in potassium.", "not in the sources"),
        ("El pico de FLUX.1-dev fue de 36,2 GB.", "another language"),
        ("<b>36.2 GB</b>", "markup"),
        ("Yes, it fits.", "contradicts"),
    ],
)
def test_an_unsupported_reply_is_refused(reply: str, why: str) -> None:
    with pytest.raises(BackendError, match=why):
        check_faithful(reply, "en", PASSAGES, composed="Not as it is: it needs 36.2 GB.")
