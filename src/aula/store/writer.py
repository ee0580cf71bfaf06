"""Group commit: one writer thread per store, the writes that arrive together in one commit.

Every write the store makes is a *job*: a function of a connection, run by the writer thread.
The thread takes whatever jobs are waiting (while it commits one batch, the next one queues),
runs them in one transaction, commits once (one fsync on SQLite), and only then hands each
caller its result. If a job raises, that transaction is rolled back and the batch is run
again with a savepoint around each job: the failing job rolls back alone, the others commit,
and the failing one is then run once more by itself, so its error is its own and never a
neighbour's. If the batch as a whole fails (a lost connection, a lock held too long by
another process, a failed commit, SQLite ending the transaction on an I/O error) nothing in
it was acked, and every job is run again alone, one transaction each, as if there had been
no batching.

A job must only touch the connection it is given: it may run twice (only one run is ever
committed), and it must not call the store itself (it runs on the writer thread).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection, Engine

from .engine import WRITE

T = TypeVar("T")

MAX_BATCH = 256
"""At most this many jobs per transaction, so one commit never waits on a huge batch."""


class StoreClosedError(RuntimeError):
    """The store was used after ``close()``."""


@dataclass(frozen=True, slots=True)
class _Job(Generic[T]):
    work: Callable[[Connection], T]
    future: Future[T]


class _JobFailed(Exception):
    """A job raised in a batch run without savepoints: the batch is run again with them."""


_STOP = object()
"""Queued by ``close()`` after the last job; the thread finishes what precedes it, then ends."""


@dataclass(slots=True)
class WriterStats:
    """What the writer has done: jobs taken, transactions committed, the largest batch,
    jobs run again alone after failing in a batch."""

    jobs: int = 0
    commits: int = 0
    largest_batch: int = 0
    retried_alone: int = 0


class Writer:
    """Runs write jobs on one thread, many jobs per transaction; ``run`` blocks until durable."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._engine = engine
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job[Any] | object] = queue.SimpleQueue()
        self._lock = threading.Lock()  # guards _closed and _thread, and orders _STOP last
        self._closed = False
        self._thread: threading.Thread | None = None
        self._pid = 0
        self.stats = WriterStats()
        self.on_batch: Callable[[int], None] | None = None
        """Called on the writer thread with the size of each batch taken (for metrics)."""

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def running(self) -> bool:
        """Whether the writer thread is alive (it starts on the first write)."""
        return self._thread is not None and self._thread.is_alive()

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a write transaction; return its result once committed (durable).

        Raises what ``work`` raised (nothing of it is stored then), the database's error if
        the commit failed, or ``StoreClosedError`` after ``close()``.
        """
        return self.submit(work).result()

    def submit(self, work: Callable[[Connection], T]) -> Future[T]:
        """Queue ``work`` without waiting: the future resolves once its batch is committed
        (for writes whose caller need not wait, such as a cache)."""
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise StoreClosedError("the store is closed; open it again to write")
            if self._thread is None:
                # Started on the first write, in the process that writes (not before a fork).
                self._thread = threading.Thread(target=self._loop, name="aula-writer", daemon=True)
                self._thread.start()
                self._pid = os.getpid()
            elif self._pid != os.getpid():
                raise RuntimeError(
                    "this store's writer runs in the process that forked this one: "
                    "open the store in each process"
                )
            elif threading.current_thread() is self._thread:
                raise RuntimeError("a write job cannot call the store: it would wait on itself")
            self._queue.put(_Job(work, future))
        return future

    def pending(self) -> int:
        """Jobs queued and not yet taken by the thread (approximate; for tests and metrics)."""
        return self._queue.qsize()

    def close(self) -> None:
        """Refuse new jobs, finish the queued ones, stop the thread. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            if thread is not None:
                self._queue.put(_STOP)
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    # The writer thread

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            stop = item is _STOP
            jobs: list[_Job[Any]] = []
            while not stop:
                # A future cancelled through ``submit`` is dropped; the others cannot be
                # cancelled from here on, so each gets exactly one outcome.
                if isinstance(item, _Job) and item.future.set_running_or_notify_cancel():
                    jobs.append(item)
                if len(jobs) >= self._max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                stop = item is _STOP
            if jobs:
                try:
                    self._write(jobs)
                except BaseException as error:  # a job raised SystemExit…: answer, carry on
                    for job in jobs:
                        if not job.future.done():
                            job.future.set_exception(error)
            if stop:
                return

    def _write(self, jobs: list[_Job[Any]]) -> None:
        self.stats.jobs += len(jobs)
        self.stats.largest_batch = max(self.stats.largest_batch, len(jobs))
        if self.on_batch is not None:
            self.on_batch(len(jobs))
        if len(jobs) == 1:
            self._alone(jobs[0])
            return
        try:
            outcomes = self._together(jobs)
        except Exception:
            # Nothing of the batch is committed and nobody was answered: go one by one.
            self.stats.retried_alone += len(jobs)
            for job in jobs:
                self._alone(job)
            return
        failed = []
        for job, (ok, value) in zip(jobs, outcomes, strict=True):
            if ok:
                job.future.set_result(value)
            else:
                failed.append(job)
        self.stats.retried_alone += len(failed)
        for job in failed:
            self._alone(job)

    def _together(self, jobs: list[_Job[Any]]) -> list[tuple[bool, Any]]:
        """Run the jobs in one transaction and commit it.

        Returns ``(True, result)`` per job kept, ``(False, None)`` per job rolled back; raises
        if the transaction itself failed, in which case nothing was committed. First without
        savepoints (two statements fewer per job); if a job fails, the whole transaction is
        rolled back and the batch is run again with a savepoint around each job.
        """
        try:
            return self._commit(jobs, savepoints=False)
        except _JobFailed:
            return self._commit(jobs, savepoints=True)

    def _commit(self, jobs: list[_Job[Any]], *, savepoints: bool) -> list[tuple[bool, Any]]:
        outcomes: list[tuple[bool, Any]] = []
        with self._engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            with connection.begin():
                for job in jobs:
                    if not savepoints:
                        try:
                            outcomes.append((True, job.work(connection)))
                        except Exception as error:
                            raise _JobFailed from error
                        continue
                    savepoint = connection.begin_nested()
                    try:
                        value = job.work(connection)
                    except Exception:
                        savepoint.rollback()  # raises if the transaction is gone
                        _check_still_open(connection)
                        outcomes.append((False, None))
                    else:
                        savepoint.commit()
                        outcomes.append((True, value))
            self.stats.commits += 1
        return outcomes

    def _alone(self, job: _Job[Any]) -> None:
        try:
            with self._engine.connect() as connection:
                connection.execution_options(**{WRITE: True})
                with connection.begin():
                    value = job.work(connection)
                self.stats.commits += 1
        except Exception as error:
            job.future.set_exception(error)
        else:
            job.future.set_result(value)


def _check_still_open(connection: Connection) -> None:
    """SQLite rolls the whole transaction back on some errors (a full disk, an I/O error);
    the jobs already run in it are then lost and the batch must be redone."""
    dbapi = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and not getattr(dbapi, "in_transaction", True):
        raise RuntimeError("SQLite ended the transaction after an error")
