"""``Store``: the one object through which Aula reads and writes learners' data.

Methods are synchronous and thread-safe; the web layer calls them from a thread pool.
Every write is atomic and committed (and on SQLite fsynced) before the method returns; writes
arriving together share one transaction and one commit (group commit, see ``writer.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from . import (
    answers,
    cohorts,
    learners,
    lti,
    outbox,
    progress,
    resume,
    reviews,
    snapshots,
    synckeys,
    turns,
)
from .account_store import AccountStore
from .engine import Synchronous, create_engine, display_url, normalize_url
from .generations import Generations
from .migration import stored_revision, upgrade, written_head
from .records import (
    AnswerRecord,
    ItemKind,
    LessonRecords,
    LtiLink,
    LtiPlatform,
    NewCard,
    OutboxItem,
    OutboxKind,
    OutboxRecord,
    ReviewCardRecord,
    ReviewLogRecord,
    SlideViewRecord,
    SnapshotRecord,
)
from .validation import (
    check_bool,
    check_card_json,
    check_choice_ids,
    check_id,
    check_instant,
    check_int,
    check_item_kind,
    check_rating,
    check_slide_number,
    instant_or_now,
)
from .writer import StoreClosedError, Writer, WriterStats

T = TypeVar("T")


def _sync_key(key: str | None) -> str | None:
    """An idempotency key from a browser's offline queue: 8 to 64 letters, digits or '-'."""
    if key is None:
        return None
    if (
        not isinstance(key, str)
        or not 8 <= len(key) <= 64
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in key)
    ):
        raise ValueError("sync_key must be 8 to 64 ASCII letters, digits or '-'")
    return key


class StoreUnavailable(Exception):
    """The database cannot be reached or written now (server down, file read-only, disk
    full). Nothing of the call was stored; the same call may succeed later. The web answers
    503."""


# What a database that is down, read-only or full raises; anything else is a bug to see.
_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError)


@contextmanager
def _available(what: str) -> Iterator[None]:
    try:
        yield
    except _UNAVAILABLE as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        raise StoreUnavailable(f"the database cannot be {what} now ({reason})") from error


