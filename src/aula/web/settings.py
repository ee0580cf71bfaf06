"""Every server setting, declared once with its default and help.

A setting comes from ``aula serve --setting NAME VALUE`` (or its own flag such as ``--port``),
else from the environment variable ``AULA_<NAME>``, else its default. A mistyped name or a
value of the wrong type stops the server at start with a hint, like Datasette does.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from aula.content.findings import did_you_mean
from aula.instructor.settings import InstructorSettings

ENV_PREFIX = "AULA_"
# Variables read by other parts (tests, snippets, caches) that are not server settings.
OTHER_VARIABLES = frozenset(
    {"AULA_DEBUG", "AULA_COURSE_DIR", "AULA_CACHE_DIR", "AULA_SETTINGS_JSON"}
)
OTHER_PREFIXES = ("AULA_TEST_",)


def _meta(help_text: str) -> dict[str, str]:
    return {"help": help_text}


@dataclass(frozen=True)
class Settings:
    host: str = field(default="127.0.0.1", metadata=_meta("interface to listen on"))
    port: int = field(default=8000, metadata=_meta("port to listen on"))
    database_url: str | None = field(
        default=None,
        metadata=_meta(
            "database: a SQLite file or postgresql://... URL (default: aula.db in data_dir)"
        ),
    )
    course: Path | None = field(
        default=None, metadata=_meta("course folder to serve (default: the built-in course)")
    )
    data_dir: Path | None = field(
        default=None,
        metadata=_meta(
            "folder for the default database and the secret key (default: ~/.local/share/aula)"
        ),
    )
    secret_key: str | None = field(
        default=None,
        metadata=_meta("key that signs learner cookies (default: made once and kept in data_dir)"),
    )
    cookie_secure: bool = field(
        default=False, metadata=_meta("send cookies over HTTPS only (turn on behind TLS)")
    )
    workers: int = field(default=1, metadata=_meta("server processes (SQLite prefers one)"))
    embeddings: str = field(
        default="auto",
        metadata=_meta("instructor embeddings: auto (when installed), on or off"),
    )
    llm_url: str | None = field(
        default=None,
        metadata=_meta("OpenAI-compatible chat endpoint for the instructor (off when empty)"),
    )
    llm_model: str | None = field(default=None, metadata=_meta("model name sent to llm_url"))
    llm_api_key: str | None = field(default=None, metadata=_meta("API key sent to llm_url"))
    llm_timeout: float = field(
        default=20.0, metadata=_meta("seconds to wait for llm_url before answering offline")
    )
    llm_own_hosts: str | None = field(
        default=None,
        metadata=_meta(
            "comma-separated hosts that count as this machine besides loopback "
            "(e.g. your own GPU box): questions sent there are shown as not leaving it"
        ),
    )
    upload_limit_mb: int = field(
        default=64, metadata=_meta("largest upload the weights lab reads, in MB")
    )
    body_limit_kb: int = field(
        default=64,
        metadata=_meta("largest request body (JSON or form) anywhere but uploads, in KiB"),
    )

    def instructor(self) -> InstructorSettings:
        """The instructor's part of the settings."""
        hosts = tuple(h.strip() for h in (self.llm_own_hosts or "").split(",") if h.strip())
        return InstructorSettings(
            llm_url=self.llm_url or "",
            llm_model=self.llm_model or "",
            llm_api_key=self.llm_api_key or "",
            llm_timeout=self.llm_timeout,
            own_hosts=hosts,
            embeddings={"auto": None, "on": True, "off": False}[self.embeddings],
        )

    def public(self) -> dict[str, Any]:
        """Settings safe to show: secrets masked."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            secret = f.name in {"secret_key", "llm_api_key"} and value
            out[f.name] = (
                "********" if secret else (str(value) if isinstance(value, Path) else value)
            )
        return out


class SettingsError(ValueError):
    """A setting that cannot be used; the message says what to do."""


def describe() -> list[tuple[str, str, str]]:
    """(name, default, help) of every setting, for ``aula serve --help-settings``."""
    return [(f.name, repr(f.default), f.metadata["help"]) for f in fields(Settings)]


def _types() -> dict[str, tuple[type, bool]]:
    """Each setting's base type and whether it may be empty (``X | None``)."""
    out: dict[str, tuple[type, bool]] = {}
    for name, hint in typing.get_type_hints(Settings).items():
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        out[name] = (args[0], True) if args else (hint, False)
    return out


def _convert(name: str, kind: type, optional: bool, raw: str) -> Any:
    text = raw.strip()
    if optional and not text:
        return None
    try:
        if kind is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        return Path(text).expanduser() if kind is Path else kind(text)
    except ValueError:
        raise SettingsError(f"setting '{name}': '{raw}' is not a valid {kind.__name__}") from None


def load_settings(
    overrides: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from explicit overrides, then ``AULA_*`` variables, then defaults."""
    known = _types()
    values: dict[str, Any] = {}
    for key, raw in (environ or {}).items():
        if (
            not key.startswith(ENV_PREFIX)
            or key in OTHER_VARIABLES
            or key.startswith(OTHER_PREFIXES)
        ):
            continue
        name = key[len(ENV_PREFIX) :].lower()
        if name not in known:
            hint = did_you_mean(name, known)
            env_hint = f"; did you mean AULA_{hint.split(chr(39))[1].upper()}?" if hint else ""
            raise SettingsError(f"unknown setting in environment variable {key}{env_hint}")
        values[name] = _convert(name, *known[name], raw)
    for name, raw in (overrides or {}).items():
        if name not in known:
            raise SettingsError(f"unknown setting '{name}'{did_you_mean(name, known)}")
        values[name] = _convert(name, *known[name], raw)
    settings = Settings(**values)
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    if not 0 < settings.port < 65536:
        raise SettingsError(f"setting 'port': {settings.port} is not a TCP port (1-65535)")
    if settings.body_limit_kb < 1 or settings.upload_limit_mb < 1:
        raise SettingsError("settings 'body_limit_kb' and 'upload_limit_mb' must be at least 1")
    if settings.workers < 1:
        raise SettingsError("setting 'workers' must be at least 1")
    if settings.embeddings not in {"auto", "on", "off"}:
        raise SettingsError(
            f"setting 'embeddings': '{settings.embeddings}' must be auto, on or off"
        )
    if not 0 < settings.llm_timeout <= 600:
        raise SettingsError("setting 'llm_timeout' must be between 0 and 600 seconds")
    if settings.llm_url and not settings.llm_model:
        raise SettingsError("setting 'llm_model' is required when llm_url is set (AULA_LLM_MODEL)")
    if settings.llm_url and not settings.llm_url.startswith(("http://", "https://")):
        raise SettingsError("setting 'llm_url' must start with http:// or https://")
