"""Lab inputs from a query string or form: each value parsed, each problem kept by field name.

A page shows the form again with every message next to its field; the JSON twin answers
``{"error": {"status": 422, "message": ..., "fields": {...}}}``. Empty means "not given".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aula.labs.errors import LabError
from aula.web.errors import InputError

FIELDS_MESSAGE = "Some values cannot be used: see each field."
MAX_TEXT = 200


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class FieldView:
    """One form control as the template draws it; every attribute is decided here."""

    name: str
    label: str
    kind: str  # select, number, text or checkbox
    value: str = ""
    options: tuple[Option, ...] = ()
    hint: str = ""
    error: str = ""
    min: str = ""
    max: str = ""
    step: str = ""
    placeholder: str = ""

    @property
    def checked(self) -> bool:
        return self.kind == "checkbox" and self.value not in ("", "0", "false", "off")

    @property
    def input_id(self) -> str:
        return f"f-{self.name}"

    @property
    def described_by(self) -> str:
        """The ids of the hint and the error, for ``aria-describedby``."""
        ids = [f"h-{self.name}"] if self.hint else []
        return " ".join([*ids, f"e-{self.name}"] if self.error else ids)


@dataclass(frozen=True)
class Group:
    """Fields drawn together in a fieldset with a legend."""

    legend: str
    fields: list[FieldView]


@dataclass
class Inputs:
    """Reads values one by one; a bad one is recorded under its name and gets a default."""

    values: Mapping[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def raw(self, name: str) -> str:
        return self.values.get(name, "").strip()[:MAX_TEXT]

    def text(self, name: str, default: str = "") -> str:
        return self.raw(name) or default

    def choice(self, name: str, options: Sequence[str], default: str) -> str:
        value = self.raw(name)
        if not value:
            return default
        if value not in options:
            self.errors[name] = f"Choose one of: {', '.join(options)}."
            return default
        return value

    def flag(self, name: str) -> bool:
        return self.raw(name).lower() in ("1", "true", "on", "yes")

    def number(
        self, name: str, low: float, high: float, what: str, *, text: str | None = None
    ) -> float | None:
        """A finite number in ``[low, high]``, or None when it is not given."""
        value = self.raw(name) if text is None else text
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            self.errors[name] = f"'{value}' is not a number: enter {what}."
            return None
        if not math.isfinite(number) or not low <= number <= high:
            self.errors[name] = f"Enter {what} from {low:g} to {high:g}."
            return None
        return number

    def integer(self, name: str, low: int, high: int, what: str) -> int | None:
        value = self.raw(name)
        if value and not value.lstrip("-").isdigit():
            self.errors[name] = f"'{value}' is not a whole number: enter {what}."
            return None
        number = self.number(name, low, high, what)
        return None if number is None else int(number)

    def fail(self, name: str | None, message: str) -> None:
        self.errors[name or "form"] = message

    def check(self) -> None:
        """422 with every problem found so far, if any."""
        if self.errors:
            raise InputError(FIELDS_MESSAGE, fields=dict(self.errors))


def error_summary(errors: Mapping[str, str], groups: Sequence[Group]) -> list[dict[str, str]]:
    """Each problem with a link to its field (by label), for the list above a form."""
    labels = {f.name: (f.input_id, f.label) for g in groups for f in g.fields}
    out = []
    for name, message in errors.items():
        href, label = labels.get(name, ("", ""))
        out.append({"href": f"#{href}" if href else "", "label": label, "message": message})
    return out


def lab_error(exc: LabError, name: str | None = None) -> InputError:
    """A lab's own message as a 422, attached to the field that caused it when known."""
    return InputError(exc.message, fields={name: exc.message} if name else None)
