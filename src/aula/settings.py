"""Every setting, declared once with its type, default and help (pydantic-settings).

A setting comes from ``aula serve --setting NAME VALUE`` (or its own flag such as ``--port``),
else from the environment variable ``AULA_<NAME>``, else its default. ``aula serve`` and
``aula ask`` read the same settings. A mistyped name or a value of the wrong type stops the
command at start with a hint, like Datasette does.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from aula.content.findings import did_you_mean
from aula.errors import SettingsError
from aula.instructor.settings import InstructorSettings

__all__ = ["OIDCProvider", "Settings", "SettingsError", "describe", "load_settings"]

ENV_PREFIX = "AULA_"
# Variables read by other parts (tests, snippets, caches) that are not server settings.
OTHER_VARIABLES = frozenset(
    {"AULA_DEBUG", "AULA_COURSE_DIR", "AULA_CACHE_DIR", "AULA_SETTINGS_JSON"}
)
OTHER_PREFIXES = ("AULA_TEST_",)
SECRET_FIELDS = frozenset(
    {"secret_key", "llm_api_key", "previous_secret_keys", "oidc_providers", "lrs_password"}
)


@dataclass(frozen=True)
class OIDCProvider:
    """One OpenID Connect provider a school or company signs in with."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    label: str


def parse_providers(text: str) -> tuple[OIDCProvider, ...]:
    """The ``oidc_providers`` setting; ValueError says what is wrong with it."""
    try:
        data = json.loads(text)
    except ValueError:
        raise ValueError("'oidc_providers' must be a JSON list of providers") from None
    if not isinstance(data, list):
        raise ValueError("'oidc_providers' must be a JSON list of providers")
    out = []
    for item in data:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item.get(k) for k in ("name", "issuer", "client_id")
        ):
            raise ValueError("each OIDC provider needs a name, an issuer and a client_id")
        name = item["name"]
        if not name.isascii() or not name.replace("-", "").isalnum() or len(name) > 40:
            raise ValueError(f"OIDC provider name '{name[:40]}': letters, digits and - only")
        if not item["issuer"].startswith(("https://", "http://")):
            raise ValueError(f"OIDC provider '{name}': the issuer must be an http(s) URL")
        out.append(
            OIDCProvider(
                name=name,
                issuer=item["issuer"].rstrip("/"),
                client_id=item["client_id"],
                client_secret=str(item.get("client_secret") or ""),
                label=str(item.get("label") or name),
            )
        )
    if len({p.name for p in out}) != len(out):
        raise ValueError("two OIDC providers have the same name")
    return tuple(out)


