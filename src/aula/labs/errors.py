"""Errors a learner can act on: each is one line, shown by the CLI (exit 1) or a web page (4xx)."""

from __future__ import annotations


class LabError(Exception):
    """A problem with the input, not a bug: the message says what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FormatError(LabError):
    """A file breaks the safetensors format; ``code`` names the rule, as the reference does."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{message} ({code})")
        self.code = code


class PickleRefused(LabError):
    """A pickle checkpoint, which Aula refuses to load; ``imports`` is what it would import."""

    def __init__(self, message: str, imports: tuple[str, ...]) -> None:
        super().__init__(message)
        self.imports = imports


class NotInCatalog(LabError):
    """A model, GPU or plan name the catalog does not know."""
