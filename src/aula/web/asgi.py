"""Building the app from settings: what ``aula serve`` runs in each server process."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from starlette.applications import Starlette

from aula.content import load_course
from aula.instructor import Instructor
from aula.settings import Settings, SettingsError, from_process
from aula.store import Store, default_sqlite_path
from aula.web.app import Aula, create_app
from aula.web.identity import MIN_SECRET_LENGTH, Identity, load_or_create_secret

OVERRIDES_VARIABLE = "AULA_SETTINGS_JSON"


def data_dir(settings: Settings) -> Path:
    if settings.data_dir is not None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return settings.data_dir
    return default_sqlite_path().parent


def database_url(settings: Settings) -> str:
    return settings.database_url or str(data_dir(settings) / "aula.db")


def secret_dir(settings: Settings) -> Path:
    """Where ``secret.key`` lives: the data folder the server really uses. That is
    ``data_dir`` when set, else the folder of a SQLite ``--db`` file, else the default."""
    if settings.data_dir is None and settings.database_url:
        url = settings.database_url
        if "://" not in url and url != ":memory:":
            return Path(url).expanduser().resolve().parent
        if url.startswith("sqlite:///") and not url.endswith(":memory:"):
            return Path(url.removeprefix("sqlite:///")).expanduser().resolve().parent
    return data_dir(settings)


def shared_secret(settings: Settings) -> str | None:
    """The key in ``secret_key_file`` (several servers, one key), or None when not set.

    Never made up: a server that signed with a key of its own would sign its learners out of
    every other server, so a missing, unreadable or short file stops the start."""
    path = settings.secret_key_file
    if path is None:
        return None
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"setting 'secret_key_file': cannot read {path} ({exc})") from None
    if len(key) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"setting 'secret_key_file': the key in {path} is shorter than "
            f"{MIN_SECRET_LENGTH} characters (make one with: python3 -c "
            "'import secrets; print(secrets.token_urlsafe(48))')"
        )
    return key


def identity(settings: Settings) -> Identity:
    """The cookie signer: the configured key or the kept one, older keys, lifetime, proxies."""
    secret = (
        (settings.secret_key or "").strip()
        or shared_secret(settings)
        or load_or_create_secret(secret_dir(settings))
    )
    previous = (settings.previous_secret_keys or "").split(",")
    return Identity(
        secret,
        secure_cookie=settings.cookie_secure,
        max_age=settings.cookie_max_age_days * 24 * 3600,
        previous=[k.strip() for k in previous if k.strip()],
        trusted_proxies=settings.trusted_proxies,
    )


def build_app(settings: Settings) -> Starlette:
    """Load the course (snippet output from the cache), open the store, index the course for
    the instructor, make the app."""
    course = load_course(settings.course)
    store = Store.open(database_url(settings), pool_size=settings.db_pool_size)
    # Index now, not on the first question; optional embeddings fill in in the background.
    instructor = Instructor.for_course(course, settings=settings.instructor(), background=True)
    aula = Aula(settings, course, store, identity(settings), instructor)
    aula.lti_keys.ensure()  # the JWKS an LMS fetches is there before it asks (a GET writes nothing)
    return create_app(aula, owns_store=True)


def app_from_environment() -> Starlette:
    """The factory granian calls in each worker: settings come from the serving command."""
    overrides = json.loads(os.environ.get(OVERRIDES_VARIABLE, "{}"))
    return build_app(from_process(overrides))


def granian_worker_app() -> Starlette:
    """The factory each granian worker calls: ``app_from_environment`` with a stop that works
    while the worker is still loading.

    Granian forks its workers from the main process, so a worker starts with the main
    process's Python SIGTERM handler, which only raises a flag in the main process's copy of
    the server: a SIGTERM sent while the worker loads the course and the index (a second or
    two) was lost, the worker went on to serve, and the main process waited on it forever.
    With the default action back, a stop during loading ends the worker at once; granian sets
    the worker's own handlers when this returns and it starts serving.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    return app_from_environment()