class Settings(BaseSettings):
    """Aula's settings. Build with ``load_settings``; ``Settings()`` gives the defaults."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="forbid", validate_default=True
    )

    host: str = Field("127.0.0.1", description="interface to listen on")
    port: int = Field(8000, description="port to listen on", gt=0, lt=65536)
    database_url: str | None = Field(
        None,
        description="database: a SQLite file or postgresql://... URL "
        "(default: aula.db in data_dir)",
    )
    course: Path | None = Field(
        None, description="course folder to serve (default: the built-in course)"
    )
    data_dir: Path | None = Field(
        None,
        description="folder for the default database and the secret key "
        "(default: ~/.local/share/aula)",
    )
    secret_key: str | None = Field(
        None, description="key that signs learner cookies (default: made once and kept in data_dir)"
    )
    secret_key_file: Path | None = Field(
        None,
        description="file holding the cookie key, for several servers sharing one key "
        "(a mounted secret); used when secret_key is not set",
    )
    cookie_secure: bool = Field(
        False, description="send cookies over HTTPS only (turn on behind TLS)"
    )
    workers: int = Field(
        1,
        description="server processes: keep 1 on SQLite (one writer per database); "
        "more need PostgreSQL to pay off",
        ge=1,
    )
    page_cache_seconds: float = Field(
        5.0,
        description="keep each learner's rendered pages this long unless they write (0: off); "
        "used only with SQLite and one worker, where this process sees every write",
        ge=0,
        le=3600,
    )
    connections: int = Field(
        4096,
        description="client connections each server process holds open at once, idle "
        "keep-alive ones included (granian's backpressure); more wait unaccepted",
        ge=16,
        le=65_536,
    )
    db_pool_size: int = Field(
        10,
        description="PostgreSQL connections per server process (workers x this must stay "
        "below the server's max_connections)",
        ge=1,
        le=1000,
    )
    embeddings: Literal["auto", "on", "off"] = Field(
        "auto", description="instructor embeddings: auto (when installed), on or off"
    )
    llm_url: str | None = Field(
        None, description="OpenAI-compatible chat endpoint for the instructor (off when empty)"
    )
    llm_model: str | None = Field(None, description="model name sent to llm_url")
    llm_api_key: str | None = Field(None, description="API key sent to llm_url")
    llm_timeout: float = Field(
        20.0,
        description="seconds to wait for llm_url before answering offline",
        gt=0,
        le=600,
    )
    llm_own_hosts: str | None = Field(
        None,
        description="comma-separated hosts that count as this machine besides loopback "
        "(e.g. your own GPU box): questions sent there are shown as not leaving it",
    )
    upload_limit_mb: int = Field(
        64, description="largest upload the weights lab reads, in MB", gt=0
    )
    resume_hours: int = Field(
        24,
        description="hours a resume code (progress to another browser) stays valid",
        ge=1,
        le=720,
    )
    daily_goal: int = Field(
        5, description="answers or reviews a day that meet a learner's daily goal", ge=1, le=100
    )
    body_limit_kb: int = Field(
        64, description="largest request body (JSON or form) anywhere but uploads, in KiB", gt=0
    )
    weights_header_kb: int = Field(
        4096,
        description="largest safetensors header the weights lab parses for the web, in KiB "
        "(real ones are under 2 MiB)",
        gt=0,
        le=100_000,
    )
    weights_max_tensors: int = Field(
        50_000,
        description="most tensors a header may list in the web's weights lab "
        "(an SDXL checkpoint has about 2,500)",
        gt=0,
    )
    cookie_max_age_days: int = Field(
        365,
        description="days a learner cookie stays valid; the server checks its signed time",
        gt=0,
        le=3650,
    )
    previous_secret_keys: str | None = Field(
        None,
        description="comma-separated older cookie keys still accepted (rotation: set the new "
        "secret_key, move the old one here, remove it after cookie_max_age_days)",
    )
    trusted_proxies: str | None = Field(
        None,
        description="comma-separated proxy addresses or networks (127.0.0.1, 10.0.0.0/8) "
        "whose X-Forwarded-Proto: https marks cookies Secure; others' are ignored",
    )
    request_log: Literal["json", "off"] = Field(
        "json",
        description="one JSON line per request on standard error (request id, route, status, "
        "time), or off",
    )
    facts_max_age_days: int = Field(
        180,
        description="aula check warns about course facts (prices, models) last checked "
        "longer ago than this, in days",
        gt=0,
    )

    public_url: str | None = Field(
        None,
        description="the address learners and other systems reach this server at "
        "(https://aula.example.org); names the course's xAPI activities and LTI endpoints "
        "(default: http://HOST:PORT)",
    )
    lrs_url: str | None = Field(
        None,
        description="xAPI endpoint of a Learning Record Store (https://lrs.example.org/xAPI/): "
        "statements are queued with each answer and sent in the background (off when empty)",
    )
    lrs_username: str | None = Field(None, description="Basic-auth user for lrs_url")
    lrs_password: str | None = Field(None, description="Basic-auth password for lrs_url")
    outbox_retry_max_seconds: int = Field(
        600,
        description="longest wait between two attempts to deliver a statement or a score "
        "(the wait doubles from 1 s up to this)",
        ge=1,
        le=86_400,
    )
    access: Literal["open", "signed-in", "invitation"] = Field(
        "open",
        description="who may learn: open (anonymous learners, the default), signed-in "
        "(an account needed; single sign-on creates one) or invitation (only accounts an "
        "admin made)",
    )
    session_hours: int = Field(
        12, description="hours a sign-in lasts before signing in again", ge=1, le=24 * 90
    )
    login_max_failures: int = Field(
        5,
        description="wrong passwords per account, and per address, before sign-in pauses "
        "for login_window_minutes",
        ge=1,
        le=1000,
    )
    login_window_minutes: int = Field(
        15, description="minutes over which wrong passwords are counted", ge=1, le=24 * 60
    )
    link_hours: int = Field(
        72, description="hours a one-time sign-in (password) link stays valid", ge=1, le=720
    )
    erase_keeps_answers: bool = Field(
        True,
        description="when a learner deletes their account, keep their answers as anonymous "
        "statistics (on) or erase them too (off)",
    )
    class_questions: Literal["anonymous", "named", "off"] = Field(
        "anonymous",
        description="what a teacher sees of the questions their cohort asked the instructor: "
        "anonymous (the questions, no names), named, or off",
    )
    oidc_providers: str | None = Field(
        None,
        description="single sign-on: a JSON list of OpenID Connect providers, each "
        '{"name", "issuer", "client_id", "client_secret", "label"} (e.g. a Keycloak realm, '
        "Entra ID, Google Workspace); redirect URI: /auth/NAME/callback",
    )
    stuck_days: int = Field(
        7, description="days without activity after which an unfinished learner is stuck", ge=1
    )
    stuck_wrong: int = Field(
        3,
        description="wrong tries at questions never answered right that mark a learner stuck",
        ge=1,
    )

    @field_validator("course", "data_dir", "secret_key_file", mode="after")
    @classmethod
    def _expand_user(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        # ``AULA_LLM_URL=`` means "not set", as it would in a shell script.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("trusted_proxies", mode="after")
    @classmethod
    def _networks(cls, value: str | None) -> str | None:
        for item in (value or "").split(","):
            if item.strip():
                try:
                    ipaddress.ip_network(item.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"'{item.strip()}' is not an IP address or network") from None
        return value

    @field_validator("oidc_providers", mode="after")
    @classmethod
    def _providers(cls, value: str | None) -> str | None:
        if value is not None:
            parse_providers(value)  # ValueError names what is wrong
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.llm_url and not self.llm_model:
            raise ValueError("'llm_model' is required when llm_url is set (AULA_LLM_MODEL)")
        if self.llm_url and not self.llm_url.startswith(("http://", "https://")):
            raise ValueError("'llm_url' must start with http:// or https://")
        for name in ("lrs_url", "public_url"):
            value = getattr(self, name)
            if value and not value.startswith(("http://", "https://")):
                raise ValueError(f"'{name}' must start with http:// or https://")
        return self

    def base_url(self) -> str:
        """``public_url`` without its trailing slash, or this server's own address."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Overrides, then the environment given to ``load_settings``; no .env or secrets dir.
        return (init_settings, _Environment(settings_cls, _ENVIRON.get("value", {})))

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

    def oidc(self) -> tuple[OIDCProvider, ...]:
        """The single sign-on providers (none by default)."""
        return parse_providers(self.oidc_providers) if self.oidc_providers else ()

    def public(self) -> dict[str, Any]:
        """Settings safe to show: secrets masked."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name in SECRET_FIELDS and value:
                value = "********"
            out[name] = str(value) if isinstance(value, Path) else value
        return out


# The environment ``load_settings`` was given, for the one source that reads it. Settings are
# loaded at start in one thread, so a module-level slot is enough.
_ENVIRON: dict[str, Mapping[str, str]] = {}


class _Environment(EnvSettingsSource):
    """``AULA_*`` variables from a given mapping, not ``os.environ`` (tests pass their own)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._given = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {key.lower(): value for key, value in self._given.items()}


