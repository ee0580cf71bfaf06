"""``aula serve``: check the course, open the database, and serve the lessons with granian."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import tempfile
from pathlib import Path

import click

from aula.content import check_course
from aula.settings import Settings, SettingsError, describe, from_process
from aula.store import Store

# ``aula.web`` (and prometheus-client with it) is imported only once PROMETHEUS_MULTIPROC_DIR
# is set (``_metrics_folder``): prometheus-client picks how it counts when first imported,
# and granian's workers, forked from this process, keep what was picked here.
METRICS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def _help_settings(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    for name, default, help_text in describe():
        click.echo(f"{name:16} {help_text} (default {default}; env AULA_{name.upper()})")
    ctx.exit()


@click.command(name="serve")
@click.argument("course_path", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8000).")
@click.option("--db", "db", help="SQLite file or postgresql://… URL (or set AULA_DATABASE_URL).")
@click.option(
    "--setting",
    "-s",
    "extra",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="Any setting; see --help-settings.",
)
@click.option(
    "--help-settings",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_help_settings,
    help="List every setting with its default.",
)
@click.option("--reload", is_flag=True, help="Development: restart on code changes (uvicorn).")
def serve(
    course_path: Path | None,
    host: str | None,
    port: int | None,
    db: str | None,
    extra: tuple[tuple[str, str], ...],
    reload: bool,
) -> None:
    """Serve a course (default: the built-in one) at http://127.0.0.1:8000."""
    overrides = dict(extra)
    for name, value in (
        ("course", course_path),
        ("host", host),
        ("port", port),
        ("database_url", db),
    ):
        if value is not None:
            overrides[name] = str(value)
    try:
        settings = from_process(overrides)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    _port_free(settings.host, settings.port)
    made = _metrics_folder()
    try:
        _check_and_run(settings, overrides, reload)
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


def _check_and_run(settings: Settings, overrides: dict[str, str], reload: bool) -> None:
    from aula.web.asgi import OVERRIDES_VARIABLE, data_dir, database_url, shared_secret

    try:
        shared_secret(settings)  # a missing or short key file stops the start here
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    report = check_course(settings.course)
    for finding in report.findings:
        click.echo(str(finding), err=True)
    if not report.ok or report.course is None:
        raise click.ClickException("the course has problems; fix them and start again")
    with Store.open(database_url(settings)) as store:  # migrates before any worker starts
        where = store.sqlite_path or store.url
        click.echo(f"Progress is saved in {where} ({store.engine_name})")
    data_dir(settings)
    url = f"http://{settings.host}:{settings.port}/"
    click.echo(f"Serving “{report.course.title}” at {url}  (Ctrl+C to stop)")
    os.environ[OVERRIDES_VARIABLE] = json.dumps(overrides)
    _run(settings.host, settings.port, settings.workers, settings.connections, reload)


def _metrics_folder() -> Path | None:
    """Where this server's processes keep their metrics (prometheus-client's multiprocess
    mode), so that ``/metrics`` in any worker reports them all. The operator's
    ``PROMETHEUS_MULTIPROC_DIR`` is emptied of the last run's counts; else a new folder is
    made, and returned to be removed at exit."""
    given = os.environ.get(METRICS_VARIABLE, "").strip()
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink(missing_ok=True)
        return None
    folder = Path(tempfile.mkdtemp(prefix="aula-metrics-"))
    os.environ[METRICS_VARIABLE] = str(folder)
    return folder


# Seconds granian waits for a worker to stop before killing it: a net for a stop that reaches a
# worker in the instant between its fork and ``granian_worker_app`` (see there), and for a
# request stuck longer than this (an instructor question to a slow model) at shutdown.
WORKERS_KILL_TIMEOUT = 10

LISTEN_BACKLOG = 4096
"""Connections the kernel queues before the server accepts them (Linux caps it at
``net.core.somaxconn``, 4096 by default)."""


def _port_free(host: str, port: int) -> None:
    """Stop unless the address is free. Granian binds with SO_REUSEPORT, so on a port already
    served it would start anyway and the kernel would split requests between the two."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}: {exc.strerror or exc}") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # SO_REUSEADDR: a port left in TIME_WAIT by a stopped server counts as free; one that
        # something listens on does not (that would need SO_REUSEPORT).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)  # no SO_REUSEPORT: fails if anything listens there
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is already in use (another Aula?): stop it, or "
                    "choose another port with --port"
                ) from None
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _run(host: str, port: int, workers: int, connections: int, reload: bool) -> None:
    if reload:
        import uvicorn

        uvicorn.run(
            "aula.web.asgi:app_from_environment",
            factory=True,
            host=host,
            port=port,
            reload=True,
            # Templates are not re-read while serving (aula.py): a change restarts instead.
            reload_includes=["*.py", "*.html"],
        )
        return
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "aula.web.asgi:granian_worker_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        log_access=False,
        workers_kill_timeout=WORKERS_KILL_TIMEOUT,
        # Granian counts *connections*, idle keep-alive ones included, against its
        # backpressure, whose default is backlog / workers (1024 / 2 = 512 a process): with
        # 1,000 learners' connections plus those a client re-opens after a timeout, the
        # 1,025th connection waited unaccepted until another closed, and its first request
        # (GET /api/session) timed out (bench/load.py, issue 11). Each process may hold
        # ``connections``, whatever the number of workers.
        backlog=min(connections, LISTEN_BACKLOG),
        backpressure=connections,
    ).serve()
