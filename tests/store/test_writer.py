"""Group commit: writes arriving together share a commit, each acked only once durable,
a failing write fails alone, and closing drains the queue."""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from aula.store import Store, StoreClosedError
from aula.store.engine import create_engine, normalize_url
from aula.store.learners import lock
from aula.store.migration import upgrade
from aula.store.schema import learners, review_logs
from aula.store.writer import Writer

from .helpers import T0

Job = Callable[[Connection], Any]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = create_engine(normalize_url(database_url))
    upgrade(made)
    yield made
    made.dispose()


@pytest.fixture
def writer(engine: Engine) -> Iterator[Writer]:
    made = Writer(engine)
    yield made
    made.close()


def add_learner(learner_id: str) -> Job:
    def work(connection: Connection) -> str:
        connection.execute(sa.insert(learners).values(id=learner_id, created_at=T0))
        return learner_id

    return work


def stored_learners(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(sa.select(learners.c.id)).scalars())


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@contextmanager
def held(writer: Writer) -> Iterator[Callable[[list[Job]], list[Future[Any]]]]:
    """Keep the writer busy on one job while the test queues others behind it, so that
    they are certain to arrive together; release it when the block ends."""
    started, release = threading.Event(), threading.Event()

    def gate(_connection: Connection) -> None:
        started.set()
        release.wait(10)

    pool = ThreadPoolExecutor(max_workers=64)
    first = pool.submit(writer.run, gate)
    started.wait(10)

    def queue(jobs: list[Job]) -> list[Future[Any]]:
        before = writer.pending()
        futures = [pool.submit(writer.run, job) for job in jobs]
        wait_until(lambda: writer.pending() == before + len(jobs))
        return futures

    try:
        yield queue
    finally:
        release.set()
        first.result(timeout=10)
        pool.shutdown(wait=False)  # the queued writes finish; tests wait on their futures


def test_writes_arriving_together_share_one_commit(writer: Writer, engine: Engine) -> None:
    with held(writer) as queue:
        futures = queue([add_learner(f"learner-{i}") for i in range(40)])

    assert [f.result(timeout=10) for f in futures] == [f"learner-{i}" for i in range(40)]
    assert stored_learners(engine) == {f"learner-{i}" for i in range(40)}
    assert writer.stats.jobs == 41
    assert writer.stats.commits == 2  # the held job alone, then the 40 together
    assert writer.stats.largest_batch == 40


def test_a_batch_is_at_most_max_batch_jobs(engine: Engine) -> None:
    writer = Writer(engine, max_batch=8)
    try:
        with held(writer) as queue:
            futures = queue([add_learner(f"learner-{i}") for i in range(20)])
        assert len({f.result(timeout=10) for f in futures}) == 20
    finally:
        writer.close()
    assert writer.stats.largest_batch == 8
    assert writer.stats.commits == 1 + 3  # 8 + 8 + 4


def test_a_failing_write_fails_alone(writer: Writer, engine: Engine) -> None:
    def half_then_raise(connection: Connection) -> None:
        add_learner("half-written")(connection)
        raise ValueError("the job's own error")

    jobs = [add_learner(f"learner-{i}") for i in range(10)]
    jobs[3] = half_then_raise
    jobs[7] = add_learner("learner-0")  # a duplicate key: the database refuses it
    with held(writer) as queue:
        futures = queue(jobs)

    with pytest.raises(ValueError, match="the job's own error"):
        futures[3].result(timeout=10)
    with pytest.raises(sa.exc.IntegrityError):
        futures[7].result(timeout=10)
    good = [i for i in range(10) if i not in (3, 7)]
    assert [futures[i].result(timeout=10) for i in good] == [f"learner-{i}" for i in good]
    assert stored_learners(engine) == {f"learner-{i}" for i in good}  # nothing half-written
    assert writer.stats.retried_alone == 2