def describe() -> list[tuple[str, str, str]]:
    """(name, default, help) of every setting, for ``aula serve --help-settings``."""
    return [
        (name, repr(info.default), info.description or "")
        for name, info in Settings.model_fields.items()
    ]


def _check_names(overrides: Mapping[str, str], environ: Mapping[str, str]) -> None:
    known = Settings.model_fields
    for key in environ:
        if not key.startswith(ENV_PREFIX) or key in OTHER_VARIABLES:
            continue
        if key.startswith(OTHER_PREFIXES):
            continue
        name = key[len(ENV_PREFIX) :].lower()
        if name not in known:
            hint = did_you_mean(name, known)
            env_hint = f"; did you mean AULA_{hint.split(chr(39))[1].upper()}?" if hint else ""
            raise SettingsError(f"unknown setting in environment variable {key}{env_hint}")
    for name in overrides:
        if name not in known:
            raise SettingsError(f"unknown setting '{name}'{did_you_mean(name, known)}")


def _message(error: ValidationError, overrides: Mapping[str, str]) -> str:
    first = error.errors()[0]
    loc = first.get("loc") or ()
    name = str(loc[0]) if loc else ""
    if not name:  # a rule about several settings
        return f"setting {first['msg'].removeprefix('Value error, ')}"
    raw = first.get("input")
    field: FieldInfo = Settings.model_fields[name]
    kind = {int: "int", float: "float", bool: "bool"}.get(
        field.annotation if isinstance(field.annotation, type) else str, ""
    )
    if first["type"] in {"int_parsing", "float_parsing", "bool_parsing"} and kind:
        return f"setting '{name}': '{raw}' is not a valid {kind}"
    if first["type"] == "literal_error":
        return f"setting '{name}': '{raw}' must be {first['msg'].removeprefix('Input should be ')}"
    return f"setting '{name}': {first['msg']} (got '{raw}')"


def load_settings(
    overrides: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from explicit overrides, then ``AULA_*`` variables, then defaults.

    ``environ`` defaults to no variables at all (pass ``os.environ`` to read the process's)."""
    overrides = dict(overrides or {})
    environ = {} if environ is None else environ
    _check_names(overrides, environ)
    _ENVIRON["value"] = environ
    try:
        return Settings.model_validate(overrides)
    except ValidationError as exc:
        raise SettingsError(_message(exc, overrides)) from None
    finally:
        _ENVIRON.pop("value", None)


def from_process(overrides: Mapping[str, str] | None = None) -> Settings:
    """Settings for a command run from the shell: overrides, then this process's variables."""
    return load_settings(overrides, os.environ)
