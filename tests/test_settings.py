"""Settings are declared once; a mistyped one stops the server with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from aula.settings import Settings, SettingsError, describe, load_settings


def test_defaults() -> None:
    settings = load_settings({}, {})
    assert settings == Settings()
    assert (settings.host, settings.port, settings.llm_url) == ("127.0.0.1", 8000, None)


def test_overrides_beat_environment() -> None:
    settings = load_settings({"port": "9000"}, {"AULA_PORT": "7000", "AULA_COURSE": "~/c"})
    assert settings.port == 9000
    assert settings.course == Path("~/c").expanduser()


@pytest.mark.parametrize(
    ("overrides", "environ", "message"),
    [
        ({"prot": "1"}, {}, "unknown setting 'prot'; did you mean 'port'?"),
        ({}, {"AULA_DATABSE_URL": "x"}, "did you mean AULA_DATABASE_URL?"),
        ({"port": "eighty"}, {}, "setting 'port': 'eighty' is not a valid int"),
        ({"port": "70000"}, {}, "'port': Input should be less than 65536"),
        ({"cookie_secure": "maybe"}, {}, "'maybe' is not a valid bool"),
        ({"embeddings": "sometimes"}, {}, "must be 'auto', 'on' or 'off'"),
        ({"llm_url": "ftp://x", "llm_model": "m"}, {}, "must start with http:// or https://"),
    ],
)
def test_bad_settings_fail_with_a_hint(
    overrides: dict[str, str], environ: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message.replace("?", r"\?").replace("(", r"\(")):
        load_settings(overrides, environ)


def test_variables_of_tests_and_tools_are_not_settings() -> None:
    environ = {"AULA_TEST_DATABASE_URL": "x", "AULA_DEBUG": "1", "AULA_CACHE_DIR": "/tmp"}
    assert load_settings({}, environ) == Settings()


def test_every_setting_has_help() -> None:
    rows = describe()
    assert {name for name, _, _ in rows} >= {"host", "port", "database_url", "llm_url"}
    assert all(help_text for _, _, help_text in rows)


def test_public_view_masks_secrets() -> None:
    public = load_settings({"secret_key": "s3cret", "llm_api_key": "k"}, {}).public()
    assert public["secret_key"] == "********"
    assert public["llm_api_key"] == "********"