class Store:
    """Learners' progress, answers and review schedules, in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        """Wrap an engine whose database is already migrated; use ``Store.open`` instead."""
        self._engine = engine
        # Datasette's habit, one writer: a thread that commits the writes arriving together
        # in one transaction (one fsync). SQLite allows a single writer anyway; PostgreSQL
        # gains the same, and still locks per learner against other servers.
        self._writer = Writer(engine)
        self.generations = Generations()

    @classmethod
    def open(cls, url: str, *, synchronous: Synchronous = "FULL", pool_size: int = 10) -> Store:
        """Open (and migrate to the newest schema) a SQLite file path, ``sqlite:///…`` or
        ``postgresql://…`` URL. ``synchronous`` is for SQLite only; ``NORMAL`` may lose the
        last answers on power loss and exists for benchmarks. ``pool_size`` is the most
        PostgreSQL connections this process opens."""
        engine = create_engine(normalize_url(url), synchronous=synchronous, pool_size=pool_size)
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def accounts(self) -> AccountStore:
        """Users, sessions, one-time links, cohorts and the audit log (``account_store``)."""
        return AccountStore(self)

    @property
    def url(self) -> str:
        """The database URL for display, password masked."""
        return display_url(self._engine.url)

    @property
    def engine_name(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or ``None`` on PostgreSQL."""
        database = self._engine.url.database
        return Path(database) if self.engine_name == "sqlite" and database else None

    @property
    def writer_stats(self) -> WriterStats:
        """A copy of what group commit has done so far: writes, commits, the largest batch."""
        return replace(self._writer.stats)

    def observe_batches(self, observer: Callable[[int], None] | None) -> None:
        """Have ``observer`` called with the size of every group-commit batch (metrics); it
        runs on the writer thread and must be quick and never raise."""
        self._writer.on_batch = observer

    def schema_revisions(self) -> tuple[str | None, str | None]:
        """(the revision the database is at, the newest this Aula knows): equal when the
        schema is at head. Reads the version table only; ``StoreUnavailable`` when the
        database cannot be reached."""
        with self._reading() as connection:
            return stored_revision(connection), written_head()

    def close(self) -> None:
        """Finish the writes already queued, stop the writer, release the connections.
        Using the store afterwards raises ``StoreClosedError``."""
        self._writer.close()
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def _write(self, work: Callable[[Connection], T], learner: str | tuple[()] | None) -> T:
        """Run ``work`` in a write transaction on the writer thread; its result once durable.
        ``work`` may run twice (only one run commits) and must only use its connection.
        ``learner``: whose data it changes (None: anyone's; ``()``: nothing a learner sees, such
        as the delivery queue), for ``generations``."""
        # The writer raises the database's error to each caller whose write was not committed
        # (nothing is acknowledged unless written): a database that is away becomes a 503.
        try:
            with _available("written"):
                return self._writer.run(work)
        finally:  # after the commit (or the failure): what was read before it may be stale
            self.generations.moved((learner,) if isinstance(learner, str) else learner)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        if self._writer.closed:
            raise StoreClosedError("the store is closed; open it again to read")
        with _available("read"), self._engine.connect() as connection, connection.begin():
            yield connection

    # Learners

    def ensure_learner(self, learner_id: str) -> None:
        """Create the learner if new. Writes do this themselves; this is for sign-up."""
        learner_id = check_id("learner_id", learner_id)
        now = instant_or_now("at", None)
        self._write(lambda connection: learners.claim(connection, learner_id, now), learner_id)

    def reset_learner(self, learner_id: str) -> bool:
        """Erase everything stored about the learner; ``False`` if there was nothing."""
        learner_id = check_id("learner_id", learner_id)
        return self._write(lambda connection: learners.erase(connection, learner_id), learner_id)

    # The instructor's conversation

    def record_turn(
        self,
        learner_id: str,
        question: str,
        answer: str,
        at: datetime | None = None,
        refused: bool | None = None,
        messages: Sequence[OutboxItem] = (),
    ) -> None:
        """Keep the question and its answer; only the learner's last 3 turns are kept. NUL
        characters, which PostgreSQL text cannot hold, are dropped on both engines. With
        ``refused`` given, the question is also kept for the class's dashboard (and whether
        the instructor refused it), in the same transaction."""
        learner_id = check_id("learner_id", learner_id)
        question = question.replace("\x00", "")[:2000]
        answer = answer.replace("\x00", "")[:4000]
        when = instant_or_now("at", at)

        def work(connection: Connection) -> None:
            learners.claim(connection, learner_id, when)
            turns.record(connection, learner_id, question, answer, when)
            if refused is not None:
                cohorts.record_question(connection, learner_id, question, refused, when)
            outbox.add(connection, messages, when)

        self._write(work, learner_id)

    def recent_turns(self, learner_id: str) -> list[turns.TurnRecord]:
        """The learner's last (up to 3) questions to the instructor, oldest first."""
        learner_id = check_id("learner_id", learner_id)
        with self._reading() as connection:
            return turns.recent(connection, learner_id)

    # Progress

    def record_slide_view(
        self,
        learner_id: str,
        lesson_id: str,
        slide_id: str,
        slide_number: int,
        at: datetime | None = None,
        cards: Sequence[NewCard] = (),
        sync_key: str | None = None,
        messages: Sequence[OutboxItem] = (),
    ) -> None:
        """Mark the slide seen and make it the learner's current slide in the lesson; create
        the review ``cards`` the learner does not have yet and queue ``messages``, in the same
        transaction. ``sync_key``: the view was queued offline under this key; applied once
        (``AlreadySynced``, nothing written, if it was before)."""
        learner_id = check_id("learner_id", learner_id)
        lesson_id = check_id("lesson_id", lesson_id)
        slide_id = check_id("slide_id", slide_id)
        slide_number = check_slide_number(slide_number)
        when = instant_or_now("at", at)
        key = _sync_key(sync_key)

        def work(connection: Connection) -> None:
            learners.claim(connection, learner_id, when)
            if key is not None:
                synckeys.check(connection, learner_id, key)
            progress.record_view(connection, learner_id, lesson_id, slide_id, slide_number, when)
            reviews.create_missing(connection, learner_id, cards)
            if key is not None:
                synckeys.save(connection, learner_id, key, "view", when)
            outbox.add(connection, messages, when)

        self._write(work, learner_id)

    def position(self, learner_id: str, lesson_id: str) -> int | None:
        """The number of the slide the learner was last on in the lesson, if any."""
        learner_id = check_id("learner_id", learner_id)
        lesson_id = check_id("lesson_id", lesson_id)
        with self._reading() as connection:
            return progress.position(connection, learner_id, lesson_id)

    def slides_seen(self, learner_id: str, lesson_id: str) -> frozenset[str]:
        return frozenset(view.slide_id for view in self.slide_views(learner_id, lesson_id))

    def slide_views(self, learner_id: str, lesson_id: str) -> list[SlideViewRecord]:
        """The slides seen in the lesson with when, in the order first seen."""
        learner_id = check_id("learner_id", learner_id)
        lesson_id = check_id("lesson_id", lesson_id)
        with self._reading() as connection:
            return progress.views(connection, learner_id, lesson_id)

    # Answers

    def record_answer(
        self,
        learner_id: str,
        lesson_id: str,
        node_id: str,
        question_id: str,
        choice_ids: Collection[str],
        correct: bool,
        at: datetime | None = None,
        cards: Sequence[NewCard] = (),
        snapshot: SnapshotRecord | None = None,
        snapshot_first_try: bool = True,
        sync_key: str | None = None,
        messages: Sequence[OutboxItem] = (),
    ) -> AnswerRecord:
        """Store the answer as the next attempt at the question, with the review ``cards`` the
        learner does not have yet, in one transaction; durable when this returns.

        ``snapshot`` is the learner's lesson state with this answer folded in, computed by the
        caller assuming the answer is (or is not) a first try: it is kept, through this
        answer's id, when that held and it folds in every answer up to this one.
        ``messages`` (xAPI statements, scores for a platform) join the outbox in the same
        transaction: queued exactly when the answer is stored.
        ``sync_key``: the answer was queued offline under this key; it is stored once
        (``AlreadySynced``, nothing written, if it was before)."""
        learner_id = check_id("learner_id", learner_id)
        lesson_id = check_id("lesson_id", lesson_id)
        node_id = check_id("node_id", node_id)
        question_id = check_id("question_id", question_id)
        chosen = check_choice_ids(choice_ids)
        correct = check_bool("correct", correct)
        when = instant_or_now("at", at)
        key = _sync_key(sync_key)

        def work(connection: Connection) -> AnswerRecord:
            learners.claim(connection, learner_id, when)
            if key is not None:
                synckeys.check(connection, learner_id, key)
            record = answers.record(
                connection, learner_id, lesson_id, node_id, question_id, chosen, correct, when
            )
            if key is not None:
                synckeys.save(connection, learner_id, key, "answer", when, record.id)
            reviews.create_missing(connection, learner_id, cards)
            outbox.add(connection, messages, when)
            if snapshot is not None and (record.attempt <= 1) == snapshot_first_try:
                through = replace(snapshot, through_answer_id=record.id)
                snapshots.save(connection, learner_id, lesson_id, through, when)
            return record

        return self._write(work, learner_id)

    def answers(self, learner_id: str, lesson_id: str | None = None) -> list[AnswerRecord]:
        """The learner's answers, in one lesson or all, oldest first."""
        learner_id = check_id("learner_id", learner_id)
        if lesson_id is not None:
            lesson_id = check_id("lesson_id", lesson_id)
        with self._reading() as connection:
            return answers.listing(connection, learner_id, lesson_id)

    def answer(self, learner_id: str, answer_id: int) -> AnswerRecord | None:
        """One of the learner's answers by its id (another learner's is None)."""
        learner_id = check_id("learner_id", learner_id)
        answer_id = check_int("answer_id", answer_id, range(1, 2**63))
        with self._reading() as connection:
            return answers.one(connection, learner_id, answer_id)

    def lesson_records(
        self,
        learner_id: str,
        lesson_ids: Sequence[str],
        version: str,
        answer_id: int | None = None,
    ) -> dict[str, LessonRecords]:
        """Per lesson: the learner's snapshot (if made for ``version``), the answers after it,
        the slides seen and the current slide; and, if asked for, one answer by id. One
        transaction and four queries, however many lessons: one consistent view."""
        learner_id = check_id("learner_id", learner_id)
        lesson_ids = [check_id("lesson_id", lesson_id) for lesson_id in lesson_ids]
        with self._reading() as connection:
            wanted = answers.one(connection, learner_id, answer_id) if answer_id else None
            found = snapshots.read_all(connection, learner_id)
            kept = {k: v for k, v in found.items() if v.version == version}
            since = {i: kept[i].through_answer_id if i in kept else 0 for i in lesson_ids}
            recent = answers.after(connection, learner_id, since)
            views = progress.all_views(connection, learner_id)
            where = progress.positions_of(connection, learner_id)
        out: dict[str, LessonRecords] = {}
        for lesson_id in lesson_ids:
            snapshot = kept.get(lesson_id)
            through = snapshot.through_answer_id if snapshot else 0
            out[lesson_id] = LessonRecords(
                snapshot=snapshot,
                answers=[a for a in recent if a.lesson_id == lesson_id and a.id > through],
                views=[v for v in views if v.lesson_id == lesson_id],
                position=where.get(lesson_id),
                answer=wanted if wanted is not None and wanted.lesson_id == lesson_id else None,
            )
        return out

    def save_snapshot(self, learner_id: str, lesson_id: str, snapshot: SnapshotRecord) -> None:
        """Keep the learner's replayed state (a cache: losing it loses nothing)."""
        learner_id = check_id("learner_id", learner_id)
        lesson_id = check_id("lesson_id", lesson_id)
        now = instant_or_now("at", None)

        def work(connection: Connection) -> None:
            if learners.lock(connection, learner_id):  # never creates a learner
                snapshots.save(connection, learner_id, lesson_id, snapshot, now)

        self._write(work, learner_id)

    # Reviews

    def rate_card(
        self,
        learner_id: str,
        item_kind: ItemKind,
        item_id: str,
        rating: int,
        reschedule: Callable[[str], tuple[str, datetime]],
        at: datetime | None = None,
        sync_key: str | None = None,
    ) -> ReviewCardRecord | None:
        """Reschedule the learner's card with ``reschedule(card_json) -> (card_json, due)``
        and log the review, in one transaction; None (and nothing written) without a card.
        ``sync_key``: the review was queued offline under this key; applied once
        (``AlreadySynced``, nothing written, if it was before)."""
        learner_id = check_id("learner_id", learner_id)
        item_kind = check_item_kind(item_kind)
        item_id = check_id("item_id", item_id)
        rating = check_rating(rating)
        when = instant_or_now("at", at)
        key = _sync_key(sync_key)

        def work(connection: Connection) -> ReviewCardRecord | None:
            if not learners.lock(connection, learner_id):
                return None
            if key is not None:
                synckeys.check(connection, learner_id, key)
            card = reviews.card(connection, learner_id, item_kind, item_id)
            if card is None:
                return None
            card_json, due = reschedule(card.card_json)  # on the writer thread: keep it pure
            card_json = check_card_json(card_json)
            due = check_instant("due", due)
            reviews.save(connection, learner_id, item_kind, item_id, card_json, due)
            reviews.log(connection, learner_id, item_kind, item_id, rating, when)
            if key is not None:
                synckeys.save(connection, learner_id, key, "review", when)
            return ReviewCardRecord(learner_id, item_kind, item_id, card_json, due)

        return self._write(work, learner_id)

    def review_card(
        self, learner_id: str, item_kind: ItemKind, item_id: str
    ) -> ReviewCardRecord | None:
        learner_id = check_id("learner_id", learner_id)
        item_kind = check_item_kind(item_kind)
        item_id = check_id("item_id", item_id)
        with self._reading() as connection:
            return reviews.card(connection, learner_id, item_kind, item_id)

    def save_review_card(
        self, learner_id: str, item_kind: ItemKind, item_id: str, card_json: str, due: datetime
    ) -> None:
        """Create or replace the learner's card for the item."""
        learner_id = check_id("learner_id", learner_id)
        item_kind = check_item_kind(item_kind)
        item_id = check_id("item_id", item_id)
        card_json = check_card_json(card_json)
        due = check_instant("due", due)
        now = instant_or_now("at", None)

        def work(connection: Connection) -> None:
            learners.claim(connection, learner_id, now)
            reviews.save(connection, learner_id, item_kind, item_id, card_json, due)

        self._write(work, learner_id)

    def due_reviews(
        self, learner_id: str, now: datetime, limit: int | None = None
    ) -> list[ReviewCardRecord]:
        """Cards due at ``now`` or before, most overdue first (at most ``limit``)."""
        learner_id = check_id("learner_id", learner_id)
        now = check_instant("now", now)
        if limit is not None:
            limit = check_int("limit", limit, range(1, 2**31))
        with self._reading() as connection:
            return reviews.due(connection, learner_id, now, limit)

    def review_cards(self, learner_id: str) -> list[ReviewCardRecord]:
        """All the learner's cards, soonest due first."""
        learner_id = check_id("learner_id", learner_id)
        with self._reading() as connection:
            return reviews.cards(connection, learner_id)

    def log_review(
        self,
        learner_id: str,
        item_kind: ItemKind,
        item_id: str,
        rating: int,
        at: datetime | None = None,
    ) -> None:
        """Record that the learner reviewed the item, rated 1 (Again) to 4 (Easy)."""
        learner_id = check_id("learner_id", learner_id)
        item_kind = check_item_kind(item_kind)
        item_id = check_id("item_id", item_id)
        rating = check_rating(rating)
        when = instant_or_now("at", at)

        def work(connection: Connection) -> None:
            learners.claim(connection, learner_id, when)
            reviews.log(connection, learner_id, item_kind, item_id, rating, when)

        self._write(work, learner_id)

    def review_logs(self, learner_id: str) -> list[ReviewLogRecord]:
        """The learner's reviews, oldest first."""
        learner_id = check_id("learner_id", learner_id)
        with self._reading() as connection:
            return reviews.logs(connection, learner_id)

    # Moving progress between browsers

    def issue_resume_token(
        self, learner_id: str, lifetime: timedelta, at: datetime | None = None
    ) -> str:
        """A single-use code that moves the learner's progress to another browser until
        ``lifetime`` has passed; an earlier unused code of theirs stops working."""
        learner_id = check_id("learner_id", learner_id)
        when = instant_or_now("at", at)
        if lifetime <= timedelta(0):
            raise ValueError("lifetime must be positive")

        def work(connection: Connection) -> str:
            learners.claim(connection, learner_id, when)
            return resume.issue(connection, learner_id, when, when + lifetime)

        return self._write(work, learner_id)

    def redeem_resume_token(self, token: str, receiver: str, at: datetime | None = None) -> str:
        """Move the progress the token was made for to ``receiver``; the old id is retired and
        returned. ``ResumeRefused`` (nothing changed) for a bad, used or expired token."""
        receiver = check_id("learner_id", receiver)
        when = instant_or_now("at", at)
        if not isinstance(token, str) or not 0 < len(token) <= 64:
            raise resume.ResumeRefused("unknown")
        # Moves another learner's rows (known only inside): every learner's reads may be stale.
        return self._write(
            lambda connection: resume.redeem(connection, token, receiver, when), None
        )

    def synced_count(self, learner_id: str) -> int:
        """How many writes the learner queued offline were applied (each key once)."""
        learner_id = check_id("learner_id", learner_id)
        with self._reading() as connection:
            return synckeys.applied(connection, learner_id)

    def is_retired(self, learner_id: str) -> bool:
        """Whether this id's progress moved to another browser."""
        learner_id = check_id("learner_id", learner_id)
        with self._reading() as connection:
            return resume.is_retired(connection, learner_id)

    def activity_times(self, learner_id: str) -> list[datetime]:
        """When the learner answered or reviewed anything, oldest first (for streaks)."""
        times = [a.answered_at for a in self.answers(learner_id)]
        times += [r.reviewed_at for r in self.review_logs(learner_id)]
        return sorted(times)

    # The outbox: messages for an LRS or an LTI platform, delivered in the background

    def enqueue(self, messages: Sequence[OutboxItem], at: datetime | None = None) -> None:
        """Queue messages on their own (those not tied to a learner's write)."""
        when = instant_or_now("at", at)
        items = list(messages)
        self._write(lambda connection: outbox.add(connection, items, when), ())

    def outbox_due(self, kind: OutboxKind, now: datetime, limit: int = 50) -> list[OutboxRecord]:
        """Undelivered messages of ``kind`` due for an attempt at ``now``, oldest first."""
        now = check_instant("now", now)
        limit = check_int("limit", limit, range(1, 10_001))
        with self._reading() as connection:
            return outbox.due(connection, kind, now, limit)

    def outbox_claim(
        self, kind: OutboxKind, now: datetime, limit: int = 50, lease: float = 120.0
    ) -> list[OutboxRecord]:
        """Take the messages of ``kind`` due at ``now`` for delivery: no other deliverer gets
        them for ``lease`` seconds (unless this one reports them failed or delivered)."""
        now = check_instant("now", now)
        limit = check_int("limit", limit, range(1, 10_001))
        until = now + timedelta(seconds=lease)
        return self._write(lambda connection: outbox.claim(connection, kind, now, limit, until), ())

    def outbox_pending(self) -> list[OutboxRecord]:
        """Every undelivered message, oldest first."""
        with self._reading() as connection:
            return outbox.pending(connection)

    def outbox_delivered(self, ids: Sequence[int], at: datetime | None = None) -> None:
        when = instant_or_now("at", at)
        done = list(ids)
        self._write(lambda connection: outbox.delivered(connection, done, when), ())

    def outbox_failed(self, ids: Sequence[int], error: str, retry_at: datetime) -> None:
        """Count a failed attempt and when to try again; the message stays queued."""
        retry_at = check_instant("retry_at", retry_at)
        failed = list(ids)
        self._write(lambda connection: outbox.failed(connection, failed, error, retry_at), ())

    # LTI 1.3

    def save_lti_platform(self, platform: LtiPlatform, at: datetime | None = None) -> None:
        """Register an LMS (or update its addresses and deployments)."""
        when = instant_or_now("at", at)
        self._write(lambda connection: lti.save_platform(connection, platform, when), ())

    def lti_platforms(self) -> list[LtiPlatform]:
        with self._reading() as connection:
            return lti.platforms(connection)

    def use_lti_nonce(self, nonce: str, at: datetime | None = None) -> bool:
        """Record a launch's nonce; ``False`` if it was used before (a replay)."""
        when = instant_or_now("at", at)
        if not isinstance(nonce, str) or not 0 < len(nonce) <= 255:
            raise ValueError("nonce must be 1 to 255 characters")
        return self._write(lambda connection: lti.use_nonce(connection, nonce, when), ())

    def save_lti_link(self, link: LtiLink, at: datetime | None = None) -> None:
        """Remember where the learner's score in the lesson goes (creates the learner)."""
        learner_id = check_id("learner_id", link.learner_id)
        check_id("lesson_id", link.lesson_id)
        when = instant_or_now("at", at)

        def work(connection: Connection) -> None:
            learners.claim(connection, learner_id, when)
            lti.save_link(connection, link, when)

        self._write(work, learner_id)

    def lti_links(self, learner_id: str, lesson_id: str) -> list[LtiLink]:
        learner_id = check_id("learner_id", learner_id)
        lesson_id = check_id("lesson_id", lesson_id)
        with self._reading() as connection:
            return lti.links(connection, learner_id, lesson_id)
