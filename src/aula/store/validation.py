"""Argument checks: bad input raises ``ValueError`` with a message the web layer can show (4xx).

Checking here, before any SQL, keeps both engines equally strict: SQLite would otherwise
accept a 10 kB id or a string where an integer belongs, while PostgreSQL would refuse it.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, datetime

from .records import ItemKind
from .schema import ID_LENGTH

ITEM_KINDS: tuple[ItemKind, ...] = ("term", "node")
RATINGS = range(1, 5)  # fsrs Rating: Again, Hard, Good, Easy
MAX_CHOICES = 64
MAX_CARD_JSON = 64 * 1024


def check_id(name: str, value: object) -> str:
    """An id: a non-empty string of at most ``ID_LENGTH`` printable, non-space characters."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} is empty")
    if len(value) > ID_LENGTH:
        raise ValueError(f"{name} is longer than {ID_LENGTH} characters")
    # isprintable() also rejects NUL, which PostgreSQL cannot store in text.
    if not value.isprintable() or any(c.isspace() for c in value):
        raise ValueError(f"{name} contains spaces or control characters: {value!r}")
    return value


def check_choice_ids(value: object) -> tuple[str, ...]:
    """The chosen ids, sorted: at least one, none repeated."""
    # A bare string is a Sequence[str] too; taking it as its letters would be a silent bug.
    if isinstance(value, str | bytes) or not isinstance(value, Collection):
        raise ValueError("choice_ids must be a list of choice ids")
    ids = [check_id("choice id", v) for v in value]
    if not ids:
        raise ValueError("choice_ids is empty: an answer needs at least one choice")
    if len(ids) > MAX_CHOICES:
        raise ValueError(f"choice_ids has more than {MAX_CHOICES} choices")
    if len(set(ids)) != len(ids):
        raise ValueError("choice_ids repeats a choice")
    return tuple(sorted(ids))


def check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def check_int(name: str, value: object, allowed: range) -> int:
    # bool is an int subclass; True as a slide number is a caller's mistake.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, not {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be between {allowed.start} and {allowed.stop - 1}")
    return value


def check_slide_number(value: object) -> int:
    """Slides are numbered from 1, as the player shows them (``1 / 7``)."""
    return check_int("slide_number", value, range(1, 2**31))


def check_rating(value: object) -> int:
    return check_int("rating", value, RATINGS)


def check_item_kind(value: object) -> ItemKind:
    if value not in ITEM_KINDS:
        raise ValueError(f"item_kind must be 'term' or 'node', not {value!r}")
    return value


def check_instant(name: str, value: object) -> datetime:
    """A timezone-aware ``datetime``, returned in UTC."""
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} has no time zone; pass an aware datetime (e.g. tzinfo=UTC)")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{name} is out of range: {value.isoformat()}") from None


def instant_or_now(name: str, value: object | None) -> datetime:
    return datetime.now(UTC) if value is None else check_instant(name, value)


def check_card_json(value: object) -> str:
    """The scheduler's card as JSON text, kept verbatim; it must at least parse as an object."""
    if not isinstance(value, str):
        raise ValueError(f"card_json must be a string, not {type(value).__name__}")
    if len(value) > MAX_CARD_JSON:
        raise ValueError(f"card_json is longer than {MAX_CARD_JSON} characters")
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(f"card_json is not JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ValueError("card_json must be a JSON object")
    return value
