"""Is this server fit to take requests? For load balancers and orchestrators (``/healthz``,
``/readyz``)."""

from __future__ import annotations

from dataclasses import dataclass

from aula.store import Store, StoreUnavailable


@dataclass(frozen=True, slots=True)
class Readiness:
    """``ready`` when the database answers and its schema is at the newest revision."""

    ready: bool
    reason: str
    revision: str | None = None
    head: str | None = None


def readiness(store: Store) -> Readiness:
    """Reads the schema's version (one query); never writes."""
    try:
        revision, head = store.schema_revisions()
    except StoreUnavailable as exc:
        return Readiness(False, str(exc))
    if head is None:
        return Readiness(False, "this Aula's migrations have no single newest revision", revision)
    if revision != head:
        return Readiness(
            False, f"the database schema is at {revision!r}, not {head!r}", revision, head
        )
    return Readiness(True, "database reachable, schema at the newest revision", revision, head)


def database_health(store: Store) -> Readiness:
    """``ready`` when the database answers one read (``/healthz``); never writes."""
    try:
        revision, head = store.schema_revisions()
    except StoreUnavailable as exc:
        return Readiness(False, str(exc))
    return Readiness(True, "database reachable", revision, head)
