"""Problems found in a course, each pointing at the file and line an author must fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in a course folder, printed as ``file:line: message``."""

    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return {
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "severity": self.severity,
        }


class CourseError(Exception):
    """Raised when a course cannot be loaded; carries every finding, not just the first."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = sorted(findings)
        super().__init__("\n".join(str(f) for f in self.findings))


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` hint for a near name, or an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def relative(path: Path, root: Path) -> str:
    """The path as an author sees it: relative to the course folder's parent when possible."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