def test_a_full_disk_in_a_batch_loses_and_wrongly_acks_nothing(tmp_path: Path) -> None:
    # SQLite may roll back the whole transaction on SQLITE_FULL, taking the jobs before the
    # failing one with it: they must be redone, not acked as if committed.
    engine = create_engine(normalize_url(str(tmp_path / "full.db")))
    upgrade(engine)
    writer = Writer(engine)

    def fill_the_disk(connection: Connection) -> None:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        try:
            connection.exec_driver_sql("CREATE TABLE ballast (b BLOB)")
            connection.exec_driver_sql("INSERT INTO ballast VALUES (zeroblob(1000000))")
        finally:
            connection.exec_driver_sql("PRAGMA max_page_count = 1073741823")

    jobs = [add_learner(f"learner-{i}") for i in range(10)]
    jobs[5] = fill_the_disk
    try:
        with held(writer) as queue:
            futures = queue(jobs)
        with pytest.raises(sa.exc.OperationalError, match="full"):
            futures[5].result(timeout=10)
        good = {futures[i].result(timeout=10) for i in range(10) if i != 5}
        assert stored_learners(engine) == good == {f"learner-{i}" for i in range(10) if i != 5}
        assert writer.run(add_learner("afterwards")) == "afterwards"
    finally:
        writer.close()
        engine.dispose()


def test_a_write_that_ends_the_whole_transaction_has_the_batch_redone(
    writer: Writer, engine: Engine
) -> None:
    # What SQLite does on some I/O errors: the transaction is gone, with the jobs before.
    def end_everything(connection: Connection) -> None:
        connection.exec_driver_sql("ROLLBACK")
        raise OSError("disk I/O error")

    jobs = [add_learner(f"learner-{i}") for i in range(10)]
    jobs[5] = end_everything
    with held(writer) as queue:
        futures = queue(jobs)

    with pytest.raises(OSError, match="disk I/O error"):
        futures[5].result(timeout=10)
    good = {futures[i].result(timeout=10) for i in range(10) if i != 5}
    assert stored_learners(engine) == good == {f"learner-{i}" for i in range(10) if i != 5}
    assert writer.stats.retried_alone == 10  # all redone, one transaction each


def test_close_finishes_the_queued_writes_then_stops(writer: Writer, engine: Engine) -> None:
    closing = threading.Thread(target=writer.close)
    with held(writer) as queue:
        futures = queue([add_learner(f"learner-{i}") for i in range(10)])
        closing.start()
        wait_until(lambda: writer.closed)
        with pytest.raises(StoreClosedError, match="the store is closed"):
            writer.run(add_learner("too-late"))
    closing.join(10)

    assert not closing.is_alive()
    assert not writer.running
    assert {f.result(timeout=10) for f in futures} == {f"learner-{i}" for i in range(10)}
    assert stored_learners(engine) == {f"learner-{i}" for i in range(10)}
    with pytest.raises(StoreClosedError):
        writer.run(add_learner("later"))
    writer.close()  # a second close is harmless


def test_a_write_job_cannot_call_the_writer(writer: Writer) -> None:
    def reentrant(_connection: Connection) -> None:
        writer.run(add_learner("nested"))

    writer.run(add_learner("first"))  # starts the thread
    with pytest.raises(RuntimeError, match="wait on itself"):
        writer.run(reentrant)


def test_submit_answers_once_the_write_is_committed(writer: Writer, engine: Engine) -> None:
    with held(writer):
        future = writer.submit(add_learner("ana"))
        assert not future.done()  # queued behind the held write: not committed, not answered
    assert future.result(timeout=10) == "ana"
    assert stored_learners(engine) == {"ana"}


def test_a_write_cancelled_before_its_turn_is_not_made(writer: Writer, engine: Engine) -> None:
    with held(writer):
        dropped = writer.submit(add_learner("never"))
        kept = writer.submit(add_learner("ana"))
        assert dropped.cancel()
    assert kept.result(timeout=10) == "ana"
    assert stored_learners(engine) == {"ana"}


def test_a_job_raising_system_exit_does_not_stop_the_writer(writer: Writer) -> None:
    def leave(_connection: Connection) -> None:
        raise SystemExit(3)

    with pytest.raises(SystemExit):
        writer.run(leave)
    assert writer.run(add_learner("ana")) == "ana"


def test_the_thread_starts_on_the_first_write(writer: Writer) -> None:
    assert not writer.running
    writer.run(add_learner("ana"))
    assert writer.running


def test_many_threads_get_every_answer_acked_and_stored(store: Store) -> None:
    def answer(worker: int) -> list[int]:
        learner = f"learner-{worker % 8}"
        return [
            store.record_answer(learner, "lesson", "node", f"q{i % 3}", ["a"], i % 2 == 0).id
            for i in range(12)
        ]

    with ThreadPoolExecutor(max_workers=32) as pool:
        acked = [i for ids in pool.map(answer, range(32)) for i in ids]

    stored = [a for n in range(8) for a in store.answers(f"learner-{n}")]
    assert sorted(acked) == sorted(a.id for a in stored)
    assert len(acked) == 32 * 12
    for n in range(8):
        for question in ("q0", "q1", "q2"):
            attempts = sorted(
                a.attempt for a in store.answers(f"learner-{n}") if a.question_id == question
            )
            assert attempts == list(range(1, 4 * 4 + 1))


