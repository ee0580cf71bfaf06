"""Small helpers shared by the store tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def new_learner() -> str:
    """A learner id no other example has used: hypothesis reuses one database per test."""
    return f"learner-{uuid.uuid4().hex}"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)
