"""The background deliverer: sends the outbox (xAPI statements to the LRS, scores to LTI
platforms) with retry and backoff, on a thread of its own, so that an LRS that is down, slow
or answering garbage never slows a learner's request and loses nothing: a message leaves the
outbox only once the receiver has acknowledged it."""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aula.store import OutboxKind, OutboxRecord, Store

log = logging.getLogger("aula.delivery")

BATCH = 50


@dataclass(frozen=True)
class Sent:
    """What a sender made of a batch: ids acknowledged, and why the others were not."""

    delivered: tuple[int, ...]
    error: str | None = None


Sender = Callable[[Sequence[OutboxRecord]], Sent]


def backoff(attempts: int, longest: float) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 1, 2, 4 … up to
    ``longest``, with ±20% jitter so that many servers do not retry in step."""
    wait = min(longest, 2.0 ** max(0, attempts - 1))
    return float(wait * random.uniform(0.8, 1.2))  # noqa: S311 (not for secrets)


def deliver_once(
    store: Store,
    senders: Mapping[OutboxKind, Sender],
    longest: float,
    now: datetime | None = None,
) -> int:
    """One pass: send what is due of each kind, record the outcome; how many were delivered."""
    now = now or datetime.now(UTC)
    done = 0
    for kind, send in senders.items():
        # A read first: most passes find nothing, and a claim is a write transaction.
        if not store.outbox_due(kind, now, 1):
            continue
        due = store.outbox_claim(kind, now, BATCH)
        if not due:
            continue
        try:
            sent = send(due)
        except Exception as error:  # a sender's bug must not stop deliveries of other kinds
            log.exception("sending %s failed", kind)
            sent = Sent((), f"{type(error).__name__}: {error}")
        store.outbox_delivered(sent.delivered)
        done += len(sent.delivered)
        delivered = set(sent.delivered)
        failed = [record for record in due if record.id not in delivered]
        if failed:  # one write for the batch: the learners' writes share the same writer
            wait = backoff(max(r.attempts for r in failed) + 1, longest)
            retry_at = max(now, datetime.now(UTC)) + timedelta(seconds=wait)
            reason = sent.error or "not acknowledged"
            store.outbox_failed([r.id for r in failed], reason, retry_at)
        if sent.error:
            log.warning("%s delivery: %s (will retry)", kind, sent.error)
    return done


class Deliverer:
    """A daemon thread that calls ``deliver_once`` every ``interval`` seconds, or at once
    when ``wake`` is called."""

    def __init__(
        self,
        store: Store,
        senders: Mapping[OutboxKind, Sender],
        longest: float = 600.0,
        interval: float = 1.0,
    ) -> None:
        self._store = store
        self._senders = dict(senders)
        self._longest = longest
        self._interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="aula-deliverer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                deliver_once(self._store, self._senders, self._longest)
            except Exception:  # the database away: keep the thread, try again later
                log.exception("outbox delivery pass failed")
            self._wake.wait(self._interval)
            self._wake.clear()


def xapi_sender(
    url: str, username: str | None, password: str | None, timeout: float = 10.0
) -> Sender:
    """POST statements to ``url``/statements (xAPI 1.0.3) in one batch. A 200 whose body is
    the list of their ids acknowledges them; a 409 (some already stored: an earlier try that
    was acknowledged too late) sends them one by one with PUT, where 204 or 409 acknowledge.
    Anything else (an error, a 500, garbage) acknowledges nothing."""
    import httpx  # only a server with an LRS pays for importing it

    endpoint = url.rstrip("/") + "/statements"
    auth = httpx.BasicAuth(username or "", password or "") if username else None
    headers = {"X-Experience-API-Version": "1.0.3"}

    def send(records: Sequence[OutboxRecord]) -> Sent:
        statements = [json.loads(r.payload) for r in records]
        by_statement = {s["id"]: r.id for s, r in zip(statements, records, strict=True)}
        try:
            with httpx.Client(timeout=timeout, auth=auth, headers=headers) as client:
                response = client.post(endpoint, json=statements)
                if response.status_code == 409:
                    return _one_by_one(client, endpoint, statements, by_statement)
                if response.status_code != 200:
                    return Sent((), f"the LRS answered {response.status_code}")
                ids = _ids(response)
                if ids is None or set(ids) != set(by_statement):
                    return Sent((), "the LRS answered 200 without the statements' ids")
                return Sent(tuple(by_statement[i] for i in ids))
        except httpx.HTTPError as error:
            return Sent((), f"the LRS cannot be reached ({type(error).__name__}: {error})")

    return send


def _ids(response: Any) -> list[str] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, list) and all(isinstance(i, str) for i in body):
        return body
    return None


def _one_by_one(
    client: Any, endpoint: str, statements: list[dict[str, Any]], by_statement: dict[str, int]
) -> Sent:
    done: list[int] = []
    error = None
    for statement in statements:
        response = client.put(endpoint, params={"statementId": statement["id"]}, json=statement)
        if response.status_code in (204, 409):
            done.append(by_statement[statement["id"]])
        else:
            error = f"the LRS answered {response.status_code}"
    return Sent(tuple(done), error)
