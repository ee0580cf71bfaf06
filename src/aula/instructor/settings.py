"""What the instructor is configured to do: which model to ask, if any, and embeddings.

The values come from Aula's settings (``aula.settings``), where each is declared once with
its default, help and ``AULA_*`` variable, for ``aula serve`` and ``aula ask`` alike. The
defaults send nothing anywhere: without ``llm_url``, answers are quoted from the course.
"""

from __future__ import annotations

from dataclasses import dataclass

from aula.errors import SettingsError
from aula.instructor.generative import OpenAICompatibleBackend

__all__ = ["InstructorSettings", "SettingsError"]


@dataclass(frozen=True)
class InstructorSettings:
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 20.0
    own_hosts: tuple[str, ...] = ()
    embeddings: bool | None = None  # None: when installed

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
            raise SettingsError(f"setting 'llm_url': {exc}") from exc