def test_a_closed_store_says_so(store: Store) -> None:
    store.record_answer("ana", "lesson", "node", "q", ["a"], True)
    store.close()

    with pytest.raises(StoreClosedError, match="the store is closed"):
        store.record_answer("ana", "lesson", "node", "q", ["a"], True)
    with pytest.raises(StoreClosedError):
        store.answers("ana")
    store.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_is_told_to_open_its_own_store(writer: Writer) -> None:
    writer.run(add_learner("ana"))  # the thread runs in this process
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: on purpose
        child = os.fork()
    if child == 0:  # the child reports instead of hanging on a writer it does not have
        try:
            writer.run(add_learner("bob"))
            message = b"wrote"
        except RuntimeError as error:
            message = str(error).encode()
        os.write(write, message)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode()
    os.waitpid(child, 0)
    assert "open the store in each process" in said


def test_two_writers_on_one_database_lose_and_duplicate_nothing(database_url: str) -> None:
    # Two server processes: each its own writer, batching answers for the same learners in
    # different orders (row locks on PostgreSQL, the file lock on SQLite).
    with Store.open(database_url) as one, Store.open(database_url) as two:

        def answer(worker: int) -> list[int]:
            store = (one, two)[worker % 2]
            learners = [f"learner-{(worker + i) % 6}" for i in range(6)]
            return [
                store.record_answer(learner, "lesson", "node", "q", ["a"], True).id
                for learner in (learners if worker % 3 else learners[::-1]) * 2
            ]

        with ThreadPoolExecutor(max_workers=24) as pool:
            acked = [i for ids in pool.map(answer, range(24)) for i in ids]

        stored = [a for n in range(6) for a in one.answers(f"learner-{n}")]
        assert sorted(acked) == sorted(a.id for a in stored)
        assert len(acked) == 24 * 12
        for n in range(6):
            attempts = sorted(a.attempt for a in two.answers(f"learner-{n}"))
            assert attempts == list(range(1, 24 * 2 + 1))
        assert one.writer_stats.largest_batch > 1 or two.writer_stats.largest_batch > 1


def test_a_deadlock_between_two_servers_batches_fails_no_one(database_url: str) -> None:
    # PostgreSQL: writer A locks learner x then wants y, writer B locks y then wants x. The
    # server aborts one of them; that batch is redone and every write is acked and stored.
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's BEGIN IMMEDIATE lets only one writer in: no deadlock to break")
    engines = [create_engine(normalize_url(database_url)) for _ in range(2)]
    upgrade(engines[0])
    writers = [Writer(engine) for engine in engines]
    writers[0].run(add_learner("x"))
    writers[0].run(add_learner("y"))
    both_locked = threading.Barrier(2, timeout=10)
    first_run = {"x": True, "y": True}
    runs: list[str] = []

    def lock_then_meet(learner_id: str) -> Job:
        def work(connection: Connection) -> str:
            assert lock(connection, learner_id)
            if first_run[learner_id]:  # a redone batch must not wait for the other again
                first_run[learner_id] = False
                both_locked.wait()
            return learner_id

        return work

    def lock_and_log(learner_id: str) -> Job:
        def work(connection: Connection) -> str:
            runs.append(learner_id)
            assert lock(connection, learner_id)
            connection.execute(
                sa.insert(review_logs).values(
                    learner_id=learner_id, item_kind="term", item_id="t", rating=3, reviewed_at=T0
                )
            )
            return learner_id

        return work

    try:
        with held(writers[0]) as queue_a, held(writers[1]) as queue_b:
            a = queue_a([lock_then_meet("x"), lock_and_log("y")])
            b = queue_b([lock_then_meet("y"), lock_and_log("x")])
        assert [f.result(timeout=30) for f in a + b] == ["x", "y", "y", "x"]
        with engines[0].connect() as connection:
            logged = connection.execute(sa.select(review_logs.c.learner_id)).scalars().all()
        assert sorted(logged) == ["x", "y"]
        assert len(runs) > 2  # a deadlock's victim (PostgreSQL may pick both) ran again
    finally:
        for writer in writers:
            writer.close()
        for engine in engines:
            engine.dispose()
